"""A worker process: opens its catalog once, then matches the chunks it is sent.

Its pipe carries matcher.engine.messages (the host's WorkerPool holds the other end):

    host -> worker   Chunk(chunk_id, entries)        match these PlaylistEntries
                     StopWorker()                    exit (so does anything else)
    worker -> host   WorkerReady(pid)                the catalog is open
                     ChunkDone(chunk_id, results,    the chunk's brief MatchResults, the full
                               rows, stats)          ones encoded for the journal, ChunkStats
                     WorkerFailed(message, detail,   the catalog could not be opened
                                  damage)            (damage: events.damage_of)

A bug while matching one entry turns that entry into an `error` result with the
traceback as text (the batch goes on); a worker that dies costs the host at most the chunk
it holds. The worker exits by itself when the host process goes away.

This module is the spawn target: it must stay free of GUI imports and cheap to import.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

from matcher.engine.accounting import chunk_stats
from matcher.engine.events import damage_of
from matcher.engine.journal import encode_result
from matcher.engine.messages import Chunk, ChunkDone, WorkerFailed, WorkerReady
from matcher.errors import CrateMatchError
from matcher.http.options import HttpOptions
from matcher.matching.match import match_entry
from matcher.matching.presets import get_preset
from matcher.model import MatchResult, MatchStatus, PlaylistEntry
from matcher.providers import open_provider

__all__ = ["exit_with_parent", "lower_priority", "worker_main"]


def exit_with_parent(parent_pid: int, interval_s: float = 0.2) -> None:
    """Exit this process soon after its parent dies (kill -9 included): a daemon thread
    watches the parent pid. Orphans would otherwise keep a batch's files open."""

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(0)
            time.sleep(interval_s)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


BACKGROUND_NICE = 10


def lower_priority() -> None:
    """Let the interactive process (the window) win the CPU over matching work."""
    try:
        if sys.platform == "win32":
            import ctypes

            below_normal = 0x4000
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), below_normal)
        elif os.getpriority(os.PRIO_PROCESS, 0) < BACKGROUND_NICE:  # set, not added:
            os.setpriority(os.PRIO_PROCESS, 0, BACKGROUND_NICE)  # workers inherit the host's
    except (OSError, AttributeError):
        pass  # not allowed or not available: run at normal priority


def _error_result(entry: PlaylistEntry, provider: str, err: BaseException) -> MatchResult:
    return MatchResult(
        entry=entry,
        status=MatchStatus.ERROR,
        confidence=0.0,
        provider=provider,
        reason=f"internal error: {type(err).__name__}: {err}",
    )


def worker_main(
    conn: Connection,
    provider_name: str,
    catalog: str | None,
    preset_name: str,
    parent_pid: int,
    http: HttpOptions | None = None,
    background: bool = False,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to interpret
    if background:
        lower_priority()
    exit_with_parent(parent_pid)
    try:
        provider = open_provider(provider_name, Path(catalog) if catalog else None, options=http)
        preset = get_preset(preset_name)
    except CrateMatchError as err:
        conn.send(WorkerFailed(str(err), traceback.format_exc(), damage_of(err)))
        return
    conn.send(WorkerReady(os.getpid()))
    with provider:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                return
            if not isinstance(message, Chunk):  # StopWorker, or a host it cannot follow
                return
            started = time.perf_counter()
            results = []
            for entry in message.entries:
                try:
                    results.append(match_entry(entry, provider, preset))
                except Exception as err:  # noqa: BLE001 - one bad entry must not stop the batch
                    results.append(_error_result(entry, provider.name, err))
            busy = time.perf_counter() - started
            stats = chunk_stats(results, busy, provider.counters.take())
            briefs = [r.brief() for r in results]
            rows = [encode_result(r) for r in results]
            try:
                conn.send(ChunkDone(message.chunk_id, briefs, rows, stats))
            except (EOFError, OSError, BrokenPipeError):
                return
