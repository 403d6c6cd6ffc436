"""A run over a DJ library for write-back, in the engine host: plan a write into a
Traktor collection, a Rekordbox master.db or a new Serato crate, write it, or undo one.
The work is matcher.writeback.libraries'; this module streams it as a file run's events,
so a window shows it with the same preview, progress and result as a tag write.

    read     BatchStarted → LibraryPlanned (the plan: one FilePlan per track) → BatchFinished
    write    BatchStarted → LibraryStep × 3 (backing up, writing, putting it in place)
             → FilesWritten (each track: written, unchanged or refused) → BatchFinished
    restore  BatchStarted → LibraryStep → FilesWritten (the library: restored) → BatchFinished
             any of them: EngineError (one line: the app runs, the library is damaged,
             locked, newer, read-only...) then BatchFinished(ok=False); BatchCancelled

A library is one file, so the work runs on one thread of the host process, not on the
worker pool; `step` waits for its news a tick at a time and the host keeps reading
commands. A write reports its steps through the writes journal it is given (a
`StepJournal`: the journal is where write_library records each milestone anyway), and
pause and cancel act there. A cancelled write stops before the library is replaced
(it ends cancelled, the library untouched); past that point it finishes, and says so.
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from matcher.engine.chunked_run import Emit
from matcher.engine.events import (
    BatchCancelled,
    BatchFinished,
    BatchPaused,
    BatchResumed,
    BatchStarted,
    BatchState,
    EngineError,
    FilesWritten,
    LibraryPlanned,
    LibraryStep,
    PlaylistFinished,
    PlaylistProgress,
    PlaylistStarted,
    damage_of,
)
from matcher.engine.library_steps import Cancelled, Control, StepJournal
from matcher.errors import CrateMatchError
from matcher.writeback.decisions import CHANGED_SINCE_PLAN, results_changed
from matcher.writeback.errors import (
    DecisionsChanged,
    LibraryBusy,
    LibraryChanged,
    LibraryWriteError,
)
from matcher.writeback.libraries import (
    LIBRARY_TARGETS,
    LibraryPlan,
    library_outcomes,
    plan_write,
    undo_library,
    write_plan,
    write_previews,
)
from matcher.writeback.libraries.apps import default_library, running_process
from matcher.writeback.libraries.rekordbox import REKORDBOX_FIELDS
from matcher.writeback.libraries.targets import gathered_with
from matcher.writeback.libraries.traktor import TRAKTOR_FIELDS
from matcher.writeback.records import FileOutcome, FileStatus
from matcher.writeback.targets import WriteOptions
from matcher.writeback.undo_journal import WriteJournal

__all__ = [
    "LIBRARY_APPS",
    "LIBRARY_FIELDS",
    "LibraryAction",
    "LibraryRun",
    "LibraryRunSpec",
    "is_library_write",
]

LIBRARY_APPS = {"rekordbox": "Rekordbox", "traktor": "Traktor", "serato": "Serato"}
# the fields each library keeps (a Serato crate keeps none: it only lists tracks)
LIBRARY_FIELDS: dict[str, frozenset[str]] = {
    "rekordbox": REKORDBOX_FIELDS,
    "traktor": TRAKTOR_FIELDS,
    "serato": frozenset(),
}
_WHAT = {"rekordbox": "its master.db", "traktor": "its collection.nml",
         "serato": "its _Serato_ folder"}  # fmt: skip
_STEPS = 3  # a write: backing up, writing, putting the new library in place


class LibraryAction(StrEnum):
    READ = "read"  # plan against the library (nothing written)
    WRITE = "write"  # write an approved plan
    RESTORE = "restore"  # undo a library write from its backup


@dataclass(frozen=True, slots=True)
class LibraryRunSpec:
    run_id: str  # the run's batch_id in events; a write's id is its run's
    action: LibraryAction
    app: str = ""  # "rekordbox", "traktor", "serato" (read, write)
    library: str = ""  # read: the library ("" = where the app keeps it on this computer)
    # read: the output folders whose results to write; write: the folders the plan was
    # read from, whose results must still decide the same (not checked when empty)
    out_dirs: tuple[str, ...] = ()
    options: WriteOptions = field(default_factory=WriteOptions)
    plan: LibraryPlan | None = None  # write: the plan as approved (re-planned by the caller)
    write_id: str = ""  # restore: the write to undo
    journal: str | None = None  # the writes journal (None: the default one)
    force: bool = False  # restore: even if the library changed since the write


def is_library_write(write_id: str, journal: str | None = None) -> str:
    """The id of the write an undo of `write_id` ("" = the newest not undone) means, when
    that write went into a library; "" when it wrote audio files (or there is none)."""
    with WriteJournal(Path(journal) if journal else None) as writes:
        found = write_id or writes.last_write_id()
        if not found:
            return ""
        try:
            summary = writes.write(found)
        except CrateMatchError:
            return ""
    return found if summary.target in LIBRARY_TARGETS else ""


class LibraryRun:
    """One read, write or undo of a library, with a ChunkedRun's face for the host
    (`begin`, `step`, `pause`, `resume`, `cancel`, `fail`, `over`)."""

    def __init__(self, spec: LibraryRunSpec, emit: Emit) -> None:
        self.spec = spec
        self.batch_id = spec.run_id
        self.emit = emit
        self.state = BatchState.PENDING
        self.news: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.control = Control(self.news)
        self._started = time.perf_counter()
        self._thread: threading.Thread | None = None
        self._name = ""  # the library's file name, the one "playlist" of the run

    @property
    def over(self) -> bool:
        return self.state in (BatchState.FINISHED, BatchState.CANCELLED, BatchState.FAILED)

    # -- beginning -------------------------------------------------------------------

    def begin(self) -> None:
        spec = self.spec
        if spec.action is LibraryAction.READ:
            self._name = Path(spec.library).name if spec.library else ""
            total, work = 0, self._read
        elif spec.action is LibraryAction.WRITE:
            assert spec.plan is not None
            self._name = Path(spec.plan.library).name
            total, work = _STEPS, self._write
        else:
            total, work = 1, self._restore
        self.state = BatchState.RUNNING
        self.emit(BatchStarted, total_tracks=total, playlists=((0, "", self._name, total),),
                  workers=1)  # fmt: skip
        self.emit(PlaylistStarted, playlist_id=0, name=self._name, total=total)
        self._thread = threading.Thread(target=self._work, args=(work,), daemon=True,
                                        name=f"cratematch-library-{spec.action}")  # fmt: skip
        self._thread.start()

    def _work(self, work: Any) -> None:
        """The worker thread: do the work, report how it ended."""
        try:
            self.news.put(("done", work()))
        except Cancelled:
            self.news.put(("cancelled", None))
        except Exception as err:  # noqa: BLE001 - reported as one line, never lost
            message = str(err) if isinstance(err, CrateMatchError) else f"internal error: {err}"
            more: dict[str, Any] = dict(damage_of(err))
            if isinstance(err, LibraryChanged) and self.spec.action is LibraryAction.RESTORE:
                more["may_force"] = True
            self.news.put(("failed", (message, traceback.format_exc(), more)))

    # -- the work (worker thread) ----------------------------------------------------

    def _journal(self) -> Path | None:
        return Path(self.spec.journal) if self.spec.journal else None

    def _read(self) -> dict[str, Any]:
        from matcher.engine.history import History

        spec, app = self.spec, self.spec.app
        if app not in LIBRARY_APPS:
            raise LibraryWriteError(f"writing into {app or '?'} is not in this version")
        if spec.library:
            library = Path(spec.library).expanduser()
        else:
            try:
                library = default_library(app)
            except LibraryWriteError:
                raise LibraryWriteError(f"no {LIBRARY_APPS[app]} library found on this "
                                        f"computer: choose {_WHAT[app]}") from None  # fmt: skip
        options = replace(spec.options, target=app)
        with History.open() as history:
            plan = plan_write(app, library.absolute(), history, spec.out_dirs, options)
        if not self.control.cancelled:
            write_previews(plan.plans)
        return {"plan": plan}

    def _write(self) -> dict[str, Any]:
        spec = self.spec
        plan = spec.plan
        assert plan is not None
        name = Path(plan.library).name
        app = LIBRARY_APPS.get(plan.app, plan.app)
        changes = sum(len(p.changes) for p in plan.plans)
        what = "the crate" if plan.app == "serato" else f"{changes:,} fields and the playlist"
        names = (f"Backing up {name}", f"Writing {what}", f"Putting the new {app} library in place")
        if plan.app == "serato":
            names = ("Writing the crate", "Writing the crate", "Adding it to Serato's crates")
        self.control.checkpoint(f"Checking that {app} is not running", 0, may_stop=True)
        if spec.out_dirs:  # before the backup: nothing begun, nothing written
            from matcher.engine.history import History

            options = gathered_with(plan.app, replace(spec.options, target=plan.app))
            with History.open() as history:
                if results_changed(history, spec.out_dirs, options, plan.plans,
                                   catalog_files=True):  # fmt: skip
                    raise DecisionsChanged(CHANGED_SINCE_PLAN)
        stoppable = plan.app != "serato"
        with StepJournal(self._journal(), self.batch_id, self.control, names, stoppable) as journal:
            write_id = write_plan(plan, spec.options, journal)
            written = str(journal.write(write_id).options.get("library", plan.library))
        outcomes = library_outcomes(plan)
        write_previews(plan.plans, {o.path: o for o in outcomes})
        return {"write_id": write_id, "outcomes": outcomes, "library": written}

    def _restore(self) -> dict[str, Any]:
        with WriteJournal(self._journal()) as journal:
            summary = journal.write(self.spec.write_id)
            library = str(summary.options.get("library", ""))
            app = LIBRARY_APPS.get(summary.target, summary.target)
            pid = running_process(summary.target) if summary.target != "serato" else 0
            if pid:
                raise LibraryBusy(f"{app} is running (process {pid}): quit it, then undo the write")
            self.control.checkpoint(f"Restoring {Path(library).name} from its backup", 0,
                                    may_stop=True)  # fmt: skip
            done = undo_library(journal, self.spec.write_id, force=self.spec.force)
        reason = "" if done.status == "restored" else done.status
        return {"outcomes": [FileOutcome(done.library, FileStatus.RESTORED, reason)],
                "library": done.library}  # fmt: skip

    # -- the host's side -------------------------------------------------------------

    def step(self, timeout: float) -> None:
        """Take the worker thread's news (waiting up to `timeout` for the first)."""
        if self.over:
            return
        try:
            kind, value = self.news.get(timeout=timeout)
        except queue.Empty:
            return
        while True:
            self._take(kind, value)
            if self.over:
                return
            try:
                kind, value = self.news.get_nowait()
            except queue.Empty:
                return

    def _take(self, kind: str, value: Any) -> None:
        if kind == "step":
            step, done = value
            total = _STEPS if self.spec.action is LibraryAction.WRITE else 1
            self.emit(LibraryStep, step=step, done=done, total=total)
            self.emit(PlaylistProgress, playlist_id=0, done=done, total=total)
        elif kind == "paused":
            if self.state is BatchState.PAUSING:
                self.state = BatchState.PAUSED
                self.emit(BatchPaused, done=0)
        elif kind == "cancelled":
            self._cancelled()
        elif kind == "failed":
            message, detail, damage = value
            self.fail(message, detail, **damage)
        elif kind == "done":
            self._finish(value)

    def _finish(self, value: dict[str, Any]) -> None:
        if self.state is BatchState.CANCELLED:  # a read cancelled: its plan is not wanted
            return
        counts: dict[str, int] = {}
        if "plan" in value:
            plan: LibraryPlan = value["plan"]
            self._name = Path(plan.library).name
            self.emit(LibraryPlanned, plan=plan)
            for p in plan.plans:
                counts[str(p.status)] = counts.get(str(p.status), 0) + 1
            counts.update({f"left out: {why}": n for why, n in plan.skipped.items()})
            done = total = len(plan.plans)
        else:
            outcomes: list[FileOutcome] = value["outcomes"]
            self.emit(FilesWritten, playlist_id=0, outcomes=tuple(outcomes))
            for o in outcomes:
                counts[str(o.status)] = counts.get(str(o.status), 0) + 1
            done = total = _STEPS if self.spec.action is LibraryAction.WRITE else 1
        self.emit(PlaylistProgress, playlist_id=0, done=done, total=total, counts=counts)
        library = str(value.get("library", ""))
        self.emit(PlaylistFinished, playlist_id=0, name=self._name,
                  out_dir=str(Path(library).parent) if library else "", counts=counts)  # fmt: skip
        self.state = BatchState.FINISHED
        self.emit(
            BatchFinished, ok=True, done=done, total=total, counts=counts,
            elapsed_s=time.perf_counter() - self._started,
            out_dir=str(Path(library).parent) if library else "", summary_path="",
        )  # fmt: skip

    def _cancelled(self) -> None:
        if not self.over:
            self.state = BatchState.CANCELLED
            self.emit(BatchCancelled, done=0, total=0, out_dir="")

    def pause(self) -> None:
        if self.state is BatchState.RUNNING and self.spec.action is not LibraryAction.READ:
            self.state = BatchState.PAUSING
            self.control.set(pausing=True)

    def resume(self) -> None:
        if self.state in (BatchState.PAUSING, BatchState.PAUSED):
            self.state = BatchState.RUNNING
            self.control.set(pausing=False)
            self.emit(BatchResumed, done=0)

    def cancel(self) -> None:
        """A read stops at once (its thread's plan is dropped); a write or an undo stops
        at its next step where the library is untouched, or finishes."""
        if self.over or self.state is BatchState.CANCELLING:
            return
        self.control.set(cancelled=True)
        if self.spec.action is LibraryAction.READ:
            self._cancelled()
        else:
            self.state = BatchState.CANCELLING

    def fail(self, message: str, detail: str = "", **more: Any) -> None:
        """Stop with `message`; `more`: EngineError's damaged, damaged_path, may_force."""
        if self.over:
            return
        self.state = BatchState.FAILED
        self.control.set(cancelled=True)
        self.emit(EngineError, message=message, fatal=True, detail=detail, **more)
        self.emit(BatchFinished, ok=False, done=0, total=0, counts={},
                  elapsed_s=time.perf_counter() - self._started, out_dir="")  # fmt: skip
