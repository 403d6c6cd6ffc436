"""One run over audio files, as the "Write tags" dialog shows it: reading files for a
preview, writing tags, or undoing a write. Pure (no Tk): engine events in, what to show
out (phase, progress per playlist, outcomes, the refused files and why).

    read    BatchStarted → FilesPlanned… → BatchFinished        (the preview is ready)
    write   BatchStarted → FilesWritten… → BatchFinished        (the result: write id)
    undo    BatchStarted → FilesWritten (restored)… → BatchFinished
            any of them: BatchPaused ⇄ BatchResumed, BatchCancelled, EngineError

Counts and file lists come from the FilesWritten outcomes as they arrive, so a
cancelled write still says exactly which files it wrote.

A run over a DJ library (`target` is its app) goes the same way with one "playlist",
the library: LibraryPlanned ends its read, LibraryStep names each step of its write or
undo (backing up, writing, putting it in place), FilesWritten says what each track's
entry got (an undo: the library restored).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from matcher import (
    BatchCancelled,
    BatchFinished,
    BatchPaused,
    BatchResumed,
    BatchStarted,
    EngineError,
    Event,
    FileStatus,
    FilesWritten,
    LibraryStep,
    PlaylistProgress,
    PlaylistStarted,
)
from ui.progress_model import ProgressClock, ProgressLine, plural
from ui.write_model import LIBRARY_TITLES, TAGS

__all__ = ["GroupProgress", "RunKind", "RunPhase", "Stage", "WriteRun"]


class RunKind(StrEnum):
    READ = "read"  # reading files for the preview (engine.plan_tags)
    WRITE = "write"  # writing tags (engine.write_tags)
    UNDO = "undo"  # restoring the files of a write (engine.undo_write)


class RunPhase(StrEnum):
    STARTING = "starting"  # asked for; waiting for BatchStarted
    RUNNING = "running"
    PAUSING = "pausing"  # pause asked; waiting for BatchPaused
    PAUSED = "paused"
    RESUMING = "resuming"  # resume asked; waiting for BatchResumed
    CANCELLING = "cancelling"  # cancel asked; waiting for BatchCancelled
    FINISHED = "finished"
    CANCELLED = "cancelled"
    FAILED = "failed"  # stopped by an error (its message in `error`)


OVER = frozenset({RunPhase.FINISHED, RunPhase.CANCELLED, RunPhase.FAILED})


class Stage(StrEnum):
    """What the dialog shows for a run."""

    PROGRESS = "progress"  # a bar and the playlists' progress
    PREVIEW = "preview"  # the plans, the options, Write
    RESULT = "result"  # what a write or an undo did, refused files listed
    ERROR = "error"  # a read that failed (nothing to preview)


@dataclass(frozen=True, slots=True)
class GroupProgress:
    name: str
    done: int = 0
    total: int = 0


_TITLES = {
    RunKind.READ: "Reading the files…",
    RunKind.WRITE: "Writing tags…",
    RunKind.UNDO: "Undoing the write…",
}


class WriteRun:
    def __init__(
        self,
        kind: RunKind,
        batch_id: str,
        now: float,
        write_id: str = "",
        target: str = TAGS,
        playlist: str = "",
        listed: int = 0,
    ) -> None:
        self.kind = kind
        self.target = target  # TAGS, or the library's app ("rekordbox", "traktor", "serato")
        self.playlist = playlist  # a library write: the playlist (crate) it adds
        self.listed = listed  # and how many tracks that playlist (crate) lists
        self.step = ""  # a library run: the step it is at
        self.batch_id = batch_id  # the run's id in events (a write's id is its run's)
        self.target_write_id = write_id  # undo: the write it undoes ("" = the last one)
        self.phase = RunPhase.STARTING
        self.groups: dict[int, GroupProgress] = {}
        self.total = 0
        self.clock = ProgressClock()
        self.clock.start(now)
        self.outcomes: Counter[str] = Counter()  # FileStatus value -> files
        self.refused: list[tuple[str, str]] = []  # (path, reason), as they arrive
        self.error = ""
        self.final_counts: dict[str, int] = {}
        self.summary_path = ""  # tag_changes.csv (read and write runs)
        self.out_dir = ""
        self.fields_written = 0  # over the written outcomes
        self.already = False
        self.may_force = False  # an undo refused: the library changed since the write

    @property
    def library(self) -> bool:
        """A run over a DJ library, not over audio files."""
        return self.target != TAGS

    @property
    def library_title(self) -> str:
        """ "Rekordbox library" """
        return LIBRARY_TITLES.get(self.target, self.target)

    # -- what it is ------------------------------------------------------------------

    @property
    def write_id(self) -> str:
        return self.batch_id if self.kind is RunKind.WRITE else self.target_write_id

    @property
    def over(self) -> bool:
        return self.phase in OVER

    @property
    def paused(self) -> bool:
        return self.phase in (RunPhase.PAUSED, RunPhase.PAUSING)

    @property
    def done(self) -> int:
        return sum(g.done for g in self.groups.values())

    @property
    def stage(self) -> Stage:
        if not self.over:
            return Stage.PROGRESS
        if self.kind is RunKind.READ:
            return Stage.PREVIEW if self.phase is RunPhase.FINISHED else Stage.ERROR
        return Stage.RESULT

    def title(self) -> str:
        if self.phase is RunPhase.PAUSED:
            return "Paused"
        if self.phase is RunPhase.CANCELLING:
            return "Cancelling…"
        if self.library:
            verb = {RunKind.READ: "Reading", RunKind.WRITE: "Writing into",
                    RunKind.UNDO: "Restoring"}[self.kind]  # fmt: skip
            return f"{verb} the {self.library_title}…"
        return _TITLES[self.kind]

    def progress_line(self, now: float) -> ProgressLine:
        noun = "steps" if self.library else "files"
        return self.clock.line(self.done, self.total, now, noun=noun)

    # -- the user asked ------------------------------------------------------------

    def request(self, phase: RunPhase) -> None:
        """Pause, resume or cancel asked for; the engine's event confirms it."""
        if not self.over:
            self.phase = phase

    # -- events ----------------------------------------------------------------------

    def apply(self, event: Event, now: float) -> bool:
        """Move along for one event of this run; True when anything shown changed."""
        if event.batch_id != self.batch_id:
            return False
        if isinstance(event, BatchStarted):
            self.total = event.total_tracks
            self.groups = {p[0]: GroupProgress(p[2], 0, p[3]) for p in event.playlists}
            if self.phase is RunPhase.STARTING:
                self.phase = RunPhase.RUNNING
        elif isinstance(event, PlaylistStarted | PlaylistProgress):
            old = self.groups.get(event.playlist_id, GroupProgress(getattr(event, "name", "")))
            done = event.done if isinstance(event, PlaylistProgress) else old.done
            self.groups[event.playlist_id] = GroupProgress(old.name, done, event.total)
        elif isinstance(event, FilesWritten):
            self._outcomes(event)
        elif isinstance(event, LibraryStep):
            self.step = event.step
        elif isinstance(event, BatchPaused | BatchResumed):
            paused = isinstance(event, BatchPaused)
            if self.phase is not RunPhase.CANCELLING:
                self.phase = RunPhase.PAUSED if paused else RunPhase.RUNNING
            (self.clock.pause if paused else self.clock.resume)(now)
        elif isinstance(event, EngineError):
            self.error = self.error or event.message
            self.may_force = self.may_force or event.may_force
            if not event.fatal:
                return True
        elif isinstance(event, BatchFinished):
            self.final_counts = dict(event.counts)
            self.summary_path, self.out_dir = event.summary_path, event.out_dir
            self.phase = RunPhase.FINISHED if event.ok else RunPhase.FAILED
            self.clock.stop(now)
        elif isinstance(event, BatchCancelled):
            self.phase = RunPhase.CANCELLED
            self.out_dir = event.out_dir
            self.clock.stop(now)
        else:
            return False
        return True

    def _outcomes(self, event: FilesWritten) -> None:
        for outcome in event.outcomes:
            self.outcomes[str(outcome.status)] += 1
            if outcome.status is FileStatus.WRITTEN:
                self.fields_written += len(outcome.changes)
            elif outcome.status is FileStatus.RESTORED and outcome.reason:
                self.already = True  # a library undo found it as before the write
            if outcome.status is FileStatus.REFUSED:
                self.refused.append((outcome.path, outcome.reason or "refused"))

    # -- the result ------------------------------------------------------------------

    def result_headline(self) -> str:
        """One line on what the run did (for the result view)."""
        written = self.outcomes[str(FileStatus.WRITTEN)]
        restored = self.outcomes[str(FileStatus.RESTORED)]
        if self.phase is RunPhase.FAILED and self.library and self.kind is RunKind.READ:
            error = self.error or "an error in the engine"  # "Rekordbox is running (...)..."
            return error[:1].upper() + error[1:]
        if self.phase is RunPhase.FAILED and self.may_force:
            return f"The undo stopped: the {self.library_title} changed after this write"
        if self.phase is RunPhase.FAILED:
            verb = {RunKind.READ: "Reading", RunKind.WRITE: "The write", RunKind.UNDO: "The undo"}
            return f"{verb[self.kind]} stopped: {self.error or 'an error in the engine'}"
        if self.library:
            return self._library_headline(written, restored)
        if self.kind is RunKind.UNDO:
            head = "Undo cancelled" if self.phase is RunPhase.CANCELLED else "Write undone"
            return f"{head}: {plural(restored, 'file')} put back as they were"
        if self.phase is RunPhase.CANCELLED:
            return f"Write cancelled: {plural(written, 'file')} written before it stopped"
        if not written:
            return "No file was written"
        return f"Tags written to {plural(written, 'file')}"

    def _library_headline(self, written: int, restored: int) -> str:
        title = self.library_title
        if self.kind is RunKind.UNDO:
            if self.phase is RunPhase.CANCELLED:
                return f"Undo cancelled: the {title} is as the write left it"
            if self.already or not restored:
                return f"Write undone: the {title} was already as before it"
            return f"Write undone: the {title} is back as it was"
        if self.phase is RunPhase.CANCELLED and not written:
            return f"Write cancelled: the {title} was not touched"
        if self.target == "serato":  # its tracks are "unchanged": a crate holds no fields
            return f"Added crate “{self.playlist}” with {plural(self.listed, 'track')}"
        fields = plural(self.fields_written, "field")
        head = f"Written into the {title}: {fields} in {plural(written, 'track')}"
        return head + (f", playlist “{self.playlist}”" if self.playlist else "")

    def result_detail(self, refused_before: int = 0) -> str:
        """ "21 written · 3 unchanged · 5 refused · write 20261206-…" """
        parts = []
        crate = self.target == "serato" and self.kind is RunKind.WRITE
        if crate and self.phase is RunPhase.FINISHED:
            parts.append(f"{plural(self.listed, 'track')} in the crate")
        for status in (FileStatus.WRITTEN, FileStatus.RESTORED, FileStatus.UNCHANGED):
            n = self.outcomes[str(status)]
            if n and not crate:
                parts.append(f"{n:,} {status.value}")
        refused = self.outcomes[str(FileStatus.REFUSED)] + refused_before
        if refused:
            parts.append(f"{refused:,} refused")
        if self.write_id:
            parts.append(f"write {self.write_id}")
        return " · ".join(parts)
