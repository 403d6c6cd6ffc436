"""`cratematch demo` end to end: the bundled playlists against the bundled catalog, offline,
checked row by row against `matcher/demo/expected.csv`."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from matcher.demo import DEMO_EXPECTED, demo_dir
from matcher.model import MATCH_COLUMNS
from matcher.outputs.summary import OUTPUT_FILES

MIN_RECALL = 0.95  # share of in-catalog entries the demo must match (it matches them all)

Key = tuple[str, str, int]  # playlist_file, playlist, entry_index


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    home = tmp_path_factory.mktemp("demo-home")  # a fresh home: no catalog, no settings
    env = {**os.environ, "CRATEMATCH_HOME": str(home)}
    proc = subprocess.run(
        [sys.executable, "-m", "matcher", "demo"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return proc, home


@pytest.fixture(scope="module")
def results(demo_run: tuple[subprocess.CompletedProcess, Path]) -> Path:
    proc, home = demo_run
    assert proc.returncode == 0, proc.stderr
    out = home / "data" / "demo-results"
    assert str(out) in proc.stdout  # it tells the user where to look
    return out


@pytest.fixture(scope="module")
def expected() -> dict[Key, str]:
    return {
        (r["playlist_file"], r["playlist"], int(r["entry_index"])): r["expected_catalog_id"]
        for r in _rows(demo_dir() / DEMO_EXPECTED)
    }


@pytest.fixture(scope="module")
def matches(results: Path) -> dict[Key, dict[str, str]]:
    batch = json.loads((results / "batch_summary.json").read_text(encoding="utf-8"))
    found: dict[Key, dict[str, str]] = {}
    for playlist in batch["playlists"]:
        for row in _rows(results / playlist["folder"] / "matches.csv"):
            found[(row["playlist_file"], row["playlist"], int(row["entry_index"]))] = row
    return found


def test_demo_exits_0_quietly(demo_run: tuple[subprocess.CompletedProcess, Path]) -> None:
    proc, _ = demo_run
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "Traceback" not in proc.stdout


def test_every_playlist_has_every_output(results: Path) -> None:
    batch = json.loads((results / "batch_summary.json").read_text(encoding="utf-8"))
    assert batch["partial"] is False and batch["counts"]["error"] == 0
    assert batch["playlists_count"] == 4
    for playlist in batch["playlists"]:
        folder = results / playlist["folder"]
        assert sorted(p.name for p in folder.iterdir()) == sorted(OUTPUT_FILES.values())
        with (folder / "matches.csv").open(newline="", encoding="utf-8") as handle:
            assert tuple(next(csv.reader(handle))) == MATCH_COLUMNS


def test_every_expected_entry_has_exactly_one_row(
    matches: dict[Key, dict[str, str]], expected: dict[Key, str]
) -> None:
    assert sorted(matches) == sorted(expected)


def test_every_match_is_the_expected_track(
    matches: dict[Key, dict[str, str]], expected: dict[Key, str]
) -> None:
    wrong = {
        key: (row["catalog_id"], expected[key])
        for key, row in matches.items()
        if row["status"] == "matched" and row["catalog_id"] != expected[key]
    }
    assert not wrong, f"(matched, expected) where they differ: {wrong}"


def test_nearly_every_in_catalog_entry_is_matched(
    matches: dict[Key, dict[str, str]], expected: dict[Key, str]
) -> None:
    in_catalog = [key for key, catalog_id in expected.items() if catalog_id]
    matched = [key for key in in_catalog if matches[key]["status"] == "matched"]
    assert len(in_catalog) >= 50
    assert len(matched) / len(in_catalog) >= MIN_RECALL, sorted(set(in_catalog) - set(matched))


def test_a_download_named_by_its_store_id_is_matched_without_tags(
    matches: dict[Key, dict[str, str]],
) -> None:
    """`18463358_Satellite_Grief_(Extended_Mix).mp3` names no artist, but its store id is
    the catalog row's: the identifier confirms the title (it went to review before)."""
    key = ("Sunday Session.m3u8", "Sunday Session", 5)
    row = matches[key]
    assert row["source_artist"] == "" and "18463358_" in row["source_id"]
    assert (row["status"], row["catalog_id"], row["reason"]) == ("matched", "18463358",
                                                                 "confident")  # fmt: skip
