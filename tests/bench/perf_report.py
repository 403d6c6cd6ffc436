"""The README's performance table: the command line on playlists of 100, 1,000 and 10,000
entries, read back from each batch's performance_report.json.

    python tests/bench/perf_report.py [--sizes 100 1000 10000] [--preset balanced]
                                      [--workers N] [--keep DIR]

The playlists are the first N entries of the devset's 10,000-entry stress playlist
(../shared/devset/playlists/rekordbox_stress_10k.xml), written to a temporary folder as
Rekordbox XML; the catalog is the devset's, imported by a warm-up run that is not shown
(so no figure includes the import, nor the memory it leaves behind). Every run is a fresh
`cratematch match` in a subprocess, all sharing one scratch CRATEMATCH_HOME, with the
package's bytecode compiled beforehand, as an installed copy has it. Prints
Markdown: the machine, then one row per size, then the per-kind query table of the
largest run.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DEVSET = ROOT.parent / "shared" / "devset"
STRESS = DEVSET / "playlists" / "rekordbox_stress_10k.xml"
CATALOG = DEVSET / "catalog.csv.gz"


def slice_playlist(source: Path, size: int, target: Path) -> Path:
    """The first `size` entries of the stress playlist, with their collection tracks."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    tree = etree.parse(str(source), parser)
    root = tree.getroot()
    playlist = root.find("PLAYLISTS/NODE/NODE")
    assert playlist is not None, "the stress file has one playlist under ROOT"
    entries = playlist.findall("TRACK")
    for extra in entries[size:]:
        playlist.remove(extra)
    playlist.set("Entries", str(min(size, len(entries))))
    playlist.set("Name", f"Stress {size:,}")
    kept = {e.get("Key") for e in entries[:size]}
    collection = root.find("COLLECTION")
    assert collection is not None
    for track in collection.findall("TRACK"):
        if track.get("TrackID") not in kept:
            collection.remove(track)
    collection.set("Entries", str(len(collection)))
    path = target / f"stress_{size}.xml"
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return path


def run(playlist: Path, out: Path, home: Path, preset: str, workers: int | None) -> dict:
    args = [
        sys.executable,
        "-m",
        "matcher",
        "match",
        str(playlist),
        "--all-playlists",
        "--catalog",
        str(CATALOG),
        "--out",
        str(out),
        "--preset",
        preset,
        "--quiet",
    ]
    if workers:
        args += ["--workers", str(workers)]
    env = {**os.environ, "CRATEMATCH_HOME": str(home)}
    env.pop("DISPLAY", None)
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        sys.exit(f"cratematch failed ({done.returncode}): {done.stderr.strip()}")
    return json.loads((out / "performance_report.json").read_text(encoding="utf-8"))


def _mb(value: float) -> str:
    return f"{value / 2**20:,.0f} MB"


def table(reports: list[dict]) -> list[str]:
    first = reports[0]
    host, settings, catalog = first["machine"], first["settings"], first["catalog"]
    lines = [
        f"CrateMatch {first['cratematch_version']}, preset `{settings['preset']}`, "
        f"{settings['workers']} workers, local catalog of {catalog['tracks']:,} tracks; "
        f"{host['os']} {host['machine']}, {host['cpu_count']} CPUs, Python {host['python']}.",
        "",
        "| entries | tracks/s | wall time | per track (worker) | queries/track | avg query "
        "| matched | review | peak memory (largest process / all) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in reports:
        speed, time_, tracks, memory = r["speed"], r["time"], r["tracks"], r["memory"] or {}
        lines.append(
            f"| {tracks['total']:,} | {speed['tracks_per_second']:,.0f} | {time_['total_s']:.1f} s "
            f"| {speed['avg_time_per_track_ms']:.2f} ms | {speed['queries_per_track']:.2f} "
            f"| {speed['avg_query_ms']:.2f} ms | {tracks['match_rate'] * 100:.1f} % "
            f"| {tracks['review_rate'] * 100:.1f} % "
            f"| {_mb(memory.get('peak', 0))} / {_mb(memory.get('total_peak', 0))} |"
        )
    largest = reports[-1]
    lines += [
        "",
        f"Queries by kind, {largest['tracks']['total']:,} entries (`found`: the matches a kind"
        " found first; `only`: matches no other kind that ran found):",
        "",
        "| query kind | runs | avg time | candidates | found | only |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for q in largest["queries"]:
        lines.append(
            f"| {q['kind']} | {q['runs']:,} | {q['avg_ms']:.2f} ms "
            f"| {q['candidates']:,} | {q['found']:,} | {q['only']:,} |"
        )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    ap.add_argument("--preset", default="balanced", choices=("fast", "balanced", "thorough"))
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--keep", type=Path, default=None, help="keep the outputs in this folder")
    a = ap.parse_args()
    if not STRESS.exists():
        sys.exit("../shared/devset is not here")
    with tempfile.TemporaryDirectory(prefix="cratematch-perf-") as scratch:
        work = a.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        home = work / "home"
        compileall.compile_dir(ROOT / "matcher", quiet=1)
        warm_up = slice_playlist(STRESS, min(a.sizes), work)  # imports the catalog: not shown
        run(warm_up, work / "out_warm_up", home, a.preset, a.workers)
        reports = []
        for size in sorted(a.sizes):
            playlist = slice_playlist(STRESS, size, work)
            reports.append(run(playlist, work / f"out_{size}", home, a.preset, a.workers))
        print("\n".join(table(reports)))


if __name__ == "__main__":
    main()
