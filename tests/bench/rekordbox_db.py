"""Benchmark: a generated Rekordbox master.db of N tracks loaded as a catalog.

    .venv/bin/python tests/bench/rekordbox_db.py [--tracks 50000] [--encrypted]

The database has Rekordbox 6's schema (a copy of ../shared's master_unlocked.db with its
rows deleted, else pyrekordbox's models) and N tracks inserted with SQL (1 artist per 10
tracks, albums, 50 labels, 20 genres, 24 keys). `--encrypted` stores it with SQLCipher
under the key pyrekordbox knows, as Rekordbox does. Prints the time to read every track
(snapshot + SQL), and to build a catalog from it (`resolve_catalog`, what `--catalog
master.db` does the first time: read, normalise, index). The target is < 5 s for 50,000.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from matcher.catalog import CatalogStore, resolve_catalog  # noqa: E402
from matcher.playlists import iter_collection  # noqa: E402
from matcher.playlists.masterdb import known_key  # noqa: E402
from tests.matcher.playlists.rekordbox_fixtures import (  # noqa: E402
    encrypt,
    generated_tracks,
    master_db,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=50_000)
    parser.add_argument("--encrypted", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        os.environ["CRATEMATCH_HOME"] = str(folder / "home")
        started = time.perf_counter()
        library = master_db(folder / "plain.db", generated_tracks(args.tracks))
        if args.encrypted:
            library = encrypt(library, folder / "master.db", known_key() or "")
        made = time.perf_counter() - started
        size = library.stat().st_size / 1e6
        print(f"generated {args.tracks} tracks in {made:.1f} s ({size:.1f} MB"
              f"{', encrypted' if args.encrypted else ''})")  # fmt: skip

        started = time.perf_counter()
        read = sum(1 for _ in iter_collection(library))
        read_s = time.perf_counter() - started
        print(f"read every track:   {read_s:.2f} s ({read} tracks, {read / read_s:,.0f}/s)")

        started = time.perf_counter()
        catalog = resolve_catalog(library)
        load_s = time.perf_counter() - started
        with CatalogStore.open(catalog, readonly=True) as store:
            count = store.count()
        verdict = "within" if load_s < 5 else "OVER"
        print(f"loaded as catalog:  {load_s:.2f} s ({count} tracks; {verdict} the 5 s target)")
    return 0 if count == args.tracks else 1


if __name__ == "__main__":
    raise SystemExit(main())
