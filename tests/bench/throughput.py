"""Throughput on the 10,000-entry devset stress playlist, against the devset catalog.

    python tests/bench/throughput.py [--preset balanced] [--repeat 3]

The catalog is imported once beforehand (not timed). Figures printed:
- single process: matching only (`match_entry` over every entry, one provider, inside
  one read transaction as a worker's chunk is), the median of `--repeat` runs, in
  tracks/s, plus the time to read the playlist; every run starts with every cache of
  the matching code empty, as a new worker does (runs that kept the caches of the run
  before were a quarter faster: 2,670 against 2,070 tracks/s, a figure no batch sees);
- the whole CLI run (read, match, write every output) in a subprocess, wall time: the
  median of `--cli-runs` runs, each in a new process, with the package's bytecode
  compiled beforehand as an installed copy has it (pip writes it at install, the
  packaged app carries it; a checkout run with PYTHONDONTWRITEBYTECODE=1 compiles every
  module in every process, 0.5 s more per run);
- peak RSS of the single-process run.

The bench home's journal is brought within the history limits before the CLI runs
(matcher/engine/retention.py, not timed): what the runs measure is each run's own cost.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DEVSET = ROOT.parent / "shared" / "devset"
STRESS = DEVSET / "playlists" / "rekordbox_stress_10k.xml"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cli_match import match_command  # noqa: E402
from cold import clear_caches  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="balanced")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None, help="also time the CLI with N workers")
    ap.add_argument("--cli-runs", type=int, default=5, help="CLI runs per figure (median)")
    a = ap.parse_args()
    if not STRESS.exists():
        sys.exit("../shared/devset is not here")
    home = Path(tempfile.gettempdir()) / "cratematch-bench-home"
    os.environ["CRATEMATCH_HOME"] = str(home)

    from matcher.catalog import resolve_catalog
    from matcher.matching.match import match_entry
    from matcher.matching.presets import get_preset
    from matcher.playlists import read_playlists
    from matcher.providers.local import LocalCatalog

    catalog = resolve_catalog(DEVSET / "catalog.csv.gz")
    preset = get_preset(a.preset)
    t0 = time.perf_counter()
    (playlist,) = read_playlists(STRESS, all_playlists=True)
    t_read = time.perf_counter() - t0
    entries = playlist.entries

    rates = []
    for _ in range(a.repeat):
        clear_caches()  # each run starts cold, as a new worker does
        with LocalCatalog(catalog) as provider, provider.reading():  # as a worker's chunk
            t0 = time.perf_counter()
            statuses: dict[str, int] = {}
            for entry in entries:
                r = match_entry(entry, provider, preset)
                statuses[r.status] = statuses.get(r.status, 0) + 1
            rates.append(len(entries) / (time.perf_counter() - t0))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"stress playlist: {len(entries)} entries, read in {t_read:.2f} s")
    print(
        f"single process, matching only ({a.preset}): median {statistics.median(rates):,.0f} "
        f"tracks/s over {a.repeat} runs (min {min(rates):,.0f}, max {max(rates):,.0f})"
    )
    print(f"statuses: {statuses}")
    print(f"peak RSS of this process: {peak_mb:.0f} MB")

    compileall.compile_dir(ROOT / "matcher", quiet=1)
    _within_history_limits()
    runs = [None] + ([a.workers] if a.workers else [])
    for workers in runs:
        walls = [_cli_run(a.preset, workers) for _ in range(a.cli_runs)]
        wall = statistics.median(walls)
        label = f"{workers} workers" if workers else "default workers"
        print(
            f"whole CLI run ({label}): median {wall:.2f} s wall over {len(walls)} runs, "
            f"{len(entries) / wall:,.0f} tracks/s end to end "
            f"(runs: {', '.join(f'{w:.2f}' for w in walls)} s)"
        )


def _within_history_limits() -> None:
    """Bring the bench home's journal within the history limits first (not timed), as
    the host would after a batch: a journal that holds more than the limits (runs of an
    earlier day) would make each timed run forget up to 50,000 old results (some 0.3 s)
    after its batch, and one of them rewrite the file, a backlog of a past session
    rather than this run's cost."""
    from matcher.engine.journal import Journal
    from matcher.engine.retention import Retention, forget_all, tidy

    with Journal.open() as journal:
        results = forget_all(journal, Retention())
        tidy(journal, Retention())  # nothing left to forget: the host's rewrite, if due
        size = journal.space().total_bytes
    print(f"bench journal: {results:,} old results forgotten before the timed runs "
          f"({size / 2**20:,.0f} MB)")  # fmt: skip


def _cli_run(preset: str, workers: int | None) -> float:
    """One `cratematch match` of the stress playlist in a new process: its wall time."""
    out = Path(tempfile.mkdtemp(prefix="cratematch-throughput-"))
    cmd = match_command([STRESS], DEVSET / "catalog.csv.gz", out, preset=preset, workers=workers)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    shutil.rmtree(out, ignore_errors=True)
    if proc.returncode != 0:
        sys.exit(f"the CLI failed (exit {proc.returncode}): {proc.stderr.strip()}")
    return wall


if __name__ == "__main__":
    main()
