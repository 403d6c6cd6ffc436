from __future__ import annotations

import csv
from pathlib import Path

import pytest

from matcher.model import MATCH_COLUMNS
from matcher.outputs import (
    CANDIDATE_COLUMNS,
    MISSING_COLUMNS,
    QUERY_COLUMNS,
    REVIEW_COLUMNS,
    write_playlist_outputs,
)
from matcher.outputs.reports import format_penalties


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture
def written(tmp_path, mixed_results):
    playlist, results = mixed_results
    outputs = write_playlist_outputs(
        tmp_path / "out", playlist, results, provider="local", preset="balanced"
    )
    return outputs


# DESIGN.md's 26 matches.csv columns, in order; more may only come after `reason`.
CONTRACT_COLUMNS = (
    "playlist_file", "playlist", "entry_index", "source_id", "source_artist", "source_title",
    "status", "confidence", "provider", "catalog_id", "artists", "title", "mix", "remixers",
    "label", "release", "release_date", "bpm", "key", "genre", "duration_s", "isrc",
    "queries", "candidates", "elapsed_ms", "reason",
)  # fmt: skip


def test_matches_csv_has_the_contract_columns_and_one_row_per_result(written):
    header, rows = read_csv(written.matches)
    assert tuple(header) == MATCH_COLUMNS
    assert tuple(header[:26]) == CONTRACT_COLUMNS and header[26:] == ["location"]
    assert [r["entry_index"] for r in rows] == ["0", "1", "2", "3"]
    assert [r["status"] for r in rows] == ["matched", "review", "unmatched", "error"]
    first = rows[0]
    assert first == {
        "playlist_file": "set.m3u8",
        "playlist": "Set",
        "entry_index": "0",
        "source_id": "",
        "source_artist": "Artist 0",
        "source_title": "Title 0",
        "status": "matched",
        "confidence": "0.960",
        "provider": "local",
        "catalog_id": "cat-a",
        "artists": "Ann, Bob",
        "title": "Alpha",
        "mix": "Extended Mix",
        "remixers": "Rex",
        "label": "Label A",
        "release": "Rel A",
        "release_date": "2020-03-01",
        "bpm": "124",
        "key": "A Minor",
        "genre": "House",
        "duration_s": "301",
        "isrc": "GBAAA2000001",
        "queries": "1",
        "candidates": "1",
        "elapsed_ms": "0.00",
        "reason": "confident",
        "location": "/music/a.mp3",
    }
    assert rows[1]["catalog_id"] == "cat-b1"  # review carries the proposed candidate
    assert rows[2]["catalog_id"] == "" and rows[2]["reason"] == "below threshold"
    assert rows[3]["catalog_id"] == "" and rows[3]["reason"] == "provider down: timeout"


def test_candidates_csv_lists_every_candidate_with_scores_and_why(written):
    header, rows = read_csv(written.candidates)
    assert tuple(header) == CANDIDATE_COLUMNS
    assert header[9:15] == [
        "score_title",
        "score_artists",
        "score_version",
        "score_duration",
        "score_bpm",
        "score_key",
    ]
    keyed = [(r["entry_index"], r["rank"], r["catalog_id"], r["chosen"]) for r in rows]
    assert keyed == [
        ("0", "1", "cat-a", "yes"),
        ("1", "1", "cat-b1", "no"),  # review: proposed, not accepted
        ("1", "2", "cat-b2", "no"),
        ("2", "1", "cat-c", "no"),
    ]
    review_best = rows[1]
    assert review_best["score_key"] == "0.200"
    assert review_best["penalties"] == "version=0.40; artists=0.12; title=0.00"
    assert rows[2]["score_artists"] == ""  # absent feature stays empty
    assert rows[2]["note"] == "runner-up within margin"
    assert rows[3]["guard"] == "guard: remix vs original"
    assert rows[0]["artists"] == "Ann, Bob" and rows[0]["confidence"] == "0.960"


def test_queries_csv_keeps_each_query_in_order(written):
    header, rows = read_csv(written.queries)
    assert tuple(header) == QUERY_COLUMNS
    assert [(r["entry_index"], r["order"], r["kind"], r["hits"]) for r in rows] == [
        ("0", "1", "isrc", "1"),
        ("1", "1", "title+artist", "2"),
        ("1", "2", "title", "5"),
    ]
    assert rows[1]["text"] == "close call artist 1" and rows[1]["elapsed_ms"] == "1.50"


def test_review_csv_has_match_columns_plus_runner_up(written):
    header, rows = read_csv(written.review)
    assert tuple(header) == REVIEW_COLUMNS
    assert tuple(header[: len(MATCH_COLUMNS)]) == MATCH_COLUMNS
    assert len(rows) == 1
    assert rows[0]["catalog_id"] == "cat-b1"
    assert rows[0]["runner_up_id"] == "cat-b2"
    assert rows[0]["runner_up_confidence"] == "0.690"


def test_missing_csv_lists_unmatched_and_error_entries_as_written(written):
    header, rows = read_csv(written.missing)
    assert tuple(header) == MISSING_COLUMNS
    assert [r["entry_index"] for r in rows] == ["2", "3"]
    assert rows[0] == {
        "playlist_file": "set.m3u8",
        "entry_index": "2",
        "source_id": "",
        "artist": "Artist 2",
        "title": "Nowhere",
        "mix": "Dub",
        "album": "",
        "label": "",
        "duration_s": "200.50",
        "bpm": "122.50",
        "key": "Am",
        "location": "",
        "status": "unmatched",
        "reason": "below threshold",
    }
    assert rows[1]["status"] == "error" and rows[1]["location"] == "/music/d.mp3"


def test_unicode_and_csv_special_characters_round_trip(tmp_path, make):
    source = tmp_path / "liste.csv"
    nasty = 'Björk, "Ø" & Café\nsecond line'
    e = make.entry(0, file="liste.csv", playlist="Ünïcode", title=nasty, artist="東京, 🎧")
    t = make.track("c1", title='Jóga "Remix"', artists=("Björk",), label="One Little Índian")
    playlist = make.playlist([e], source, name="Ünïcode", fmt="csv")
    out = write_playlist_outputs(
        tmp_path / "o", playlist, [make.matched(e, t)], provider="local", preset="fast"
    )
    _, rows = read_csv(out.matches)
    assert rows[0]["source_title"] == nasty
    assert rows[0]["source_artist"] == "東京, 🎧"
    assert rows[0]["title"] == 'Jóga "Remix"'
    assert rows[0]["playlist"] == "Ünïcode"


def test_empty_playlist_writes_headers_only(tmp_path, make):
    playlist = make.playlist([], tmp_path / "empty.m3u", name="Empty")
    out = write_playlist_outputs(tmp_path / "o", playlist, [], provider="local", preset="fast")
    for path, columns in (
        (out.matches, MATCH_COLUMNS),
        (out.candidates, CANDIDATE_COLUMNS),
        (out.queries, QUERY_COLUMNS),
        (out.review, REVIEW_COLUMNS),
        (out.missing, MISSING_COLUMNS),
    ):
        header, rows = read_csv(path)
        assert tuple(header) == columns and rows == []


def test_chosen_survives_a_rebuilt_best_candidate(tmp_path, make):
    """After a round trip through pickle or the journal, `best` is an equal copy."""
    import pickle

    e = make.entry(0)
    t = make.track("c1")
    original = make.matched(e, t)
    copy = pickle.loads(pickle.dumps(original))
    rebuilt = make.MatchResult(
        copy.entry,
        copy.status,
        copy.confidence,
        copy.provider,
        copy.reason,
        make.Candidate(
            t, copy.best.confidence, dict(copy.best.features), dict(copy.best.penalties)
        ),
        copy.candidates,
    )
    playlist = make.playlist([e], tmp_path / "s.m3u")
    out = write_playlist_outputs(tmp_path / "o", playlist, [rebuilt], provider="l", preset="p")
    _, rows = read_csv(out.candidates)
    assert [r["chosen"] for r in rows] == ["yes"]


@pytest.mark.parametrize(
    ("penalties", "expected"),
    [
        pytest.param({}, "", id="none"),
        pytest.param(
            {"title": 0.12, "version": 0.4}, "version=0.40; title=0.12", id="largest-first"
        ),
        pytest.param({"key": 0.1, "bpm": 0.1}, "bpm=0.10; key=0.10", id="ties-by-name"),
    ],
)
def test_format_penalties(penalties, expected):
    assert format_penalties(penalties) == expected
