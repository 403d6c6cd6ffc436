"""The writes the writes journal holds, for the Writes tab: listed on a thread (the
journal is a file), newest first, with the newest one Undo can still put back. No Tk."""

from __future__ import annotations

from collections.abc import Callable

from matcher import WriteSummary, list_writes
from ui.session import Session

__all__ = ["UNDOABLE", "WriteList"]

UNDOABLE = frozenset({"finished", "running", "partly undone"})  # WriteSummary.state


class WriteList:
    """`writes` as last listed; `error` when they could not be; `loading` meanwhile.
    `changed` is called whenever any of them changes."""

    def __init__(self, session: Session, changed: Callable[[], None]) -> None:
        self.session = session
        self.changed = changed
        self.writes: tuple[WriteSummary, ...] = ()
        self.error = ""
        self.loading = False

    def refresh(self) -> None:
        """List the writes again, on a thread (one listing at a time)."""
        if self.loading:
            return
        self.loading = True
        post = self.session.post

        def load() -> None:
            try:
                found, problem = list_writes(), ""
            except Exception as err:  # noqa: BLE001 - one line for the user, never a crash
                found, problem = (), f"The writes could not be listed: {err}"
            post(lambda: self._listed(found, problem))

        self.session.spawn(load, name="cratematch-list-writes")
        self.changed()

    def _listed(self, found: tuple[WriteSummary, ...], problem: str) -> None:
        self.loading = False
        self.writes, self.error = tuple(found), problem
        self.changed()

    def last_undoable(self) -> WriteSummary | None:
        """The newest write with files to put back (as last listed)."""
        return next((w for w in self.writes if _undoable(w)), None)

    def find(self, write_id: str) -> WriteSummary | None:
        return next((w for w in self.writes if w.write_id == write_id), None)


def _undoable(summary: WriteSummary) -> bool:
    return (
        summary.state in UNDOABLE
        and summary.counts.get("written", 0) + summary.counts.get("pending", 0) > 0
    )
