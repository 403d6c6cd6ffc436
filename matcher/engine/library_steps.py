"""How a library write in the engine host reports its steps and is paused or cancelled:
the worker thread doing the write calls `Control.checkpoint` at each step, where it
waits while paused and stops (Cancelled) if cancelled and nothing is touched yet.

A write deep in matcher.writeback.libraries knows nothing of runs, but it records each
milestone in the writes journal it is given; `StepJournal` is that journal, watching:

    begin           the write is begun: next, the backup            (may stop here)
    note_folder     the backup is on disk: next, the new library     (may pause here)
    record_pending  the new library is made and its undo record is   (may stop here)
                    next: after it, the library is replaced
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

from matcher.writeback.undo_journal import WriteJournal

__all__ = ["Cancelled", "Control", "StepJournal"]


class Cancelled(Exception):
    """The user cancelled; raised in the worker thread at a step where nothing is touched."""


class Control:
    """Pause and cancel, between the host's thread and the run's worker thread."""

    def __init__(self, news: queue.Queue[tuple[str, Any]]) -> None:
        self.news = news
        self._cond = threading.Condition()
        self.pausing = False
        self.cancelled = False

    def set(self, *, pausing: bool | None = None, cancelled: bool | None = None) -> None:
        with self._cond:
            if pausing is not None:
                self.pausing = pausing
            if cancelled is not None:
                self.cancelled = cancelled
            self._cond.notify_all()

    def checkpoint(self, step: str, done: int, *, may_stop: bool) -> None:
        """Report `step`; wait here while paused; stop here if cancelled and `may_stop`."""
        self.news.put(("step", (step, done)))
        with self._cond:
            if self.pausing and not self.cancelled:
                self.news.put(("paused", None))
                while self.pausing and not self.cancelled:
                    self._cond.wait()
            if self.cancelled and may_stop:
                raise Cancelled


class StepJournal(WriteJournal):
    """The writes journal of one library write, giving the write the run's id and
    reporting its milestones: begun (the backup starts), a temporary folder noted (the
    backup is on disk, the new library is being made), the first undo record (it is
    made; next it replaces the library). A cancel stops the write at the first and the
    last of these, where nothing of the library is touched yet; a crate write (Serato)
    has no step to stop at inside."""

    def __init__(
        self,
        path: Path | None,
        write_id: str,
        control: Control,
        names: tuple[str, str, str],
        stoppable: bool,
    ) -> None:
        super().__init__(path)
        self.run_write_id = write_id
        self.control = control
        self.names = names
        self.stoppable = stoppable
        self._reported = 0

    def begin(self, *, target: str = "tags", options: Any, sources: Any,
              write_id: str | None = None) -> str:  # fmt: skip
        self._step(1, may_stop=True)
        return super().begin(target=target, options=options, sources=sources,
                             write_id=self.run_write_id)  # fmt: skip

    def note_folder(self, write_id: str, folder: str | Path) -> None:
        super().note_folder(write_id, folder)
        self._step(2, may_stop=False)

    def record_pending(self, write_id: str, **fields: Any) -> int:
        self._step(3, may_stop=True)
        return super().record_pending(write_id, **fields)

    def _step(self, n: int, *, may_stop: bool) -> None:
        if n > self._reported:
            self._reported = n
            self.control.checkpoint(self.names[n - 1], n - 1,
                                    may_stop=may_stop and self.stoppable)  # fmt: skip
