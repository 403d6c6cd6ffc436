"""The local catalog: one SQLite file with an FTS5 index the matcher searches.

    tracks  one row per catalog track, keyed by `catalog_id` (rowid stays stable on update)
    fts     FTS5 over FOLDED text, rowid = tracks.rowid:
              title    fold(title without its version suffix)
              artists  fold(artists + remixers)
              mix      fold(mix + the version split off the title)
    meta    key/value: schema version and import records

The FTS table keeps its own copy of the folded text (a few MB for 30k rows) rather than
being external-content or contentless: folded text is computed in Python, so SQLite could
not rebuild it from `tracks`, and a plain FTS5 table can be updated with INSERT OR REPLACE
by rowid without knowing the old values. Writers use WAL; when the last writer closes the
file goes back to a rollback journal, so read-only openers (several processes, each its own
`mode=ro` connection) need no -wal/-shm files and work from read-only folders too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from types import TracebackType

from matcher.catalog.damaged import catalog_error
from matcher.errors import CatalogError
from matcher.matching.text import fold
from matcher.matching.versions import split_version
from matcher.model import CatalogTrack

__all__ = ["SCHEMA_VERSION", "CatalogStore", "folded_fields", "normalise_isrc"]

SCHEMA_VERSION = 1
_BATCH = 4000  # rows per write transaction
_WEIGHTS = "bm25(10.0, 5.0, 1.0)"  # title, artists, mix

_SCHEMA = f"""
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
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS tracks_isrc ON tracks(isrc) WHERE isrc != '';
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, artists, mix, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO fts(fts, rank) VALUES ('rank', '{_WEIGHTS}');
CREATE VIRTUAL TABLE IF NOT EXISTS fts_vocab USING fts5vocab(fts, 'row');
"""

_COLUMNS = (
    "catalog_id, title, mix, artists, remixers, label, release, release_date, bpm, key, "
    "genre, duration_s, isrc, location"
)
_SELECT = f"SELECT {_COLUMNS} FROM tracks"
_UPSERT = (
    f"INSERT INTO tracks ({_COLUMNS}, source) VALUES ({', '.join('?' * 15)}) "
    "ON CONFLICT(catalog_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in [*_COLUMNS.split(", ")[1:], "source"])
)
_FTS_UPSERT = (
    "INSERT OR REPLACE INTO fts (rowid, title, artists, mix) "
    "SELECT rowid, ?, ?, ? FROM tracks WHERE catalog_id = ?"
)
# Driven by the FTS table, which returns rows already in rank order (FTS5 sorts inside the
# virtual table for ORDER BY rank); a subquery instead would be materialised and re-sorted,
# twice as slow.
_SEARCH = (
    f"SELECT {', '.join('t.' + c for c in _COLUMNS.split(', '))} "
    "FROM fts JOIN tracks AS t ON t.rowid = fts.rowid "
    "WHERE fts MATCH ? ORDER BY fts.rank LIMIT ?"
)


def normalise_isrc(isrc: str) -> str:
    """ISRCs are written with dashes, spaces and any case; compare them bare and upper."""
    return isrc.replace("-", "").replace(" ", "").strip().upper()


def _split_names(joined: str) -> tuple[str, ...]:
    return tuple(name for name in joined.split(", ") if name) if joined else ()


def _track(row: tuple) -> CatalogTrack:
    (cid, title, mix, artists, remixers, label, release, date, bpm, key, genre, dur, isrc,
     location) = row  # fmt: skip
    return CatalogTrack(
        catalog_id=cid,
        title=title,
        mix=mix,
        artists=_split_names(artists),
        remixers=_split_names(remixers),
        label=label,
        release=release,
        release_date=date,
        bpm=bpm,
        key=key,
        genre=genre,
        duration_s=dur,
        isrc=isrc,
        location=location,
    )


def folded_fields(track: CatalogTrack) -> tuple[str, str, str]:
    """The (title, artists, mix) text the FTS index holds for a track."""
    core, version = split_version(track.title)
    mix = fold(track.mix)
    extra = fold(version)
    if extra and extra != mix:
        mix = f"{mix} {extra}" if mix else extra
    return fold(core), fold(" ".join(track.artists + track.remixers)), mix


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


class CatalogStore:
    """A connection to one catalog file. Open one per process; close it (or use `with`)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self._conn = conn
        self._numeric_ids: bool | None = None

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False) -> CatalogStore:
        """Open (and when writable and new, create) the catalog at `path`."""
        path = Path(path)
        if readonly and not path.is_file():
            raise CatalogError(f"catalog not found: {path}")
        if path.is_dir():
            raise CatalogError(f"catalog path is a folder, not a database: {path}")
        conn: sqlite3.Connection | None = None
        try:
            if readonly:
                conn = _connect_readonly(path)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            store = cls(path, conn, readonly)
            store._prepare()
        except (sqlite3.Error, CatalogError, OSError) as err:
            if conn is not None:
                conn.close()
            if isinstance(err, CatalogError):
                raise
            if isinstance(err, OSError):
                raise CatalogError(f"cannot create catalog {path}: {err.strerror}") from None
            raise catalog_error(err, path, _describe(err, path)) from None
        return store

    def _prepare(self) -> None:
        conn = self._conn
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        ours = {"tracks", "fts", "meta"} <= tables
        if not ours and (self.readonly or tables):
            raise CatalogError(f"not a CrateMatch catalog (no catalog tables): {self.path}")
        if self.readonly:
            conn.execute("PRAGMA query_only = 1")
            conn.execute("PRAGMA cache_size = -16384")
            conn.execute("PRAGMA mmap_size = 268435456")
        else:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -65536")
            if not ours:
                conn.executescript(f"BEGIN; {_SCHEMA} COMMIT;")
                self.set_meta("schema_version", str(SCHEMA_VERSION))
        version = self.meta("schema_version")
        if version is None or not version.isdigit():
            raise CatalogError(f"not a CrateMatch catalog (no schema version): {self.path}")
        if int(version) > SCHEMA_VERSION:
            raise CatalogError(
                f"catalog {self.path} was written by a newer CrateMatch (schema {version})"
            )

    def close(self) -> None:
        """Close; a writer folds the WAL back into the file so readers need no -shm."""
        conn = self._conn
        if conn is None:
            return
        self._conn = None  # type: ignore[assignment]
        if not self.readonly:
            try:
                conn.execute("PRAGMA busy_timeout = 0")  # never wait on open readers
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.execute("PRAGMA journal_mode = DELETE")
            except sqlite3.Error:
                pass  # another connection still has it open: it stays in WAL, still readable
        conn.close()

    def __enter__(self) -> CatalogStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------

    def upsert_many(self, tracks: Iterable[CatalogTrack], *, source: str = "") -> int:
        """Insert or update tracks by catalog_id, a few thousand per transaction."""
        self._writable()
        written = 0
        rows = iter(tracks)
        while batch := list(islice(rows, _BATCH)):
            track_rows = [_row(t, source) for t in batch]
            fts_rows = [(*folded_fields(t), t.catalog_id) for t in batch]
            self._write(track_rows, fts_rows)
            written += len(batch)
        self._numeric_ids = None
        return written

    def optimize(self) -> None:
        """Merge the FTS index into one segment: searches get about 2-3x faster. Run once
        after a bulk import (some 30 ms for 30k rows), not after every batch."""
        self._writable()
        self._run("INSERT INTO fts(fts) VALUES ('optimize')")
        self._run("PRAGMA optimize")

    def _write(self, track_rows: list[tuple], fts_rows: list[tuple]) -> None:
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(_UPSERT, track_rows)
                conn.executemany(_FTS_UPSERT, fts_rows)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as err:
            raise CatalogError(f"could not write catalog {self.path}: {err}") from None

    def set_meta(self, key: str, value: str) -> None:
        self._writable()
        self._run("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _writable(self) -> None:
        if self.readonly:
            raise CatalogError(f"catalog opened read-only: {self.path}")

    # -- reading -----------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        rows = self._run("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def meta_items(self, prefix: str) -> dict[str, str]:
        """Every meta entry whose key starts with `prefix` (import records, for listings)."""
        rows = self._run("SELECT key, value FROM meta WHERE substr(key, 1, ?) = ?",
                         (len(prefix), prefix))  # fmt: skip
        return dict(rows)

    def count(self) -> int:
        return self._run("SELECT count(*) FROM tracks")[0][0]

    def by_id(self, catalog_id: str) -> CatalogTrack | None:
        rows = self._run(f"{_SELECT} WHERE catalog_id = ?", (catalog_id,))
        return _track(rows[0]) if rows else None

    def by_ids(self, ids: Sequence[str]) -> list[CatalogTrack]:
        """The tracks for `ids` that exist, in the order asked."""
        found: dict[str, CatalogTrack] = {}
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            sql = f"{_SELECT} WHERE catalog_id IN ({', '.join('?' * len(chunk))})"
            for row in self._run(sql, chunk):
                found[row[0]] = _track(row)
        return [found[i] for i in wanted if i in found]

    def by_isrc(self, isrc: str) -> list[CatalogTrack]:
        bare = normalise_isrc(isrc)
        if not bare:
            return []
        rows = self._run(f"{_SELECT} WHERE isrc = ? AND isrc != '' ORDER BY rowid", (bare,))
        return [_track(r) for r in rows]

    def word_frequencies(self, words: Iterable[str]) -> dict[str, int]:
        """How many tracks each folded word occurs in (any column); 0 when it occurs in
        none. Lets a query planner drop words so common that an OR over them would rank
        thousands of rows."""
        wanted = list(dict.fromkeys(words))
        counts = dict.fromkeys(wanted, 0)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            sql = f"SELECT term, doc FROM fts_vocab WHERE term IN ({', '.join('?' * len(chunk))})"
            counts.update(dict(self._run(sql, chunk)))
        return counts

    def search(self, match: str, limit: int) -> list[CatalogTrack]:
        """Tracks matching an FTS5 MATCH expression, best bm25 rank first."""
        if limit <= 0:
            return []
        if self._conn is None:
            raise CatalogError(f"catalog is closed: {self.path}")
        try:
            rows = self._conn.execute(_SEARCH, (match, limit)).fetchall()
        except sqlite3.OperationalError as err:
            if "fts5" in str(err) or "no such column" in str(err):
                raise CatalogError(f"bad catalog search {match!r}: {err}") from None
            raise catalog_error(err, self.path, _describe(err, self.path)) from None
        except sqlite3.DatabaseError as err:
            raise catalog_error(err, self.path, _describe(err, self.path)) from None
        return [_track(r) for r in rows]

    def iter_tracks(self) -> Iterator[CatalogTrack]:
        """Every track in rowid order (for exports and benchmarks)."""
        last = 0
        while rows := self._run(f"SELECT rowid, {_COLUMNS} FROM tracks WHERE rowid > ? "
                                "ORDER BY rowid LIMIT 2000", (last,)):  # fmt: skip
            last = rows[-1][0]
            yield from (_track(r[1:]) for r in rows)

    def has_numeric_ids(self) -> bool:
        """Whether catalog ids look like store ids (nearly all digits, as Beatport's are)."""
        if self._numeric_ids is None:
            total, numeric = self._run(
                "SELECT count(*), total(catalog_id NOT GLOB '*[^0-9]*') FROM tracks"
            )[0]
            self._numeric_ids = bool(total) and numeric >= 0.95 * total
        return self._numeric_ids

    def _run(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Run one statement and fetch all its rows; SQLite errors become CatalogError."""
        if self._conn is None:
            raise CatalogError(f"catalog is closed: {self.path}")
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as err:
            raise catalog_error(err, self.path, _describe(err, self.path)) from None


def _row(track: CatalogTrack, source: str) -> tuple:
    return (
        track.catalog_id,
        track.title,
        track.mix,
        ", ".join(track.artists),
        ", ".join(track.remixers),
        track.label,
        track.release,
        track.release_date,
        _float(track.bpm),
        track.key,
        track.genre,
        _float(track.duration_s),
        normalise_isrc(track.isrc),
        track.location,
        source,
    )


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """`mode=ro` URI; if the db is in a folder we cannot write (no -shm possible) and no
    writer has left a WAL behind, `immutable=1` is the only way SQLite will read it."""
    uri = path.resolve().as_uri()
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


def _describe(err: sqlite3.Error, path: Path) -> str:
    text = str(err)
    if "not a database" in text:
        return f"not a CrateMatch catalog (not an SQLite database): {path}"
    if "malformed" in text or "corrupt" in text:
        return f"catalog database is corrupt: {path} (delete it and import again)"
    if "unable to open" in text:
        return f"cannot open catalog: {path}"
    return f"catalog error in {path}: {text}"
