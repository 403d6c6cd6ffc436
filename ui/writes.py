"""Write-back as the window drives it: read the files of a batch's results for a preview,
write the tags the user approved, undo a write, list the writes. No Tk here.

    "Write tags…" ── read() ──▶ engine.plan_tags(out_dir) ── FilesPlanned ──▶ preview
    shown again ── open_preview() ──▶ check_files(): a file changed since? read again
    a review decision ── results_edited() ──▶ the preview is outdated: read again
    options changed ── set_options() ──▶ re-plan and check (or read again: review rows)
    Write ── write() ──▶ engine.write_tags(plans) ── FilesWritten ──▶ run, row marks
        (refused as a whole when the results were decided otherwise since: read again)
    Undo ── undo(id) ──▶ engine.undo_write(id) ── FilesWritten (restored) ──▶ run, marks
    list_writes() on a thread ──▶ `listed` (ui/write_list.py), newest first (Writes tab)

    "Write to Rekordbox library…" ── read_into("rekordbox") ──▶ engine.plan_library
        ── LibraryPlanned ──▶ the same preview (the library's entries, a track each)
    Write ──▶ engine.write_library(plan) ── LibraryStep, FilesWritten ──▶ run
    Undo of a library write ──▶ engine.undo_write(id): the library restored from its backup

Every run's events come through the window's one pump (the controller hands over the
events of the runs this part started: `owns`). One run at a time, and none while a batch
is matching: the engine host runs one thing at a time, and a queued write would look
stuck. Listeners (`watch`) hear about every change; views coalesce their redraws.

A preview is kept while it is true: of the same batch's results as the user last decided
them, and of files as they are now. A review decision sent after its read began outdates
it (the engine applies a decision before any read asked for after it): it is never
written, and is read again when shown, when Write is pressed or an option changes.
Whether a file changed is looked at on a thread (ui/preview_check.py), so only a change
pays for reading every file again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from matcher import (
    CHANGED_SINCE_PLAN,
    Batch,
    BatchFinished,
    Engine,
    Event,
    FileOutcome,
    FilePlan,
    FilesPlanned,
    FileStatus,
    FilesWritten,
    LibraryPlanned,
    WriteOptions,
)
from ui.history import BatchHistory
from ui.preview_check import PreviewCheck, any_stale
from ui.session import Session
from ui.write_list import WriteList
from ui.write_model import TAGS, WritePreview, default_options
from ui.write_run import RunKind, RunPhase, WriteRun
from ui.written_rows import RowKey, WrittenRows

__all__ = ["NEED_RESULTS", "Source", "Writes", "any_stale"]

NEED_RESULTS = "Match some playlists first: tags come from their results."
REREAD = "Read again: your review changed the results since the last preview."
# the engine refused a write whose results were decided otherwise since (another window)
REREAD_REFUSED = ("Nothing was written: a review decision changed the results after the "
                  "preview was read. Here it is read again: check it, then write.")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Source:
    """The batch whose results "Write tags…" writes: its id and output folder."""

    batch_id: str
    out_dir: str


class Writes:
    def __init__(
        self,
        session: Session,
        engine: Callable[[], Engine | None],
        history: BatchHistory,
        batch_active: Callable[[], bool],
        *,
        stale: Callable[[Iterable[FilePlan]], bool] = any_stale,
    ) -> None:
        self.session = session
        self._engine = engine  # the controller's engine (made on first use)
        self._history = history
        self._batch_active = batch_active
        self.options = WriteOptions()  # what the user chose last for tags (this session)
        self.target = TAGS  # what "Write…" writes into: audio files, or a library's app
        self.library_options: dict[str, WriteOptions] = {}  # chosen last, per library
        self.libraries: dict[str, str] = {}  # a library the user chose, per app
        self.source: Source | None = None
        self.preview: WritePreview | None = None
        self.preview_source: Source | None = None  # the batch the preview was read from
        self.check = PreviewCheck(session, lambda: self.preview, self._checked, stale)
        self.refused_before: list[tuple[str, str]] = []  # the write's files refused when read
        self.run: WriteRun | None = None
        self.batch: Batch | None = None
        self.rows = WrittenRows()
        self.listed = WriteList(session, self.changed)  # the history, newest first
        self.on_marks: Callable[[list[tuple[RowKey, str]]], None] = lambda marks: None
        self._ids: set[str] = set()  # every run this part started
        self._library_ids: set[str] = set()  # those over a library (they mark no rows)
        self._playlist_ids: dict[str, list[int]] = {}  # read run -> its groups' playlists
        self._listeners: list[Callable[[], None]] = []

    def watch(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def unwatch(self, callback: Callable[[], None]) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    def changed(self) -> None:
        for callback in list(self._listeners):
            callback()

    # -- what can be done ------------------------------------------------------------

    def owns(self, batch_id: str) -> bool:
        return batch_id in self._ids

    @property
    def active(self) -> bool:
        return self.run is not None and not self.run.over

    def note_batch(self, batch_id: str, out_dir: str) -> None:
        """A batch ended with outputs: "Write tags…" now writes its results."""
        if out_dir:
            self.source = Source(batch_id, out_dir)
            self.session.withdraw(NEED_RESULTS)  # said before the results came: not true now
            self.changed()

    def blocked(self) -> str:
        """Why a run cannot start now ("" when it can)."""
        if self._batch_active():
            return "Wait for the batch to finish before writing tags."
        if self.active:
            return "Wait for the current tag write to finish."
        return ""

    def _refused(self) -> bool:
        """Whether a run cannot start now, telling the user why when it cannot."""
        reason = self.blocked()
        if reason:
            self.session.notice(reason)
        return bool(reason)

    # -- runs ------------------------------------------------------------------------

    def options_for(self, target: str) -> WriteOptions:
        if target == TAGS:
            return self.options
        return self.library_options.get(target) or default_options(target)

    def _keep_options(self, options: WriteOptions) -> None:
        if self.target == TAGS:
            self.options = options
        else:
            self.library_options[self.target] = options

    def read_into(self, target: str, library: str | None = None) -> bool:
        """A new preview of writing the source batch's results into `target` (TAGS, or
        a library's app; `library`: the library chosen, None for the last one chosen,
        "" for where the app keeps it)."""
        self.target = target
        if library is not None:
            self.libraries[target] = library
        return self.read()

    def read(self, options: WriteOptions | None = None) -> bool:
        """Read the files the source batch's results name (or, for a library, the
        library), for a new preview."""
        if self.source is None:
            self.session.notice(NEED_RESULTS)
            return False
        old = self.preview
        if options is not None:
            self._keep_options(options)
        if self.run is not None and self.run.kind is RunKind.READ and not self.run.over:
            self.cancel()  # a read being replaced (include review rows changed)
        elif self._refused():
            return False
        engine = self._engine()
        if engine is None:
            return False
        source, target = self.source, self.target
        options = self.options_for(target)
        if target == TAGS:
            batch = engine.plan_tags([source.out_dir], options)
        else:
            where = self.libraries.get(target, "")
            batch = engine.plan_library(target, [source.out_dir], options, where)
            self._library_ids.add(batch.batch_id)
        # the plans name rows by their playlist's place among the batch's playlists
        ids = [r.playlist_id for r in self._history.playlists(source.batch_id)]
        self._playlist_ids[batch.batch_id] = ids
        self.preview = WritePreview(options, target)
        if old is not None and old.outdated and old.target == target:
            self.preview.note = REREAD  # the user did not ask for it: say why
        self.preview_source = source
        self._start(RunKind.READ, batch, target=target)
        return True

    def open_preview(self, target: str, library: str | None = None) -> bool:
        """The preview of writing the source batch's results into `target`, as things are
        now: a read going for it is shown as it is; a tag preview read for this batch is
        kept unless a file changed since (check_files); anything else is read again (a
        library is one file: it is read again rather than looked at)."""
        run, preview = self.run, self.preview
        if (run is not None and run.kind is RunKind.READ and preview is not None
                and run.target == target and library is None and not preview.outdated
                and self.preview_source == self.source):  # fmt: skip
            if not run.over:
                return True
            if run.phase is RunPhase.FINISHED and target == TAGS:
                self.check_files()
                return True
        return self.read_into(target, library)

    def set_options(self, options: WriteOptions) -> None:
        """The user changed an option: re-plan (and look whether a file changed since it
        was read), or read again for include_review."""
        self._keep_options(options)
        preview = self.preview
        if preview is not None and (preview.set_options(options) or preview.outdated):
            self.read()
        elif preview is not None and self._read_over() and preview.target == TAGS:
            self.check_files()
        self.changed()

    def results_edited(self, batch_id: str) -> None:
        """A review decision on `batch_id`'s results was sent: a preview read from them
        follows the old decisions. It is outdated (not `ready`, never written) and read
        again when shown; a read going is started again at once."""
        preview, source, run = self.preview, self.preview_source, self.run
        if preview is None or source is None or source.batch_id != batch_id:
            return
        preview.outdated = True
        if run is not None and run.kind is RunKind.READ and not run.over:
            self.read()
        self.changed()

    def refresh_preview(self) -> bool:
        """Read the preview the dialog shows again if it is outdated (True when a read
        started). Not while a batch matches: it stays outdated, unwritable, until then."""
        preview = self.preview
        if preview is None or not preview.outdated or self._batch_active():
            return False
        return self._read_over() and self.read()  # else a write or an undo is on show

    def _read_over(self) -> bool:
        run = self.run
        return run is not None and run.kind is RunKind.READ and run.phase is RunPhase.FINISHED

    def check_files(self) -> None:
        """Look, on a thread, whether any file of the preview changed since it was read
        (made writable, written by another program...); read them all again if one did.
        The preview is not ready meanwhile, so Write waits for the answer."""
        if self.preview is not None:
            self.check.ask(self.preview)
            self.changed()

    def _checked(self, preview: WritePreview, changed: bool) -> None:
        """The last look's answer about the preview on show: read again if one changed."""
        if changed and self._read_over():
            self.read()  # refused (a batch started meanwhile): the notice says why
        self.changed()

    def write(self) -> bool:
        """Write the preview's plans under the chosen options."""
        preview = self.preview
        if preview is not None and preview.outdated:  # decided after the read: read again
            if not self.refresh_preview():
                self._refused()  # says why not now
            return False
        if preview is None or not preview.writable:
            return False
        if self._refused():
            return False
        engine = self._engine()
        if engine is None:
            return False
        self.refused_before = preview.refused()
        self.preview = None  # a new "Write tags…" reads the files again; let the plans go
        # the engine checks the decisions of the folder read once more (another window)
        folders = [self.preview_source.out_dir] if self.preview_source else []
        library = preview.library_plan()
        if library is not None:
            self.refused_before = []  # its outcomes list them: the engine planned them
            batch = engine.write_library(library, preview.options, folders)
            self._library_ids.add(batch.batch_id)
            self._start(RunKind.WRITE, batch, target=library.app, playlist=library.playlist,
                        listed=len(library.found))  # fmt: skip
            return True  # its rows are not marked: no audio file is written
        plans = preview.to_write()
        self._start(RunKind.WRITE, engine.write_tags(plans, preview.options, folders))
        refused = [FileOutcome(path, FileStatus.REFUSED, why) for path, why in self.refused_before]
        marks = self.rows.marks(refused)  # no event comes for them: mark them now
        if marks:
            self.on_marks(marks)
        return True

    def undo(self, write_id: str = "", *, force: bool = False) -> bool:
        """Put back every file of a write ("" = the newest not undone); `force`: a library
        write even if the library changed since (the user confirmed losing that)."""
        if self._refused():
            return False
        engine = self._engine()
        if engine is None:
            return False
        if not write_id and (last := self.listed.last_undoable()) is not None:
            write_id = last.write_id
        summary = self.listed.find(write_id)
        target = summary.target if summary is not None and summary.target != TAGS else TAGS
        if write_id and summary is None and self.run is not None and self.run.write_id == write_id:
            target = self.run.target  # a write of this session, not listed yet
        batch = engine.undo_write(write_id, force=force)
        if target != TAGS:
            self._library_ids.add(batch.batch_id)
        self._start(RunKind.UNDO, batch, write_id, target=target)
        return True

    def _start(self, kind: RunKind, batch: Batch, write_id: str = "", *, target: str = TAGS,
               playlist: str = "", listed: int = 0) -> None:  # fmt: skip
        self.batch = batch
        self._ids.add(batch.batch_id)
        self.run = WriteRun(kind, batch.batch_id, self.session.clock(), write_id, target,
                            playlist, listed)  # fmt: skip
        self.changed()

    def toggle_pause(self) -> None:
        run, batch = self.run, self.batch
        if run is None or batch is None or run.over or run.phase is RunPhase.CANCELLING:
            return
        if run.paused:
            batch.resume()
            run.request(RunPhase.RESUMING)
        else:
            batch.pause()
            run.request(RunPhase.PAUSING)
        self.changed()

    def cancel(self) -> None:
        run, batch = self.run, self.batch
        if run is not None and batch is not None and not run.over:
            batch.cancel()
            run.request(RunPhase.CANCELLING)
            self.changed()

    # -- events ----------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        """An event of a run this part started (the controller routes them here)."""
        run = self.run
        if isinstance(event, FilesPlanned):
            self._planned(event)
        elif isinstance(event, LibraryPlanned):
            preview = self.preview
            if run is not None and event.batch_id == run.batch_id and preview is not None:
                preview.library = event.plan
                preview.add(event.plan.plans)
        elif isinstance(event, FilesWritten) and event.batch_id not in self._library_ids:
            marks = self.rows.marks(event.outcomes)
            if marks:
                self.on_marks(marks)
        if run is None or event.batch_id != run.batch_id:
            return  # a read replaced by a newer one
        if not run.apply(event, self.session.clock()):
            return
        if run.over:
            self.batch = None
            if run.kind is RunKind.READ and self.preview is not None:
                if isinstance(event, BatchFinished):
                    self.preview.finish(event.counts)
            elif run.kind is RunKind.WRITE and run.error == CHANGED_SINCE_PLAN:
                if self.read() and self.preview is not None:  # as a review made here does
                    self.preview.note = REREAD_REFUSED
            else:
                self.listed.refresh()
        self.changed()

    def _planned(self, event: FilesPlanned) -> None:
        if self.source is not None:
            ids = self._playlist_ids.get(event.batch_id, [])
            self.rows.learn(self.source.batch_id, ids, event.plans)
        run, preview = self.run, self.preview
        if run is not None and event.batch_id == run.batch_id and preview is not None:
            preview.add(event.plans)
