"""The batch journal: what a batch was asked to do and every result it has produced.

The engine host journals each finished chunk before it reports it, so a batch that is
cancelled, crashes or is killed (even with kill -9) resumes without redoing finished
tracks, and outputs rebuilt from the journal hold each entry exactly once. Only the host
writes; the CLI and the window read the same file at the same time.

Only the host writes (`Journal`); everything else reads through `History`
(history.py), whose methods `Journal` inherits. Results are keyed by entry position and
written with INSERT OR REPLACE in one transaction per chunk, so a retried chunk replaces
its rows instead of duplicating them, and the done counters count rows, not calls. The
file itself (schema, durability, damage) is journal_db.py's.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from matcher.engine.events import BatchState
from matcher.engine.history import (
    BATCH_COLUMNS,
    PLAYLIST_COLUMNS,
    BatchRecord,
    History,
    PlaylistRecord,
)
from matcher.engine.journal_db import (
    SCHEMA_VERSION,
    JournalDamaged,
    default_journal_path,
    error_of,
    rebuild_journal,
)
from matcher.engine.retention import BatchSize, FileSpace
from matcher.engine.serialize import EncodedResult, encode_result  # a worker's, re-exported
from matcher.errors import JournalError
from matcher.model import MatchResult

__all__ = [
    "SCHEMA_VERSION",
    "BatchRecord",
    "EncodedResult",
    "History",
    "Journal",
    "JournalDamaged",
    "PlaylistRecord",
    "default_journal_path",
    "encode_result",
]


_INSERT_RESULT = (
    "INSERT OR REPLACE INTO results "
    "(batch_id, playlist_id, entry_index, status, catalog_id, confidence, data) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_FORGET_RESULTS = (
    "DELETE FROM results WHERE rowid IN (SELECT rowid FROM results WHERE batch_id = ? LIMIT ?)"
)
_EXISTING = (
    "SELECT COUNT(*) FROM results WHERE batch_id = ? AND playlist_id = ? "
    "AND entry_index IN (SELECT value FROM json_each(?))"
)


class Journal(History):
    """The journal as the engine host writes it (reads come from `History`)."""

    @classmethod
    def open(cls, path: Path | None = None, *, readonly: bool = False) -> Journal:
        """Open (and, unless `readonly`, create) the journal; JournalError if unusable."""
        journal = super().open(path, readonly=readonly)
        assert isinstance(journal, Journal)
        return journal

    @classmethod
    def rebuild(cls, path: Path | None = None) -> Path:
        """`rebuild_journal`: move an unusable journal aside and start a fresh one."""
        return rebuild_journal(path)

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
                f"INSERT INTO batches ({BATCH_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, '')",
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
                f"INSERT INTO playlists ({PLAYLIST_COLUMNS}) "
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
        rows = [_result_row(batch_id, playlist_id, row) for row in encoded]
        if not rows:
            return
        entries = {row.entry_index for row in encoded}
        indices = json.dumps(sorted(entries))
        with self._transaction() as conn:
            _require_playlist(conn, batch_id, playlist_id)
            existing = conn.execute(_EXISTING, (batch_id, playlist_id, indices)).fetchone()[0]
            conn.executemany(_INSERT_RESULT, rows)
            added = len(entries) - existing
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
        encoded = encode_result(result)
        index = encoded.entry_index
        with self._transaction() as conn:
            found = conn.execute(
                "SELECT 1 FROM results WHERE batch_id = ? AND playlist_id = ? AND entry_index = ?",
                (batch_id, playlist_id, index),
            ).fetchone()
            if not found:
                raise JournalError(
                    f"no result for entry {index} of playlist {playlist_id} in batch {batch_id}"
                )
            conn.execute(_INSERT_RESULT, _result_row(batch_id, playlist_id, encoded))
            _touch(conn, batch_id)

    def delete_batch(self, batch_id: str) -> None:
        with self._transaction() as conn:
            for table in ("results", "playlists", "batches"):
                conn.execute(f"DELETE FROM {table} WHERE batch_id = ?", (batch_id,))

    def batch_sizes(self) -> list[BatchSize]:
        """Every batch's last change and result count, for the retention rule."""
        rows = self._read("SELECT batch_id, updated, done FROM batches")
        return [BatchSize(batch_id, updated, done) for batch_id, updated, done in rows]

    def forget_batch(self, batch_id: str, max_results: int) -> tuple[int, bool]:
        """Delete up to `max_results` of a batch's results, in one transaction; its
        playlists go in the first such step (the batch is then no longer usable), its
        record with its last results. Returns (results deleted, whether it is all gone)."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM playlists WHERE batch_id = ?", (batch_id,))
            deleted = conn.execute(_FORGET_RESULTS, (batch_id, max_results)).rowcount
            whole = (
                deleted < max_results
                or not conn.execute(
                    "SELECT 1 FROM results WHERE batch_id = ? LIMIT 1", (batch_id,)
                ).fetchone()
            )
            if whole:
                conn.execute("DELETE FROM batches WHERE batch_id = ?", (batch_id,))
        return deleted, whole

    def space(self) -> FileSpace:
        """The file's size and its free pages, in bytes (what `compact` would give back)."""
        page = self._read("PRAGMA page_size")[0][0]
        total = self._read("PRAGMA page_count")[0][0]
        free = self._read("PRAGMA freelist_count")[0][0]
        return FileSpace(total * page, free * page)

    def compact(self) -> bool:
        """Give the space of forgotten batches back to the file system: the file is
        rewritten (VACUUM), which needs as much free disk as what it keeps. False when
        another connection still reads the old pages: the rewritten file is then in
        the WAL, and the file shrinks at the checkpoint after that reader is done."""
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("VACUUM")
                busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            except sqlite3.Error as err:
                raise error_of(err, self.path) from None
        return not busy

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
                raise error_of(err, self.path) from None


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


def _result_row(batch_id: str, playlist_id: int, row: EncodedResult) -> tuple:
    """The parameters of _INSERT_RESULT, in its column order."""
    return (batch_id, playlist_id, row.entry_index, row.status, row.catalog_id,
            row.confidence, row.data)  # fmt: skip


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
