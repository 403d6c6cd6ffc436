"""Retrieval: is the right catalog row among the candidates at all, and what it costs.

    python tests/bench/retrieval.py [--preset balanced] [--load-rows 1000000] [--queries 2000]
        [--pad 1000000]

Prints, on the devset (all eight playlists, stress included):
- the retrieval recall ceiling per noise tag: the share of in-catalog entries whose
  expected catalog id is among the candidates of (a) the full plan (every query, no early
  exit, as fit_data.py gathers them) and (b) the preset's plan as capped by `max_queries`;
- what each query kind costs (median / p99 ms, how many ran) in the full plan.
With --pad N, the devset is searched in the devset catalog padded with N generated rows
(padding.py; cached under the temp folder). With --load-rows, also a generated catalog of
that many rows (load.py's generator): import wall time, database size with and without
the trigram index, and the trigram query's cost for titles and artists of catalog rows
with one typo each, and how often the row comes back.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
DEVSET = ROOT.parent / "shared" / "devset"

from matcher.catalog import CatalogStore, import_catalog, resolve_catalog  # noqa: E402
from matcher.matching.match import _identify  # noqa: E402
from matcher.matching.presets import PRESETS  # noqa: E402
from matcher.matching.provider import Query  # noqa: E402
from matcher.matching.query import plan  # noqa: E402
from matcher.matching.readings import read_entry  # noqa: E402
from matcher.matching.text import fold  # noqa: E402
from matcher.playlists import read_playlists  # noqa: E402
from matcher.providers.local import LocalCatalog  # noqa: E402


def load_truth() -> dict[tuple[str, int], tuple[str, str]]:
    from fit_data import load_truth as truth

    return truth(DEVSET)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def devset(preset_name: str, catalog: Path | None = None, stress: bool = True) -> None:
    catalog = catalog or resolve_catalog(DEVSET / "catalog.csv.gz")
    provider = LocalCatalog(catalog)
    preset = PRESETS[preset_name]
    wide = replace(preset, max_queries=8, early_exit=2.0, time_budget_ms=1e9)
    truth = load_truth()
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tag -> n, wide, capped
    cost: dict[str, list[float]] = defaultdict(list)
    t0 = time.perf_counter()
    for path in sorted((DEVSET / "playlists").iterdir()):
        if not stress and "stress" in path.name:
            continue
        for pl in read_playlists(path, all_playlists=True):
            for entry in pl.entries:
                expected, tags = truth[(entry.playlist_file, entry.entry_index)]
                reading = read_entry(entry)
                pool: dict = {}
                _identify(
                    reading, provider, entry.location, wide.model, pool, [], time.perf_counter
                )
                found_wide = set(pool)
                found_capped = set(pool)
                capped = set(plan(reading, preset))
                for query in plan(reading, wide):
                    q0 = time.perf_counter()
                    tracks = provider.search(query, preset.candidates_for(query.mode))
                    cost[query.kind].append((time.perf_counter() - q0) * 1000)
                    got = {t.catalog_id for t in tracks}
                    found_wide |= got
                    if query in capped:
                        found_capped |= got
                if not expected:
                    continue
                for tag in ["ALL", *tags.split("|")]:
                    row = hits[tag]
                    row[0] += 1
                    row[1] += expected in found_wide
                    row[2] += expected in found_capped
    took = time.perf_counter() - t0
    print(f"devset gathered in {took:.1f} s (preset {preset_name}) against {catalog} "
          f"({provider.store.count():,} rows)")  # fmt: skip
    print(f"  {'noise tag (in-catalog entries)':42s} {'n':>6s} {'full plan':>10s} {'capped':>8s}")
    for tag, (n, wide_hits, capped_hits) in sorted(hits.items(), key=lambda kv: -kv[1][0]):
        print(f"  {tag:42s} {n:6d} {wide_hits / n:10.4f} {capped_hits / n:8.4f}")
    print("  query kind cost (full plan):")
    for kind, times in sorted(cost.items()):
        print(
            f"    {kind:18s} n={len(times):6d} median {statistics.median(times):.3f} ms  "
            f"p99 {percentile(times, 0.99):.3f} ms  max {max(times):.2f} ms"
        )
    provider.close()


def typo(word: str, rng: random.Random) -> str:
    """One edit: a swap of neighbours, a dropped, doubled or replaced letter."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeioustrn") + word[i + 1 :]


def _mangle(text: str, rng: random.Random) -> str:
    words = text.split()
    longest = max(range(len(words)), key=lambda k: len(words[k]))
    words[longest] = typo(words[longest], rng)
    return " ".join(words)


def trigram_cost(db: Path, queries: int, limit: int, label: str) -> None:
    """The trigram query for catalog rows with a typo in the title, then in the artist."""
    provider = LocalCatalog(db)
    store = provider.store
    if not getattr(store, "has_trigrams", False):
        print(f"  {label}: this catalog has no trigram index")
        provider.close()
        return
    rng = random.Random(7)
    total = store.count()
    picks = [store.by_id(cid) for cid in _sample_ids(store, total, queries, rng)]
    picks = [t for t in picks if t and t.artists and t.title.strip()]
    for where in ("title", "artist"):
        times, words, found, skipped = [], [], 0, 0
        for track in picks:
            title, artist = fold(track.title), fold(track.artists[0])
            if where == "title":
                title = _mangle(title, rng)
            else:
                artist = _mangle(artist, rng)
            query = Query("trigram", tuple(title.split()), tuple(artist.split()), mode="trigram")
            long_words = [w for w in query.title + query.artists if len(w) >= 3]
            if not set(long_words) - store.words.known(long_words):
                skipped += 1  # the typo made a word the catalog knows: the query is skipped
                continue
            q0 = time.perf_counter()
            rows = provider.search(query, limit)
            times.append((time.perf_counter() - q0) * 1000)
            found += any(r.catalog_id == track.catalog_id for r in rows)
            loose = Query("any-word", query.title + query.artists, mode="any")
            q0 = time.perf_counter()
            provider.search(loose, limit)
            words.append((time.perf_counter() - q0) * 1000)
        print(
            f"  {label}: trigram query, typo in the {where:6s} {len(times)} queries  "
            f"median {statistics.median(times):.2f} ms  p99 {percentile(times, 0.99):.2f} ms  "
            f"max {max(times):.1f} ms  row found {found / len(times):.1%} "
            f"({skipped} skipped: every word known)  "
            f"(any-word query on the same words: median {statistics.median(words):.2f} ms, "
            f"p99 {percentile(words, 0.99):.2f} ms)"
        )
    provider.close()


def _sample_ids(store: CatalogStore, total: int, n: int, rng: random.Random) -> list[str]:
    rowids = rng.sample(range(1, total + 1), min(n, total))
    out = []
    for rowid in rowids:
        row = store._run("SELECT catalog_id FROM tracks WHERE rowid = ?", (rowid,))
        if row:
            out.append(row[0][0])
    return out


def _table_sizes(db: Path) -> dict[str, int]:
    """Bytes per index family (dbstat, when this SQLite has it)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    except sqlite3.Error:
        return {}
    finally:
        conn.close()
    sizes: dict[str, int] = defaultdict(int)
    for name, size in rows:
        family = "trigram index" if name.startswith("grams") else (
            "word index" if name.startswith("fts") else "tracks and the rest")  # fmt: skip
        sizes[family] += size
    return dict(sizes)


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def load(rows: int, queries: int, limit: int) -> None:
    from load import write_catalog

    work = Path(tempfile.mkdtemp(prefix="cm-retrieval-"))
    source = work / "catalog.csv"
    write_catalog(source, rows)
    db = work / "catalog.sqlite"
    t0 = time.perf_counter()
    import_catalog([source], db)
    wall = time.perf_counter() - t0
    sizes = _table_sizes(db)
    print(f"generated catalog: {rows:,} rows imported in {wall:.1f} s ({rows / wall:,.0f} rows/s)")
    print(f"  database {_size(db) / 1e6:,.1f} MB; " + ", ".join(
        f"{name} {size / 1e6:,.1f} MB" for name, size in sizes.items()))  # fmt: skip
    trigram_cost(db, queries, limit, f"{rows:,} rows")
    print(f"  (files in {work})")


def padded_catalog(rows: int) -> Path:
    from padding import cached_catalog

    return cached_catalog(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="balanced")
    ap.add_argument("--load-rows", type=int, default=0)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--no-devset", action="store_true")
    ap.add_argument("--no-stress", action="store_true", help="leave the 10k stress list out")
    ap.add_argument("--pad", type=int, default=0, help="devset catalog + this many generated rows")
    a = ap.parse_args()
    os.environ["CRATEMATCH_HOME"] = str(Path(tempfile.gettempdir()) / "cratematch-bench-home")
    limit = PRESETS[a.preset].candidates_per_query
    if not a.no_devset:
        if not DEVSET.is_dir():
            sys.exit("../shared/devset is not here")
        catalog = padded_catalog(a.pad) if a.pad else None
        devset(a.preset, catalog, stress=not a.no_stress)
        trigram_cost(catalog or resolve_catalog(DEVSET / "catalog.csv.gz"), a.queries, limit,
                     "devset" + (f" + {a.pad:,} rows" if a.pad else ""))  # fmt: skip
    if a.load_rows:
        load(a.load_rows, a.queries, limit)


if __name__ == "__main__":
    main()
