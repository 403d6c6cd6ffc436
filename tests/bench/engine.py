"""The batch engine's figures, on the devset stress playlist (10,000 entries).

    python tests/bench/engine.py [--runs 5] [--workers 2] [--skip-kill]

Prints:
- throughput with N workers (median of `--runs` runs, at most 3) on a prepared engine:
  start() to BatchFinished (read, match, journal, every output), the engine's own
  tracks/s (its clock starts once the playlists are read: writes included, the read
  not) and the matching phase alone (between the first and the last TracksMatched);
- the single-process figure for comparison (`match_entry` in a loop, one connection,
  caches empty as a new worker's);
- latencies, each the median of `--runs` runs on a prepared engine (a one-entry batch
  has run first): start() to the first TracksMatched (and to BatchStarted: the playlist
  read and journalled), pause() to BatchPaused, cancel() to BatchCancelled (mid-batch);
- kill -9 of the CLI mid-batch: how long until no process of the batch is left, then
  `cratematch resume`: whether every entry is in matches.csv exactly once.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DEVSET = ROOT.parent / "shared" / "devset"
STRESS = DEVSET / "playlists" / "rekordbox_stress_10k.xml"
HOME = Path(tempfile.gettempdir()) / "cratematch-bench-home"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cli_match import match_command  # noqa: E402
from cold import clear_caches  # noqa: E402


def _config(workers: int, out: Path):
    from matcher.config import EngineConfig

    return EngineConfig(catalog=DEVSET / "catalog.csv.gz", workers=workers, out_dir=out)


def throughput(workers: int) -> tuple[float, float, float, float]:
    from matcher.engine.client import Engine
    from matcher.engine.events import MetricsSnapshot, TracksMatched

    out = Path(tempfile.mkdtemp(prefix="cm-engine-"))
    with Engine(_config(workers, out)) as engine:
        _warm_up(engine, out)  # measure the batch, not process start-up
        t0 = time.perf_counter()
        batch = engine.start([STRESS], all_playlists=True)
        first = last = None
        metrics = {}
        while batch.final is None:
            for event in batch.events(0.02):
                if isinstance(event, TracksMatched):
                    now = time.perf_counter()
                    first = first or now
                    last = now
                elif isinstance(event, MetricsSnapshot):
                    metrics = event.metrics
        whole = batch.final.done / (time.perf_counter() - t0)
        phase = batch.final.done / (last - first) if first and last and last > first else 0.0
        return metrics.get("tracks_per_second", 0.0), phase, batch.final.elapsed_s, whole


def single_process() -> float:
    from matcher.catalog import resolve_catalog
    from matcher.matching.match import match_entry
    from matcher.matching.presets import get_preset
    from matcher.playlists import read_playlists
    from matcher.providers.local import LocalCatalog

    (playlist,) = read_playlists(STRESS, all_playlists=True)
    with LocalCatalog(resolve_catalog(DEVSET / "catalog.csv.gz")) as provider:
        preset = get_preset("balanced")
        clear_caches()  # cold, as a new worker starts
        t0 = time.perf_counter()
        with provider.reading():  # one read transaction, as a worker's chunk
            for entry in playlist.entries:
                match_entry(entry, provider, preset)
        return len(playlist.entries) / (time.perf_counter() - t0)


def _warm_up(engine, out: Path) -> None:
    """A one-entry batch, run to its end: the workers are up and have imported and opened
    everything, so what follows measures a prepared engine, not process start-up."""
    one = out / "warm-up.m3u8"
    one.write_text("#EXTM3U\n#EXTINF:300,Someone - Something\n/music/x.mp3\n", encoding="utf-8")
    batch = engine.start([one])
    batch.wait()


def latencies(workers: int) -> tuple[float, float, float, float]:
    """(start -> first result, pause -> BatchPaused, cancel -> BatchCancelled,
    start -> BatchStarted, i.e. the playlist read and journalled) for one run."""
    from matcher.engine.client import Engine
    from matcher.engine.events import BatchCancelled, BatchPaused, BatchStarted, TracksMatched

    out = Path(tempfile.mkdtemp(prefix="cm-latency-"))
    with Engine(_config(workers, out)) as engine:
        _warm_up(engine, out)
        t0 = time.perf_counter()
        batch = engine.start([STRESS], all_playlists=True)
        first = started = None
        while first is None:
            for event in batch.events(0.005):
                now = time.perf_counter() - t0
                if isinstance(event, BatchStarted):
                    started = now
                elif isinstance(event, TracksMatched) and first is None:
                    first = now
        time.sleep(0.5)
        t1 = time.perf_counter()
        batch.pause()
        paused = None
        while paused is None:
            if any(isinstance(e, BatchPaused) for e in batch.events(0.01)):
                paused = time.perf_counter() - t1
        batch.resume()
        time.sleep(0.5)
        t2 = time.perf_counter()
        batch.cancel()
        cancelled = None
        while cancelled is None:
            if any(isinstance(e, BatchCancelled) for e in batch.events(0.01)):
                cancelled = time.perf_counter() - t2
        return first, paused, cancelled, started or 0.0


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def kill_and_resume(workers: int) -> None:
    out = Path(tempfile.mkdtemp(prefix="cm-kill-"))
    env = dict(os.environ, CRATEMATCH_HOME=str(HOME))
    cmd = match_command([STRESS], DEVSET / "catalog.csv.gz", out, workers=workers)
    cli = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(3.0)  # mid-batch
    family = _descendants(cli.pid)
    os.kill(cli.pid, signal.SIGKILL)
    cli.wait()
    t0 = time.perf_counter()
    while any(Path(f"/proc/{p}").exists() for p in family) and time.perf_counter() - t0 < 10:
        time.sleep(0.05)
    alive = [p for p in family if Path(f"/proc/{p}").exists()]
    gone_after = time.perf_counter() - t0
    print(
        f"kill -9 of the CLI ({len(family)} processes under it): all gone after "
        f"{gone_after:.2f} s; still alive: {alive}"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "matcher", "resume", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
    )
    print(f"cratematch resume: exit {proc.returncode}: {proc.stdout.strip().splitlines()[-1:]}")
    (matches,) = out.glob("*/matches.csv")
    with open(matches, newline="", encoding="utf-8") as fh:
        indices = Counter(int(r["entry_index"]) for r in csv.DictReader(fh))
    dupes = sum(1 for c in indices.values() if c > 1)
    missing = 10_000 - len(indices)
    print(
        f"after resume: {len(indices)} distinct entries in matches.csv, {dupes} duplicated, "
        f"{missing} missing"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-kill", action="store_true")
    a = ap.parse_args()
    if not STRESS.exists():
        sys.exit("../shared/devset is not here")
    os.environ["CRATEMATCH_HOME"] = str(HOME)
    from matcher.catalog import resolve_catalog

    resolve_catalog(DEVSET / "catalog.csv.gz")  # imported once, not timed

    singles = [single_process() for _ in range(3)]
    print(f"single process, matching only: median {statistics.median(singles):,.0f} tracks/s")
    runs = [throughput(a.workers) for _ in range(min(a.runs, 3))]
    engine_tps = statistics.median(r[0] for r in runs)
    phase_tps = statistics.median(r[1] for r in runs)
    whole_tps = statistics.median(r[3] for r in runs)
    print(
        f"{a.workers} workers: median {whole_tps:,.0f} tracks/s from start() to BatchFinished "
        "(read, match, journal, every output)"
    )
    print(
        f"{a.workers} workers: median {engine_tps:,.0f} tracks/s as the batch reports it "
        f"(from after the read, writes included, {statistics.median(r[2] for r in runs):.2f} s); "
        f"matching phase {phase_tps:,.0f} tracks/s = "
        f"{phase_tps / statistics.median(singles):.2f}x single"
    )
    lat = [latencies(a.workers) for _ in range(a.runs)]
    for name, i in (
        ("start() -> first result", 0),
        ("  of which start() -> BatchStarted (read, journal)", 3),
        ("pause() -> BatchPaused", 1),
        ("cancel() -> BatchCancelled", 2),
    ):
        values = [r[i] for r in lat]
        print(
            f"{name}: median {statistics.median(values) * 1000:.0f} ms "
            f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}) over {len(values)}"
        )
    if not a.skip_kill and sys.platform.startswith("linux"):
        kill_and_resume(a.workers)


if __name__ == "__main__":
    main()
