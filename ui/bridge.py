"""The one place where the outside world reaches the Tk thread.

    engine host ──events──▶ source() ──┐
                                       ├──▶ tick() on Tk's `after`, at most budget_ms
    reader threads ──call_soon(fn)──▶ inbox ┘      │
                                                   ├──▶ subscribers(event)
                                                   └──▶ metrics subscribers(newest metrics,
                                                        or the whole newest snapshot)

Each tick runs what background threads posted, then hands engine events to the
subscribers until the time budget is spent; whatever is left waits for the next tick,
which then comes at once. MetricsSnapshots are coalesced: only the newest of a tick is
delivered (to a subscriber that takes only some batches, the newest of those). A
subscriber that raises is logged and skipped, so one broken view cannot stop the window
from hearing about the batch. The pump stops when its window is destroyed.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import time
import tkinter as tk
from collections import deque
from collections.abc import Callable
from typing import Any

from matcher import Event, MetricsSnapshot
from ui import tk_gc

__all__ = ["EventPump"]

log = logging.getLogger(__name__)

FETCH = 500  # events taken from the source at a time
QUIET_S = 1.0  # no events for this long: a full garbage collection may run
FULL_GC_MAX_WAIT_S = 300.0  # ... and while events stream, at most this long apart


class EventPump:
    def __init__(
        self,
        root: tk.Misc,
        source: Callable[[], list[Event]],
        budget_ms: float = 20,
        interval_ms: int = 30,
    ) -> None:
        self.root = root
        self.source = source
        self.budget_s = budget_ms / 1000
        self.interval_ms = interval_ms
        self.subscribers: list[Callable[[Event], None]] = []
        # (callback, accept, whole): whole callbacks get the MetricsSnapshot, others its metrics
        self.metrics_subscribers: list[
            tuple[Callable[[Any], None], Callable[[str], bool] | None, bool]
        ] = []
        self.delivered = 0  # events handed to subscribers so far (for tests and benchmarks)
        self.longest_tick_s = 0.0
        self.failures: list[str] = []  # one line per handler that raised (tests assert none)
        self._inbox: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._backlog: deque[Event] = deque()
        self._after: str | None = None
        self._running = False
        self._last_event = self._last_full_gc = time.monotonic()
        root.bind("<Destroy>", self._on_destroy, add="+")

    def subscribe(self, callback: Callable[[Event], None]) -> None:
        self.subscribers.append(callback)

    def subscribe_metrics(
        self,
        callback: Callable[[dict[str, float]], None],
        accept: Callable[[str], bool] | None = None,
    ) -> None:
        """`callback(metrics)` with the newest snapshot of a tick; with `accept`, the
        newest of the batches `accept(batch_id)` takes (tag writes are not matching)."""
        self.metrics_subscribers.append((callback, accept, False))

    def subscribe_snapshots(
        self,
        callback: Callable[[MetricsSnapshot], None],
        accept: Callable[[str], bool] | None = None,
    ) -> None:
        """As `subscribe_metrics`, but `callback(snapshot)` gets the whole snapshot: the
        dashboard's per-kind queries, slowest tracks and memory come with the metrics."""
        self.metrics_subscribers.append((callback, accept, True))

    def call_soon(self, fn: Callable[[], None]) -> None:
        """Run `fn()` on the Tk thread at the next tick. Safe from any thread."""
        self._inbox.put(fn)

    def start(self) -> None:
        if not self._running:
            self._running = True
            self._schedule(0)

    def stop(self) -> None:
        self._running = False
        if self._after is not None:
            with contextlib.suppress(tk.TclError):  # the window is already gone
                self.root.after_cancel(self._after)
            self._after = None

    @property
    def busy(self) -> bool:
        """True while events or posted calls are waiting."""
        return bool(self._backlog) or not self._inbox.empty()

    def tick(self) -> bool:
        """One bounded round of work; True when everything waiting was handled."""
        started = time.perf_counter()
        deadline = started + self.budget_s
        tk_gc.flush()
        now = time.monotonic()
        quiet = now - self._last_event > QUIET_S or now - self._last_full_gc > FULL_GC_MAX_WAIT_S
        if tk_gc.collect_if_due(full_allowed=quiet) == 2:
            self._last_full_gc = now
        while time.perf_counter() < deadline:
            try:
                fn = self._inbox.get_nowait()
            except queue.Empty:
                break
            self._guard(fn)
        if not self._backlog:
            self._guard(lambda: self._backlog.extend(self.source()))
            if self._backlog:
                self._last_event = now
        snapshots: dict[str, MetricsSnapshot] = {}  # the newest per batch, in arrival order
        while self._backlog and time.perf_counter() < deadline:
            event = self._backlog.popleft()
            if isinstance(event, MetricsSnapshot):
                snapshots.pop(event.batch_id, None)
                snapshots[event.batch_id] = event
                continue
            self.delivered += 1
            for callback in self.subscribers:
                self._guard(callback, event)
        if snapshots:
            newest = list(snapshots.values())[::-1]
            for callback, accept, whole in self.metrics_subscribers:
                taken = next((s for s in newest if accept is None or accept(s.batch_id)), None)
                if taken is not None:
                    self._guard(callback, taken if whole else taken.metrics)
        self.longest_tick_s = max(self.longest_tick_s, time.perf_counter() - started)
        return not self.busy

    # -- plumbing ------------------------------------------------------------------------

    def _run(self) -> None:
        self._after = None
        if not self._running:
            return
        done = True
        try:
            done = self.tick()
        finally:  # whatever a subscriber did, the pump keeps going
            self._schedule(self.interval_ms if done else 1)

    def _schedule(self, delay_ms: int) -> None:
        if self._running:
            try:
                self._after = self.root.after(delay_ms, self._run)
            except tk.TclError:  # the interpreter is being torn down
                self._running = False

    def _guard(self, fn: Callable[..., None], *args: object) -> None:
        try:
            fn(*args)
        except Exception as err:  # noqa: BLE001 - log and go on: the window must keep listening
            log.exception("an event handler failed")
            self.failures.append(f"{getattr(fn, '__qualname__', fn)}: {err!r}")

    def _on_destroy(self, event: tk.Event) -> None:
        if event.widget is self.root:
            self.stop()
