"""Accuracy on the labelled development set, through the real command line.

    python tests/bench/accuracy.py [--preset balanced] [--stress] [--errors N]
        [--pad 1000000 | --catalog DB]

Runs `cratematch match` on the devset playlists against the devset catalog (imported
once into a benchmark home, reused on later runs), turns every `matches.csv` into the
results file `score.py` reads (a `matched` row gives its catalog id; review, unmatched
and error rows give none) and prints score.py's report: precision, recall, false-match
rate on absent tracks, per playlist and per noise tag. With --pad N the catalog is the
devset catalog plus N generated rows that collide with no devset track (padding.py,
imported once and kept under the temp folder): what a large catalog costs accuracy.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT.parent / "shared" / "devset"
STRESS = "rekordbox_stress_10k.xml"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cli_match import match_command  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="balanced")
    ap.add_argument("--stress", action="store_true", help="also match the 10k stress playlist")
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--pad", type=int, default=0, help="generated rows added to the catalog")
    ap.add_argument("--catalog", type=Path, default=None, help="match against this catalog")
    a = ap.parse_args()
    if not DEVSET.is_dir():
        sys.exit("../shared/devset is not here")
    env = dict(
        os.environ, CRATEMATCH_HOME=str(Path(tempfile.gettempdir()) / "cratematch-bench-home")
    )
    catalog = a.catalog or DEVSET / "catalog.csv.gz"
    if a.pad:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from padding import cached_catalog

        catalog = cached_catalog(a.pad)
    playlists = sorted(p for p in (DEVSET / "playlists").iterdir() if a.stress or p.name != STRESS)
    out = Path(tempfile.mkdtemp(prefix="cratematch-accuracy-"))
    cmd = match_command(playlists, catalog, out, preset=a.preset, workers=a.workers)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    print(proc.stdout.strip())
    if proc.returncode not in (0, 1):
        sys.exit(f"cratematch exited {proc.returncode}: {proc.stderr.strip()}")
    results = out / "results_for_score.csv"
    rows = 0
    with open(results, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["playlist_file", "entry_index", "matched_catalog_id", "confidence"])
        for matches in sorted(out.glob("*/matches.csv")):
            with open(matches, newline="", encoding="utf-8") as src:
                for r in csv.DictReader(src):
                    got = r["catalog_id"] if r["status"] == "matched" else ""
                    writer.writerow([r["playlist_file"], r["entry_index"], got, r["confidence"]])
                    rows += 1
    print(f"{rows} result rows in {elapsed:.1f} s (preset {a.preset}); outputs in {out}\n")
    score = [sys.executable, str(DEVSET / "score.py"), str(results), "--tags", "60"]
    if a.errors:
        score += ["--errors", str(a.errors)]
    subprocess.run(score, check=True)


if __name__ == "__main__":
    main()
