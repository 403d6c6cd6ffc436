"""The labelled devset as the scorer fit sees it: every entry with the candidates a wide
query plan retrieves, its expected catalog id and noise tags, and its part of the split."""

from __future__ import annotations

import csv
import hashlib
import os
import pickle
import tempfile
from dataclasses import replace
from pathlib import Path

__all__ = ["STRESS", "gather_devset", "part_of"]

STRESS = "rekordbox_stress_10k.xml"


def part_of(entry) -> str:  # noqa: ANN001 - a PlaylistEntry
    """ "fit" (the stress playlist), else "tune" or "holdout": half each, by a hash of the
    entry's place, so the split never depends on the order things are read in."""
    if entry.playlist_file == STRESS:
        return "fit"
    digest = hashlib.sha256(f"{entry.playlist_file}#{entry.entry_index}".encode()).hexdigest()
    return "tune" if int(digest, 16) % 2 == 0 else "holdout"


def load_truth(devset: Path) -> dict[tuple[str, int], tuple[str, str]]:
    """(playlist file, entry index) -> (expected catalog id, noise tags), from truth.csv."""
    truth = {}
    with (devset / "truth.csv").open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            truth[(r["playlist_file"], int(r["entry_index"]))] = (
                r["expected_catalog_id"],
                r["noise_tags"],
            )
    return truth


def gather_devset(devset: Path, cache: Path, *, regather: bool = False) -> list:
    """[(entry, candidate tracks, expected id, tags)], from `cache` unless `regather`."""
    if cache.exists() and not regather:
        with cache.open("rb") as fh:
            return pickle.load(fh)
    os.environ.setdefault(
        "CRATEMATCH_HOME", str(Path(tempfile.gettempdir()) / "cratematch-bench-home")
    )
    from matcher.catalog import resolve_catalog
    from matcher.matching.presets import PRESETS
    from matcher.matching.readings import read_entry
    from matcher.playlists import read_playlists
    from matcher.providers.local import LocalCatalog

    truth = load_truth(devset)
    provider = LocalCatalog(resolve_catalog(devset / "catalog.csv.gz"))
    wide = replace(PRESETS["thorough"], max_queries=12, candidates_per_query=40)
    rows = []
    for path in sorted((devset / "playlists").iterdir()):
        for playlist in read_playlists(path, all_playlists=True):
            for entry in playlist.entries:
                reading = read_entry(entry)
                tracks = {}
                if reading.isrc:
                    tracks.update((t.catalog_id, t) for t in provider.by_isrc(reading.isrc))
                if reading.store_id and provider.accepts_store_ids:
                    track = provider.by_id(reading.store_id)
                    if track is not None:
                        tracks[track.catalog_id] = track
                for query in provider.plan(reading, wide):
                    for track in provider.search(query, wide.candidates_per_query):
                        tracks.setdefault(track.catalog_id, track)
                expected, tags = truth[(entry.playlist_file, entry.entry_index)]
                rows.append((entry, list(tracks.values()), expected, tags))
    provider.close()
    with cache.open("wb") as fh:
        pickle.dump(rows, fh)
    return rows
