"""How responsive the window stays while a 10,000-track batch runs.

    xvfb-run -a -s "-screen 0 1280x800x24 -dpi 96" .venv/bin/python tests/bench/ui_latency.py
        [--tab results|dashboard] [--minimal] [--workers 2] [--profile]

Runs the devset stress playlist (rekordbox_stress_10k.xml against catalog.csv.gz) in the
real window (ui.app; `--minimal` or a missing ui/app.py: a bare root with ResultsView,
Dashboard and an EventPump) and prints:
- main-loop stalls while the batch runs: an `after(10)` heartbeat records the gaps
  between its ticks (worst, p99, median; the target is a worst gap under 50 ms);
- the time from Start until all 10,000 rows are in the results table, and how long after
  the engine's BatchFinished the table caught up;
- the ten longest pump ticks' share of the worst gaps, and with `--profile` the Tk
  thread's heaviest functions during the run.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import os
import pstats
import queue
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.bench.load import process_tree  # noqa: E402 - after the path is set

DEVSET = ROOT.parent / "shared" / "devset"
STRESS = DEVSET / "playlists" / "rekordbox_stress_10k.xml"
CATALOG = DEVSET / "catalog.csv.gz"
ENTRIES = 10_000
HEARTBEAT_MS = 10
TIMEOUT_S = 600.0


class ThreadedSource:
    """What `--reader-thread` tries: events read on a thread (so a pipe read that waits
    for the host to finish writing a large message never blocks Tk), drained by the pump
    from a SimpleQueue."""

    def __init__(self, read) -> None:  # noqa: ANN001 - (timeout) -> list[Event]
        self._read = read
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._stop = threading.Event()
        threading.Thread(target=self._loop, name="bench-event-reader", daemon=True).start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            events = self._read(0.05)
            if events is None:
                time.sleep(0.05)
                continue
            for event in events:
                self._queue.put(event)

    def __call__(self) -> list:
        out: list = []
        while len(out) < 500:
            try:
                out.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return out

    def stop(self) -> None:
        self._stop.set()


class Heartbeat:
    """An `after(10)` loop recording the gaps between its ticks while `recording`."""

    def __init__(self, root) -> None:  # noqa: ANN001 - a Tk root
        self.root = root
        self.gaps: list[float] = []
        self.recording = False
        self._last = time.perf_counter()
        root.after(HEARTBEAT_MS, self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.recording:
            self.gaps.append(now - self._last)
        self._last = now
        self.root.after(HEARTBEAT_MS, self._tick)


def _real_window(workers: int, out: Path, threaded: bool, freeze: bool):  # noqa: ANN202
    """The app, its results view, its dashboard, a start function and a done check."""
    from ui.app import LaunchOptions, build_app

    app = build_app(LaunchOptions(files=(STRESS,), catalog=str(CATALOG), out=str(out)))
    if freeze:  # as ui.__main__ does once the window is built
        gc.collect()
        gc.freeze()
    c = app.controller
    c.settings = replace(c.settings, workers=workers)
    if threaded:
        app.pump.source = ThreadedSource(
            lambda timeout: c.engine.events(timeout=timeout) if c.engine is not None else None
        )

    def start() -> None:
        deadline = time.monotonic() + 60
        while not c.model.waiting():  # the playlist is read on a background thread
            assert time.monotonic() < deadline, "the stress playlist was never queued"
            app.root.update()
            time.sleep(0.01)
        assert c.start(), "the controller refused to start"

    def finished() -> bool:
        return c.batch is None and not c.model.active

    window = (app.root, app.results_view, app.dashboard, app.pump, app.tabs)
    return (*window, start, finished, app.request_close)  # closes the engine too


def _minimal_window(workers: int, out: Path, threaded: bool, freeze: bool):  # noqa: ANN202
    import customtkinter as ctk

    from matcher.config import EngineConfig
    from matcher.engine.client import Engine
    from matcher.engine.events import BatchCancelled, BatchFinished
    from ui.bridge import EventPump
    from ui.views.dashboard import Dashboard
    from ui.views.results_view import ResultsView

    ctk.set_appearance_mode("light")
    root = ctk.CTk()
    root.geometry("1280x800+0+0")
    engine = Engine(EngineConfig(catalog=CATALOG, workers=workers, out_dir=out))
    tabs = ctk.CTkTabview(root)
    tabs.pack(fill="both", expand=True)
    for name in ("Results", "Dashboard"):
        tabs.add(name)
    view = ResultsView(tabs.tab("Results"), controller=None)
    view.pack(fill="both", expand=True)
    board = Dashboard(tabs.tab("Dashboard"))
    board.pack(fill="both", expand=True)
    ended: list[object] = []
    source = lambda: engine.events(timeout=0, limit=500)  # noqa: E731
    if threaded:
        source = ThreadedSource(lambda timeout: engine.events(timeout=timeout))
    pump = EventPump(root, source)
    pump.subscribe(view.on_event)
    pump.subscribe(board.on_event)
    pump.subscribe(
        lambda e: ended.append(e) if isinstance(e, BatchFinished | BatchCancelled) else None
    )
    pump.subscribe_metrics(board.on_metrics)
    pump.start()
    root.bind("<Destroy>", lambda e: engine.close() if e.widget is root else None, add="+")
    return (root, view, board, pump, tabs, lambda: engine.start([STRESS], all_playlists=True),
            lambda: bool(ended), root.destroy)  # fmt: skip


def _engine_nice() -> dict[int, int]:
    """The nice value of every process below this one (the engine host and workers)."""
    nice: dict[int, int] = {}
    for pid in process_tree(os.getpid()):
        with contextlib.suppress(OSError):
            nice[pid] = os.getpriority(os.PRIO_PROCESS, pid)
    return nice


def _renice(done: set[int]) -> None:
    """Lower the priority of every process below this one, once each."""
    for pid in process_tree(os.getpid()):
        if pid not in done:
            done.add(pid)
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, pid, 10)


def run(
    tab: str,
    minimal: bool,
    workers: int,
    profile: bool,
    threaded: bool,
    freeze: bool,
    nice: bool = False,
    shot: str = "",
) -> dict[str, float]:
    out = Path(tempfile.mkdtemp(prefix="cm-ui-latency-"))
    use_app = not minimal and (ROOT / "ui" / "app.py").exists()
    make = _real_window if use_app else _minimal_window
    root, view, board, pump, tabs, start, finished, close = make(workers, out, threaded, freeze)
    tabs.set(tab.capitalize())
    for _ in range(50):  # let the window settle (first chart draw, fonts)
        root.update()
        time.sleep(0.01)
    if freeze and make is _minimal_window:  # full collections then skip the window's objects
        gc.collect()
        gc.freeze()
    beat = Heartbeat(root)
    collections: list[tuple[float, int]] = []  # (ms, generation) of each collection
    began = [0.0]

    def timed(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            collections.append(((time.perf_counter() - began[0]) * 1000, info["generation"]))

    gc.callbacks.append(timed)
    profiler = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    start()
    beat.recording = True
    if profiler:
        profiler.enable()
    engine_done = table_done = 0.0
    reniced: set[int] = set()
    engine_nice: dict[int, int] = {}
    cpu0 = time.process_time()
    while not (engine_done and table_done):
        if nice:
            _renice(reniced)
        if len(engine_nice) < 2 + workers and len(beat.gaps) % 50 == 0:  # host, tracker, workers
            engine_nice.update(_engine_nice())
        root.update()
        now = time.perf_counter()
        assert now - t0 < TIMEOUT_S, "the batch did not finish in time"
        if not engine_done and finished():
            engine_done = now
        shown = len(view.model) - view.pending_count
        if not table_done and shown >= ENTRIES and view.pending_count == 0:
            table_done = now
        time.sleep(0.002)
    beat.recording = False
    gc.callbacks.remove(timed)
    cpu = time.process_time() - cpu0
    if profiler:
        profiler.disable()
    gaps = sorted(g * 1000 for g in beat.gaps)
    figures = {
        "worst_ms": gaps[-1],
        "p99_ms": gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))],
        "median_ms": statistics.median(gaps),
        "over_50ms": sum(1 for g in gaps if g > 50),
        "ticks": len(gaps),
        "rows_s": table_done - t0,
        "engine_s": engine_done - t0,
        "lag_s": max(0.0, table_done - engine_done),
        "longest_pump_tick_ms": pump.longest_tick_s * 1000,
        "chart_draws": board.chart.draws,
        "rows": len(view.model),
        "tk_cpu_share": cpu / max(1e-9, time.perf_counter() - t0),
        "reniced": len(reniced),
        "engine_nice": sorted(engine_nice.values()),
        "gc_longest": max(collections, default=(0.0, 0)),
        "gc_full": sum(1 for _, g in collections if g == 2),
    }
    if isinstance(pump.source, ThreadedSource):
        pump.source.stop()
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
    if shot:
        from PIL import ImageGrab

        tabs.set("Results")
        for _ in range(20):
            root.update()
            time.sleep(0.02)
        ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).save(shot)
    close()  # the engine host is not a daemon: an open engine would block the exit
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tab", choices=("results", "dashboard"), default="results")
    parser.add_argument("--minimal", action="store_true", help="a bare root, not ui.app")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--screenshot", default="", help="save the window here at the end")
    parser.add_argument("--no-gc-freeze", action="store_true",
                        help="no gc.freeze() after building the window")  # fmt: skip
    parser.add_argument("--nice-engine", action="store_true",
                        help="renice the engine's processes to 10 from outside")  # fmt: skip
    parser.add_argument("--reader-thread", action="store_true",
                        help="read engine events on a thread (a proposed pump change)")  # fmt: skip
    parser.add_argument("--playlist", type=Path, default=None,
                        help="another playlist (e.g. made by load.py)")  # fmt: skip
    parser.add_argument("--catalog", type=Path, default=None, help="another catalog")
    args = parser.parse_args()
    global STRESS, CATALOG, ENTRIES  # noqa: PLW0603 - the bench's inputs, set once here
    if args.playlist is not None:
        from matcher.playlists import read_playlists

        STRESS = args.playlist.resolve()
        ENTRIES = sum(len(p.entries) for p in read_playlists(STRESS))
    if args.catalog is not None:
        CATALOG = args.catalog.resolve()
    if not STRESS.exists():
        sys.exit(f"no devset at {DEVSET}")
    home = Path(tempfile.mkdtemp(prefix="cm-ui-latency-home-"))
    os.environ.setdefault("CRATEMATCH_HOME", str(home))
    os.environ["HOME"] = str(home)  # customtkinter copies fonts into ~/.fonts
    load = os.getloadavg()
    f = run(args.tab, args.minimal, args.workers, args.profile, args.reader_thread,
            not args.no_gc_freeze, args.nice_engine, args.screenshot)  # fmt: skip
    window = "minimal root" if args.minimal or not (ROOT / "ui" / "app.py").exists() else "ui.app"
    reader = "a reader thread" if args.reader_thread else "the Tk thread (pump)"
    print(f"window: {window}, tab shown: {args.tab}, workers: {args.workers},"
          f" events read on {reader}, gc.freeze: {not args.no_gc_freeze},"
          f" engine processes' nice values: {f['engine_nice']}")  # fmt: skip
    print(
        f"load average before/after: {load[0]:.2f} / {os.getloadavg()[0]:.2f} (other"
        " processes on the machine make every gap longer)"
    )
    print(f"main-loop gaps ({f['ticks']:,} heartbeats of {HEARTBEAT_MS} ms):"
          f" worst {f['worst_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms,"
          f" median {f['median_ms']:.1f} ms, {f['over_50ms']} over 50 ms")  # fmt: skip
    print(f"all {f['rows']:,} rows in the table {f['rows_s']:.1f} s after Start"
          f" (engine finished at {f['engine_s']:.1f} s; table lag {f['lag_s']:.2f} s)")  # fmt: skip
    print(f"longest pump tick {f['longest_pump_tick_ms']:.1f} ms; chart updates drawn:"
          f" {f['chart_draws']}; window process CPU: {f['tk_cpu_share']:.0%}")  # fmt: skip
    ms, gen = f["gc_longest"]
    print(f"garbage collections on the Tk thread: longest {ms:.1f} ms (generation {gen}),"
          f" {f['gc_full']} full")  # fmt: skip
    print("target: worst gap under 50 ms:", "met" if f["worst_ms"] < 50 else "NOT met")


if __name__ == "__main__":
    main()
