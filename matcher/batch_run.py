"""One batch inside the engine host: read, dispatch chunks, journal, write, report.

    BatchRun.begin()   read every playlist (bad input fails here, before any output),
                       journal the batch and its playlists, skip what a resumed batch
                       already has, announce BatchStarted
    BatchRun.step()    send chunks to idle workers (unless pausing), collect finished
                       chunks: journal them (one transaction each), emit TracksMatched +
                       PlaylistProgress, write a playlist's outputs when it is complete,
                       retry a dead worker's chunk once, then turn it into error rows
    pause/resume/cancel  as the commands arrive; cancel terminates the workers at once

Everything a finished chunk produced is in the journal before any event says so, so a
crash at any point loses at most the chunks in flight.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from matcher.batch_spec import BatchSpec, config_record
from matcher.catalog.hashing import content_hash
from matcher.chunking import ChunkSizer
from matcher.errors import CrateMatchError
from matcher.events import (
    BatchCancelled,
    BatchFinished,
    BatchPaused,
    BatchResumed,
    BatchStarted,
    BatchState,
    EngineError,
    MetricsSnapshot,
    PlaylistFinished,
    PlaylistProgress,
    PlaylistStarted,
    TracksMatched,
)
from matcher.journal import EncodedResult, Journal, encode_result
from matcher.metrics import MetricsAccumulator
from matcher.model import MatchResult, MatchStatus, Playlist, PlaylistEntry
from matcher.outputs import (
    PlaylistOutputs,
    Results,
    playlist_folder,
    write_batch_summary,
    write_playlist_outputs,
)
from matcher.paths import default_catalog_path
from matcher.pool import ChunkDone, WorkerDied, WorkerFailed, WorkerPool
from matcher.providers.remember import remember_tracks
from matcher.serialize import loads_result

__all__ = ["BatchRun", "BatchSpec"]

SNAPSHOT_EVERY_S = 0.25
MAX_ATTEMPTS = 2  # a chunk whose worker died is sent once more, then becomes error rows
MEMORY_LIMIT = 20_000  # playlists up to this many entries are written from memory
CANCEL_GRACE_S = 0.8  # on cancel, chunks in flight may finish this long before workers stop


@dataclass(slots=True)
class _Chunk:
    chunk_id: int
    playlist_id: int
    entries: list[PlaylistEntry]
    attempt: int = 0


@dataclass(slots=True)
class _PlaylistState:
    playlist_id: int
    playlist: Playlist
    folder: Path
    pending: deque[int]
    done: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    started: bool = False
    finished: bool = False
    began_at: float = 0.0
    # results kept for writing the outputs without reading them back from the journal;
    # None for playlists too big to hold, or resumed with results from an earlier run
    memory: dict[int, bytes] | None = field(default_factory=dict)  # entry index -> journal row

    @property
    def total(self) -> int:
        return len(self.playlist.entries)


Emit = Callable[..., None]  # emit(EventClass, **fields); the host adds batch_id and seq


class BatchRun:
    def __init__(
        self,
        spec: BatchSpec,
        journal: Journal,
        pool: WorkerPool,
        emit: Emit,
        *,
        catalog: Path | None,
        parse_s: float = 0.0,
    ) -> None:
        self.spec = spec
        self.batch_id = spec.batch_id
        self.config = spec.config
        self.journal = journal
        self.pool = pool
        self.emit = emit
        self.catalog = catalog
        self.state = BatchState.PENDING
        self.playlists: list[_PlaylistState] = []
        self.in_flight: dict[int, _Chunk] = {}
        self.retry: deque[_Chunk] = deque()
        self.sizer = ChunkSizer()
        self.outputs: dict[int, PlaylistOutputs] = {}
        self._next_chunk = 0
        self._started = time.perf_counter()
        self._last_snapshot = 0.0
        self._paused_at: float | None = None
        self._cancel_deadline = 0.0
        self._dirty = False
        self._parse_s = parse_s
        self.metrics = MetricsAccumulator(
            total_tracks=0, workers=pool.size, preset=self.config.preset, started=self._started
        )

    # -- lifecycle -----------------------------------------------------------------

    @property
    def over(self) -> bool:
        return self.state in (BatchState.FINISHED, BatchState.CANCELLED, BatchState.FAILED)

    def begin(self, playlists: list[Playlist]) -> None:
        """Journal the batch and its playlists and announce it."""
        config = self.config
        out_dir = Path(config.out_dir)  # type: ignore[arg-type]
        if not self.spec.resume:
            self.journal.create_batch(
                self.batch_id,
                config=config_record(self.spec, self.catalog),
                inputs=[{"path": p, "name": n} for p, n in self.spec.inputs],
                out_dir=str(out_dir),
            )
        taken: set[str] = set()
        hashes: dict[Path, str] = {}
        already: Counter[str] = Counter()
        for playlist_id, playlist in enumerate(playlists):
            folder = playlist_folder(out_dir, playlist, taken)
            if not self.spec.resume:  # a resume keeps the hash of the files it started with
                self.journal.add_playlist(
                    self.batch_id,
                    playlist_id,
                    file=playlist.file_name,
                    source=str(playlist.source),
                    name=playlist.name,
                    format=playlist.format,
                    total=len(playlist.entries),
                    content_hash=hashes.setdefault(playlist.source, _hash_of(playlist.source)),
                )
            done = self.journal.done_indices(self.batch_id, playlist_id)
            state = _PlaylistState(
                playlist_id,
                playlist,
                folder,
                pending=deque(i for i in range(len(playlist.entries)) if i not in done),
                done=len(done),
            )
            if done:
                state.counts.update(self.journal.counts(self.batch_id, playlist_id))
                already.update(state.counts)
            if done or len(playlist.entries) > MEMORY_LIMIT:
                state.memory = None
            self.playlists.append(state)
        total = sum(p.total for p in self.playlists)
        self.metrics = MetricsAccumulator(
            total_tracks=total, workers=self.pool.size, preset=config.preset, started=self._started
        )
        self.metrics.add_done(already)
        self.metrics.add_time("parse", self._parse_s)
        self.journal.set_state(self.batch_id, BatchState.RUNNING)
        self.state = BatchState.RUNNING
        self.emit(
            BatchStarted,
            total_tracks=total,
            playlists=tuple(
                (p.playlist_id, p.playlist.file_name, p.playlist.name, p.total)
                for p in self.playlists
            ),
            workers=self.pool.size,
            resumed=self.spec.resume,
            already_done=sum(already.values()),
        )
        for p in self.playlists:  # a resumed playlist may already be complete
            if not p.pending and not p.finished:
                self._finish_playlist(p)
        self._maybe_finish()

    def pause(self) -> None:
        if self.state is BatchState.RUNNING:
            self.state = BatchState.PAUSING
            self.journal.set_state(self.batch_id, BatchState.PAUSING)
            self._settle_pause()

    def resume(self) -> None:
        if self.state in (BatchState.PAUSING, BatchState.PAUSED):
            if self._paused_at is not None:
                self.metrics.add_time("paused", time.perf_counter() - self._paused_at)
                self._paused_at = None
            self.state = BatchState.RUNNING
            self.journal.set_state(self.batch_id, BatchState.RUNNING)
            self.emit(BatchResumed, done=self._done())

    def cancel(self) -> None:
        """Stop: no new chunks; keep what the chunks in flight finish within a moment, then
        terminate the workers, write partial outputs and keep the journal for resume."""
        if self.over or self.state is BatchState.CANCELLING:
            return
        self.state = BatchState.CANCELLING
        self._cancel_deadline = time.perf_counter() + CANCEL_GRACE_S
        self.journal.set_state(self.batch_id, BatchState.CANCELLING)
        if not self.in_flight:
            self._finish_cancel()

    def _finish_cancel(self) -> None:
        self.pool.terminate()
        self.in_flight.clear()
        self.retry.clear()
        for p in self.playlists:
            if not p.finished and p.done:
                self._write_outputs(p, partial=True)
            elif not p.done:
                with contextlib.suppress(OSError):  # never started: leave no empty folder
                    p.folder.rmdir()
        self._write_batch_summary(partial=True)
        self.state = BatchState.CANCELLED
        self.journal.set_state(self.batch_id, BatchState.CANCELLED)
        self._snapshot(force=True)
        self.emit(
            BatchCancelled, done=self._done(), total=self._total(), out_dir=str(self.config.out_dir)
        )

    def fail(self, message: str, detail: str = "", **damage: str) -> None:
        """Stop with `message`; `damage` (EngineError's damaged, damaged_path) names a
        damaged journal or catalog. Raises JournalError when the journal cannot record it."""
        self.pool.terminate()
        self.state = BatchState.FAILED
        for p in self.playlists:  # nothing matched: leave no empty folder behind
            if not p.done and not p.finished:
                with contextlib.suppress(OSError):
                    p.folder.rmdir()
        self.journal.set_state(self.batch_id, BatchState.FAILED, note=message)
        self.emit(EngineError, message=message, fatal=True, detail=detail, **damage)
        self.emit(
            BatchFinished,
            ok=False,
            done=self._done(),
            total=self._total(),
            counts={},
            elapsed_s=time.perf_counter() - self._started,
            out_dir=str(self.config.out_dir),
        )

    # -- the work ----------------------------------------------------------------

    def step(self, timeout: float) -> None:
        """Dispatch what can go out, then wait up to `timeout` for what comes back."""
        if self.over:
            return
        if self.state is BatchState.RUNNING:
            self._dispatch()
        for item in self.pool.poll(timeout):
            if isinstance(item, ChunkDone):
                self._on_done(item)
            elif isinstance(item, WorkerDied):
                self._on_death(item)
            elif isinstance(item, WorkerFailed):
                self.fail(item.message, item.detail, **item.damage)
                return
        if self.state is BatchState.PAUSING:
            self._settle_pause()
        if self.state is BatchState.CANCELLING:
            if not self.in_flight or time.perf_counter() >= self._cancel_deadline:
                self._finish_cancel()
            return
        self._snapshot()
        self._maybe_finish()

    def _dispatch(self) -> None:
        for worker in self.pool.idle():
            chunk = self._next()
            if chunk is None:
                return
            if not self.pool.submit(worker, chunk.chunk_id, chunk.entries):
                self.retry.appendleft(chunk)
                return
            self.in_flight[chunk.chunk_id] = chunk

    def _next(self) -> _Chunk | None:
        if self.retry:
            return self.retry.popleft()
        for p in self.playlists:
            if p.pending:
                if not p.started:
                    p.started, p.began_at = True, time.perf_counter()
                    self.emit(
                        PlaylistStarted,
                        playlist_id=p.playlist_id,
                        name=p.playlist.name,
                        total=p.total,
                    )
                size = self.sizer.next_size()
                indices = [p.pending.popleft() for _ in range(min(size, len(p.pending)))]
                self._next_chunk += 1
                entries = [p.playlist.entries[i] for i in indices]
                return _Chunk(self._next_chunk, p.playlist_id, entries)
        return None

    def _on_done(self, item: ChunkDone) -> None:
        chunk = self.in_flight.pop(item.chunk_id, None)
        if chunk is None:  # a chunk of a batch already cancelled
            return
        self.sizer.observe(item.stats.tracks, item.stats.busy_s)
        self.metrics.add_chunk(item.stats, len(chunk.entries))
        self._record(chunk.playlist_id, item.results, item.rows)

    def _on_death(self, item: WorkerDied) -> None:
        chunk = self.in_flight.pop(item.chunk_id, None) if item.chunk_id is not None else None
        if chunk is None:
            return
        chunk.attempt += 1
        if chunk.attempt < MAX_ATTEMPTS:
            self.retry.appendleft(chunk)
            return
        reason = f"worker died twice on this chunk (exit code {item.exitcode})"
        results = [
            MatchResult(entry, MatchStatus.ERROR, 0.0, self.config.provider, reason)
            for entry in chunk.entries
        ]
        self._record(chunk.playlist_id, results, [encode_result(r) for r in results])

    def _record(
        self, playlist_id: int, briefs: list[MatchResult], rows: list[EncodedResult]
    ) -> None:
        p = self.playlists[playlist_id]
        self.journal.record_encoded(self.batch_id, playlist_id, rows)
        self._remember(briefs)
        p.done += len(briefs)
        p.counts.update(str(r.status) for r in briefs)
        if p.memory is not None:
            p.memory.update((row[0], row[4]) for row in rows)
        self._dirty = True
        self.emit(TracksMatched, playlist_id=playlist_id, results=tuple(r.brief() for r in briefs))
        self.emit(
            PlaylistProgress,
            playlist_id=playlist_id,
            done=p.done,
            total=p.total,
            counts=dict(p.counts),
        )
        if not p.pending and p.done >= p.total and not self._playlist_in_flight(playlist_id):
            self._finish_playlist(p)

    def _remember(self, results: list[MatchResult]) -> None:
        """Tracks an online provider matched go into the local catalog too, so later runs
        and "find what I own" can use them offline."""
        if self.config.provider == "local":
            return
        tracks = [r.best.track for r in results if r.status is MatchStatus.MATCHED and r.best]
        if tracks:
            try:
                remember_tracks(tracks, default_catalog_path(), source=self.config.provider)
            except CrateMatchError as err:  # a read-only data dir must not stop the batch
                self.emit(EngineError, message=f"could not keep online tracks offline: {err}")

    def reviewed(self, playlist_id: int, result: MatchResult) -> None:
        """A user's decision arrived while this batch runs: keep memory and counts in step
        (the journal row and any written outputs were updated by `review.apply_review`)."""
        p = self.playlists[playlist_id]
        if p.memory is not None and result.entry_index in p.memory:
            old = loads_result(p.memory[result.entry_index])
            p.counts[str(old.status)] -= 1
            p.counts[str(result.status)] += 1
            p.memory[result.entry_index] = encode_result(result)[4]

    def _playlist_in_flight(self, playlist_id: int) -> bool:
        return any(c.playlist_id == playlist_id for c in (*self.in_flight.values(), *self.retry))

    def _finish_playlist(self, p: _PlaylistState) -> None:
        self._write_outputs(p, partial=False)
        p.finished, p.memory = True, None
        self.journal.set_playlist_finished(self.batch_id, p.playlist_id, str(p.folder))
        self.emit(
            PlaylistFinished,
            playlist_id=p.playlist_id,
            name=p.playlist.name,
            out_dir=str(p.folder),
            counts=dict(p.counts),
        )

    def _write_outputs(self, p: _PlaylistState, *, partial: bool) -> None:
        t0 = time.perf_counter()
        results: Results
        if p.memory is not None and len(p.memory) == p.done:
            results = [loads_result(p.memory[i]) for i in sorted(p.memory)]
        else:  # long or resumed: stream from the journal, never all at once
            batch_id, playlist_id = self.batch_id, p.playlist_id
            results = lambda: self.journal.iter_results(batch_id, playlist_id)  # noqa: E731
        self.outputs[p.playlist_id] = write_playlist_outputs(
            p.folder,
            p.playlist,
            results,
            provider=self.config.provider,
            preset=self.config.preset,
            partial=partial,
            elapsed_s=time.perf_counter() - (p.began_at or self._started),
        )
        self.metrics.add_time("write", time.perf_counter() - t0)

    def _write_batch_summary(self, *, partial: bool) -> Path:
        outputs = [self.outputs[k] for k in sorted(self.outputs)]
        return write_batch_summary(
            Path(self.config.out_dir),
            outputs,
            partial=partial,  # type: ignore[arg-type]
            elapsed_s=time.perf_counter() - self._started,
            extra={
                "batch_id": self.batch_id,
                "provider": self.config.provider,
                "preset": self.config.preset,
                "metrics": self.metrics.snapshot(time.perf_counter()),
            },
        )

    def _maybe_finish(self) -> None:
        if self.state is not BatchState.RUNNING or self.in_flight or self.retry:
            return
        if any(not p.finished for p in self.playlists):
            return
        summary = self._write_batch_summary(partial=False)
        self.state = BatchState.FINISHED
        self.journal.set_state(self.batch_id, BatchState.FINISHED)
        self._snapshot(force=True)
        counts: Counter[str] = Counter()
        for p in self.playlists:
            counts.update(p.counts)
        self.emit(
            BatchFinished,
            ok=True,
            done=self._done(),
            total=self._total(),
            counts=dict(counts),
            elapsed_s=time.perf_counter() - self._started,
            out_dir=str(self.config.out_dir),
            summary_path=str(summary),
        )

    def _settle_pause(self) -> None:
        if self.state is BatchState.PAUSING and not self.in_flight:
            self.state = BatchState.PAUSED
            self._paused_at = time.perf_counter()
            self.journal.set_state(self.batch_id, BatchState.PAUSED)
            self._snapshot(force=True)
            self.emit(BatchPaused, done=self._done())

    def _snapshot(self, force: bool = False) -> None:
        now = time.perf_counter()
        if force or (self._dirty and now - self._last_snapshot >= SNAPSHOT_EVERY_S):
            self._last_snapshot, self._dirty = now, False
            self.emit(MetricsSnapshot, metrics=self.metrics.snapshot(now))

    def _done(self) -> int:
        return sum(p.done for p in self.playlists)

    def _total(self) -> int:
        return sum(p.total for p in self.playlists)


def _hash_of(path: Path) -> str:
    """The playlist file's content hash ("" when it cannot be read again)."""
    try:
        return content_hash(path)
    except OSError:
        return ""
