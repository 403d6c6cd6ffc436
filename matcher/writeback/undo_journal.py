"""The writes journal: what every write changed, durable before any file is replaced.

    writes   one row per write: id, when, target ("tags"), options and sources as JSON,
             state (running, finished, undone, partly undone)
    folders  the folders a write puts temporary files in, recorded before the first one
             is made there, so a sweep after a crash knows where to look
    files    one row per file of a write, numbered by `seq`: the path as given and the
             real file replaced, its state (below), the one-line reason of a refusal,
             sha256 before and after, size, mtime and mode before, the byte delta that
             rebuilds the original (delta.py), and the field changes as JSON

A file's row goes through: pending (delta durable; the file may or may not have been
replaced yet) -> written -> restored; or straight to refused or unchanged. Undo trusts
the sha256s, not the state: a pending file whose bytes are the "after" ones is restored.

Durability: WAL. The commits that must survive a power cut (a write begun, a folder
noted, above all a file's undo record before the file is replaced) run with
synchronous=FULL: the row is on disk, not only in the OS's cache, when the call returns.
State marks run with synchronous=NORMAL (one fsync less per file): a power cut can lose
the last ones, which undo does not need since it decides by sha256, and the next FULL
commit makes them durable too. Marked with `PRAGMA application_id` and versioned with
`PRAGMA user_version` like the batch journal; a damaged file raises WriteJournalDamaged
and `rebuild_write_journal` moves it aside (nothing is deleted).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from matcher.paths import data_dir
from matcher.sqlite_aside import move_aside
from matcher.sqlite_wal import use_wal
from matcher.writeback.errors import UndoError, WriteJournalDamaged, WriteJournalError
from matcher.writeback.policy import FieldChange
from matcher.writeback.records import FileRecord, RecordState, WriteState, WriteSummary

__all__ = [
    "WriteJournal",
    "default_write_journal_path",
    "list_writes",
    "rebuild_write_journal",
]

SCHEMA_VERSION = 1
APPLICATION_ID = 0x43724D57  # "CrMW": a writes journal, not the batch journal ("CrMJ")
_BUSY_MS = 10000

_SCHEMA = """
CREATE TABLE writes (
    write_id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL,
    target TEXT NOT NULL, options TEXT NOT NULL, sources TEXT NOT NULL, state TEXT NOT NULL);
CREATE INDEX writes_created ON writes(created);
CREATE TABLE folders (
    write_id TEXT NOT NULL, folder TEXT NOT NULL, PRIMARY KEY (write_id, folder)) WITHOUT ROWID;
CREATE TABLE files (
    write_id TEXT NOT NULL, seq INTEGER NOT NULL, path TEXT NOT NULL, real_path TEXT NOT NULL,
    state TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',
    before_sha256 TEXT NOT NULL DEFAULT '', after_sha256 TEXT NOT NULL DEFAULT '',
    size_before INTEGER, mtime_ns_before INTEGER, mode_before INTEGER,
    delta BLOB, changes TEXT NOT NULL DEFAULT '[]', updated REAL NOT NULL);
CREATE UNIQUE INDEX files_key ON files(write_id, seq);
"""


def list_writes(path: Path | None = None) -> tuple[WriteSummary, ...]:
    """The writes, newest first, with their files counted (none when there is no journal
    yet: nothing was ever written)."""
    target = Path(path) if path is not None else default_write_journal_path()
    if not target.exists():
        return ()
    with WriteJournal(target) as journal:
        return journal.writes()


def default_write_journal_path() -> Path:
    return data_dir() / "writes.sqlite"


def _error(err: Exception, path: Path) -> WriteJournalError:
    name = getattr(err, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "malformed" in str(err):
        return WriteJournalDamaged(f"writes journal is damaged: {path}", path)
    if isinstance(err, OSError):
        return WriteJournalError(f"cannot open the writes journal {path}: {err.strerror or err}")
    return WriteJournalError(f"writes journal error ({err}): {path}")


def rebuild_write_journal(path: Path | None = None) -> Path:
    """Move an unusable writes journal aside (`<name>.corrupt-<stamp>`), start a fresh
    one, and return where the old one went: its undo records can still be recovered."""
    path = Path(path) if path is not None else default_write_journal_path()
    try:
        aside = move_aside(path)
    except OSError as err:
        raise WriteJournalError(f"cannot move the writes journal aside: {err.strerror}") from None
    WriteJournal(path).close()
    return aside


class WriteJournal:
    """The writes journal at `path` (default: the user data dir). One per process; it
    pickles as its path, so a worker process opens its own connection."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_write_journal_path()
        self._known_folders: set[tuple[str, str]] = set()
        self._conn = self._connect()

    def __reduce__(self) -> tuple[type, tuple[Path]]:
        return (type(self), (self.path,))

    def __enter__(self) -> WriteJournal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def _connect(self) -> sqlite3.Connection:
        if self.path.is_dir():
            raise WriteJournalError(f"writes journal path is a folder: {self.path}")
        conn = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
            use_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            self._prepare(conn)
        except (sqlite3.Error, OSError) as err:
            if conn is not None:
                conn.close()
            raise _error(err, self.path) from None
        except BaseException:
            if conn is not None:
                conn.close()
            raise
        return conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        app = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app == APPLICATION_ID and version == SCHEMA_VERSION:
            return
        if app == APPLICATION_ID:
            raise WriteJournalError(
                f"writes journal {self.path} has schema {version}; this version reads "
                f"{SCHEMA_VERSION} (written by a newer CrateMatch?)"
            )
        if app != 0 or conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]:
            raise WriteJournalDamaged(f"not a CrateMatch writes journal: {self.path}", self.path)
        with self._transaction(conn):
            for statement in _SCHEMA.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @staticmethod
    @contextmanager
    def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def _run(self, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """A committed transaction (on disk when it returns if `durable`); SQLite
        failures become WriteJournalError."""
        conn = self._conn
        try:
            if durable:
                conn.execute("PRAGMA synchronous = FULL")
            try:
                with self._transaction(conn):
                    yield conn
            finally:
                if durable:
                    conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as err:
            raise _error(err, self.path) from None

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, args).fetchall()
        except sqlite3.Error as err:
            raise _error(err, self.path) from None

    # a write -----------------------------------------------------------------------------

    def begin(
        self,
        *,
        target: str = "tags",
        options: Mapping[str, Any],
        sources: Sequence[str],
        write_id: str | None = None,
    ) -> str:
        """Start a write and return its id (by default "20250131-142501-3fa2", which sorts
        by time; the engine passes the id its run already has)."""
        now = time.time()
        if write_id is None:
            stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
            write_id = f"{stamp}-{secrets.token_hex(2)}"
        with self._run(durable=True) as conn:
            conn.execute(
                "INSERT INTO writes VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    write_id,
                    now,
                    now,
                    target,
                    json.dumps(dict(options), sort_keys=True),
                    json.dumps([str(s) for s in sources]),
                    WriteState.RUNNING.value,
                ),
            )
        return write_id

    def note_folder(self, write_id: str, folder: str | Path) -> None:
        """Record (durably, once) that `write_id` makes temporary files in `folder`."""
        key = (write_id, str(folder))
        if key in self._known_folders:
            return
        with self._run(durable=True) as conn:
            conn.execute("INSERT OR IGNORE INTO folders VALUES (?, ?)", key)
        self._known_folders.add(key)

    def folders(self, write_id: str) -> tuple[str, ...]:
        rows = self._query(
            "SELECT folder FROM folders WHERE write_id = ? ORDER BY folder", (write_id,)
        )
        return tuple(r[0] for r in rows)

    def _insert(self, write_id: str, values: Mapping[str, Any], durable: bool = False) -> int:
        with self._run(durable) as conn:
            seq = conn.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM files WHERE write_id = ?", (write_id,)
            ).fetchone()[0]
            row = {"write_id": write_id, "seq": seq, "updated": time.time(), **values}
            names = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            conn.execute(f"INSERT INTO files ({names}) VALUES ({marks})", tuple(row.values()))
        return seq

    def record_pending(
        self,
        write_id: str,
        *,
        path: str,
        real_path: str,
        before_sha256: str,
        after_sha256: str,
        size: int,
        mtime_ns: int,
        mode: int,
        delta: bytes,
        changes: Sequence[FieldChange],
    ) -> int:
        """Store a file's undo record, durably, before the file is replaced; its seq."""
        return self._insert(
            write_id,
            {
                "path": path,
                "real_path": real_path,
                "state": RecordState.PENDING.value,
                "before_sha256": before_sha256,
                "after_sha256": after_sha256,
                "size_before": size,
                "mtime_ns_before": mtime_ns,
                "mode_before": mode,
                "delta": delta,
                "changes": _changes_json(changes),
            },
            durable=True,
        )

    def record_other(
        self,
        write_id: str,
        *,
        path: str,
        state: RecordState,
        reason: str = "",
        changes: Sequence[FieldChange] = (),
    ) -> int:
        """A file that was refused or had nothing to change (no undo record needed)."""
        return self._insert(
            write_id,
            {
                "path": path,
                "real_path": path,
                "state": state.value,
                "reason": reason,
                "changes": _changes_json(changes),
            },
        )

    def set_state(self, write_id: str, seq: int, state: RecordState, reason: str = "") -> None:
        """Move a file's row on: pending -> written, pending -> refused, -> restored."""
        with self._run() as conn:
            conn.execute(
                "UPDATE files SET state = ?, reason = ?, updated = ?"
                " WHERE write_id = ? AND seq = ?",
                (state.value, reason, time.time(), write_id, seq),
            )

    def finish(self, write_id: str, state: WriteState = WriteState.FINISHED) -> None:
        with self._run() as conn:
            conn.execute(
                "UPDATE writes SET state = ?, updated = ? WHERE write_id = ?",
                (state.value, time.time(), write_id),
            )

    def finish_undo(self, write_id: str) -> WriteState:
        """Mark a write undone, or partly undone while some file is still as written."""
        left = self._query(
            "SELECT COUNT(*) FROM files WHERE write_id = ? AND state IN (?, ?)",
            (write_id, RecordState.PENDING.value, RecordState.WRITTEN.value),
        )[0][0]
        state = WriteState.PARTLY_UNDONE if left else WriteState.UNDONE
        self.finish(write_id, state)
        return state

    # reading -----------------------------------------------------------------------------

    def writes(self) -> tuple[WriteSummary, ...]:
        """Every write, newest first, with its files counted by state."""
        counts: dict[str, dict[str, int]] = {}
        for write_id, state, n in self._query(
            "SELECT write_id, state, COUNT(*) FROM files GROUP BY write_id, state"
        ):
            counts.setdefault(write_id, {})[state] = n
        rows = self._query(
            "SELECT write_id, created, target, options, sources, state FROM writes "
            "ORDER BY created DESC, write_id DESC"
        )
        return tuple(
            WriteSummary(w, c, t, json.loads(o), tuple(json.loads(s)), st, counts.get(w, {}))
            for w, c, t, o, s, st in rows
        )

    def write(self, write_id: str) -> WriteSummary:
        for summary in self.writes():
            if summary.write_id == write_id:
                return summary
        raise UndoError(f"no write {write_id!r} in the writes journal")

    def last_write_id(self, *, include_undone: bool = False) -> str | None:
        """The newest write (by default the newest one not fully undone yet)."""
        for summary in self.writes():
            if include_undone or summary.state != WriteState.UNDONE:
                return summary.write_id
        return None

    def files(self, write_id: str, seq: int | None = None) -> tuple[FileRecord, ...]:
        """The write's files in the order they were recorded (`seq`: only that one)."""
        where, args = ("write_id = ?", (write_id,)) if seq is None else (
            "write_id = ? AND seq = ?", (write_id, seq))  # fmt: skip
        rows = self._query(
            "SELECT write_id, seq, path, real_path, state, reason, before_sha256, after_sha256,"
            f" size_before, mtime_ns_before, mode_before, changes FROM files WHERE {where}"
            " ORDER BY seq",
            args,
        )
        return tuple(FileRecord(*row[:11], changes=_changes_of(row[11])) for row in rows)

    def wrote_since(self, real_path: str, *, size: int, mtime_ns: int, now_sha256: str) -> bool:
        """Whether writes recorded here lead from the file as it was (`size`,
        `mtime_ns`) to the file as it is (`now_sha256`): each write starts from the bytes
        the one before it left."""
        rows = self._query(
            "SELECT before_sha256, after_sha256, size_before, mtime_ns_before FROM files"
            " WHERE real_path = ? AND state IN (?, ?) ORDER BY write_id, seq",
            (real_path, RecordState.PENDING.value, RecordState.WRITTEN.value),
        )
        shas = {after for _before, after, s, m in rows if (s, m) == (size, mtime_ns)}
        grown = True
        while grown:
            grown = False
            for before, after, _s, _m in rows:
                if before in shas and after not in shas:
                    shas.add(after)
                    grown = True
        return now_sha256 in shas

    def delta(self, write_id: str, seq: int) -> bytes:
        rows = self._query(
            "SELECT delta FROM files WHERE write_id = ? AND seq = ?", (write_id, seq)
        )
        if not rows or rows[0][0] is None:
            raise UndoError(f"write {write_id} has no undo record for file {seq}")
        return bytes(rows[0][0])


def _changes_json(changes: Sequence[FieldChange]) -> str:
    return json.dumps([[c.field, c.old, c.new, c.why] for c in changes], ensure_ascii=False)


def _changes_of(text: str) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(*item) for item in json.loads(text or "[]"))
