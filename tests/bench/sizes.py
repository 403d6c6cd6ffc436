"""Sizes: how playlist size and catalog size each change speed and memory.

    python tests/bench/sizes.py [--entries 100,1000,10000,100000] [--catalogs 30000,1000000]
        [--workers 2] [--preset balanced]

Catalogs: 30000 is the devset catalog (32,781 real rows); a larger size is the devset
catalog padded with generated rows (padding.py: real vocabulary, real artists, no row
colliding with a devset track), imported once and kept under the temp folder. Playlists
(M3U8, generated per size, deterministic): two entries in three are catalog rows drawn at
random, "Artist - Title (Mix)" with the mix left out of every other one; the third is a
generated track the catalog does not have.

Each cell is one `cratematch match --workers N` run, timed from outside. Prints a markdown
table: wall time, tracks/s, peak RSS of the engine host and of the largest worker (the
engine's own figures, from performance_report.json) and of the command line (VmHWM from
/proc), and the cache hit rate (a local catalog has no query cache: n/a). Linux only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
DEVSET = ROOT.parent / "shared" / "devset"

from load import _roles, run_sampled  # noqa: E402
from padding import cached_catalog, generate  # noqa: E402

from matcher.catalog import resolve_catalog  # noqa: E402

DEVSET_ROWS = 30_000  # the name the devset catalog (32,781 rows) goes by here


def catalog_for(rows: int) -> Path:
    if rows == DEVSET_ROWS:
        return resolve_catalog(DEVSET / "catalog.csv.gz")
    return cached_catalog(rows)


def write_playlist(path: Path, entries: int, db: Path) -> None:
    """Two in three entries from the catalog, one in three absent from it."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        top = conn.execute("SELECT max(rowid) FROM tracks").fetchone()[0]
        rng = random.Random(entries)
        absent = generate(entries // 3 + 1, seed=97)
        lines = ["#EXTM3U"]
        for i in range(entries):
            if i % 3 == 2:
                row = next(absent)
                artist, title, mix, seconds = row[3], row[1], row[2], row[11]
            else:
                found = conn.execute(
                    "SELECT artists, title, mix, duration_s FROM tracks WHERE rowid = ?",
                    (rng.randint(1, top),),
                ).fetchone()
                if found is None:
                    continue
                artist, title, mix, seconds = found
            shown = f"{title} ({mix})" if mix and i % 2 == 0 else title
            lines += [f"#EXTINF:{int(float(seconds or 0))},{artist} - {shown}",
                      f"/music/sizes/{i:06d}.mp3"]  # fmt: skip
    finally:
        conn.close()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_cell(work: Path, env: dict[str, str], db: Path, rows: int, entries: int,
             workers: int, preset: str) -> dict[str, object]:  # fmt: skip
    playlist = work / f"sizes-{entries}-{rows}.m3u8"
    write_playlist(playlist, entries, db)
    out = work / f"out-{entries}-{rows}"
    took, _said, peaks = run_sampled(
        [sys.executable, "-m", "matcher", "match", str(playlist), "--catalog", str(db),
         "--workers", str(workers), "--preset", preset, "--out", str(out), "--quiet"],
        env,
    )  # fmt: skip
    report = json.loads((out / "performance_report.json").read_text(encoding="utf-8"))
    memory = report["memory"]
    cache = report["cache"]
    mib = 1024 * 1024
    return {
        "entries": report["tracks"]["total"], "rows": rows, "wall_s": took,
        "tracks_per_s": report["tracks"]["total"] / took,
        "engine_tps": report["speed"]["tracks_per_second"],
        "host_mb": memory["host"]["peak"] / mib,
        "worker_mb": max(w["peak"] for w in memory["workers"]) / mib,
        "cli_mb": _roles(peaks)["cli"],
        "avg_query_ms": report["speed"]["avg_query_ms"],
        "cache": f"{cache['hit_rate']:.0%}" if cache.get("applicable") else "n/a",
    }  # fmt: skip


def table(cells: list[dict[str, object]], workers: int) -> str:
    head = (
        f"| entries | catalog rows | wall s | tracks/s | host peak MB | worker peak MB "
        f"(max of {workers}) | command line peak MB | avg query ms | cache hit rate |"
    )
    lines = [head, "|" + "---:|" * 8 + "---|"]
    for c in cells:
        lines.append(
            f"| {c['entries']:,} | {c['rows']:,} | {c['wall_s']:.1f} | {c['tracks_per_s']:,.0f} "
            f"| {c['host_mb']:.0f} | {c['worker_mb']:.0f} | {c['cli_mb']} "
            f"| {c['avg_query_ms']:.2f} | {c['cache']} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entries", default="100,1000,10000,100000")
    ap.add_argument("--catalogs", default=f"{DEVSET_ROWS},1000000")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--preset", default="balanced")
    a = ap.parse_args()
    if not DEVSET.is_dir():
        sys.exit("../shared/devset is not here")
    home = Path(tempfile.gettempdir()) / "cratematch-bench-home"
    os.environ["CRATEMATCH_HOME"] = str(home)
    env = {**os.environ, "CRATEMATCH_HOME": str(home)}
    work = Path(tempfile.mkdtemp(prefix="cratematch-sizes-"))
    cells = []
    for rows in (int(r) for r in a.catalogs.split(",")):
        t0 = time.perf_counter()
        db = catalog_for(rows)
        print(f"catalog {rows:,}: {db} ({time.perf_counter() - t0:.1f} s)", flush=True)
        for entries in (int(e) for e in a.entries.split(",")):
            cell = run_cell(work, env, db, rows, entries, a.workers, a.preset)
            print(json.dumps(cell), flush=True)
            cells.append(cell)
    print(f"\n{a.workers} workers, preset {a.preset}; outputs in {work}\n")
    print(table(cells, a.workers))


if __name__ == "__main__":
    main()
