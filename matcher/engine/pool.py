"""The worker pool: N spawned processes, one chunk each at most, watched by sentinel.

    submit ── Chunk(chunk_id, entries) ──▶ pipe ──▶ worker: match_entry × n
    poll   ◀── WorkerReady(pid) / ChunkDone(chunk_id, results, rows, stats, reports)
           ◀── WorkerFailed
    poll   ◀── the process sentinel fired: WorkerDied(chunk_id, exitcode), a new worker
    close  ── StopWorker ──▶ every worker

(the messages are matcher.engine.messages'; the whole flow is drawn there). Each worker
holds at most one chunk, so pausing (stop sending) and cancelling (terminate) act at once
and a dead worker costs at most one chunk. `poll` waits on every worker's pipe and process
sentinel together, so a worker killed mid-chunk is noticed without any timeout guessing;
the batch decides whether to retry its chunk.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from matcher.engine.answers import load_answer
from matcher.engine.messages import (
    Chunk,
    ChunkDone,
    FilesDone,
    StopWorker,
    WorkerFailed,
    WorkerReady,
)
from matcher.engine.processes import worker_process
from matcher.http.options import HttpOptions
from matcher.model import PlaylistEntry

__all__ = ["PoolEvent", "WorkerDied", "WorkerPool"]


@dataclass(slots=True)
class _Worker:
    index: int
    process: Any  # a SpawnProcess
    conn: Connection
    ready: bool = False
    chunk: int | None = None  # the chunk it holds
    entries: Sequence[PlaylistEntry] = ()  # that chunk's entries (its answer names them)


@dataclass(frozen=True, slots=True)
class WorkerDied:
    """Not a message: what the pool saw when a worker's process ended or its pipe broke
    (it has been replaced by a new worker already)."""

    chunk_id: int | None  # the chunk it held, if any
    exitcode: int | None


PoolEvent = ChunkDone | FilesDone | WorkerDied | WorkerFailed  # what `poll` reports


@dataclass
class WorkerPool:
    size: int
    provider: str
    catalog: str | None
    preset: str
    http: HttpOptions | None = None
    background: bool = False  # workers at a lower priority (see processes.lower_priority)
    _ctx: Any = field(default_factory=lambda: mp.get_context("spawn"))
    _workers: list[_Worker] = field(default_factory=list)

    def start(self) -> None:
        for index in range(self.size):
            self._workers.append(self._spawn(index))

    def _spawn(self, index: int) -> _Worker:
        host_end, worker_end = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=worker_process,
            args=(
                worker_end,
                self.provider,
                self.catalog,
                self.preset,
                os.getpid(),
                self.http,
                self.background,
            ),
            name=f"cratematch-worker-{index}",
            daemon=True,
        )
        process.start()
        worker_end.close()
        return _Worker(index, process, host_end)

    def pids(self) -> list[tuple[int, int]]:
        """(slot, pid) of each worker now: a replaced worker's successor has its slot."""
        return [(w.index, w.process.pid) for w in self._workers if w.process.pid is not None]

    @property
    def in_flight(self) -> int:
        return sum(1 for w in self._workers if w.chunk is not None)

    def idle(self) -> list[_Worker]:
        return [w for w in self._workers if w.ready and w.chunk is None]

    def submit(self, worker: _Worker, chunk_id: int, entries: Sequence[PlaylistEntry]) -> bool:
        """Hand a chunk of entries to an idle worker; False if its pipe is already broken."""
        return self.send(worker, chunk_id, Chunk(chunk_id, list(entries)))

    def send(self, worker: _Worker, chunk_id: int, message: object) -> bool:
        """Hand any chunk message (Chunk, FileChunk) to an idle worker; False if its pipe
        is already broken."""
        try:
            worker.conn.send(message)
        except (OSError, EOFError, BrokenPipeError):
            return False
        worker.chunk = chunk_id
        worker.entries = message.entries if isinstance(message, Chunk) else ()
        return True

    def poll(self, timeout: float) -> list[PoolEvent]:
        """Wait up to `timeout` for results or deaths; a dead worker is replaced."""
        if not self._workers:
            return []
        by_handle: dict[Any, _Worker] = {}
        for w in self._workers:
            by_handle[w.conn] = w
            by_handle[w.process.sentinel] = w
        ready = wait(list(by_handle), timeout)
        out: list[PoolEvent] = []
        for index in sorted({by_handle[h].index for h in ready}):
            w = self._workers[index]
            broken = False
            try:
                while w.conn.poll():  # read what it sent before looking at whether it died
                    out.extend(self._receive(w))
            except (EOFError, OSError):
                broken = True
            if broken or not w.process.is_alive():
                w.process.join(0.5)
                out.append(WorkerDied(w.chunk, w.process.exitcode))
                w.conn.close()
                self._workers[index] = self._spawn(index)
        return out

    def _receive(self, w: _Worker) -> list[ChunkDone | WorkerFailed]:
        message = load_answer(w.conn.recv_bytes(), w.entries)
        match message:
            case WorkerReady():
                w.ready = True
                return []
            case ChunkDone() | FilesDone():
                w.chunk, w.entries = None, ()
                return [message]
            case WorkerFailed():
                return [message]
        unknown = type(message).__name__
        return [WorkerFailed(f"a worker sent a message this engine does not know ({unknown})")]

    def terminate(self) -> None:
        """Stop every worker now (cancel, or shutdown with work in flight)."""
        for w in self._workers:
            if w.process.is_alive():
                w.process.terminate()
        for w in self._workers:
            w.process.join(1.0)
            if w.process.is_alive():
                w.process.kill()
                w.process.join(1.0)
            w.conn.close()
        self._workers.clear()

    def close(self) -> None:
        """Ask idle workers to exit and wait briefly; terminate the rest."""
        for w in self._workers:
            with contextlib.suppress(OSError, EOFError, BrokenPipeError):
                w.conn.send(StopWorker())
        for w in self._workers:
            w.process.join(1.0)
        self.terminate()
