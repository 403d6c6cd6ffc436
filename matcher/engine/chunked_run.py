"""What every run on the worker pool shares: chunks out and back, pause, resume, cancel.

A run (a match batch, or a run over files for write-back) cuts its work into chunks,
hands one to each idle worker and collects what comes back; the lifecycle around that
is the same for both and lives here:

    RUNNING ──pause()──▶ PAUSING ──(nothing in flight)──▶ PAUSED ──resume()──▶ RUNNING
       │                                                                 ▲
       └──cancel()──▶ CANCELLING ──(in flight back, or the grace is over)──▶ CANCELLED

Subclasses say what a chunk is and what its answer means (`_next`, `_message`,
`_on_result`, `_on_lost`), how they end (`_finish_cancel`, `_maybe_finish`, `fail`) and
where the state is kept (`_set_state`: the batch journal, or the writes journal).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from matcher.engine.chunking import ChunkBook, ChunkSizer, OpenChunk
from matcher.engine.events import BatchPaused, BatchResumed, BatchState, MetricsSnapshot
from matcher.engine.messages import WorkerFailed
from matcher.engine.pool import WorkerDied, WorkerPool

__all__ = ["CANCEL_GRACE_S", "SNAPSHOT_EVERY_S", "ChunkedRun", "Emit"]

SNAPSHOT_EVERY_S = 0.25
CANCEL_GRACE_S = 0.8  # on cancel, chunks in flight may finish this long before workers stop

Emit = Callable[..., None]  # emit(EventClass, **fields); the host adds batch_id and seq


class ChunkedRun:
    """The shared lifecycle; see the module docstring for the hooks."""

    def __init__(self, batch_id: str, pool: WorkerPool, emit: Emit) -> None:
        self.batch_id = batch_id
        self.pool = pool
        self.emit = emit
        self.state = BatchState.PENDING
        self.chunks = ChunkBook()
        self.sizer = ChunkSizer()
        self._started = time.perf_counter()
        self._last_snapshot = 0.0
        self._paused_at: float | None = None
        self._cancel_deadline = 0.0
        self._dirty = False

    # -- hooks -----------------------------------------------------------------------

    def _set_state(self, state: BatchState, note: str = "") -> None:
        """Keep the run's state where a later process can see it (a journal)."""

    def _next(self) -> OpenChunk | None:
        raise NotImplementedError

    def _message(self, chunk: OpenChunk) -> object:
        """What goes down a worker's pipe for `chunk`."""
        raise NotImplementedError

    def _on_result(self, item: Any) -> None:
        """A worker's answer to a chunk (whatever `pool.poll` gives besides deaths)."""
        raise NotImplementedError

    def _measure(self, item: Any) -> None:
        """Tell the sizer how long an answered chunk took (before the next chunk is cut)."""

    def _ready_next(self) -> None:
        """Get the next chunk's work ready while the workers are busy (after a dispatch),
        so that the worker that asks for it is not kept waiting."""

    def _on_lost(self, chunk: OpenChunk, exitcode: int | None) -> None:
        """`chunk`'s workers died on it MAX_ATTEMPTS times: record it as failed."""
        raise NotImplementedError

    def _finish_cancel(self) -> None:
        raise NotImplementedError

    def _maybe_finish(self) -> None:
        raise NotImplementedError

    def fail(self, message: str, detail: str = "", **damage: str) -> None:
        raise NotImplementedError

    def _add_paused(self, seconds: float) -> None:
        """Time spent paused, for the metrics."""

    def _metrics(self, now: float) -> dict[str, float]:
        raise NotImplementedError

    def _snapshot_fields(self, now: float) -> dict[str, Any]:
        """A MetricsSnapshot's fields: the metrics, and whatever else a run reports."""
        return {"metrics": self._metrics(now)}

    def _done(self) -> int:
        raise NotImplementedError

    # -- the lifecycle ---------------------------------------------------------------

    @property
    def over(self) -> bool:
        return self.state in (BatchState.FINISHED, BatchState.CANCELLED, BatchState.FAILED)

    def pause(self) -> None:
        if self.state is BatchState.RUNNING:
            self.state = BatchState.PAUSING
            self._set_state(BatchState.PAUSING)
            self._settle_pause()

    def resume(self) -> None:
        if self.state in (BatchState.PAUSING, BatchState.PAUSED):
            if self._paused_at is not None:
                self._add_paused(time.perf_counter() - self._paused_at)
                self._paused_at = None
            self.state = BatchState.RUNNING
            self._set_state(BatchState.RUNNING)
            self.emit(BatchResumed, done=self._done())

    def cancel(self) -> None:
        """Stop: no new chunks; keep what the chunks in flight finish within a moment, then
        terminate the workers (`_finish_cancel`)."""
        if self.over or self.state is BatchState.CANCELLING:
            return
        self.state = BatchState.CANCELLING
        self._cancel_deadline = time.perf_counter() + CANCEL_GRACE_S
        self._set_state(BatchState.CANCELLING)
        if not self.chunks.in_flight:
            self._finish_cancel()

    def step(self, timeout: float) -> None:
        """Dispatch what can go out, then wait up to `timeout` for what comes back."""
        if self.over:
            return
        if self.state is BatchState.RUNNING:
            self._dispatch()
        items = self.pool.poll(timeout)
        answers = [i for i in items if not isinstance(i, (WorkerDied, WorkerFailed))]
        for item in answers:
            self._measure(item)
        if answers and len(answers) == len(items) and self.state is BatchState.RUNNING:
            # the workers that answered get their next chunk before the answers are
            # handled: journalling a chunk (or writing a finished playlist's outputs)
            # would otherwise leave them idle
            self._dispatch()
        for item in items:
            match item:
                case WorkerDied():
                    chunk = self.chunks.lost(item.chunk_id)
                    if chunk is not None:  # None: it held none, or the chunk goes again
                        self._on_lost(chunk, item.exitcode)
                case WorkerFailed():
                    self.fail(item.message, item.detail, **item.damage)
                    return
                case _:
                    self._on_result(item)
        if self.state is BatchState.PAUSING:
            self._settle_pause()
        if self.state is BatchState.CANCELLING:
            if not self.chunks.in_flight or time.perf_counter() >= self._cancel_deadline:
                self._finish_cancel()
            return
        self._snapshot()
        self._maybe_finish()

    def _dispatch(self) -> None:
        sent = False
        for worker in self.pool.idle():
            chunk = self.chunks.to_send_again() or self._next()
            if chunk is None:
                break
            if not self.pool.send(worker, chunk.chunk_id, self._message(chunk)):
                self.chunks.send_again(chunk)
                break
            self.chunks.sent(chunk)
            sent = True
        if sent:
            self._ready_next()

    def _settle_pause(self) -> None:
        if self.state is BatchState.PAUSING and not self.chunks.in_flight:
            self.state = BatchState.PAUSED
            self._paused_at = time.perf_counter()
            self._set_state(BatchState.PAUSED)
            self._snapshot(force=True)
            self.emit(BatchPaused, done=self._done())

    def _snapshot(self, force: bool = False) -> None:
        now = time.perf_counter()
        if force or (self._dirty and now - self._last_snapshot >= SNAPSHOT_EVERY_S):
            self._last_snapshot, self._dirty = now, False
            self.emit(MetricsSnapshot, **self._snapshot_fields(now))
