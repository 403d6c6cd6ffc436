"""Throughput on the 10,000-entry devset stress playlist, against the devset catalog.

    python tests/bench/throughput.py [--preset balanced] [--repeat 3]

The catalog is imported once beforehand (not timed). Figures printed:
- single process: matching only (`match_entry` over every entry, one provider), the
  median of `--repeat` runs, in tracks/s, plus the time to read the playlist;
- the whole CLI run (read, match, write every output) in a subprocess, wall time;
- peak RSS of the single-process run.
"""

from __future__ import annotations

import argparse
import os
import resource
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="balanced")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None, help="also time the CLI with N workers")
    a = ap.parse_args()
    if not STRESS.exists():
        sys.exit("../shared/devset is not here")
    home = Path(tempfile.gettempdir()) / "cratematch-bench-home"
    os.environ["CRATEMATCH_HOME"] = str(home)

    from matcher.catalog import resolve_catalog
    from matcher.matching.match import match_entry
    from matcher.matching.presets import get_preset
    from matcher.matching.readings import _read_entry, read_track
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
        _read_entry.cache_clear()  # each run starts cold, as a new worker would
        read_track.cache_clear()
        with LocalCatalog(catalog) as provider:
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

    runs = [None] + ([a.workers] if a.workers else [])
    for workers in runs:
        out = Path(tempfile.mkdtemp(prefix="cratematch-throughput-"))
        cmd = [
            sys.executable,
            "-m",
            "matcher",
            "match",
            str(STRESS),
            "--all-playlists",
            "--catalog",
            str(DEVSET / "catalog.csv.gz"),
            "--preset",
            a.preset,
            "--out",
            str(out),
            "--quiet",
        ]
        if workers:
            cmd += ["--workers", str(workers)]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        label = f"{workers} workers" if workers else "default workers"
        print(
            f"whole CLI run ({label}): {wall:.2f} s wall, {len(entries) / wall:,.0f} tracks/s "
            f"end to end (exit {proc.returncode})"
        )
        print("  " + proc.stdout.strip())


if __name__ == "__main__":
    main()
