"""The engine host process: owns the worker pool and the journal, runs batches one at a
time, and talks to its caller only through two queues.

    caller ──Command──▶ [commands queue] ──▶ host loop ──Chunk──────▶ workers
    caller ◀──Event──── [events queue]  ◀── host loop ◀──ChunkDone───┘

Commands are matcher.engine.messages' dataclasses (Prepare, Start, ResumeFromJournal,
StartFiles, StartLibrary, Pause, Continue, Cancel, Review, Shutdown; the table is
there), and `handle` dispatches on their type; a command of any other type is answered
with an EngineError event. Start, ResumeFromJournal, StartFiles and StartLibrary wait in
`pending` until the run before them is over. An undo (StartFiles, restore) of a write
that went into a DJ library runs as a library run: it restores the library's backup. The host
ignores Ctrl-C (the caller decides what it means) and exits by itself when its caller
dies.
"""

from __future__ import annotations

import contextlib
import gc
import queue
import signal
import time
import traceback
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher.config import EngineConfig
from matcher.engine.batch_run import BatchRun
from matcher.engine.batch_spec import (
    catalog_of,
    check_same_playlists,
    check_something_to_match,
    journal_catalog,
    refs_of,
    spec_from_journal,
)
from matcher.engine.chunked_run import ChunkedRun
from matcher.engine.events import (
    BatchCancelled,
    BatchFinished,
    EngineError,
    ResultEdited,
    TracksMatched,
    damage_of,
)
from matcher.engine.journal import Journal
from matcher.engine.messages import (
    Cancel,
    Continue,
    Pause,
    Prepare,
    ResumeFromJournal,
    Review,
    Shutdown,
    Start,
    StartFiles,
    StartLibrary,
)
from matcher.engine.pool import WorkerPool
from matcher.engine.processes import (
    NO_PROVIDER,
    calm_collector,
    exit_with_parent,
    lower_priority,
    quick_exit,
)
from matcher.engine.retention import Retention, tidy
from matcher.engine.review import apply_review
from matcher.errors import CrateMatchError
from matcher.playlists import load_playlists

if TYPE_CHECKING:  # write-back runs load their code when one starts: matching needs none
    from matcher.engine.library_run import LibraryRun, LibraryRunSpec

__all__ = ["host_main"]

TICK_S = 0.05  # how long the loop waits for workers before looking at commands again


class _Host:
    def __init__(
        self, commands: Any, events: Any, config: EngineConfig, results: bool = True
    ) -> None:
        self.commands = commands
        self.events = events
        self.config = config
        self.results = results  # False: the caller reads counts only, no TracksMatched
        self.pool: WorkerPool | None = None
        self.pool_key: tuple[Any, ...] | None = None
        self.journal: Journal | None = None
        self.current: ChunkedRun | LibraryRun | None = None
        self.pending: deque[Start | ResumeFromJournal | StartFiles | StartLibrary] = deque()
        self.seq: dict[str, int] = {}
        self.start_paused: set[str] = set()  # batches paused before they began
        self.running = True

    def emit_for(self, batch_id: str) -> Any:
        def emit(kind: type, **fields: Any) -> None:
            if kind is TracksMatched and not self.results:
                return
            self.seq[batch_id] = self.seq.get(batch_id, 0) + 1
            self.events.put(kind(batch_id=batch_id, seq=self.seq[batch_id], **fields))

        return emit

    # -- resources -------------------------------------------------------------------

    def _journal(self) -> Journal:
        if self.journal is None:
            self.journal = Journal.open()
        return self.journal

    def _pool_for(self, config: EngineConfig, catalog: Path | None) -> WorkerPool:
        key = (config.provider, str(catalog), config.preset, config.worker_count, config.http,
               config.cluster)  # fmt: skip
        if self.pool is not None and (self.pool_key != key or not _usable(self.pool)):
            self.pool.close()
            self.pool = None
        if self.pool is None:
            if config.cluster:  # dask is imported only here, when a cluster is named
                from matcher.engine.cluster_pool import ClusterPool

                where = str(catalog) if catalog else None
                pool: Any = ClusterPool(config.cluster, config.provider, where, config.preset)
            else:
                pool = WorkerPool(
                    config.worker_count,
                    config.provider,
                    str(catalog) if catalog else None,
                    config.preset,
                    config.http,
                    config.background,
                )
            pool.start()
            self.pool = pool
            self.pool_key = key
        return self.pool

    def _pool_for_files(self) -> WorkerPool:
        """The pool a run over files uses: the one that is up (its catalog does not
        matter to file jobs), or one that opens no catalog."""
        if isinstance(self.pool, WorkerPool) and self.pool._workers:
            return self.pool  # files are local: never a cluster's pool
        if self.pool is not None:
            self.pool.close()
        config = self.config
        key = (NO_PROVIDER, config.worker_count)
        self.pool = WorkerPool(config.worker_count, NO_PROVIDER, None, config.preset,
                               None, config.background)  # fmt: skip
        self.pool.start()
        self.pool_key = key
        return self.pool

    def prepare(self) -> None:
        """Import the catalog and start the workers before the first batch asks for them."""
        with contextlib.suppress(CrateMatchError):  # reported when a batch starts
            self._pool_for(self.config, catalog_of(self.config))

    # -- commands --------------------------------------------------------------------

    def handle(self, command: object) -> None:
        match command:
            case Prepare():
                self.prepare()
            case Start() | ResumeFromJournal() | StartFiles() | StartLibrary():
                self.pending.append(command)
            case Pause() | Continue() | Cancel():
                self.control(command)
            case Review():
                self.review(command)
            case Shutdown():
                self.running = False
                if self.current is not None:
                    self.current.cancel()
            case _:
                batch_id = getattr(command, "batch_id", "")
                kind = type(command).__name__
                self.emit_for(str(batch_id))(
                    EngineError, message=f"the engine does not know the command {kind}"
                )

    def control(self, command: Pause | Continue | Cancel) -> None:
        """Pause, continue or cancel the running batch; for one that has not begun, note
        it (it begins paused, or is dropped)."""
        batch_id = command.batch_id
        run = self.current
        if run is not None and run.batch_id == batch_id:
            match command:
                case Pause():
                    run.pause()
                case Continue():
                    run.resume()
                case Cancel():
                    run.cancel()
            return
        match command:
            case Pause():
                self.start_paused.add(batch_id)
            case Continue():
                self.start_paused.discard(batch_id)
            case Cancel():
                self.start_paused.discard(batch_id)
                self._drop_pending(batch_id)

    def review(self, command: Review) -> None:
        batch_id, playlist_id = command.batch_id, command.playlist_id
        emit = self.emit_for(batch_id)
        try:
            run = self.current if self.current and self.current.batch_id == batch_id else None
            result, folder = apply_review(
                self._journal(), batch_id, playlist_id, command.entry_index, command.catalog_id
            )
            if run is not None:
                run.reviewed(playlist_id, result)
            decided = getattr(self.current, "decided", None)  # a FileRun: a write going on
            if decided is not None:
                decided(batch_id, playlist_id, result)
            emit(ResultEdited, playlist_id=playlist_id, result=result, out_dir=str(folder or ""))
        except CrateMatchError as err:
            emit(EngineError, message=f"could not save the review: {err}")

    def _drop_pending(self, batch_id: str) -> None:
        for command in list(self.pending):
            if command.batch_id == batch_id:
                self.pending.remove(command)
                self.emit_for(batch_id)(BatchCancelled, done=0, total=0, out_dir="")

    def start_next(self) -> None:
        command = self.pending.popleft()
        batch_id = command.batch_id
        emit = self.emit_for(batch_id)
        try:
            library = self._library_spec(command)
            if library is not None:
                from matcher.engine.library_run import LibraryRun

                library_run = LibraryRun(library, emit)
                self.current = library_run
                library_run.begin()
                self._begin_paused(library_run)
                return
            journal = self._journal()
            if isinstance(command, StartFiles):
                from matcher.engine.file_run import FileRun

                files = FileRun(command.spec, self._pool_for_files(), emit, results=journal)
                self.current = files
                files.begin()
                self._begin_paused(files)
                return
            if isinstance(command, Start):
                spec = command.spec
            else:
                spec = spec_from_journal(journal, batch_id, command.workers, command.cluster)
            t0 = time.perf_counter()
            with _no_gc():
                playlists = load_playlists(refs_of(spec), spec.names, spec.all_playlists,
                                           lazy=True)  # fmt: skip
            parse_s = time.perf_counter() - t0
            if spec.resume:
                check_same_playlists(journal, batch_id, playlists)
            else:
                check_something_to_match(playlists)
            catalog = catalog_of(spec.config) if not spec.resume else journal_catalog(spec)
            pool = self._pool_for(spec.config, catalog)
            run = BatchRun(spec, journal, pool, emit, catalog=catalog, parse_s=parse_s)
            self.current = run
            run.begin(playlists)
            self._begin_paused(run)
        except Exception as err:  # noqa: BLE001 - the host must outlive a bug in one batch
            self._fail(batch_id, emit, err)

    @staticmethod
    def _library_spec(
        command: Start | ResumeFromJournal | StartFiles | StartLibrary,
    ) -> LibraryRunSpec | None:
        """The library run a command asks for: a StartLibrary, or the undo of a write
        that went into a library (restored from its backup, not file by file)."""
        if isinstance(command, StartLibrary):
            return command.spec
        if not isinstance(command, StartFiles):
            return None
        from matcher.engine.library_run import LibraryAction, LibraryRunSpec, is_library_write
        from matcher.writeback.jobs import Action

        if command.spec.action is not Action.RESTORE:
            return None
        spec = command.spec
        write_id = is_library_write(spec.write_id, spec.journal)
        if not write_id:
            return None
        return LibraryRunSpec(spec.run_id, LibraryAction.RESTORE, write_id=write_id,
                              journal=spec.journal, force=spec.force)  # fmt: skip

    def _begin_paused(self, run: ChunkedRun | LibraryRun) -> None:
        if run.batch_id in self.start_paused:
            self.start_paused.discard(run.batch_id)
            run.pause()

    def _fail(self, batch_id: str, emit: Any, err: Exception) -> None:
        """End the batch with `err`. A damaged journal or catalog is named in the event so
        the window can offer to rebuild it; when even recording the failure fails (the
        journal is what broke), the events still go out and the host carries on."""
        message = str(err) if isinstance(err, CrateMatchError) else f"internal error: {err}"
        detail, damage = traceback.format_exc(), damage_of(err)
        run = self.current
        if run is not None and run.batch_id == batch_id and not run.over:
            try:
                run.fail(message, detail, **damage)
                return
            except CrateMatchError:
                self.current = None
        emit(EngineError, message=message, fatal=True, detail=detail, **damage)
        emit(BatchFinished, ok=False, done=0, total=0, counts={}, elapsed_s=0.0, out_dir="")

    # -- the loop --------------------------------------------------------------------

    def run(self) -> None:
        while self.running or (self.current is not None and not self.current.over):
            self._drain_commands(block=self.current is None and not self.pending)
            if self.current is None and self.pending and self.running:
                self.start_next()
            run = self.current
            if run is None:
                continue
            try:
                run.step(TICK_S)
            except Exception as err:  # noqa: BLE001 - one batch's failure, not the host's
                self._fail(run.batch_id, run.emit, err)
            if run.over:
                self.current = None
                if not self.pending:
                    self._tidy_journal()
        if self.pool is not None:
            self.pool.close()
        if self.journal is not None:
            self.journal.close()

    def _tidy_journal(self) -> None:
        """Forget the batches the retention rule no longer keeps, now that nothing runs:
        one bounded pass, and the file rewritten once it is mostly free (retention.tidy).
        A failure only means they stay a while longer."""
        if self.journal is not None:
            keep = self.config.keep_history or Retention()
            with contextlib.suppress(CrateMatchError):
                tidy(self.journal, keep)

    def _drain_commands(self, block: bool) -> None:
        try:
            command = self.commands.get(timeout=0.2) if block else self.commands.get_nowait()
        except queue.Empty:
            return
        while True:
            self.handle(command)
            try:
                command = self.commands.get_nowait()
            except queue.Empty:
                return


def _usable(pool: Any) -> bool:
    """Whether a pool can take chunks: a local pool with workers, a connected cluster."""
    return bool(pool._workers) if isinstance(pool, WorkerPool) else bool(pool.usable)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """The cycle collector off while playlists are read: tens of thousands of entries
    are made and kept, none in a cycle, and each collection pass would walk them all
    again (a tenth of the read)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def host_main(
    commands: Any,
    events: Any,
    parent_pid: int,
    config: EngineConfig,
    results: bool = True,
    *,
    own_process: bool = True,
) -> None:
    """The engine host process's body (processes.host_process, its spawn target, calls
    it), or a HostThread's (`own_process` False: the process is the caller's, and so are
    its Ctrl-C, its life and its exit)."""
    if own_process:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        exit_with_parent(parent_pid)
    if config.background:
        lower_priority()
    calm_collector()
    host = _Host(commands, events, config, results)
    try:
        host.run()
    finally:
        if host.pool is not None:
            host.pool.terminate()
    if not own_process:
        return
    events.close()
    events.join_thread()  # every event is in the pipe before the quick exit
    quick_exit()
