"""A worker process: opens its catalog once, then matches the chunks it is sent, and does
the file jobs of write-back runs.

Its pipe carries matcher.engine.messages (the host's WorkerPool holds the other end):

    host -> worker   Chunk(chunk_id, entries)        match these PlaylistEntries
                     FileChunk(chunk_id, action,     read, write or restore these files
                               jobs, write_id, journal,   (writeback.jobs)
                               retry)
                     StopWorker()                    exit (so does anything else)
    worker -> host   WorkerReady(pid)                the catalog is open
                     ChunkDone(chunk_id, results,    the chunk's brief MatchResults, the full
                               rows, stats,          ones encoded for the journal, ChunkStats,
                               reports)              and the CSV reports' rows rendered
                     FilesDone(chunk_id, done,       the files' JobDones, in order
                               busy_s)
                     WorkerFailed(message, detail,   the catalog (or, for a write, the writes
                                  damage)            journal) cannot be used (errors.damage_of)

A bug while matching one entry turns that entry into an `error` result with the
traceback as text (the batch goes on); a worker that dies costs the host at most the chunk
it holds. The worker exits by itself when the host process goes away.

What a worker process runs (its spawn target, processes.worker_process, imports this
module once the worker has started): it must stay free of GUI imports.
"""

from __future__ import annotations

import os
import signal
import time
import traceback
from contextlib import nullcontext
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from matcher.engine.accounting import chunk_stats
from matcher.engine.answers import dump_answer
from matcher.engine.messages import (
    Chunk,
    ChunkDone,
    FileChunk,
    FilesDone,
    WorkerFailed,
    WorkerReady,
)
from matcher.engine.metered import MeteredProvider
from matcher.engine.processes import NO_PROVIDER, exit_with_parent, lower_priority
from matcher.engine.serialize import encode_result
from matcher.errors import CrateMatchError, damage_of
from matcher.http.options import HttpOptions
from matcher.matching.match import match_entry
from matcher.matching.presets import Preset, get_preset
from matcher.model import MatchResult, MatchStatus, PlaylistEntry
from matcher.outputs.locations import path_stamp, to_local_path
from matcher.outputs.reports import render_bodies
from matcher.providers import open_provider

if TYPE_CHECKING:  # write-back (mutagen and all) loads only in a worker that gets files
    from matcher.writeback.undo_journal import WriteJournal

__all__ = ["worker_main"]


def file_stamp(entry: PlaylistEntry) -> tuple[int, int] | None:
    """(size, mtime_ns) of the entry's local file as it is now; None when the entry names
    no absolute local path or the file cannot be seen. A stat costs microseconds, and it
    is what lets write-back refuse a file that changed after it was matched."""
    path = to_local_path(entry.location)
    if not path or not os.path.isabs(path):
        return None
    return path_stamp(path)


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
    provider: MeteredProvider | None = None
    try:
        if provider_name != NO_PROVIDER:  # metered: cache hits per query kind
            opened = open_provider(provider_name, Path(catalog) if catalog else None,
                                   options=http)  # fmt: skip
            provider = MeteredProvider(opened)
        preset = get_preset(preset_name)
    except CrateMatchError as err:
        conn.send(WorkerFailed(str(err), traceback.format_exc(), damage_of(err)))
        return
    conn.send(WorkerReady(os.getpid()))
    journals = _Journals()
    try:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                return
            if isinstance(message, Chunk):
                answer: object = _match_chunk(message, provider, preset)
            elif isinstance(message, FileChunk):
                answer = _file_chunk(message, journals)
            else:  # StopWorker, or a host it cannot follow
                return
            sent = message.entries if isinstance(message, Chunk) else ()
            try:
                conn.send_bytes(dump_answer(answer, sent))
            except (EOFError, OSError, BrokenPipeError):
                return
    finally:
        journals.close()
        if provider is not None:
            provider.close()


def _match_chunk(message: Chunk, provider: MeteredProvider | None, preset: Preset) -> ChunkDone:
    started = time.perf_counter()
    results = []
    with provider.reading() if provider is not None else nullcontext():
        for entry in message.entries:
            try:
                if provider is None:
                    raise CrateMatchError("this worker has no catalog open")
                result = match_entry(entry, provider, preset)
            except Exception as err:  # noqa: BLE001 - one bad entry must not stop the batch
                result = _error_result(entry, provider.name if provider else "", err)
            stamp = file_stamp(entry) if entry.location else None
            results.append(replace(result, file_stamp=stamp) if stamp else result)
    busy = time.perf_counter() - started
    counters = provider.counters.take() if provider is not None else {}
    cache = provider.take_cache() if provider is not None else {}
    stats = chunk_stats(results, busy, counters, cache)
    briefs = [r.brief() for r in results]
    rows = [encode_result(r) for r in results]
    try:
        reports = render_bodies(results)
    except Exception:  # noqa: BLE001 - the host renders them from the journal instead
        reports = ()
    return ChunkDone(message.chunk_id, briefs, rows, stats, reports)


class _Journals:
    """This worker's connections to writes journals, opened on first use."""

    def __init__(self) -> None:
        self._open: dict[str | None, WriteJournal] = {}

    def get(self, path: str | None) -> WriteJournal:
        from matcher.writeback.undo_journal import WriteJournal

        if path not in self._open:
            self._open[path] = WriteJournal(Path(path)) if path else WriteJournal()
        return self._open[path]

    def existing(self, path: str | None) -> WriteJournal | None:
        """The journal if there is a usable one (a plan only reads it), else None."""
        from matcher.writeback.undo_journal import default_write_journal_path

        if not (Path(path) if path else default_write_journal_path()).exists():
            return None
        try:
            return self.get(path)
        except CrateMatchError:
            return None

    def close(self) -> None:
        for journal in self._open.values():
            journal.close()
        self._open.clear()


def _file_chunk(message: FileChunk, journals: _Journals) -> FilesDone | WorkerFailed:
    """Each file's job; an unusable writes journal fails the run (nothing may be written
    without its undo record), anything else is that file's refusal."""
    from matcher.writeback.jobs import Action, run_jobs

    started = time.perf_counter()
    try:
        if message.action is Action.READ:  # a plan asks it only about changed files
            journal = journals.existing(message.journal)
        else:
            journal = journals.get(message.journal)
        done = run_jobs(message.action, message.jobs, journal, message.write_id,
                        retry=message.retry)  # fmt: skip
    except CrateMatchError as err:
        return WorkerFailed(str(err), traceback.format_exc(), damage_of(err))
    return FilesDone(message.chunk_id, done, time.perf_counter() - started)
