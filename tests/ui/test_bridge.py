"""The event pump on a real Tk loop: bounded work per tick, nothing lost, metrics
coalesced, calls from other threads run on the Tk thread, a failing view is contained."""

from __future__ import annotations

import contextlib
import threading
import time
import tkinter as tk
from collections.abc import Iterator

import pytest

from matcher.engine.events import Event, MetricsSnapshot, PlaylistProgress
from ui.bridge import EventPump

B = "20260101-000000-aaaaaa"


@pytest.fixture
def root(display: str) -> Iterator[tk.Tk]:
    root = tk.Tk()
    root.withdraw()
    yield root
    with contextlib.suppress(tk.TclError):  # a test may have destroyed it already
        root.destroy()


class Source:
    def __init__(self, events: list[Event]) -> None:
        self.events = list(events)
        self.calls = 0

    def __call__(self) -> list[Event]:
        self.calls += 1
        out, self.events = self.events[:500], self.events[500:]
        return out


def progress(n: int) -> PlaylistProgress:
    return PlaylistProgress(B, n, 0, n, 10_000, {"matched": n})


def run_loop(root: tk.Tk, until, timeout: float = 10.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, "the pump did not get there in time"
        root.update()
        time.sleep(0.002)


def test_a_slow_view_gets_events_over_several_ticks_in_order(root: tk.Tk) -> None:
    seen: list[int] = []

    def slow_view(event: Event) -> None:
        time.sleep(0.002)
        seen.append(event.seq)

    pump = EventPump(root, Source([progress(n) for n in range(1, 201)]), budget_ms=20)
    pump.subscribe(slow_view)
    assert not pump.tick()  # 200 × 2 ms cannot fit in one 20 ms tick
    assert 0 < len(seen) < 200 and pump.busy
    pump.start()
    run_loop(root, lambda: len(seen) == 200)
    assert seen == list(range(1, 201))  # nothing lost, nothing reordered


def test_only_the_newest_metrics_of_a_tick_are_delivered(root: tk.Tk) -> None:
    events = [MetricsSnapshot(B, 1, {"tracks_per_second": 1.0}), progress(2),
              MetricsSnapshot(B, 3, {"tracks_per_second": 3.0})]  # fmt: skip
    pump = EventPump(root, Source(events))
    seen: list[Event] = []
    metrics: list[dict[str, float]] = []
    pump.subscribe(seen.append)
    pump.subscribe_metrics(metrics.append)
    assert pump.tick()
    assert seen == [progress(2)]  # snapshots go to the metrics feed only
    assert metrics == [{"tracks_per_second": 3.0}]


def test_a_metrics_subscriber_can_take_only_some_batches(root: tk.Tk) -> None:
    """The dashboard hears the batch's metrics, not a tag write's that came after."""
    events = [MetricsSnapshot(B, 1, {"tracks_per_second": 3.0}),
              MetricsSnapshot("write", 1, {"files_per_second": 9.0})]  # fmt: skip
    pump = EventPump(root, Source(events))
    dashboard: list[dict[str, float]] = []
    writes: list[dict[str, float]] = []
    everything: list[dict[str, float]] = []
    pump.subscribe_metrics(dashboard.append, lambda batch_id: batch_id != "write")
    pump.subscribe_metrics(writes.append, lambda batch_id: batch_id == "write")
    pump.subscribe_metrics(everything.append)
    assert pump.tick()
    assert dashboard == [{"tracks_per_second": 3.0}]
    assert writes == everything == [{"files_per_second": 9.0}]


def test_calls_posted_from_a_thread_run_on_the_tk_thread(root: tk.Tk) -> None:
    pump = EventPump(root, Source([]))
    ran_on: list[threading.Thread] = []
    worker = threading.Thread(target=lambda: pump.call_soon(
        lambda: ran_on.append(threading.current_thread())))  # fmt: skip
    worker.start()
    worker.join()
    assert ran_on == []  # not run on the posting thread
    pump.start()
    run_loop(root, lambda: ran_on)
    assert ran_on == [threading.main_thread()]


def test_a_failing_view_is_logged_and_the_others_still_hear(
    root: tk.Tk, caplog: pytest.LogCaptureFixture
) -> None:
    pump = EventPump(root, Source([progress(1), progress(2)]))
    seen: list[Event] = []

    def broken(_event: Event) -> None:
        raise KeyError("boom")

    pump.subscribe(broken)
    pump.subscribe(seen.append)
    pump.start()
    run_loop(root, lambda: len(seen) == 2)
    assert len(pump.failures) == 2 and "KeyError" in pump.failures[0]
    assert "an event handler failed" in caplog.text


def test_the_pump_stops_with_its_window(root: tk.Tk) -> None:
    source = Source([])
    pump = EventPump(root, source, interval_ms=5)
    pump.start()
    run_loop(root, lambda: source.calls >= 3)
    root.destroy()
    calls = source.calls
    time.sleep(0.05)
    assert source.calls == calls and not pump._running
