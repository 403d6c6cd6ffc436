"""Batches on a Dask cluster: the devset stress playlist (10,000 entries) through a local
2-worker Dask cluster (`dask scheduler` + 2 x `dask worker --nthreads 1` on 127.0.0.1,
each worker with its own CRATEMATCH_HOME), against the local pool with 2 workers.

    python tests/bench/cluster.py [--runs 3] [--ship-mb 256] [--baseline]
                                  [--only ship|rows|latency|kill|absorb] [--baseline]

Prints:
- shipping the catalog to fresh workers (bytes, seconds), again when they have it, and
  a synthetic `--ship-mb` file through the same path (seconds per GB);
- the local pool's and the cluster's throughput on the stress playlist, and whether the
  two give the same matches.csv rows, entry for entry (elapsed_ms aside);
- pause() -> BatchPaused and cancel() -> BatchCancelled through the cluster (median of
  `--runs`);
- a Dask worker killed mid-batch: whether every entry is there once, with the same rows;
- what the host alone absorbs: results/s through BatchRun (journal, outputs accounting,
  events) when chunks come back at once (a replay pool, no matching): the ceiling on
  how many workers one host can feed.
"""

from __future__ import annotations

import argparse
import csv
import os
import pickle
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DEVSET = ROOT.parent / "shared" / "devset"
STRESS = DEVSET / "playlists" / "rekordbox_stress_10k.xml"
CATALOG = DEVSET / "catalog.csv.gz"
HOME = Path(tempfile.gettempdir()) / "cratematch-bench-home"


def _rows(out: Path) -> list[dict[str, str]]:
    rows = []
    for path in sorted(out.glob("*/matches.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            rows += [{k: v for k, v in r.items() if k != "elapsed_ms"} for r in reader]
    return rows


DECISION = ("status", "catalog_id", "confidence")


def _compare(a: list[dict[str, str]], b: list[dict[str, str]]) -> str:
    """Entry for entry: identical rows, and what differs in the others. A track whose
    search reached the preset's time budget (60 ms for balanced) stops planning queries,
    so on a loaded machine `queries`/`candidates` (rarely the decision) may differ."""

    def keys(rows: list[dict[str, str]]) -> list[tuple[str, str]]:
        return [(r["playlist"], r["entry_index"]) for r in rows]

    if keys(a) != keys(b):
        return "different entries"
    differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    decided = sum(any(x[k] != y[k] for k in DECISION) for x, y in differ)
    columns = sorted({k for x, y in differ for k in x if x[k] != y[k]})
    same = len(a) - len(differ)
    return (
        f"{same:,} of {len(a):,} rows identical; {len(differ)} differ "
        f"({', '.join(columns) or '-'}), {decided} of them in status/catalog_id/confidence"
    )


def _batch(config, kill=None) -> tuple[float, float, float, Path]:  # noqa: ANN001
    """(engine tracks/s, matching-phase tracks/s, seconds, out dir) of the stress playlist;
    `kill()` is called after the 5th TracksMatched."""
    from matcher.engine.client import Engine
    from matcher.engine.events import MetricsSnapshot, TracksMatched

    with Engine(config) as engine:
        time.sleep(1.5)  # the pool is up (and the catalog shipped): measure the batch
        batch = engine.start([STRESS], all_playlists=True)
        first = last = None
        seen, metrics = 0, {}
        while batch.final is None:
            for event in batch.events(0.1):
                if isinstance(event, TracksMatched):
                    now = time.perf_counter()
                    first, last, seen = first or now, now, seen + 1
                    if kill is not None and seen == 5:
                        kill()
                elif isinstance(event, MetricsSnapshot):
                    metrics = event.metrics
        final = batch.final
    assert final.done == final.total == 10_000, final
    phase = final.done / (last - first) if first and last and last > first else 0.0
    return metrics.get("tracks_per_second", 0.0), phase, final.elapsed_s, Path(config.out_dir)


def _config(out: Path, cluster: str | None = None, workers: int = 2):  # noqa: ANN202
    from matcher.config import EngineConfig

    return EngineConfig(catalog=CATALOG, workers=workers, out_dir=out, cluster=cluster)


def ship(address: str, ship_mb: int) -> None:
    from distributed import Client

    from matcher.catalog import resolve_catalog
    from matcher.engine import cluster_catalog
    from matcher.engine.cluster_catalog import forget_catalog, ship_catalog

    db = resolve_catalog(CATALOG)
    with Client(address, set_as_default=False) as client:

        def fetched() -> int:  # bytes the workers fetched so far
            runs = client.run(lambda: list(cluster_catalog.FETCHED))
            return sum(size for got in runs.values() for _digest, size in got)

        first = ship_catalog(client, db)
        forget_catalog(client, first.ref)
        before = fetched()
        again = ship_catalog(client, db)
        forget_catalog(client, again.ref)
        print(f"catalog {db.stat().st_size / 1e6:.1f} MB to 2 fresh workers: "
              f"{first.uploaded_bytes / 1e6:.1f} MB uploaded, {before / 1e6:.1f} MB fetched by "
              f"the workers, {first.seconds:.2f} s until both had it; again (they have it): "
              f"{again.seconds:.2f} s, {(fetched() - before) / 1e6:.1f} MB fetched")  # fmt: skip
        if ship_mb:
            big = Path(tempfile.mkdtemp(prefix="cm-ship-")) / "big.db"
            with big.open("wb") as handle:
                for _ in range(ship_mb):
                    handle.write(os.urandom(1 << 20))
            t0 = time.perf_counter()
            from matcher.catalog import content_hash

            content_hash(big)
            hash_s = time.perf_counter() - t0
            shipped = ship_catalog(client, big)
            forget_catalog(client, shipped.ref)
            per_gb = shipped.seconds / (shipped.ref.size / 1e9)
            print(f"synthetic {ship_mb} MB: {shipped.seconds:.2f} s to 2 workers on this host "
                  f"({per_gb:.1f} s per GB; of it hashing on the host {hash_s:.2f} s, "
                  f"and each worker hashes its copy too)")  # fmt: skip
            big.unlink()


def _seconds_until(batch, act, kind: type) -> float:  # noqa: ANN001
    """Seconds from `act()` (a pause, a cancel) until `batch` reports an event of `kind`."""
    start = time.perf_counter()
    act()
    while not any(isinstance(e, kind) for e in batch.events(0.01)):
        pass
    return time.perf_counter() - start


def latencies(address: str | None, runs: int) -> None:
    """pause() -> BatchPaused and cancel() -> BatchCancelled mid-batch, through the
    cluster at `address` or (None) the local pool."""
    from matcher.engine.client import Engine
    from matcher.engine.events import BatchCancelled, BatchPaused, TracksMatched

    paused, cancelled = [], []
    for _ in range(runs):
        out = Path(tempfile.mkdtemp(prefix="cm-cl-lat-"))
        with Engine(_config(out, address)) as engine:
            time.sleep(1.5)
            batch = engine.start([STRESS], all_playlists=True)
            _seconds_until(batch, lambda: None, TracksMatched)
            time.sleep(0.5)
            paused.append(_seconds_until(batch, batch.pause, BatchPaused))
            batch.resume()
            time.sleep(0.5)
            cancelled.append(_seconds_until(batch, batch.cancel, BatchCancelled))
    for name, values in (("pause() -> BatchPaused", paused), ("cancel() -> BatchCancelled",
                                                              cancelled)):  # fmt: skip
        where = "cluster" if address else "local pool"
        print(f"{where} {name}: median {statistics.median(values) * 1000:.0f} ms "
              f"(max {max(values) * 1000:.0f}) over {len(values)}")  # fmt: skip


def host_absorb() -> None:
    """Results/s the host takes in when chunks come back as fast as it asks."""
    from matcher.catalog import resolve_catalog
    from matcher.engine.batch_run import BatchRun
    from matcher.engine.batch_spec import BatchSpec
    from matcher.engine.journal import EncodedResult, Journal
    from matcher.engine.messages import Chunk, ChunkDone
    from matcher.engine.metered import MeteredProvider
    from matcher.engine.worker import _match_chunk
    from matcher.matching.presets import get_preset
    from matcher.model import PlaylistRef
    from matcher.playlists import load_playlists
    from matcher.providers.local import LocalCatalog

    db = resolve_catalog(CATALOG)
    playlists = load_playlists([PlaylistRef(STRESS, None)], (), True)
    entries = playlists[0].entries
    with LocalCatalog(db) as opened:
        provider, preset = MeteredProvider(opened), get_preset("balanced")
        sample = _match_chunk(Chunk(0, entries[:500]), provider, preset)

    def replayed(chunk_id: int, entries: list) -> ChunkDone:
        """The sample's answers, re-keyed to these entries."""
        picks = [i % len(sample.results) for i in range(len(entries))]
        briefs = [replace(sample.results[i], entry=e) for i, e in zip(picks, entries, strict=True)]
        rows = [EncodedResult(e.entry_index, *sample.rows[i][1:])
                for i, e in zip(picks, entries, strict=True)]  # fmt: skip
        return ChunkDone(chunk_id, briefs, rows, replace(sample.stats, tracks=len(entries)))

    class ReplayPool:
        """The pool interface; every chunk is answered at once, as if by 20 workers."""

        size = 20
        in_flight = 0

        def __init__(self) -> None:
            self.out: list[bytes] = []

        def pids(self) -> list:
            return []

        def idle(self) -> list[int]:
            return list(range(self.size))

        def send(self, _slot: int, chunk_id: int, message: Chunk) -> bool:
            self.out.append(pickle.dumps(replayed(chunk_id, message.entries)))
            return True

        def poll(self, _timeout: float) -> list[ChunkDone]:
            out, self.out = self.out, []
            return [pickle.loads(data) for data in out]  # as results arrive from a worker

        def terminate(self) -> None:
            pass

        def close(self) -> None:
            pass

    events: list = []

    def emit(kind: type, **fields: object) -> None:  # pickled, as the host's queue does
        events.append(pickle.dumps(kind(batch_id=spec.batch_id, seq=len(events), **fields)))

    out = Path(tempfile.mkdtemp(prefix="cm-absorb-"))
    spec = BatchSpec("bench-absorb-" + str(int(time.time())), ((str(STRESS), None),), (), True,
                     _config(out).checked())  # fmt: skip
    with Journal.open() as journal:
        run = BatchRun(spec, journal, ReplayPool(), emit,
                       catalog=db, parse_s=0.0)  # fmt: skip
        run.sizer.per_track_s = 0.25 / 500  # chunks of 500, as the sizer settles on
        writing = [0.0]

        def timed(write):  # noqa: ANN001, ANN202 - the outputs' share, apart
            def call(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
                started = time.perf_counter()
                try:
                    return write(*args, **kwargs)
                finally:
                    writing[0] += time.perf_counter() - started

            return call

        run._write_outputs = timed(run._write_outputs)
        run._write_batch_summary = timed(run._write_batch_summary)
        t0 = time.perf_counter()
        run.begin(playlists)
        while not run.over:
            run.step(0.0)
        took = time.perf_counter() - t0
    absorbed = took - writing[0]
    print(f"host alone: {len(entries) / absorbed:,.0f} results/s absorbed (journal, "
          f"accounting, events: {absorbed:.2f} s for 10,000), plus {writing[0]:.2f} s "
          f"writing the outputs at the end")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--ship-mb", type=int, default=256)
    ap.add_argument("--baseline", action="store_true", help="also the local pool twice")
    ap.add_argument("--only", choices=("ship", "rows", "latency", "kill", "absorb"), default=None)
    a = ap.parse_args()
    if not STRESS.exists():
        sys.exit("../shared/devset is not here")
    os.environ["CRATEMATCH_HOME"] = str(HOME)
    from matcher.catalog import resolve_catalog
    from tests.matcher.engine.cluster_fixtures import LocalDask

    def wanted(part: str) -> bool:
        return a.only in (None, part)

    resolve_catalog(CATALOG)  # imported once, not timed
    base = Path(tempfile.mkdtemp(prefix="cm-bench-cluster-"))
    with LocalDask(base / "dask", workers=2, nanny=True) as cluster:
        if wanted("ship"):
            ship(cluster.address, a.ship_mb)
        local: tuple = ()
        if wanted("rows") or wanted("kill"):
            local = _batch(_config(base / "local"))
        if wanted("rows"):
            remote = _batch(_config(base / "cluster", cluster.address))
            for name, r in (
                ("local pool, 2 workers", local),
                ("Dask, 2 workers x 1 thread", remote),
            ):
                print(f"{name}: {r[0]:,.0f} tracks/s for the whole batch ({r[2]:.2f} s), "
                      f"matching phase {r[1]:,.0f} tracks/s")  # fmt: skip
            print(f"cluster vs local pool: {_compare(_rows(local[3]), _rows(remote[3]))}")
            if a.baseline:
                again = _batch(_config(base / "local-again"))
                print(f"local pool vs itself: {_compare(_rows(local[3]), _rows(again[3]))}")
        if wanted("latency"):
            latencies(None, a.runs)
            latencies(cluster.address, a.runs)
        if wanted("kill"):

            def kill() -> None:  # the worker process under worker 0's nanny
                from tests.matcher.engine.engine_fixtures import descendants

                os.kill(descendants(cluster.worker_procs[0].pid)[0], 9)

            killed = _batch(_config(base / "killed", cluster.address), kill=kill)
            rows = _rows(killed[3])
            once = [int(r["entry_index"]) for r in rows] == list(range(10_000))
            print(f"a Dask worker killed mid-batch: every entry once: {once}; errors: "
                  f"{sum(r['status'] == 'error' for r in rows)}; against the local pool: "
                  f"{_compare(_rows(local[3]), rows)}")  # fmt: skip
    if wanted("absorb"):
        host_absorb()


if __name__ == "__main__":
    main()
