"""Invented write-back records for the window's model tests: plans (as a plan run's
FilesPlanned would carry them) and the engine events of reading, writing and undoing.
Built with the engine's own records and plan_file, so they behave like real ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from matcher import (
    BatchFinished,
    BatchStarted,
    FileOutcome,
    FilePlan,
    FileStatus,
    FilesWritten,
    PlaylistProgress,
    WriteOptions,
)
from matcher.writeback.plan import plan_file
from matcher.writeback.records import FileStamp, FileState, StreamInfo
from matcher.writeback.targets import FileTarget

__all__ = [
    "PROPOSED",
    "FakeBatch",
    "FakeEngine",
    "finished",
    "outcome",
    "plan",
    "refused_plan",
    "started",
    "written",
]

PROPOSED = {
    "genre": "Deep House", "label": "Quarrystone", "key": "A Minor", "bpm": "124",
    "year": "2022", "remixers": "Nimo Fell", "mix": "Extended Mix", "isrc": "QZQRY2200001",
    "comment": "CrateMatch: local c1",
}  # fmt: skip


def _target(path: str, rows: Sequence[tuple[int, int]], status: str = "matched") -> FileTarget:
    return FileTarget(
        path=path, group=rows[0][0], playlist="Peak Time", out_dir="/out",
        rows=tuple(rows), catalog_id="c1", status=status, proposed=dict(PROPOSED),
    )  # fmt: skip


def plan(
    path: str = "/music/Peak/a.mp3",
    rows: Sequence[tuple[int, int]] = ((0, 0),),
    options: WriteOptions | None = None,
    **values: str,
) -> FilePlan:
    """A readable MP3 whose tags say `values` (every other field empty)."""
    state = FileState(
        path, path, "mp3", "id3", FileStamp(1000, 1, "t" * 64),
        {**dict.fromkeys(PROPOSED, ""), **values}, StreamInfo(2.0, 44100, 2),
    )  # fmt: skip
    return plan_file(_target(path, rows), state, options or WriteOptions())


def refused_plan(path: str = "/music/Peak/broken.mp3", reason: str = "damaged (empty file)"):  # noqa: ANN201
    return plan_file(_target(path, ((0, 9),)), None, WriteOptions(), reason)


def started(batch_id: str, groups: Sequence[tuple[str, int]]) -> BatchStarted:
    """A file run's BatchStarted: its playlists and their files."""
    playlists = tuple((n, "", name, total) for n, (name, total) in enumerate(groups))
    return BatchStarted(batch_id, 1, sum(t for _n, t in groups), playlists, 2)


def outcome(path: str, status: FileStatus, reason: str = "") -> FileOutcome:
    return FileOutcome(path, status, reason)


def written(batch_id: str, seq: int, outcomes: Sequence[FileOutcome], done: int, total: int):  # noqa: ANN201
    """FilesWritten and the PlaylistProgress that follows it (playlist 0)."""
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[str(o.status)] = counts.get(str(o.status), 0) + 1
    return [
        FilesWritten(batch_id, seq, 0, tuple(outcomes)),
        PlaylistProgress(batch_id, seq + 1, 0, done, total, counts),
    ]


def finished(batch_id: str, counts: dict[str, int], total: int, ok: bool = True) -> BatchFinished:
    summary = "/out/tag_changes.csv"
    return BatchFinished(batch_id, 99, ok, total, total, counts, 1.0, "/out", summary)


@dataclass
class FakeBatch:
    batch_id: str
    calls: list[str] = field(default_factory=list)

    def pause(self) -> None:
        self.calls.append("pause")

    def resume(self) -> None:
        self.calls.append("resume")

    def cancel(self) -> None:
        self.calls.append("cancel")


class FakeEngine:
    """The engine's write-back calls, recorded; each run a FakeBatch named run-N."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.batches: list[FakeBatch] = []

    def _batch(self) -> FakeBatch:
        batch = FakeBatch(f"run-{len(self.batches)}")
        self.batches.append(batch)
        return batch

    def plan_tags(self, out_dirs, options):  # noqa: ANN001, ANN201
        self.calls.append(("plan", tuple(out_dirs), options))
        return self._batch()

    def write_tags(self, plans, options, out_dirs=()):  # noqa: ANN001, ANN201
        self.calls.append(("write", tuple(plans), options, tuple(out_dirs)))
        return self._batch()

    def undo_write(self, write_id="", *, force=False):  # noqa: ANN001, ANN201
        self.calls.append(("undo", write_id, "force") if force else ("undo", write_id))
        return self._batch()

    def plan_library(self, app, out_dirs, options, library=""):  # noqa: ANN001, ANN201
        self.calls.append(("plan_library", app, tuple(out_dirs), options, library))
        return self._batch()

    def write_library(self, plan, options, out_dirs=()):  # noqa: ANN001, ANN201
        self.calls.append(("write_library", plan, options, tuple(out_dirs)))
        return self._batch()
