"""Writing the five CSV reports for 10,000 results, file by file.

    python tests/bench/csv_writing.py [--repeat 5] [--save DIR] [--compare DIR]

The results are the devset stress playlist (10,000 entries) matched in process against
the devset catalog (`match_entry` with a `LocalCatalog`, preset balanced); they are
pickled next to the bench home the first time, so later runs time the same results.
Each report is written as `write_playlist_outputs` writes it (`write_report`, atomic,
fsync included), the median of `--repeat` runs, in ms per 10,000 results.

--save DIR writes the five files into DIR; --compare DIR checks the files written now
are byte for byte those in DIR (save before a change, compare after it).
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DEVSET = ROOT.parent / "shared" / "devset"
STRESS = DEVSET / "playlists" / "rekordbox_stress_10k.xml"
HOME = Path(tempfile.gettempdir()) / "cratematch-bench-home"
FILES = ("matches", "candidates", "queries", "review", "missing")


def stress_results(preset_name: str) -> list:
    """The stress playlist's results, matched once and then read from a pickle."""
    cache = HOME / f"csv_writing_results_{preset_name}.pickle"
    if cache.exists():
        with cache.open("rb") as handle:
            return pickle.load(handle)
    from matcher.catalog import resolve_catalog
    from matcher.matching.match import match_entry
    from matcher.matching.presets import get_preset
    from matcher.playlists import read_playlists
    from matcher.providers.local import LocalCatalog

    catalog = resolve_catalog(DEVSET / "catalog.csv.gz")
    preset = get_preset(preset_name)
    (playlist,) = read_playlists(STRESS, all_playlists=True)
    t0 = time.perf_counter()
    with LocalCatalog(catalog) as provider:
        results = [match_entry(entry, provider, preset) for entry in playlist.entries]
    print(f"matched {len(results):,} entries in {time.perf_counter() - t0:.1f} s")
    HOME.mkdir(parents=True, exist_ok=True)
    with cache.open("wb") as handle:
        pickle.dump(results, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="balanced")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--save", type=Path, help="write the five files into this folder")
    ap.add_argument("--compare", type=Path, help="check the files against this folder")
    a = ap.parse_args()
    if not STRESS.exists():
        sys.exit("../shared/devset is not here")
    os.environ["CRATEMATCH_HOME"] = str(HOME)

    from matcher.outputs.reports import write_report
    from matcher.outputs.summary import OUTPUT_FILES

    results = stress_results(a.preset)
    per_10k = 10_000 / len(results)
    out = Path(tempfile.mkdtemp(prefix="cratematch-csv-bench-"))
    rows: dict[str, int] = {}
    medians: dict[str, float] = {}
    for kind in FILES:
        path = out / OUTPUT_FILES[kind]
        times = []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            rows[kind] = write_report(kind, path, results)
            times.append((time.perf_counter() - t0) * 1000)
        medians[kind] = statistics.median(times) * per_10k

    print(f"{len(results):,} results, median of {a.repeat} runs, ms per 10,000 results:")
    for kind in FILES:
        print(f"  {OUTPUT_FILES[kind]:<15} {medians[kind]:8.1f} ms  ({rows[kind]:,} rows)")
    print(f"  {'total':<15} {sum(medians.values()):8.1f} ms")

    if a.save:
        a.save.mkdir(parents=True, exist_ok=True)
        for kind in FILES:
            (a.save / OUTPUT_FILES[kind]).write_bytes((out / OUTPUT_FILES[kind]).read_bytes())
        print(f"saved to {a.save}")
    if a.compare:
        differ = [
            OUTPUT_FILES[kind]
            for kind in FILES
            if (a.compare / OUTPUT_FILES[kind]).read_bytes()
            != (out / OUTPUT_FILES[kind]).read_bytes()
        ]
        print("byte-identical to " + str(a.compare) if not differ else f"DIFFER: {differ}")
        if differ:
            sys.exit(1)


if __name__ == "__main__":
    main()
