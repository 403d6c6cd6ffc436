"""Match the demo with the built app through a real Dask cluster, and check that it gives
the rows the app's own worker processes give.

    python packaging/smoke_cluster.py dist/cratematch

Run it with the venv's Python (the one with the `cluster` extra): it starts `dask
scheduler` and two `dask worker` processes from it on 127.0.0.1, as a user's cluster
machines would run them with CrateMatch installed. The app itself is the client: the
packaged Dask client, with a fresh, temporary HOME and no display. It runs
`cratematch match` on the demo's playlists twice, on this computer and with `--cluster`,
and compares every playlist's matches.csv row for row (status, catalog id, confidence);
the workers must have received the catalog. Prints one line; exit 0 when both runs
succeeded and agree.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from smoke_window import fresh_env  # noqa: E402

from tests.matcher.engine.cluster_fixtures import LocalDask  # noqa: E402

__all__ = ["main", "match_rows"]

DEMO = ROOT / "matcher" / "demo"
PLAYLISTS = ("Warehouse Sets.xml", "Sunday Session.m3u8", "Spotify Finds.csv")
COMPARED = ("playlist", "entry_index", "status", "catalog_id", "confidence")
RUN_S = 300.0


def match_rows(out: Path) -> list[tuple[str, ...]]:
    """Every matches.csv row under `out`, the compared columns, in a stable order."""
    rows = []
    for path in sorted(out.rglob("matches.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows.extend(tuple(row[c] for c in COMPARED) for row in csv.DictReader(handle))
    return rows


def _match(exe: str, out: Path, env: dict[str, str], *extra: str) -> tuple[int, str, float]:
    playlists = [str(DEMO / p) for p in PLAYLISTS]
    command = [exe, "match", *playlists, "--all-playlists", "--catalog", str(DEMO / "catalog.csv"),
               "--out", str(out), "--quiet", *extra]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=RUN_S)
    return done.returncode, (done.stdout + done.stderr).strip(), time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exe", help="the built executable (dist/cratematch)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cratematch-cluster-smoke-") as tmp:
        folder = Path(tmp)
        (folder / "home").mkdir()
        env = fresh_env(folder / "home", None)
        local = _match(args.exe, folder / "local", env)
        with LocalDask(folder / "dask", workers=2) as cluster:
            remote = _match(args.exe, folder / "cluster", env, "--cluster", cluster.address)
            copies = [p for i in range(2) for p in cluster.worker_home(i).rglob("*.db")]
        for name, (code, output, _) in (("on this computer", local), ("on the cluster", remote)):
            if code != 0:
                print(f"cluster smoke test FAILED: the match {name} exited {code}\n{output}")
                return 1
        if not copies:  # the workers open their own copy of the catalog for their chunks
            print("cluster smoke test FAILED: no Dask worker received the catalog")
            return 1
        here, there = match_rows(folder / "local"), match_rows(folder / "cluster")
    if not here or here != there:
        differ = sum(a != b for a, b in zip(here, there, strict=False))
        differ += abs(len(here) - len(there))
        print(f"cluster smoke test FAILED: {differ} of {len(here)} rows differ from the local run")
        return 1
    print(f"cluster smoke test ok: {len(there)} entries through 2 Dask workers in "
          f"{remote[2]:.1f} s, the same rows as on this computer ({local[2]:.1f} s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
