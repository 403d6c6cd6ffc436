"""Benchmark: import the devset catalog into a fresh db, then time typical FTS searches.

    .venv/bin/python tests/bench/catalog_import.py [--queries 3000] [--limit 20]

Prints the import time, the db size, and the median / p95 time of `CatalogStore.search`
for queries built from catalog rows the way the matcher builds them:
    title+artist  title:("w1" "w2") AND artists:("a1" "a2")
    title         title:("w1" "w2")
    any-word      title:("w1" OR "w2") (the loose fallback)
plus how often the row the query came from is among the results (a sanity check of the
ranking, not a matcher score), and by_id / by_isrc lookups.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from matcher.catalog import CatalogStore, folded_fields, import_catalog
from matcher.model import CatalogTrack

DEVSET = Path(__file__).resolve().parents[2].parent / "shared" / "devset" / "catalog.csv.gz"


def quoted(words: list[str], op: str = " ") -> str:
    return "(" + op.join(f'"{w}"' for w in words) + ")"


def build_queries(tracks: list[CatalogTrack], common: set[str]) -> dict[str, list[tuple[str, str]]]:
    """(query, expected catalog id) per query kind."""
    kinds: dict[str, list[tuple[str, str]]] = {
        "title+artist": [], "title": [], "any-word": [], "any-word, common words dropped": []
    }  # fmt: skip
    for track in tracks:
        title, artists, _mix = folded_fields(track)
        t_words, a_words = title.split(), artists.split()
        if not t_words:
            continue
        first_artist = folded_fields(CatalogTrack("x", "", artists=track.artists[:1]))[1]
        if a_words and first_artist:
            kinds["title+artist"].append(
                (
                    f"title:{quoted(t_words)} AND artists:{quoted(first_artist.split())}",
                    track.catalog_id,
                )  # fmt: skip
            )
        kinds["title"].append((f"title:{quoted(t_words)}", track.catalog_id))
        kinds["any-word"].append((f"title:{quoted(t_words, ' OR ')}", track.catalog_id))
        rare = [w for w in t_words if w not in common] or t_words
        kinds["any-word, common words dropped"].append(
            (f"title:{quoted(rare, ' OR ')}", track.catalog_id)
        )
    return kinds


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def time_searches(store: CatalogStore, queries: list[tuple[str, str]], limit: int) -> None:
    times: list[float] = []
    found = 0
    hits = 0
    for query, expected in queries:
        start = time.perf_counter_ns()
        rows = store.search(query, limit)
        times.append((time.perf_counter_ns() - start) / 1e6)
        hits += len(rows)
        found += any(r.catalog_id == expected for r in rows)
    print(
        f"    {len(queries):5d} queries  median {statistics.median(times):.3f} ms  "
        f"p95 {percentile(times, 0.95):.3f} ms  max {max(times):.2f} ms  "
        f"mean hits {hits / len(queries):.1f}  source row found {found / len(queries):.1%}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=DEVSET)
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args(argv)
    if not args.catalog.exists():
        print(f"no catalog at {args.catalog}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "catalog.sqlite"
        start = time.perf_counter()
        report = import_catalog([args.catalog], db)
        elapsed = time.perf_counter() - start
        print(f"import: {report.rows_written} rows in {elapsed:.2f} s "
              f"({report.rows_written / elapsed:,.0f} rows/s)")  # fmt: skip
        print(f"db size: {db.stat().st_size / 1e6:.1f} MB")
        start = time.perf_counter()
        again = import_catalog([args.catalog], db)
        print(f"re-import (unchanged): {again.sources[0].status} "
              f"in {(time.perf_counter() - start) * 1000:.0f} ms")  # fmt: skip

        with CatalogStore.open(db, readonly=True) as store:
            tracks = list(store.iter_tracks())
            sample = random.Random(7).sample(tracks, min(args.queries, len(tracks)))
            words = {w for t in sample for w in folded_fields(t)[0].split()}
            cutoff = len(tracks) // 100
            common = {w for w, n in store.words.frequencies(words).items() if n > cutoff}
            print(f"  {len(common)} of {len(words)} title words are in more than 1 % of tracks")
            for kind, queries in build_queries(sample, common).items():
                store.search(queries[0][0], args.limit)  # warm the statement cache
                print(f"  search {kind} (limit {args.limit}):")
                time_searches(store, queries, args.limit)
            ids = [t.catalog_id for t in sample]
            start = time.perf_counter_ns()
            for cid in ids:
                store.by_id(cid)
            per = (time.perf_counter_ns() - start) / 1e6 / len(ids)
            print(f"  by_id: {per:.4f} ms per lookup")
            start = time.perf_counter_ns()
            for cid in ids:
                store.by_isrc(f"XX{cid}")
            per = (time.perf_counter_ns() - start) / 1e6 / len(ids)
            print(f"  by_isrc (miss): {per:.4f} ms per lookup")
    return 0


if __name__ == "__main__":
    sys.exit(main())
