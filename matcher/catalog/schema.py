"""The catalog file's SQL: its tables, the statements that fill and search them, and how
a reader connects. The reasons for the layout are in store.py's docstring."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from matcher.catalog import grams
from matcher.catalog import words as word_df
from matcher.catalog.rows import COLUMNS

__all__ = [
    "ADD_FILE_SIZE", "CACHE_KB", "FTS_UPSERT", "HOLDING", "META", "MMAP_BYTES", "PROBE",
    "SCHEMA", "SCHEMA_VERSION", "SIZELESS_VIEW",
    "SEARCH", "SELECT", "T_COLUMNS", "UNRANKED", "UPSERT", "connect_readonly",
]  # fmt: skip

SCHEMA_VERSION = 4
_BM25 = "10.0, 5.0, 1.0"  # bm25's weights of title, artists, mix
_WEIGHTS = f"bm25({_BM25})"  # the index's rank (as older readers ask it)

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tracks (
    rowid INTEGER PRIMARY KEY,
    catalog_id TEXT UNIQUE NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    mix TEXT NOT NULL DEFAULT '',
    artists TEXT NOT NULL DEFAULT '',
    remixers TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL DEFAULT '',
    release TEXT NOT NULL DEFAULT '',
    release_date TEXT NOT NULL DEFAULT '',
    bpm REAL,
    key TEXT NOT NULL DEFAULT '',
    genre TEXT NOT NULL DEFAULT '',
    duration_s REAL,
    isrc TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    file_size INTEGER
);
CREATE INDEX IF NOT EXISTS tracks_isrc ON tracks(isrc) WHERE isrc != '';
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, artists, mix, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO fts(fts, rank) VALUES ('rank', '{_WEIGHTS}');
CREATE VIRTUAL TABLE IF NOT EXISTS fts_vocab USING fts5vocab(fts, 'row');
{grams.SCHEMA}
{word_df.SCHEMA}"""
SELECT = f"SELECT {COLUMNS} FROM tracks"
UPSERT = (
    f"INSERT INTO tracks ({COLUMNS}, source) VALUES ({', '.join('?' * (COLUMNS.count(',') + 2))}) "
    "ON CONFLICT(catalog_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in [*COLUMNS.split(", ")[1:], "source"])
)
FTS_UPSERT = (
    "INSERT OR REPLACE INTO fts (rowid, title, artists, mix) "
    "SELECT rowid, ?, ?, ? FROM tracks WHERE catalog_id = ?"
)
# The best `?` rows by bm25, ties by rowid, then their tracks. bm25 is asked for by name
# and sorted by SQLite: for ORDER BY rank, FTS5 prepares an SQL statement of its own
# on every query to sort with. A coroutine, not a join driven by the FTS table, reads the
# tracks of the rows kept only. At a million rows the old form took 13 % longer; the rows
# and their order were the same over 1,300 logged queries (devset and padded).
T_COLUMNS = ", ".join("t." + c for c in COLUMNS.split(", "))
SEARCH = (
    f"SELECT {T_COLUMNS} FROM (SELECT rowid AS r, bm25(fts, {_BM25}) AS s FROM fts "
    "WHERE fts MATCH ? ORDER BY s, r LIMIT ?) AS q "
    "CROSS JOIN tracks AS t ON t.rowid = q.r ORDER BY q.s, q.r"
)
UNRANKED = (
    f"SELECT {T_COLUMNS} FROM fts JOIN tracks AS t ON t.rowid = fts.rowid WHERE fts MATCH ? LIMIT ?"
)
PROBE = "SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 1"
HOLDING = "SELECT rowid, title, artists FROM fts WHERE fts MATCH ? LIMIT ?"  # the words held
META = "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"
# Schema 4 added the file's size (identity by file name and size). An older catalog gains
# the column when opened for writing; a reader of one it may not write sees the column
# through a view in its own temporary schema, empty.
ADD_FILE_SIZE = "ALTER TABLE tracks ADD COLUMN file_size INTEGER"
SIZELESS_VIEW = (
    "CREATE TEMP VIEW tracks AS SELECT rowid AS rowid, *, NULL AS file_size FROM main.tracks"
)
# A reader's memory, per process, whatever the catalog's size: SQLite's page cache, and
# no memory map. Pages read through a map count in the process's resident memory, up to
# the map's size (a 256 MB map put 250 MB on each worker with a million-row catalog), and
# reading through the OS cache instead costs no measurable time (4,000 entries against a
# million rows: 8.5 s unmapped, 8.7 s with 256 MB mapped). 32 MB rather than 8: against a
# million rows an 8 MB cache sent a worker to the kernel for index pages again and again
# (3,000 entries: 0.52 s of system time against 0.18 s, 3.9 s against 3.7 s in all).
CACHE_KB = 32_768
MMAP_BYTES = 0


def connect_readonly(path: Path) -> sqlite3.Connection:
    """`mode=ro` URI; if the db is in a folder we cannot write (no -shm possible) and no
    writer has left a WAL behind, `immutable=1` is the only way SQLite will read it.

    A file that only starts like SQLite (junk after the magic, a file picked by mistake)
    is first asked with `immutable=1`, which never opens side files: SQLite opens the -wal
    and -shm of a file whose header says WAL before it checks the rest of that header, so
    even a read-only open left both beside the user's file (1 random header in 256)."""
    uri = path.resolve().as_uri()
    if not _plausible_header(path):  # SQLite's own verdict, without files beside it
        probe = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True)
        try:
            probe.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # raises, or reads
        finally:
            probe.close()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None,
                           check_same_thread=False)  # fmt: skip
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.OperationalError:
        conn.close()
        if Path(f"{path}-wal").exists():
            raise
        conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None,
                               check_same_thread=False)  # fmt: skip
    return conn


def _plausible_header(path: Path) -> bool:
    """Whether the file's first 100 bytes pass the checks SQLite makes of a database
    header (its file format: payload fractions 64/32/32, a known read version, a page size
    of 512 to 65536 that is a power of two); an unreadable file is SQLite's to report."""
    try:
        with path.open("rb") as handle:
            head = handle.read(100)
    except OSError:
        return True
    if len(head) < 100:
        return False
    size = 65536 if head[16:18] == b"\x00\x01" else int.from_bytes(head[16:18], "big")
    return (
        head[19] in (1, 2)
        and head[21:24] == b"\x40\x20\x20"
        and 512 <= size <= 65536
        and size & (size - 1) == 0
        and size - head[20] >= 480
    )
