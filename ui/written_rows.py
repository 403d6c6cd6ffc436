"""Which results-table rows a write touched. Pure (no Tk).

A plan names its file by path and lists every playlist row that pointed at it
(`FilePlan.target.rows`: (group, entry_index), where group is the place of the playlist
among the batch's playlists in playlist-id order, as the engine gathers them). Outcomes
name only the path. So the index learns path → rows from the plans, then turns each
FilesWritten outcome into marks for those rows:

    FilesPlanned ──learn()──▶ path → {(batch_id, playlist_id, entry_index), ...}
    FilesWritten ──marks()──▶ [(row key, "✓ written" | "undone" | "refused"), ...]

A row keeps "✓ written" when a later write refuses its file or an undo cannot restore
it: the file still holds what was written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from matcher import FileOutcome, FilePlan, FileStatus

__all__ = ["MARKS", "RowKey", "WrittenRows"]

RowKey = tuple[str, int, int]  # (batch_id, playlist_id, entry_index), as ui.results_model
WRITTEN, UNDONE, REFUSED = "✓ written", "undone", "refused"
MARKS = (WRITTEN, UNDONE, REFUSED)


class WrittenRows:
    def __init__(self) -> None:
        self._rows: dict[str, set[RowKey]] = {}  # path -> rows naming it
        self._marks: dict[RowKey, str] = {}

    def learn(self, batch_id: str, playlist_ids: Sequence[int], plans: Iterable[FilePlan]) -> None:
        """The rows of the plans' files; `playlist_ids[group]` is a group's playlist."""
        for plan in plans:
            keys = self._rows.setdefault(plan.path, set())
            for group, entry_index in plan.target.rows:
                if 0 <= group < len(playlist_ids):
                    keys.add((batch_id, playlist_ids[group], entry_index))

    def rows_of(self, path: str) -> set[RowKey]:
        return self._rows.get(path, set())

    def mark(self, key: RowKey) -> str:
        return self._marks.get(key, "")

    def marks(self, outcomes: Iterable[FileOutcome]) -> list[tuple[RowKey, str]]:
        """The rows whose mark changes with these outcomes, and their new marks."""
        changed: dict[RowKey, str] = {}
        for outcome in outcomes:
            new = _MARK_OF.get(outcome.status)
            if new is None:
                continue
            for key in self._rows.get(outcome.path, ()):
                old = self._marks.get(key, "")
                if new == REFUSED and old == WRITTEN:
                    continue  # still holds the tags written before
                if old != new:
                    self._marks[key] = changed[key] = new
        return list(changed.items())


_MARK_OF = {
    FileStatus.WRITTEN: WRITTEN,
    FileStatus.RESTORED: UNDONE,
    FileStatus.REFUSED: REFUSED,
}
