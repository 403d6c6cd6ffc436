"""The batch history as the window reads it: batches worth resuming (less the ones the user
dismissed this session), a batch's playlists, and one result in full for the review
dialog. Read-only (`matcher.History`); the engine host is the only writer. No Tk here.

A journal that is missing reads as empty. A damaged one reads as empty too, and is
reported to `on_damaged` (the repair banner offers to rebuild it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from matcher import (
    BatchRecord,
    History,
    JournalDamaged,
    JournalError,
    MatchResult,
    PlaylistRecord,
    default_journal_path,
)
from ui.repair import Damage
from ui.session import Session

__all__ = ["BatchHistory"]

T = TypeVar("T")


class BatchHistory:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.unfinished: list[BatchRecord] = []  # offered by the resume banner, newest first
        self.on_damaged: Callable[[Damage], None] = lambda damage: None
        self._journal: History | None = None
        self._dismissed: set[str] = set()

    def refresh_unfinished(self) -> None:
        """Batches in the journal worth resuming (none when there is no journal yet)."""
        found = self._read(lambda j: j.unfinished(), [])
        model = self.session.model
        current = model.batch_id if model.active else None
        self.unfinished = [
            b for b in found if b.batch_id != current and b.batch_id not in self._dismissed
        ]
        self.session.changed()

    def dismiss_unfinished(self, batch_id: str) -> None:
        """Hide a batch from the resume banner for this session."""
        self._dismissed.add(batch_id)
        self.unfinished = [b for b in self.unfinished if b.batch_id != batch_id]
        self.session.changed()

    def taken(self, batch_id: str) -> None:
        """A batch is being resumed: it is no longer one to offer (no change signalled)."""
        self.unfinished = [b for b in self.unfinished if b.batch_id != batch_id]

    def playlists(self, batch_id: str) -> list[PlaylistRecord]:
        return self._read(lambda j: j.playlists(batch_id), [])

    def counts(self, batch_id: str, playlist_id: int) -> dict[str, int]:
        """How many of the playlist's entries the journal has, per status."""
        return self._read(lambda j: j.counts(batch_id, playlist_id), {})

    def full_result(self, batch_id: str, playlist_id: int, entry_index: int) -> MatchResult | None:
        """One result with its candidates and queries, read from the journal (fast)."""
        return self._read(lambda j: j.result(batch_id, playlist_id, entry_index), None)

    def close(self) -> None:
        """Let go of the journal file (it is opened again at the next read)."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def _read(self, read: Callable[[History], T], default: T) -> T:
        """`read(journal)` on a read-only journal, or `default` when there is none."""
        try:
            if self._journal is None:
                self._journal = History.open()
            return read(self._journal)
        except JournalError as err:
            self.close()
            if isinstance(err, JournalDamaged):
                self.on_damaged(Damage("journal", err.path or default_journal_path(), str(err)))
            return default
