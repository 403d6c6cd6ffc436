"""The bundled demo data is complete, self-consistent and shipped with the package."""

from __future__ import annotations

import csv
import fnmatch
import importlib
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from matcher.demo import DEMO_CATALOG, DEMO_EXPECTED, DEMO_PLAYLISTS, demo_dir
from matcher.matching.keys import parse_key

CATALOG_HEADER = [
    "catalog_id", "title", "mix", "artists", "remixers", "label", "release",
    "release_date", "bpm", "key", "genre", "duration_s", "isrc",
]  # fmt: skip
SPOTIFY_HEADER = [
    "Track URI", "Track Name", "Artist Name(s)", "Album Name", "Album Release Date",
    "Track Duration (ms)", "ISRC", "Label", "Tempo", "Key", "Mode",
]  # fmt: skip
REKORDBOX, M3U, SPOTIFY = DEMO_PLAYLISTS
ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")


def _rows(name: str) -> list[dict[str, str]]:
    with (demo_dir() / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def catalog() -> dict[str, dict[str, str]]:
    return {row["catalog_id"]: row for row in _rows(DEMO_CATALOG)}


@pytest.fixture(scope="module")
def expected() -> list[dict[str, str]]:
    return _rows(DEMO_EXPECTED)


def _expected_sizes(expected: list[dict[str, str]], playlist_file: str) -> dict[str, int]:
    return dict(Counter(e["playlist"] for e in expected if e["playlist_file"] == playlist_file))


def test_every_demo_file_is_in_the_package_dir() -> None:
    names = {DEMO_CATALOG, DEMO_EXPECTED, *DEMO_PLAYLISTS}
    missing = [n for n in sorted(names) if not (demo_dir() / n).is_file()]
    assert not missing


def test_package_data_patterns_cover_every_demo_file() -> None:
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["matcher.demo"]
    data = [p.name for p in demo_dir().iterdir() if p.is_file() and p.suffix != ".py"]
    uncovered = [n for n in data if not any(fnmatch.fnmatch(n, pat) for pat in patterns)]
    assert len(data) >= 5
    assert not uncovered


def test_catalog_has_the_exact_header() -> None:
    with (demo_dir() / DEMO_CATALOG).open(newline="", encoding="utf-8") as f:
        assert next(csv.reader(f)) == CATALOG_HEADER


def test_catalog_ids_are_unique_store_style_numbers() -> None:
    ids = [row["catalog_id"] for row in _rows(DEMO_CATALOG)]
    assert 100 <= len(ids) <= 150
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"\d{7,8}", i) for i in ids)


def test_catalog_fields_are_well_formed(catalog: dict[str, dict[str, str]]) -> None:
    for row in catalog.values():
        assert row["title"] and row["artists"], row
        if row["key"]:
            key = parse_key(row["key"])
            assert key is not None and key.musical == row["key"], row["key"]
        if row["isrc"]:
            assert ISRC.match(row["isrc"]), row["isrc"]
        if row["release_date"]:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["release_date"])
        for number in (row["bpm"], row["duration_s"]):
            assert number == "" or float(number) > 0
    isrcs = [r["isrc"] for r in catalog.values() if r["isrc"]]
    assert len(set(isrcs)) == len(isrcs)


def test_expected_ids_exist_in_the_catalog(
    catalog: dict[str, dict[str, str]], expected: list[dict[str, str]]
) -> None:
    ids = [e["expected_catalog_id"] for e in expected if e["expected_catalog_id"]]
    assert [i for i in ids if i not in catalog] == []
    assert {e["playlist_file"] for e in expected} == set(DEMO_PLAYLISTS)
    assert 0.7 <= len(ids) / len(expected) <= 0.9  # about a fifth are not in the catalog


def test_expected_indexes_are_contiguous_per_playlist(expected: list[dict[str, str]]) -> None:
    by_playlist: dict[tuple[str, str], list[int]] = {}
    for e in expected:
        by_playlist.setdefault((e["playlist_file"], e["playlist"]), []).append(
            int(e["entry_index"])
        )
    assert set(by_playlist) >= {(REKORDBOX, "Club/Peak Time"), (REKORDBOX, "Club/Warm Up")}
    for indexes in by_playlist.values():
        assert indexes == list(range(len(indexes)))


def test_rekordbox_playlist_keys_resolve_to_collection_tracks(
    expected: list[dict[str, str]],
) -> None:
    tree = etree.parse(str(demo_dir() / REKORDBOX))
    collection = tree.find("COLLECTION")
    track_ids = [t.get("TrackID") for t in collection.iterfind("TRACK")]
    assert len(set(track_ids)) == len(track_ids) == int(collection.get("Entries"))
    sizes = {}
    for node in tree.iterfind("PLAYLISTS/NODE/NODE/NODE[@Type='1']"):
        keys = [t.get("Key") for t in node.iterfind("TRACK")]
        assert [k for k in keys if k not in track_ids] == []
        assert int(node.get("Entries")) == len(keys)
        sizes[f"Club/{node.get('Name')}"] = len(keys)
    assert sizes == _expected_sizes(expected, REKORDBOX)


def test_m3u8_entry_count_matches_expected(expected: list[dict[str, str]]) -> None:
    lines = (demo_dir() / M3U).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    paths = [line for line in lines if line.strip() and not line.startswith("#")]
    assert {"Sunday Session": len(paths)} == _expected_sizes(expected, M3U)


def test_spotify_csv_rows_and_isrcs_agree_with_expected(
    catalog: dict[str, dict[str, str]], expected: list[dict[str, str]]
) -> None:
    with (demo_dir() / SPOTIFY).open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == SPOTIFY_HEADER
        rows = list(reader)
    assert {"Spotify Finds": len(rows)} == _expected_sizes(expected, SPOTIFY)
    by_isrc = {r["isrc"]: cid for cid, r in catalog.items() if r["isrc"]}
    truth = [e["expected_catalog_id"] for e in expected if e["playlist_file"] == SPOTIFY]
    shared = [(row["ISRC"], want) for row, want in zip(rows, truth, strict=True)
              if row["ISRC"] in by_isrc]  # fmt: skip
    assert len(shared) >= 5
    assert all(by_isrc[isrc] == want for isrc, want in shared)
    assert all(0 <= int(r["Key"]) <= 11 and r["Mode"] in {"0", "1"} for r in rows)


def test_playlist_readers_see_the_expected_entry_counts(expected: list[dict[str, str]]) -> None:
    read_playlists = getattr(importlib.import_module("matcher.playlists"), "read_playlists", None)
    if read_playlists is None:
        pytest.skip("matcher.playlists.read_playlists is not available yet")
    for name in DEMO_PLAYLISTS:
        playlists = read_playlists(demo_dir() / name, all_playlists=True)
        sizes = {p.name: len(p.entries) for p in playlists}
        assert sizes == _expected_sizes(expected, name), name
