"""The batch journal: what a batch was asked to do and every result it has produced.

The engine host journals each finished chunk before it reports it, so a batch that is
cancelled, crashes or is killed (even with kill -9) resumes without redoing finished
tracks, and outputs rebuilt from the journal hold each entry exactly once. Only the host
writes; the CLI and the window read the same file at the same time.

    batches    one row per batch: state, the config and inputs as JSON, done/total
    playlists  one row per (batch, playlist_id): the file, its content hash, done/total
    results    one row per (batch, playlist_id, entry_index): status, catalog_id and
               confidence as columns for queries, the whole MatchResult as a blob
               (matcher.serialize, which never runs code from the file)

Durability: WAL with synchronous=NORMAL. A commit is in the WAL file (the OS's page
cache) when `record_results` returns, so killing the process loses nothing committed;
only a power cut can lose the last commits, never corrupt earlier ones. Results are
keyed by entry position and written with INSERT OR REPLACE in one transaction per chunk,
so a retried chunk replaces its rows instead of duplicating them, and the done counters
count rows, not calls. The file is marked with `PRAGMA application_id` and versioned with
`PRAGMA user_version`; a file that is not a journal, is damaged or comes from a newer
CrateMatch raises JournalError, and `Journal.rebuild` moves it aside for a fresh one.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from matcher.errors import JournalError
from matcher.events import BatchState
from matcher.model import MatchResult, MatchStatus
from matcher.paths import data_dir
from matcher.serialize import dumps_result, loads_result
from matcher.sqlite_aside import move_aside

__all__ = [
    "SCHEMA_VERSION",
    "BatchRecord",
    "EncodedResult",
    "Journal",
    "JournalDamaged",
    "PlaylistRecord",
    "default_journal_path",
    "encode_result",
]

SCHEMA_VERSION = 1
APPLICATION_ID = 0x43724D4A  # "CrMJ": tells a journal from any other SQLite file
_BUSY_MS = 5000
_WAL_LIMIT = 32 * 1024 * 1024  # bytes the WAL file is cut back to after a checkpoint
_PAGE = 500  # rows per query while streaming results
_COMPRESS = True  # a third of the size for ~20 us per result (see the serialize figures)

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

_INSERT_RESULT = (
    "INSERT OR REPLACE INTO results "
    "(batch_id, playlist_id, entry_index, status, catalog_id, confidence, data) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_EXISTING = (
    "SELECT COUNT(*) FROM results WHERE batch_id = ? AND playlist_id = ? "
    "AND entry_index IN (SELECT value FROM json_each(?))"
)
_BATCH_COLUMNS = "batch_id, created, updated, state, config, inputs, out_dir, total, done, note"
_PLAYLIST_COLUMNS = (
    "batch_id, playlist_id, file, source, name, format, total, done, content_hash, finished, "
    "out_dir"
)


class JournalDamaged(JournalError):
    """The journal file is damaged or is not a journal; `Journal.rebuild` moves it aside.
    `path` is the file (None after pickling, which keeps only the message)."""

    damaged_store = "journal"

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


def default_journal_path() -> Path:
    return data_dir() / "journal.sqlite"


@dataclass(frozen=True)
class BatchRecord:
    batch_id: str
    created: float  # time.time() of create_batch
    updated: float  # time.time() of the last write to this batch
    state: BatchState
    config: dict
    inputs: list
    out_dir: str
    total: int  # entries in the batch's playlists
    done: int  # entries with a journalled result
    note: str  # why the batch is in its state ("host died", an error line), or ""


@dataclass(frozen=True)
class PlaylistRecord:
    batch_id: str
    playlist_id: int
    file: str
    source: str
    name: str
    format: str
    total: int
    done: int
    content_hash: str  # of the playlist file when the batch read it, to detect edits
    finished: bool  # outputs written
    out_dir: str


class Journal:
    """One connection to the journal file. Use one per process (and per thread group)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()

    @classmethod
    def open(cls, path: Path | None = None, *, readonly: bool = False) -> Journal:
        """Open (and, unless `readonly`, create) the journal; JournalError if unusable."""
        path = Path(path) if path is not None else default_journal_path()
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
            raise _error(err, path) from None
        return cls(path, conn, readonly)

    @classmethod
    def rebuild(cls, path: Path | None = None) -> Path:
        """Move an unusable journal (and its -wal/-shm) aside, create a fresh one, and
        return where the old file went (`<name>.corrupt-<timestamp>`)."""
        path = Path(path) if path is not None else default_journal_path()
        try:
            aside = move_aside(path)
        except OSError as err:
            raise JournalError(f"cannot move the journal aside: {err.strerror}") from None
        cls.open(path).close()
        return aside

    def check(self) -> None:
        """Read every page (SQLite's quick_check); JournalDamaged if any is damaged."""
        rows = self._read("PRAGMA quick_check")
        if [tuple(r) for r in rows] != [("ok",)]:
            raise JournalDamaged(f"journal is damaged: {self.path}", self.path)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- writing (the engine host) -------------------------------------------------------

    def create_batch(
        self, batch_id: str, *, config: Mapping, inputs: Sequence[Mapping], out_dir: str
    ) -> None:
        config_json = _to_json(dict(config), "config")
        inputs_json = _to_json([dict(i) for i in inputs], "inputs")
        now = time.time()
        with self._transaction() as conn:
            if conn.execute("SELECT 1 FROM batches WHERE batch_id = ?", (batch_id,)).fetchone():
                raise JournalError(f"batch {batch_id} already exists in the journal")
            conn.execute(
                f"INSERT INTO batches ({_BATCH_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, '')",
                (batch_id, now, now, BatchState.PENDING.value, config_json, inputs_json,
                 _shown(str(out_dir))),
            )  # fmt: skip

    def add_playlist(
        self,
        batch_id: str,
        playlist_id: int,
        *,
        file: str,
        source: str,
        name: str,
        format: str,
        total: int,
        content_hash: str = "",
    ) -> None:
        """Add a playlist to a batch; again for the same id updates its description and
        keeps its results (the engine calls this again when it resumes)."""
        with self._transaction() as conn:
            _require_batch(conn, batch_id)
            conn.execute(
                f"INSERT INTO playlists ({_PLAYLIST_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 0, '') "
                "ON CONFLICT (batch_id, playlist_id) DO UPDATE SET file = excluded.file, "
                "source = excluded.source, name = excluded.name, format = excluded.format, "
                "total = excluded.total, content_hash = excluded.content_hash",
                (
                    batch_id,
                    playlist_id,
                    _shown(file),
                    _shown(str(source)),
                    _shown(name),
                    format,
                    total,
                    content_hash,
                ),  # fmt: skip
            )
            conn.execute(
                "UPDATE batches SET updated = ?, total = (SELECT COALESCE(SUM(total), 0) "
                "FROM playlists WHERE batch_id = ?) WHERE batch_id = ?",
                (time.time(), batch_id, batch_id),
            )

    def set_state(self, batch_id: str, state: BatchState, *, note: str = "") -> None:
        state = BatchState(state)
        with self._transaction() as conn:
            cursor = conn.execute(
                "UPDATE batches SET state = ?, note = ?, updated = ? WHERE batch_id = ?",
                (state.value, note, time.time(), batch_id),
            )
            if cursor.rowcount == 0:
                raise JournalError(f"no batch {batch_id} in the journal")

    def set_playlist_finished(self, batch_id: str, playlist_id: int, out_dir: str) -> None:
        with self._transaction() as conn:
            cursor = conn.execute(
                "UPDATE playlists SET finished = 1, out_dir = ? "
                "WHERE batch_id = ? AND playlist_id = ?",
                (_shown(str(out_dir)), batch_id, playlist_id),
            )
            if cursor.rowcount == 0:
                raise JournalError(f"no playlist {playlist_id} in batch {batch_id}")
            _touch(conn, batch_id)

    def record_results(
        self, batch_id: str, playlist_id: int, results: Sequence[MatchResult]
    ) -> None:
        """Journal a chunk in one transaction: all of it or none of it, and recording the
        same entries again replaces them (the done counters count distinct entries)."""
        self.record_encoded(batch_id, playlist_id, [encode_result(r) for r in results])

    def record_encoded(
        self, batch_id: str, playlist_id: int, encoded: Sequence[EncodedResult]
    ) -> None:
        """`record_results` for results already encoded with `encode_result` (workers
        encode their own chunks, so the host only stores bytes)."""
        rows = [(batch_id, playlist_id, *row) for row in encoded]
        if not rows:
            return
        indices = json.dumps(sorted({row[2] for row in rows}))
        with self._transaction() as conn:
            _require_playlist(conn, batch_id, playlist_id)
            existing = conn.execute(_EXISTING, (batch_id, playlist_id, indices)).fetchone()[0]
            conn.executemany(_INSERT_RESULT, rows)
            added = len({row[2] for row in rows}) - existing
            if added:
                conn.execute(
                    "UPDATE playlists SET done = done + ? WHERE batch_id = ? AND playlist_id = ?",
                    (added, batch_id, playlist_id),
                )
            conn.execute(
                "UPDATE batches SET done = done + ?, updated = ? WHERE batch_id = ?",
                (added, time.time(), batch_id),
            )

    def update_result(self, batch_id: str, playlist_id: int, result: MatchResult) -> None:
        """Replace a journalled result (a user's review decision)."""
        row = _result_row(batch_id, playlist_id, result)
        with self._transaction() as conn:
            found = conn.execute(
                "SELECT 1 FROM results WHERE batch_id = ? AND playlist_id = ? AND entry_index = ?",
                row[:3],
            ).fetchone()
            if not found:
                raise JournalError(
                    f"no result for entry {row[2]} of playlist {playlist_id} in batch {batch_id}"
                )
            conn.execute(_INSERT_RESULT, row)
            _touch(conn, batch_id)

    def delete_batch(self, batch_id: str) -> None:
        with self._transaction() as conn:
            for table in ("results", "playlists", "batches"):
                conn.execute(f"DELETE FROM {table} WHERE batch_id = ?", (batch_id,))

    # -- reading (any process) -----------------------------------------------------------

    def results(self, batch_id: str, playlist_id: int) -> list[MatchResult]:
        return list(self.iter_results(batch_id, playlist_id))

    def result(self, batch_id: str, playlist_id: int, entry_index: int) -> MatchResult | None:
        """One entry's full result (with every candidate), e.g. for the review dialog."""
        rows = self._read(
            "SELECT data FROM results WHERE batch_id = ? AND playlist_id = ? AND entry_index = ?",
            (batch_id, playlist_id, entry_index),
        )
        return loads_result(rows[0][0]) if rows else None

    def iter_results(self, batch_id: str, playlist_id: int) -> Iterator[MatchResult]:
        """Results by entry_index, fetched a page at a time (no read transaction is held
        open between pages, so a slow consumer never holds back the writer's WAL)."""
        after = -1
        while True:
            page = self._read(
                "SELECT entry_index, data FROM results WHERE batch_id = ? AND playlist_id = ? "
                f"AND entry_index > ? ORDER BY entry_index LIMIT {_PAGE}",
                (batch_id, playlist_id, after),
            )
            for _, data in page:
                yield loads_result(data)
            if len(page) < _PAGE:
                return
            after = page[-1][0]

    def done_indices(self, batch_id: str, playlist_id: int) -> set[int]:
        rows = self._read(
            "SELECT entry_index FROM results WHERE batch_id = ? AND playlist_id = ?",
            (batch_id, playlist_id),
        )
        return {index for (index,) in rows}

    def counts(self, batch_id: str, playlist_id: int | None = None) -> dict[str, int]:
        """Results per status, every status present (0 when none)."""
        sql = "SELECT status, COUNT(*) FROM results WHERE batch_id = ?"
        params: tuple = (batch_id,)
        if playlist_id is not None:
            sql += " AND playlist_id = ?"
            params += (playlist_id,)
        counted = dict(self._read(sql + " GROUP BY status", params))
        return {status.value: counted.get(status.value, 0) for status in MatchStatus}

    def batch(self, batch_id: str) -> BatchRecord | None:
        rows = self._read(f"SELECT {_BATCH_COLUMNS} FROM batches WHERE batch_id = ?", (batch_id,))
        return _batch_record(rows[0]) if rows else None

    def batches(self, limit: int = 50) -> list[BatchRecord]:
        """The newest batches first."""
        rows = self._read(
            f"SELECT {_BATCH_COLUMNS} FROM batches ORDER BY created DESC, rowid DESC LIMIT ?",
            (limit,),
        )
        return [_batch_record(row) for row in rows]

    def playlists(self, batch_id: str) -> list[PlaylistRecord]:
        rows = self._read(
            f"SELECT {_PLAYLIST_COLUMNS} FROM playlists WHERE batch_id = ? ORDER BY playlist_id",
            (batch_id,),
        )
        return [_playlist_record(row) for row in rows]

    def unfinished(self) -> list[BatchRecord]:
        """Batches worth resuming, newest first: every state but FINISHED (a RUNNING batch
        whose host died is one of them), except FAILED batches that have no results."""
        rows = self._read(
            f"SELECT {_BATCH_COLUMNS} FROM batches WHERE state != ? "
            "AND NOT (state = ? AND done = 0) ORDER BY created DESC, rowid DESC",
            (BatchState.FINISHED.value, BatchState.FAILED.value),
        )
        return [_batch_record(row) for row in rows]

    # -- plumbing ------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise JournalError(f"journal is closed: {self.path}")
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: committed when the block ends, rolled back on error."""
        if self.readonly:
            raise JournalError(f"journal opened read-only: {self.path}")
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as err:
                raise _error(err, self.path) from None

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._connection().execute(sql, params).fetchall()
            except sqlite3.Error as err:
                raise _error(err, self.path) from None


def _prepare(conn: sqlite3.Connection, path: Path, readonly: bool) -> None:
    """Check the file is a journal this version can read; create the schema if empty."""
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
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


def _error(err: Exception, path: Path) -> JournalError:
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


def _to_json(value: object, what: str) -> str:
    def plain(obj: object) -> object:
        if isinstance(obj, os.PathLike):
            return os.fspath(obj)
        if isinstance(obj, tuple | set | frozenset):
            return list(obj)
        raise TypeError(type(obj).__name__)

    try:
        # ASCII escapes keep a file name that is not valid UTF-8 (a lone surrogate from
        # os.fsdecode) exactly, so a resumed batch finds the very same file again
        return json.dumps(value, default=plain, ensure_ascii=True)
    except (TypeError, ValueError) as err:
        raise JournalError(f"batch {what} holds a value JSON cannot store ({err})") from None


def _shown(text: str) -> str:
    """`text` as SQLite can store it: a name that is not valid UTF-8 (lone surrogates from
    os.fsdecode) gets U+FFFD in their place. For columns people read; the inputs and
    config JSON keep paths exactly."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text


EncodedResult = tuple[
    int, str, str, float, bytes
]  # entry_index, status, catalog_id, confidence, data


def encode_result(result: MatchResult) -> EncodedResult:
    """A result as a journal row (without its batch and playlist keys)."""
    data = dumps_result(result, compress=_COMPRESS)
    return (result.entry.entry_index, result.status.value, result.catalog_id,
            float(result.confidence), data)  # fmt: skip


def _result_row(batch_id: str, playlist_id: int, result: MatchResult) -> tuple:
    return (batch_id, playlist_id, *encode_result(result))


def _require_batch(conn: sqlite3.Connection, batch_id: str) -> None:
    if not conn.execute("SELECT 1 FROM batches WHERE batch_id = ?", (batch_id,)).fetchone():
        raise JournalError(f"no batch {batch_id} in the journal")


def _require_playlist(conn: sqlite3.Connection, batch_id: str, playlist_id: int) -> None:
    found = conn.execute(
        "SELECT 1 FROM playlists WHERE batch_id = ? AND playlist_id = ?", (batch_id, playlist_id)
    ).fetchone()
    if not found:
        raise JournalError(f"no playlist {playlist_id} in batch {batch_id}")


def _touch(conn: sqlite3.Connection, batch_id: str) -> None:
    conn.execute("UPDATE batches SET updated = ? WHERE batch_id = ?", (time.time(), batch_id))


def _batch_record(row: tuple) -> BatchRecord:
    batch_id, created, updated, state, config, inputs, out_dir, total, done, note = row
    return BatchRecord(batch_id, created, updated, BatchState(state), json.loads(config),
                       json.loads(inputs), out_dir, total, done, note)  # fmt: skip


def _playlist_record(row: tuple) -> PlaylistRecord:
    *head, finished, out_dir = row
    return PlaylistRecord(*head, bool(finished), out_dir)
