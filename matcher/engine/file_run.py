"""A run over audio files on the worker pool: read them for a write-back plan, write the
planned changes, or restore them (undo).

    FileRun.begin()   read: gather the files from the batch journal (the output folders'
                      results); write: the plans the caller approved, once the results
                      are seen to decide as they did for the plan; restore: the
                      write's files from the writes journal. BatchStarted, with the
                      files as its tracks, grouped by the playlist they came from
    FileRun.step()    (ChunkedRun) chunks of files to idle workers; each FilesDone turns
                      into FilesPlanned (read) or FilesWritten (write, restore) and
                      PlaylistProgress, per playlist
    the end           read: tag_changes.csv in each output folder; write: the same with
                      what happened to each file, and the write marked finished;
                      restore: the write's stray temporary files swept, the write undone

Cancel stops like a batch: files in flight get a moment, then the workers are stopped.
A worker stopped mid-file leaves that file as it was or as written (the replace is one
rename) and its undo record in the writes journal; its temporary copy is swept.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

from matcher.engine.chunked_run import ChunkedRun, Emit
from matcher.engine.chunking import OpenChunk
from matcher.engine.events import (
    BatchCancelled,
    BatchFinished,
    BatchStarted,
    BatchState,
    EngineError,
    FilesPlanned,
    FilesWritten,
    PlaylistFinished,
    PlaylistProgress,
    PlaylistStarted,
)
from matcher.engine.messages import FileChunk, FilesDone
from matcher.engine.pool import WorkerPool
from matcher.model import MatchResult
from matcher.writeback.decisions import CHANGED_SINCE_PLAN, decided_otherwise
from matcher.writeback.errors import DecisionsChanged
from matcher.writeback.jobs import Action, FileJob, JobDone
from matcher.writeback.plan import TAG_CHANGES, FilePlan, PlanStatus, plan_file, write_tag_changes
from matcher.writeback.records import (
    FileOutcome,
    FileRecord,
    FileStatus,
    RecordState,
    WriteState,
)
from matcher.writeback.safe_write import sweep_temps
from matcher.writeback.targets import (
    FileTarget,
    Gathered,
    PlaylistSource,
    Results,
    WriteOptions,
    gather,
)
from matcher.writeback.undo_journal import WriteJournal

__all__ = ["DECIDED_DURING_WRITE", "LEFT_OUT", "FileRun", "FileRunSpec"]

LEFT_OUT = "left out: "  # BatchFinished.counts keys for rows a plan left out, by why
# why a file a review decision changed during its write was left as it was
DECIDED_DURING_WRITE = "a review decision changed its row during the write: left as it was"
_DIED = "a worker died twice on this file (exit code {})"


@dataclass(frozen=True, slots=True)
class FileRunSpec:
    run_id: str  # the run's batch_id in events; a write's id is its run's
    action: Action
    # read: the output folders whose results to write; write: the folders the plans were
    # read from, whose results must still decide the same (not checked when empty)
    out_dirs: tuple[str, ...] = ()
    options: WriteOptions = field(default_factory=WriteOptions)
    plans: tuple[FilePlan, ...] = ()  # write: the approved plans (a read run's)
    write_id: str = ""  # restore: the write to undo ("" = the newest not undone)
    journal: str | None = None  # the writes journal (None: the default one)
    force: bool = False  # restore of a library write: even if it changed since


@dataclass(slots=True)
class _Group:
    """The files of one playlist in a run."""

    group_id: int
    name: str
    out_dir: str
    pending: deque[FileJob]
    total: int = 0
    done: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    started: bool = False


class FileRun(ChunkedRun):
    def __init__(
        self, spec: FileRunSpec, pool: WorkerPool, emit: Emit, *, results: Results | None = None
    ) -> None:
        super().__init__(spec.run_id, pool, emit)
        self.spec = spec
        self.results = results  # the batch journal, for a read run
        self.journal = WriteJournal(Path(spec.journal)) if spec.journal else WriteJournal()
        self.write_id = spec.run_id if spec.action is Action.WRITE else spec.write_id
        self.groups: list[_Group] = []
        self.targets: dict[int, FileTarget] = {}  # read: by job index
        self.plans: dict[int, FilePlan] = {}  # read: what came back; write: what was sent
        self.outcomes: dict[str, FileOutcome] = {}  # write: by path
        self.skipped: dict[str, int] = {}
        self._by_id: dict[int, _Group] = {}
        self._decided: list[FilePlan] = []  # read: refused before reading (conflicts)
        self._sources: dict[tuple[str, int], int] = {}  # write: (batch, playlist) -> group
        self._busy_s = 0.0

    # -- beginning -------------------------------------------------------------------

    def begin(self) -> None:
        action = self.spec.action
        if action is Action.READ:
            jobs = self._read_jobs()
        elif action is Action.WRITE:
            jobs = self._write_jobs()
        else:
            jobs = self._restore_jobs()
        for group in self.groups:
            group.pending = deque(jobs.get(group.group_id, ()))
            group.total = len(group.pending) + group.done
        self.groups = [g for g in self.groups if g.total]
        self._by_id = {g.group_id: g for g in self.groups}
        self.state = BatchState.RUNNING
        self.emit(
            BatchStarted,
            total_tracks=self._total(),
            playlists=tuple((g.group_id, "", g.name, g.total) for g in self.groups),
            workers=self.pool.size,
        )
        for group in self.groups:  # files refused unread (conflicts) are planned at once
            decided = [p for p in self._decided if p.target.group == group.group_id]
            if decided or not group.pending:
                self._start_group(group)
            if decided:
                self._planned(group, decided)
            if not group.pending:
                self._finish_group(group)
        self._maybe_finish()

    def _group_jobs(self, sources: tuple[PlaylistSource, ...]) -> None:
        self.groups = [_Group(i, s.name, s.out_dir, deque()) for i, s in enumerate(sources)]

    def _read_jobs(self) -> dict[int, list[FileJob]]:
        assert self.results is not None
        gathered: Gathered = gather(self.results, self.spec.out_dirs, self.spec.options)
        self._group_jobs(gathered.playlists)
        self.skipped = gathered.skipped
        jobs: dict[int, list[FileJob]] = {}
        for index, target in enumerate(gathered.targets):
            self.targets[index] = target
            if target.conflict:  # refused without reading the file
                self._decided.append(plan_file(target, None, self.spec.options))
                self.groups[target.group].done += 1
                continue
            job = FileJob(index, target.path, batch_stamp=target.batch_stamp)
            jobs.setdefault(target.group, []).append(job)
        return jobs

    def _write_jobs(self) -> dict[int, list[FileJob]]:
        spec, results = self.spec, self.results
        if spec.out_dirs and results is not None:  # gathered once: decisions and groups
            now = gather(results, spec.out_dirs, spec.options)
            if decided_otherwise(now, spec.plans):
                raise DecisionsChanged(CHANGED_SINCE_PLAN)  # nothing begun, nothing written
            self._sources = {(s.batch_id, s.playlist_id): g  # numbered as the plan run did
                             for g, s in enumerate(now.playlists)}  # fmt: skip
        seen = {p.target.group: p.target for p in self.spec.plans}
        self.groups = [_Group(g, t.playlist, t.out_dir, deque()) for g, t in sorted(seen.items())]
        self.journal.begin(
            target=self.spec.options.target,
            options=self.spec.options.record(),
            sources=sorted({t.out_dir for t in seen.values()}),
            write_id=self.write_id,
        )
        jobs: dict[int, list[FileJob]] = {}
        for index, plan in enumerate(self.spec.plans):
            if plan.status is PlanStatus.REFUSED:  # so `writes` counts every file
                self.journal.record_other(
                    self.write_id, path=plan.path, state=RecordState.REFUSED, reason=plan.reason
                )
            if plan.status is not PlanStatus.CHANGE or plan.state is None:
                continue
            self.plans[index] = plan
            job = FileJob(index, plan.path, plan.changes, expected=plan.state.stamp)
            jobs.setdefault(plan.target.group, []).append(job)
        return jobs

    def _restore_jobs(self) -> dict[int, list[FileJob]]:
        write_id = self.write_id or self.journal.last_write_id()
        if not write_id:
            from matcher.writeback.errors import UndoError

            raise UndoError("no write to undo (see `cratematch writes`)")
        self.write_id = write_id
        summary = self.journal.write(write_id)
        if summary.target != "tags":  # a library: restored from its backup, in one piece
            from matcher.writeback.errors import UndoError

            raise UndoError(
                f"write {write_id} went into the {summary.target.capitalize()} library: "
                f"undo it with `cratematch undo {write_id}`"
            )
        records = [
            r
            for r in self.journal.files(write_id)
            if r.state in (RecordState.PENDING, RecordState.WRITTEN)
        ]
        name = f"write {write_id}"
        self.groups = [_Group(0, name, summary.sources[0] if summary.sources else "", deque())]
        return {0: [FileJob(i, r.path, r.changes, seq=r.seq) for i, r in enumerate(records)]}

    # -- the work --------------------------------------------------------------------

    def _next(self) -> OpenChunk | None:
        for group in self.groups:
            if group.pending:
                self._start_group(group)
                size = min(self.sizer.next_size(), len(group.pending))
                jobs = [group.pending.popleft() for _ in range(size)]
                return self.chunks.new(group.group_id, jobs)
        return None

    def _start_group(self, group: _Group) -> None:
        if not group.started:
            group.started = True
            self.emit(PlaylistStarted, playlist_id=group.group_id, name=group.name,
                      total=group.total)  # fmt: skip

    def decided(self, batch_id: str, playlist_id: int, result: MatchResult) -> None:
        """A review decision (`result`, as decided) on a row of the results this write
        came from: a file the row names that no worker has been sent yet, and that it no
        longer matches to the planned track, is left as it is (refused, saying why); one
        being written meanwhile is written, and the write's undo puts it back."""
        group_id = self._sources.get((batch_id, playlist_id))
        if self.spec.action is not Action.WRITE or self.over or group_id is None:
            return
        row = (group_id, result.entry.entry_index)
        now = result.track.catalog_id if result.track else ""  # "": no longer written

        def changed(job: FileJob) -> bool:
            target = self.plans[job.index].target
            return row in target.rows and target.catalog_id != now

        for group in self.groups:
            kept: deque[FileJob] = deque()
            dropped: list[FileJob] = []
            for job in group.pending:
                (dropped if changed(job) else kept).append(job)
            if not dropped:
                continue
            group.pending = kept
            why, done = DECIDED_DURING_WRITE, []
            for job in dropped:
                self.journal.record_other(self.write_id, path=job.path, state=RecordState.REFUSED,
                                          reason=why, changes=job.changes)  # fmt: skip
                outcome = FileOutcome(job.path, FileStatus.REFUSED, why, job.changes)
                done.append(JobDone(job.index, outcome=outcome))
            self._record(group, done)
        self._maybe_finish()

    def _message(self, chunk: OpenChunk) -> FileChunk:
        return FileChunk(chunk.chunk_id, self.spec.action, chunk.items, self.write_id,
                         self.spec.journal, retry=chunk.attempt > 0)  # fmt: skip

    def _measure(self, item: FilesDone) -> None:
        self.sizer.observe(len(item.done), item.busy_s)

    def _on_result(self, item: FilesDone) -> None:
        chunk = self.chunks.back(item.chunk_id)
        if chunk is None:  # a chunk of a run already cancelled
            return
        self._busy_s += item.busy_s
        self._record(self._by_id[chunk.playlist_id], item.done)

    def _on_lost(self, chunk: OpenChunk, exitcode: int | None) -> None:
        reason = _DIED.format(exitcode)
        done = []
        written: dict[str, FileRecord] = {}  # what a dead worker finished stays written
        if self.spec.action is Action.WRITE:
            written = {r.path: r for r in self.journal.files(self.write_id)
                       if r.state == RecordState.WRITTEN}  # fmt: skip
        for job in chunk.items:
            if self.spec.action is Action.READ:
                done.append(JobDone(job.index, refused=reason))
                continue
            if job.path in written:
                record = written[job.path]
                outcome = FileOutcome(job.path, FileStatus.WRITTEN, "", record.changes, record.seq)
                done.append(JobDone(job.index, outcome=outcome))
                continue
            if self.spec.action is Action.WRITE:
                self.journal.record_other(
                    self.write_id, path=job.path, state=RecordState.REFUSED, reason=reason,
                    changes=job.changes,
                )  # fmt: skip
            done.append(JobDone(job.index, outcome=FileOutcome(job.path, FileStatus.REFUSED,
                                                               reason, job.changes)))  # fmt: skip
        self._record(self._by_id[chunk.playlist_id], done)

    def _record(self, group: _Group, done: list[JobDone]) -> None:
        group.done += len(done)
        if self.spec.action is Action.READ:
            plans = [plan_file(self.targets[d.index], d.state, self.spec.options, d.refused)
                     for d in done]  # fmt: skip
            self._planned(group, plans)
        else:
            outcomes = [d.outcome for d in done if d.outcome is not None]
            for outcome in outcomes:
                self.outcomes[outcome.path] = outcome
            group.counts.update(str(o.status) for o in outcomes)
            self.emit(FilesWritten, playlist_id=group.group_id, outcomes=tuple(outcomes))
        self._dirty = True
        self.emit(PlaylistProgress, playlist_id=group.group_id, done=group.done,
                  total=group.total, counts=dict(group.counts))  # fmt: skip
        if not group.pending and group.done >= group.total:
            self._finish_group(group)

    def _planned(self, group: _Group, plans: list[FilePlan]) -> None:
        for plan in plans:
            self.plans[len(self.plans)] = plan
        group.counts.update(str(p.status) for p in plans)
        self.emit(FilesPlanned, playlist_id=group.group_id, plans=tuple(plans))

    def _finish_group(self, group: _Group) -> None:
        self.emit(PlaylistFinished, playlist_id=group.group_id, name=group.name,
                  out_dir=group.out_dir, counts=dict(group.counts))  # fmt: skip

    # -- the end ---------------------------------------------------------------------

    def _reports(self) -> list[Path]:
        """tag_changes.csv in each output folder: the plan, and after a write its outcome."""
        if self.spec.action is Action.RESTORE:
            return []
        by_folder: dict[str, list[FilePlan]] = {}
        plans = self.spec.plans if self.spec.action is Action.WRITE else self.plans.values()
        for plan in plans:
            by_folder.setdefault(plan.target.out_dir, []).append(plan)
        outcomes = self.outcomes if self.spec.action is Action.WRITE else None
        return [
            write_tag_changes(Path(folder) / TAG_CHANGES, listed, outcomes)
            for folder, listed in by_folder.items()
        ]

    def _close_write(self, *, cancelled: bool = False) -> None:
        if self.spec.action is Action.WRITE:  # a worker that died mid-file left its copy
            sweep_temps(self.write_id, self.journal.folders(self.write_id))
            state = WriteState.CANCELLED if cancelled else WriteState.FINISHED
            self.journal.finish(self.write_id, state)
        elif self.spec.action is Action.RESTORE:
            sweep_temps(self.write_id, self.journal.folders(self.write_id))
            self.journal.finish_undo(self.write_id)

    def _counts(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for group in self.groups:
            counts.update(group.counts)
        counts.update({LEFT_OUT + why: n for why, n in self.skipped.items()})
        return dict(counts)

    def _finish_cancel(self) -> None:
        self.pool.terminate()
        self.chunks.clear()
        self._close_write(cancelled=True)
        reports = self._reports()
        self.state = BatchState.CANCELLED
        self._snapshot(force=True)
        self.emit(BatchCancelled, done=self._done(), total=self._total(),
                  out_dir=str(reports[0].parent) if reports else "")  # fmt: skip
        self.journal.close()

    def _maybe_finish(self) -> None:
        if self.state is not BatchState.RUNNING or self.chunks.unanswered:
            return
        if any(g.pending or g.done < g.total for g in self.groups):
            return
        self._close_write()
        reports = self._reports()
        self.state = BatchState.FINISHED
        self._snapshot(force=True)
        self.emit(
            BatchFinished, ok=True, done=self._done(), total=self._total(),
            counts=self._counts(), elapsed_s=time.perf_counter() - self._started,
            out_dir=str(reports[0].parent) if reports else "",
            summary_path=str(reports[0]) if reports else "",
        )  # fmt: skip
        self.journal.close()

    def fail(self, message: str, detail: str = "", **damage: str) -> None:
        self.pool.terminate()
        self.state = BatchState.FAILED
        self.emit(EngineError, message=message, fatal=True, detail=detail, **damage)
        self.emit(
            BatchFinished, ok=False, done=self._done(), total=self._total(),
            counts=self._counts(), elapsed_s=time.perf_counter() - self._started, out_dir="",
        )  # fmt: skip
        self.journal.close()

    # -- figures ---------------------------------------------------------------------

    def _metrics(self, now: float) -> dict[str, float]:
        elapsed = max(now - self._started, 1e-9)
        done = self._done()
        metrics: dict[str, float] = {
            "total_files": self._total(),
            "done_files": done,
            "total_time": elapsed,
            "files_per_second": done / elapsed,
            "avg_time_per_file": self._busy_s / done if done else 0.0,
        }
        metrics.update({f"{status}_files": n for status, n in self._counts().items()
                        if not status.startswith(LEFT_OUT)})  # fmt: skip
        return metrics

    def _done(self) -> int:
        return sum(g.done for g in self.groups)

    def _total(self) -> int:
        return sum(g.total for g in self.groups)
