"""The worker pool: N spawned processes, one chunk each at most, watched by sentinel.

    host ──(chunk_id, entries)──▶ pipe ──▶ worker ── match_entry × n
         ◀──("done", chunk_id, results, stats)──┘

Each worker holds at most one chunk, so pausing (stop sending) and cancelling
(terminate) act at once and a dead worker costs at most one chunk. `poll` waits on every
worker's pipe and process sentinel together, so a worker killed mid-chunk is noticed
without any timeout guessing; the host decides whether to retry its chunk.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from matcher.http.options import HttpOptions
from matcher.journal import EncodedResult
from matcher.metrics import ChunkStats
from matcher.model import MatchResult, PlaylistEntry
from matcher.worker import worker_main

__all__ = ["ChunkDone", "WorkerDied", "WorkerFailed", "WorkerPool"]


@dataclass(slots=True)
class _Worker:
    index: int
    process: Any  # a SpawnProcess
    conn: Connection
    ready: bool = False
    chunk: int | None = None  # the chunk it holds


@dataclass(frozen=True, slots=True)
class ChunkDone:
    chunk_id: int
    results: list[MatchResult]  # brief results (see MatchResult.brief), for events
    rows: list[EncodedResult]  # the full results, encoded for the journal
    stats: ChunkStats


@dataclass(frozen=True, slots=True)
class WorkerDied:
    chunk_id: int | None  # the chunk it held, if any
    exitcode: int | None


@dataclass(frozen=True, slots=True)
class WorkerFailed:
    """A worker could not start (the catalog could not be opened): fatal for the batch."""

    message: str
    detail: str = ""
    damage: dict[str, str] = field(default_factory=dict)  # events.damage_of: a damaged catalog


@dataclass
class WorkerPool:
    size: int
    provider: str
    catalog: str | None
    preset: str
    http: HttpOptions | None = None
    background: bool = False  # workers at a lower priority (see worker.lower_priority)
    _ctx: Any = field(default_factory=lambda: mp.get_context("spawn"))
    _workers: list[_Worker] = field(default_factory=list)

    def start(self) -> None:
        for index in range(self.size):
            self._workers.append(self._spawn(index))

    def _spawn(self, index: int) -> _Worker:
        host_end, worker_end = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=worker_main,
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

    @property
    def in_flight(self) -> int:
        return sum(1 for w in self._workers if w.chunk is not None)

    def idle(self) -> list[_Worker]:
        return [w for w in self._workers if w.ready and w.chunk is None]

    def submit(self, worker: _Worker, chunk_id: int, entries: Sequence[PlaylistEntry]) -> bool:
        """Hand a chunk to an idle worker; False if its pipe is already broken."""
        try:
            worker.conn.send((chunk_id, list(entries)))
        except (OSError, EOFError, BrokenPipeError):
            return False
        worker.chunk = chunk_id
        return True

    def poll(self, timeout: float) -> list[ChunkDone | WorkerDied | WorkerFailed]:
        """Wait up to `timeout` for results or deaths; a dead worker is replaced."""
        if not self._workers:
            return []
        by_handle: dict[Any, _Worker] = {}
        for w in self._workers:
            by_handle[w.conn] = w
            by_handle[w.process.sentinel] = w
        ready = wait(list(by_handle), timeout)
        out: list[ChunkDone | WorkerDied | WorkerFailed] = []
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
        message = w.conn.recv()
        kind = message[0]
        if kind == "ready":
            w.ready = True
            return []
        if kind == "fatal":
            return [WorkerFailed(*message[1:])]
        _, chunk_id, results, rows, stats = message
        w.chunk = None
        return [ChunkDone(chunk_id, results, rows, stats)]

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
                w.conn.send(None)
        for w in self._workers:
            w.process.join(1.0)
        self.terminate()
