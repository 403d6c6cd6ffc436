"""The journal file: its schema, how it is opened, and what its failures mean.

    batches    one row per batch: state, the config and inputs as JSON, done/total
    playlists  one row per (batch, playlist_id): the file, its content hash, done/total
    results    one row per (batch, playlist_id, entry_index): status, catalog_id and
               confidence as columns for queries, the whole MatchResult as a blob
               (matcher.engine.serialize, which never runs code from the file)

Durability: WAL with synchronous=NORMAL. A commit is in the WAL file (the OS's page
cache) when a write returns, so killing the process loses nothing committed; only a
power cut can lose the last commits, never corrupt earlier ones. The file is marked with
`PRAGMA application_id` and versioned with `PRAGMA user_version`; a file that is not a
journal, is damaged or comes from a newer CrateMatch raises JournalError, and
`rebuild_journal` moves it aside for a fresh one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from matcher.errors import JournalError, StoreDamaged
from matcher.paths import data_dir
from matcher.sqlite_aside import move_aside
from matcher.sqlite_wal import use_wal

__all__ = [
    "SCHEMA_VERSION",
    "JournalDamaged",
    "connect",
    "default_journal_path",
    "error_of",
    "rebuild_journal",
]

SCHEMA_VERSION = 1
APPLICATION_ID = 0x43724D4A  # "CrMJ": tells a journal from any other SQLite file
_BUSY_MS = 5000
_WAL_LIMIT = 32 * 1024 * 1024  # bytes the WAL file is cut back to after a checkpoint

_SCHEMA = """
CREATE TABLE batches (
    batch_id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL,
    state TEXT NOT NULL, config TEXT NOT NULL, inputs TEXT NOT NULL, out_dir TEXT NOT NULL,
    total INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '');
CREATE INDEX batches_created ON batches(created);
CREATE TABLE playlists (
    batch_id TEXT NOT NULL, playlist_id INTEGER NOT NULL, file TEXT NOT NULL,
    source TEXT NOT NULL, name TEXT NOT NULL, format TEXT NOT NULL, total INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0, content_hash TEXT NOT NULL DEFAULT '',
    finished INTEGER NOT NULL DEFAULT 0, out_dir TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (batch_id, playlist_id)) WITHOUT ROWID;
CREATE TABLE results (
    batch_id TEXT NOT NULL, playlist_id INTEGER NOT NULL, entry_index INTEGER NOT NULL,
    status TEXT NOT NULL, catalog_id TEXT NOT NULL, confidence REAL NOT NULL,
    data BLOB NOT NULL);
CREATE UNIQUE INDEX results_key ON results(batch_id, playlist_id, entry_index);
CREATE INDEX results_status ON results(batch_id, playlist_id, status);
"""


class JournalDamaged(StoreDamaged, JournalError):
    """The journal file is damaged or is not a journal; `rebuild_journal` moves it aside."""

    damaged_store = "journal"


def default_journal_path() -> Path:
    return data_dir() / "journal.sqlite"


def connect(path: Path, readonly: bool) -> sqlite3.Connection:
    """A connection to the journal at `path` (created unless `readonly`); JournalError
    (JournalDamaged for a damaged file or one that is not a journal) if it is unusable."""
    if readonly and not path.exists():
        raise JournalError(f"no journal at {path}")
    if path.is_dir():
        raise JournalError(f"journal path is a folder, not a database: {path}")
    conn: sqlite3.Connection | None = None
    try:
        if readonly:
            uri = f"{path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None,
                                   check_same_thread=False)  # fmt: skip
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
        _prepare(conn, path, readonly)
    except (sqlite3.Error, JournalError, OSError) as err:
        if conn is not None:
            conn.close()
        if isinstance(err, JournalError):
            raise
        raise error_of(err, path) from None
    return conn


def rebuild_journal(path: Path | None = None) -> Path:
    """Move an unusable journal (and its -wal/-shm) aside, create a fresh one, and
    return where the old file went (`<name>.corrupt-<timestamp>`)."""
    path = Path(path) if path is not None else default_journal_path()
    try:
        aside = move_aside(path)
    except OSError as err:
        raise JournalError(f"cannot move the journal aside: {err.strerror}") from None
    connect(path, readonly=False).close()
    return aside


def _prepare(conn: sqlite3.Connection, path: Path, readonly: bool) -> None:
    """Check the file is a journal this version can read; create the schema if empty."""
    if not readonly:
        use_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA journal_size_limit = {_WAL_LIMIT}")
    if _check_version(conn, path):
        return
    if readonly:
        raise JournalError(f"not a CrateMatch journal (empty database): {path}")
    conn.execute("BEGIN IMMEDIATE")
    try:
        if not _check_version(conn, path):  # another process may have just created it
            for statement in _SCHEMA.split(";\n"):  # executescript would COMMIT first
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _check_version(conn: sqlite3.Connection, path: Path) -> bool:
    """True for a journal of our schema, False for an empty database, else JournalError."""
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise JournalError(
                f"journal {path} was written by a newer CrateMatch (schema {version}, "
                f"this version reads {SCHEMA_VERSION})"
            )
        if version == SCHEMA_VERSION:
            return True
        raise JournalError(f"journal {path} has an unknown schema version {version}")
    if app == 0 and conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0:
        return False
    raise JournalDamaged(f"not a CrateMatch journal: {path}", path)


_PROBLEMS = {
    "SQLITE_NOTADB": "journal is damaged or not a database",
    "SQLITE_CORRUPT": "journal is damaged",
    "SQLITE_BUSY": "journal is busy (another CrateMatch is writing it)",
    "SQLITE_LOCKED": "journal is busy (another CrateMatch is writing it)",
    "SQLITE_CANTOPEN": "cannot open journal",
    "SQLITE_FULL": "disk full while writing the journal",
    "SQLITE_READONLY": "journal cannot be written (read-only file or folder)",
    "SQLITE_IOERR": "input/output error on the journal",
    "SQLITE_PERM": "no permission to open the journal",
}


def error_of(err: Exception, path: Path) -> JournalError:
    """The typed error for a failure on the journal: JournalDamaged when the file itself
    is unusable (moving it aside with `Journal.rebuild` is the way out)."""
    name = getattr(err, "sqlite_errorname", "") or ""
    message = _describe(err, path)
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return JournalDamaged(message, path)
    return JournalError(message)


def _describe(err: Exception, path: Path) -> str:
    if isinstance(err, OSError):
        return f"cannot open journal {path}: {err.strerror or err}"
    name = getattr(err, "sqlite_errorname", "") or ""
    problem = next((text for code, text in _PROBLEMS.items() if name.startswith(code)), None)
    if problem is None:
        return f"journal error ({err}): {path}"
    return f"{problem}: {path}"
