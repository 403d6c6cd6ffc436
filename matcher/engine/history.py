"""Reading the journal: batches, their playlists and their results, from any process.

The CLI and the window read while the engine host writes (WAL lets both go on at once);
`History` never writes, so the window opens it read-only. `Journal` (journal.py) adds the
host's writes to the same connection.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from matcher.engine.events import BatchState
from matcher.engine.journal_db import JournalDamaged, connect, default_journal_path, error_of
from matcher.engine.serialize import loads_result
from matcher.errors import JournalError
from matcher.model import MatchResult, MatchStatus

__all__ = ["BatchRecord", "History", "PlaylistRecord"]

_PAGE = 500  # rows per query while streaming results
BATCH_COLUMNS = "batch_id, created, updated, state, config, inputs, out_dir, total, done, note"
PLAYLIST_COLUMNS = (
    "batch_id, playlist_id, file, source, name, format, total, done, content_hash, finished, "
    "out_dir"
)
_QUALIFIED = ", ".join("p." + name.strip() for name in PLAYLIST_COLUMNS.split(","))


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


class History:
    """One connection to the journal file, for reading. Use one per process (and per
    thread group)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()

    @classmethod
    def open(cls, path: Path | None = None, *, readonly: bool = True) -> History:
        """Open the journal (`readonly`: it must exist already); JournalError if unusable."""
        path = Path(path) if path is not None else default_journal_path()
        return cls(path, connect(path, readonly), readonly)

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

    def __enter__(self) -> History:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

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

    def results_between(
        self, batch_id: str, playlist_id: int, first: int, count: int
    ) -> list[MatchResult]:
        """The results of entries `first` to `first + count - 1` there are, in entry order."""
        rows = self._read(
            "SELECT data FROM results WHERE batch_id = ? AND playlist_id = ? "
            "AND entry_index >= ? AND entry_index < ? ORDER BY entry_index",
            (batch_id, playlist_id, first, first + count),
        )
        return [loads_result(data) for (data,) in rows]

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
        rows = self._read(f"SELECT {BATCH_COLUMNS} FROM batches WHERE batch_id = ?", (batch_id,))
        return _batch_record(rows[0]) if rows else None

    def batches(self, limit: int = 50) -> list[BatchRecord]:
        """The newest batches first."""
        rows = self._read(
            f"SELECT {BATCH_COLUMNS} FROM batches ORDER BY created DESC, rowid DESC LIMIT ?",
            (limit,),
        )
        return [_batch_record(row) for row in rows]

    def batches_starting(self, prefix: str, limit: int = 2) -> list[BatchRecord]:
        """Batches whose id starts with `prefix` (a shortened id), newest first."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._read(
            f"SELECT {BATCH_COLUMNS} FROM batches WHERE batch_id LIKE ? ESCAPE '\\' "
            "ORDER BY created DESC, rowid DESC LIMIT ?",
            (escaped + "%", limit),
        )
        return [_batch_record(row) for row in rows]

    def playlists(self, batch_id: str) -> list[PlaylistRecord]:
        rows = self._read(
            f"SELECT {PLAYLIST_COLUMNS} FROM playlists WHERE batch_id = ? ORDER BY playlist_id",
            (batch_id,),
        )
        return [_playlist_record(row) for row in rows]

    def playlists_in(self, folder: str) -> list[PlaylistRecord]:
        """The playlists whose outputs were written into `folder` (as recorded), newest
        batch first."""
        rows = self._read(
            f"SELECT {_QUALIFIED} FROM playlists p JOIN batches b ON b.batch_id = p.batch_id "
            "WHERE p.out_dir = ? ORDER BY b.created DESC, b.rowid DESC",
            (folder,),
        )
        return [_playlist_record(row) for row in rows]

    def unfinished(self) -> list[BatchRecord]:
        """Batches worth resuming, newest first: every state but FINISHED (a RUNNING batch
        whose host died is one of them), except FAILED batches that have no results."""
        rows = self._read(
            f"SELECT {BATCH_COLUMNS} FROM batches WHERE state != ? "
            "AND NOT (state = ? AND done = 0) ORDER BY created DESC, rowid DESC",
            (BatchState.FINISHED.value, BatchState.FAILED.value),
        )
        return [_batch_record(row) for row in rows]

    # -- plumbing ------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise JournalError(f"journal is closed: {self.path}")
        return self._conn

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._connection().execute(sql, params).fetchall()
            except sqlite3.Error as err:
                raise error_of(err, self.path) from None


def _batch_record(row: tuple) -> BatchRecord:
    batch_id, created, updated, state, config, inputs, out_dir, total, done, note = row
    return BatchRecord(batch_id, created, updated, BatchState(state), json.loads(config),
                       json.loads(inputs), out_dir, total, done, note)  # fmt: skip


def _playlist_record(row: tuple) -> PlaylistRecord:
    *head, finished, out_dir = row
    return PlaylistRecord(*head, bool(finished), out_dir)
