"""The batch engine, as its callers see it: `Engine`, `Batch` and the event stream.

    from matcher import Engine, EngineConfig
    with Engine(EngineConfig(catalog="catalog.csv", workers=2, out_dir="out")) as engine:
        batch = engine.start(["house.xml", "set.m3u8"])
        for event in batch.events(timeout=0.05): ...
        summary = batch.wait()

    caller process                       engine host process (engine/host.py)
    ┌──────────────┐  Command (Queue)    ┌────────────────────────────────────┐
    │ Engine/Batch │ ──────────────────▶ │ batch runs, journal, outputs       │
    │              │ ◀────────────────── │ WorkerPool ── N spawned workers    │
    └──────────────┘   Event (Queue)     └────────────────────────────────────┘

Each method sends one typed command (matcher.engine.messages: `start` sends Start,
`resume_batch` ResumeFromJournal, `Batch.pause/resume/cancel` Pause/Continue/Cancel,
`review` Review, `plan_tags/write_tags/undo_write` StartFiles, `plan_library/
write_library` StartLibrary (those five in engine/write_calls.py), `close` Shutdown)
and the host answers with events. The host is spawned (never forked) when the Engine
is made, so parsing, writing and matching never run in the caller; a window stays
responsive by draining `events()` with a small timeout. The command line, which only
follows its batch, runs the same host on a thread of its own process instead
(`in_process`); its workers are processes either way. Events are routed to their
batch's inbox, so several `Batch` objects can share one engine.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import time
import uuid
from collections import deque
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from matcher.config import EngineConfig
from matcher.engine import messages
from matcher.engine.batch_spec import BatchSpec
from matcher.engine.events import BatchCancelled, BatchFinished, EngineError, Event
from matcher.engine.processes import HostThread, host_process
from matcher.engine.write_calls import WriteBackCalls
from matcher.model import PlaylistRef

__all__ = ["Batch", "Engine", "new_batch_id"]

_FINAL = (BatchFinished, BatchCancelled)


def new_batch_id() -> str:
    """Sortable by time, unique: "20261128-061502-3fa2c1"."""
    return time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]


class Engine(WriteBackCalls):
    """Owns one engine host (a process, or a thread with `in_process`). Close it (or use
    `with`) when done."""

    def __init__(
        self,
        config: EngineConfig | None = None,
        *,
        prepare: bool = True,
        results: bool = True,
        in_process: bool = False,
    ) -> None:
        """Spawn the host. With `prepare`, it imports the catalog and starts the workers
        right away, so the first batch starts matching sooner. Without `results`, no
        TracksMatched events are sent (a caller that shows counts, as the command line
        does, is spared unpickling every result; the journal and outputs are the same).
        With `in_process`, the host runs on a thread of this process instead
        (processes.HostThread): for a caller that only follows its batches, as the
        command line does, never for a window, whose events loop it would hold up."""
        self.config = (config or EngineConfig()).checked()
        self._host: mp.process.BaseProcess | HostThread
        if in_process:
            self._commands: Any = queue.Queue()
            self._events: Any = queue.Queue()
            self._host = HostThread(self._commands, self._events, self.config, results)
        else:
            ctx = mp.get_context("spawn")
            self._commands = ctx.Queue()
            self._events = ctx.Queue()
            self._host = ctx.Process(
                target=host_process,
                args=(self._commands, self._events, os.getpid(), self.config, results),
                name="cratematch-engine",
            )
        self._host.start()
        self._batches: dict[str, Batch] = {}
        self._closed = False
        if prepare:
            self._commands.put(messages.Prepare())

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- batches ---------------------------------------------------------------------

    def start(
        self,
        inputs: Iterable[str | Path | PlaylistRef],
        *,
        names: Sequence[str] = (),
        all_playlists: bool = False,
    ) -> Batch:
        """Start matching `inputs` (files, or PlaylistRefs naming a playlist in a file)."""
        refs = []
        for item in inputs:
            if isinstance(item, PlaylistRef):
                refs.append((str(Path(item.path).expanduser().absolute()), item.name))
            else:
                refs.append((str(Path(item).expanduser().absolute()), None))
        spec = BatchSpec(new_batch_id(), tuple(refs), tuple(names), all_playlists, self.config)
        batch = Batch(self, spec.batch_id)
        self._batches[spec.batch_id] = batch
        self._commands.put(messages.Start(spec))
        return batch

    @classmethod
    def resume(cls, batch_id: str, config: EngineConfig | None = None) -> Batch:
        """A new Batch that finishes a batch cut off by cancel, crash or kill -9.

        The batch's own settings come from the journal; `config` may only change where it
        runs: the number of workers, or a Dask cluster. The returned batch owns a new
        engine and closes it when done.
        """
        engine = cls(config, prepare=False)
        batch = engine.resume_batch(batch_id)
        batch._owns_engine = True
        return batch

    def resume_batch(self, batch_id: str) -> Batch:
        """Finish a batch of the journal on this engine (a new Batch for it)."""
        batch = Batch(self, batch_id)
        self._batches[batch_id] = batch
        command = messages.ResumeFromJournal(batch_id, self.config.workers, self.config.cluster)
        self._commands.put(command)
        return batch

    def review(
        self, batch_id: str, playlist_id: int, entry_index: int, catalog_id: str | None
    ) -> None:
        """Record a user's decision on one entry: `catalog_id` (one of its candidates) is
        the right track, or None for "not in the catalog". Answered by a ResultEdited
        event on that batch once the journal and the outputs are updated."""
        batch = self._batches.get(batch_id)
        if batch is None:
            self._batches[batch_id] = Batch(self, batch_id)
        self._send(messages.Review(batch_id, playlist_id, entry_index, catalog_id))

    def _start_run(self, run_id: str, command: messages.Command) -> Batch:
        """A write-back run's Batch (`WriteBackCalls`), its command sent."""
        batch = Batch(self, run_id)
        self._batches[run_id] = batch
        self._commands.put(command)
        return batch

    def batch(self, batch_id: str) -> Batch:
        """The Batch object for a batch id (one is made for a batch of an earlier run)."""
        if batch_id not in self._batches:
            self._batches[batch_id] = Batch(self, batch_id)
        return self._batches[batch_id]

    def events(self, timeout: float = 0.05, limit: int = 2000) -> list[Event]:
        """Every event that has arrived, for any batch (a window's single pump). Use either
        this or `Batch.events`, not both: an event is delivered once."""
        out: list[Event] = []
        for batch in self._batches.values():  # anything already routed to a batch
            while batch._inbox and len(out) < limit:
                out.append(batch._inbox.popleft())
        if not out:
            try:
                out.append(
                    self._events.get(timeout=timeout) if timeout > 0 else self._events.get_nowait()
                )
            except queue.Empty:
                self._check_host()
                for batch in self._batches.values():
                    while batch._inbox and len(out) < limit:
                        out.append(batch._inbox.popleft())
                return self._note_finals(out)
        while len(out) < limit:
            try:
                out.append(self._events.get_nowait())
            except queue.Empty:
                break
        return self._note_finals(out)

    def _note_finals(self, events: list[Event]) -> list[Event]:
        for event in events:
            if isinstance(event, _FINAL) and event.batch_id in self._batches:
                self._batches[event.batch_id].final = event
        return events

    # -- plumbing used by Batch ------------------------------------------------------

    def _send(self, command: messages.Command) -> None:
        if not self._closed:
            self._commands.put(command)

    def _pump(self, timeout: float, limit: int = 2000) -> None:
        """Move arrived events into their batches' inboxes (block up to `timeout` for one)."""
        if self._closed:
            return
        try:
            event = self._events.get(timeout=timeout) if timeout > 0 else self._events.get_nowait()
        except queue.Empty:
            self._check_host()
            return
        for _ in range(limit):
            batch = self._batches.get(event.batch_id)
            if batch is not None:
                batch._inbox.append(event)
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                return

    def _check_host(self) -> None:
        """If the host died, end every open batch with an error instead of hanging."""
        if self._host.is_alive() or self._closed:
            return
        for batch in self._batches.values():
            if batch.final is None and not any(isinstance(e, _FINAL) for e in batch._inbox):
                message = f"the engine stopped unexpectedly (exit code {self._host.exitcode})"
                batch._inbox.append(EngineError(batch.batch_id, -1, message, fatal=True))
                batch._inbox.append(
                    BatchFinished(
                        batch.batch_id, -1, False, 0, 0, {}, 0.0, str(self.config.out_dir)
                    )
                )

    def close(self, timeout: float = 5.0) -> None:
        """Stop the host (cancelling a running batch) and wait for it to exit.

        Events keep being read while waiting: a host process with a full event queue could
        not exit otherwise (a host thread's queue has no bound: it is joined, then read).
        Batches left without a final event get a BatchCancelled."""
        if self._closed:
            return
        self._commands.put(messages.Shutdown())
        own_process = isinstance(self._host, mp.process.BaseProcess)
        if own_process:
            deadline = time.monotonic() + timeout
            while self._host.is_alive() and time.monotonic() < deadline:
                self._pump(0.01)
            self._host.join(0.5)
            if self._host.is_alive():
                self._host.terminate()
                self._host.join(1.0)
            self._pump(0)
        else:  # a thread cannot be terminated: one still running ends with this process
            self._host.join(timeout)
            while not self._events.empty():
                self._pump(0)
        self._closed = True
        for batch in self._batches.values():
            if batch.final is None and not any(isinstance(e, _FINAL) for e in batch._inbox):
                batch._inbox.append(
                    BatchCancelled(batch.batch_id, -1, 0, 0, str(self.config.out_dir))
                )
        if own_process:
            for q in (self._commands, self._events):
                q.close()
                q.cancel_join_thread()


class Batch:
    """A running (or finished) batch: drain its events, pause, resume, cancel, wait."""

    def __init__(self, engine: Engine, batch_id: str) -> None:
        self._engine = engine
        self.batch_id = batch_id
        self._inbox: deque[Event] = deque()
        self.final: BatchFinished | BatchCancelled | None = None
        self._owns_engine = False

    def events(self, timeout: float = 0.05, limit: int = 2000) -> list[Event]:
        """The events that have arrived, waiting up to `timeout` for the first."""
        if self._engine._closed:
            pass  # nothing more can arrive
        elif not self._inbox and self.final is None:
            self._engine._pump(timeout)
        elif self.final is None:
            self._engine._pump(0)
        out = []
        while self._inbox and len(out) < limit:
            event = self._inbox.popleft()
            if isinstance(event, _FINAL):
                self.final = event
            out.append(event)
        if self.final is not None and self._owns_engine:
            self._engine.close()
        return out

    @property
    def done(self) -> bool:
        return self.final is not None

    def pause(self) -> None:
        """Send no more chunks; BatchPaused arrives once those in flight are back."""
        self._engine._send(messages.Pause(self.batch_id))

    def resume(self) -> None:
        """Go on after `pause` (BatchResumed). Finishing a batch cut off by cancel or a
        crash is `Engine.resume` / `Engine.resume_batch`."""
        self._engine._send(messages.Continue(self.batch_id))

    def cancel(self) -> None:
        """Stop, keeping what is matched (journal and partial outputs); BatchCancelled."""
        self._engine._send(messages.Cancel(self.batch_id))

    def wait(self, timeout: float | None = None) -> BatchFinished | BatchCancelled | None:
        """Block until the batch ends (its events are consumed); None on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.final is None:
            if deadline is not None and time.monotonic() >= deadline:
                return None
            self.events(timeout=0.1)
        return self.final
