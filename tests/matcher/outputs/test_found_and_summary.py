from __future__ import annotations

import json
import math
import re

import pytest

from matcher.outputs import OUTPUT_FILES, write_batch_summary, write_playlist_outputs


def test_found_m3u8_prefers_the_owned_copy_and_counts_entries_without_file(tmp_path, make):
    source = tmp_path / "in" / "stream.csv"
    source.parent.mkdir()
    entries = [
        make.entry(0, location="spotify:track:abc"),  # owned copy wins
        make.entry(1, location="C:\\Music\\b.mp3", duration_s=200.4),  # no owned copy
        make.entry(2, location="spotify:track:def"),  # nothing playable
        make.entry(3, location="rel/d.mp3"),  # relative to the playlist
        make.entry(4, location="https://example.com/e.mp3"),
        make.entry(5, location="/x/f.mp3"),  # not matched: never listed
    ]
    owned = make.track(
        "c0", title="Owned", mix="Extended Mix", artists=("A", "B"), duration_s=301.6,
        location="file://localhost/Users/me/Music/Owned%20(Ext).mp3",
    )  # fmt: skip
    results = [make.matched(entries[0], owned)]
    results += [make.matched(e, make.track(f"c{e.entry_index}")) for e in entries[1:5]]
    results.append(make.unmatched(entries[5]))
    playlist = make.playlist(entries, source, fmt="csv")
    out = write_playlist_outputs(tmp_path / "o", playlist, results, provider="l", preset="p")
    text = out.found.read_text(encoding="utf-8")
    assert text.splitlines() == [
        "#EXTM3U",
        "#EXTINF:302,A, B - Owned (Extended Mix)",
        "/Users/me/Music/Owned (Ext).mp3",
        "#EXTINF:200,Cat Artist - Catalog c1",
        "C:\\Music\\b.mp3",
        "#EXTINF:-1,Cat Artist - Catalog c3",
        str(tmp_path / "in" / "rel" / "d.mp3"),
        "#EXTINF:-1,Cat Artist - Catalog c4",
        "https://example.com/e.mp3",
    ]
    assert not out.found.read_bytes().startswith(b"\xef\xbb\xbf")
    summary = json.loads(out.summary.read_text(encoding="utf-8"))
    assert summary["found_without_file"] == 1 == out.found_without_file


def test_found_m3u8_names_a_track_without_artist_by_its_title(tmp_path, make):
    source = tmp_path / "set.m3u8"
    entries = [make.entry(0, location="/m/a.mp3"), make.entry(1, location="/m/b.mp3")]
    nameless = make.track("c0", title="Untitled Dub", artists=(), duration_s=484.0)
    results = [make.matched(entries[0], nameless), make.matched(entries[1], make.track("c1"))]
    playlist = make.playlist(entries, source, fmt="m3u8")
    out = write_playlist_outputs(tmp_path / "o", playlist, results, provider="l", preset="p")
    lines = out.found.read_text(encoding="utf-8").splitlines()
    assert lines[1] == "#EXTINF:484,Untitled Dub"  # not ",- Untitled Dub"
    assert lines[3].endswith(",Cat Artist - Catalog c1")


def test_summary_json_describes_the_playlist(tmp_path, mixed_results):
    playlist, results = mixed_results
    out = write_playlist_outputs(
        tmp_path / "o",
        playlist,
        results,
        provider="local",
        preset="balanced",
        partial=True,
        elapsed_s=1.23456,
        metrics={"tracks_per_second": 12.5, "broken": math.nan},
    )
    doc = json.loads(out.summary.read_text(encoding="utf-8"))
    written_at = doc.pop("written_at")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", written_at)
    assert doc == {
        "playlist": "Set",
        "playlist_file": "set.m3u8",
        "format": "m3u",
        "provider": "local",
        "preset": "balanced",
        "partial": True,
        "counts": {"matched": 1, "review": 1, "unmatched": 1, "error": 1},
        "total": 4,
        "processed": 4,
        "match_rate": 0.25,
        "mean_confidence": 0.96,
        "found_without_file": 0,
        "enriched_tracks": 2,
        "enriched_without_file": 2,  # no file: Rekordbox could not import them
        "elapsed_s": 1.235,
        "metrics": {"tracks_per_second": 12.5, "broken": None},
        "files": OUTPUT_FILES,
    }
    assert out.counts == {"matched": 1, "review": 1, "unmatched": 1, "error": 1}
    assert sorted(p.name for p in out.folder.iterdir()) == sorted(OUTPUT_FILES.values())


def test_summary_without_metrics_or_matches(tmp_path, make):
    entries = [make.entry(0), make.entry(1)]
    playlist = make.playlist(entries, tmp_path / "s.m3u")
    out = write_playlist_outputs(
        tmp_path / "o", playlist, [make.unmatched(entries[1])], provider="l", preset="p"
    )
    doc = json.loads(out.summary.read_text(encoding="utf-8"))
    assert "metrics" not in doc
    assert doc["mean_confidence"] is None
    assert (doc["total"], doc["processed"], doc["match_rate"]) == (2, 1, 0.0)


def test_results_are_sorted_and_a_retried_entry_keeps_the_last_result(tmp_path, make):
    entries = [make.entry(i) for i in range(3)]
    first_try = make.MatchResult(entries[1], make.MatchStatus.ERROR, 0.0, "l", "worker died")
    results = [
        make.unmatched(entries[2]),
        first_try,
        make.unmatched(entries[0]),
        make.matched(entries[1], make.track("c")),
    ]
    playlist = make.playlist(entries, tmp_path / "s.m3u")
    out = write_playlist_outputs(tmp_path / "o", playlist, results, provider="l", preset="p")
    lines = out.matches.read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[2] for line in lines[1:]] == ["0", "1", "2"]
    assert out.counts["error"] == 0 and out.counts["matched"] == 1


def test_batch_summary_totals_every_playlist(tmp_path, make, mixed_results):
    playlist, results = mixed_results
    out_dir = tmp_path / "out"
    first = write_playlist_outputs(out_dir / "Set", playlist, results, provider="l", preset="p")
    e = make.entry(0, file="b.m3u")
    other = make.playlist([e], tmp_path / "b.m3u", name="B")
    second = write_playlist_outputs(
        out_dir / "B", other, [make.matched(e, make.track("x"))], provider="l", preset="p"
    )
    path = write_batch_summary(
        out_dir,
        [first, second],
        partial=False,
        elapsed_s=2.5,
        extra={"batch_id": "b-42", "partial": "ignored", "provider": "local"},
    )
    assert path == out_dir / "batch_summary.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["batch_id"] == "b-42" and doc["provider"] == "local"
    assert doc["partial"] is False  # extra cannot replace computed fields
    assert doc["counts"] == {"matched": 2, "review": 1, "unmatched": 1, "error": 1}
    assert (doc["total"], doc["processed"], doc["match_rate"]) == (5, 5, 0.4)
    assert [p["folder"] for p in doc["playlists"]] == ["Set", "B"]
    assert doc["playlists"][1] == {
        "playlist": "B",
        "playlist_file": "b.m3u",
        "folder": "B",
        "partial": False,
        "counts": {"matched": 1, "review": 0, "unmatched": 0, "error": 0},
        "total": 1,
        "processed": 1,
        "match_rate": 1.0,
        "enriched_without_file": 1,
        "elapsed_s": 0.0,
    }
    assert doc["enriched_without_file"] == 2 + 1


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan], ids=["inf", "-inf", "nan"])
def test_batch_summary_stays_valid_json_with_non_finite_extra(tmp_path, bad):
    path = write_batch_summary(tmp_path, [], partial=True, elapsed_s=0.0, extra={"x": bad})
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["x"] is None and doc["match_rate"] == 0.0 and doc["playlists"] == []
