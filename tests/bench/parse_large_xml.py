"""How fast, and in how much memory, a ~100 MB Rekordbox XML is read.

    .venv/bin/python tests/bench/parse_large_xml.py [--mb 100] [--keep DIR]

Writes a synthetic collection (tracks with TEMPO and POSITION_MARK children, as
Rekordbox 6 writes them) with a few playlists, one of 5,000 entries, into a temporary
folder. Then, each in a fresh process so peak RSS is its own: reading the big playlist
with `read_playlists`, listing the tree with `list_playlists`, and streaming the whole
collection with `iter_collection`. Prints time and peak RSS above the interpreter's
baseline (Python + imports); the target is tens of MB whatever the file size.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIG_PLAYLIST = "Sets/Big Room 5000"


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _track(i: int, rng: random.Random) -> str:
    artist = f"Artist {i % 4999} &amp; Friend {i % 37}"
    title = f"Track {i} (Extended Mix)"
    lines = [
        f'    <TRACK TrackID="{100000 + i}" Name="{title}" Artist="{artist}" Composer="" '
        f'Album="Album {i % 2999}" Grouping="" Genre="Tech House" Kind="MP3 File" '
        f'Size="{rng.randint(5_000_000, 20_000_000)}" TotalTime="{rng.randint(150, 480)}" '
        f'DiscNumber="0" TrackNumber="{i % 12}" Year="{2000 + i % 24}" '
        f'AverageBpm="{rng.uniform(118, 132):.2f}" DateAdded="2023-04-26" BitRate="320" '
        f'SampleRate="44100" Comments="Purchased at Beatport" PlayCount="{i % 9}" Rating="0" '
        f'Location="file://localhost/Users/dj/Music/Artist%20{i % 4999}/'
        f'Track%20{i}%20(Extended%20Mix).mp3" Remixer="" Tonality="{rng.randint(1, 12)}A" '
        f'Label="Label {i % 211}" Mix="Extended Mix">'
    ]
    for beat in range(3):
        lines.append(
            f'      <TEMPO Inizio="{beat * 48.5 + 0.025:.3f}" Bpm="124.00" Metro="4/4" '
            f'Battito="{beat + 1}"/>'
        )
    for mark in range(4):
        lines.append(
            f'      <POSITION_MARK Name="" Type="0" Start="{mark * 30.1:.3f}" Num="{mark - 1}" '
            f'Red="40" Green="226" Blue="20"/>'
        )
    lines.append("    </TRACK>")
    return "\n".join(lines) + "\n"


def generate(path: Path, megabytes: int, seed: int = 7) -> int:
    """Write the collection; returns the number of tracks."""
    rng = random.Random(seed)
    target = megabytes * 1024 * 1024
    with path.open("w", encoding="utf-8", newline="\r\n") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n\n<DJ_PLAYLISTS Version="1.0.0">\n')
        out.write('  <PRODUCT Name="rekordbox" Version="6.8.5" Company="AlphaTheta"/>\n')
        out.write('  <COLLECTION Entries="0">\n')
        count = 0
        while out.tell() < target - 200_000:
            out.write(_track(count, rng))
            count += 1
        out.write('  </COLLECTION>\n  <PLAYLISTS>\n    <NODE Type="0" Name="ROOT" Count="2">\n')
        out.write('      <NODE Name="Sets" Type="0" Count="3">\n')
        for name, size in ((BIG_PLAYLIST.split("/")[1], 5000), ("Warm Up", 120), ("Peak", 80)):
            out.write(f'        <NODE Name="{name}" Type="1" KeyType="0" Entries="{size}">\n')
            for track_id in rng.sample(range(count), size):
                out.write(f'          <TRACK Key="{100000 + track_id}"/>\n')
            out.write("        </NODE>\n")
        out.write('      </NODE>\n      <NODE Name="Empty" Type="1" KeyType="0" Entries="0"/>\n')
        out.write("    </NODE>\n  </PLAYLISTS>\n</DJ_PLAYLISTS>\n")
    return count


def measure(task: str, path: Path) -> dict[str, float]:
    """Run one task in this (fresh) process; the figures it prints are its own."""
    from matcher.playlists import iter_collection, list_playlists, read_playlists

    baseline = _peak_rss_mb()
    start = time.perf_counter()
    if task == "read":
        entries = len(read_playlists(path, [BIG_PLAYLIST])[0].entries)
    elif task == "list":
        entries = sum(i.entries for i in list_playlists(path) if not i.is_folder)
    else:
        entries = sum(1 for _ in iter_collection(path))
    elapsed = time.perf_counter() - start
    peak = _peak_rss_mb()
    return {"entries": entries, "seconds": elapsed, "baseline_mb": baseline, "peak_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100, help="size of the generated XML")
    parser.add_argument("--keep", type=Path, help="write the XML here and keep it")
    parser.add_argument("--measure", nargs=2, metavar=("TASK", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        xml = folder / "large_collection.xml"
        start = time.perf_counter()
        tracks = generate(xml, args.mb)
        size_mb = xml.stat().st_size / 1024 / 1024
        print(f"generated {xml.name}: {size_mb:.1f} MB, {tracks:,} tracks "
              f"in {time.perf_counter() - start:.1f} s")  # fmt: skip
        for task, label in (
            ("read", f"read_playlists('{BIG_PLAYLIST}')"),
            ("list", "list_playlists"),
            ("collection", "iter_collection (all tracks)"),
        ):
            run = subprocess.run(
                [sys.executable, __file__, "--measure", task, str(xml)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            figures = json.loads(run.stdout)
            above = figures["peak_mb"] - figures["baseline_mb"]
            print(
                f"{label:<40} {figures['entries']:>7,} entries  {figures['seconds']:6.2f} s  "
                f"peak RSS {figures['peak_mb']:6.1f} MB (+{above:.1f} MB over "
                f"{figures['baseline_mb']:.1f} MB baseline)"
            )


if __name__ == "__main__":
    main()
