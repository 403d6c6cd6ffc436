"""`run_inline`: a whole batch in this process, with progress, a stop hook and metrics."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest

from matcher.config import EngineConfig
from matcher.errors import InputError, OutputError, PlaylistSelectionError
from matcher.inline import BatchReport, Progress, load_playlists, prepare_catalog, run_inline
from matcher.model import PlaylistRef

CATALOG_CSV = """\
catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,duration_s,isrc
7200001,Salt Meridian,Original Mix,Corvin Ash,,Tidewell,Salt Meridian,2022-05-06,123,B Minor,House,372,
7200002,Paper Harbour,Original Mix,Lio Marchetti,,Tidewell,Paper Harbour,2023-07-14,126,E Minor,House,388,
7200003,Quiet Engines,Original Mix,Astrid Vale,,Gearbox Tone,Quiet Engines,2021-11-19,130,F Minor,Techno,401,
"""  # noqa: E501 - catalog rows read best unwrapped

# METRIC_KEYS: what DESIGN.md promises every metrics snapshot carries.
METRIC_KEYS = {
    "total_tracks", "matched_tracks", "unmatched_tracks", "review_tracks", "error_tracks",
    "total_time", "avg_time_per_track", "tracks_per_second", "queries_executed",
    "candidates_evaluated", "cache_hits", "cache_misses", "http_requests", "http_retries",
    "time_parse", "time_search", "time_score", "time_write",
}  # fmt: skip


def _m3u(path: Path, entries: list[tuple[str, str]]) -> Path:
    lines = ["#EXTM3U"]
    for i, (artist, title) in enumerate(entries):
        lines += [f"#EXTINF:380,{artist} - {title}", f"/Music/{path.stem}/{i:03d}.mp3"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def batch(tmp_path: Path) -> tuple[list[Path], EngineConfig]:
    catalog = tmp_path / "catalog.csv"
    catalog.write_text(CATALOG_CSV, encoding="utf-8")
    first = _m3u(tmp_path / "first.m3u8", [
        ("Corvin Ash", "Salt Meridian"), ("Lio Marchetti", "Paper Harbour"),
        ("Nell Quarrington", "Unheard Of"), ("Astrid Vale", "Quiet Engines"),
    ])  # fmt: skip
    second = _m3u(tmp_path / "second.m3u8", [
        ("Astrid Vale", "Quiet Engines"), ("Osk Lumen", "Nowhere Song"),
        ("Corvin Ash", "Salt Meridian"),
    ])  # fmt: skip
    return [first, second], EngineConfig(catalog=catalog, out_dir=tmp_path / "out")


def _summary(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _entry_indexes(matches: Path) -> list[int]:
    with matches.open(newline="", encoding="utf-8") as handle:
        return [int(row["entry_index"]) for row in csv.DictReader(handle)]


def test_progress_counts_rise_per_playlist_and_per_batch(
    batch: tuple[list[Path], EngineConfig],
) -> None:
    inputs, config = batch
    seen: list[Progress] = []
    report = run_inline(inputs, config, progress=seen.append)
    assert [p.batch_done for p in seen] == list(range(1, 8))
    assert {p.batch_total for p in seen} == {7}
    assert [(p.playlist, p.done, p.total) for p in seen] == [
        ("first", 1, 4), ("first", 2, 4), ("first", 3, 4), ("first", 4, 4),
        ("second", 1, 3), ("second", 2, 3), ("second", 3, 3),
    ]  # fmt: skip
    assert report.total == 7 and not report.cancelled
    assert dict(report.counts) == {"matched": 5, "unmatched": 2}


def test_a_full_run_writes_complete_outputs(batch: tuple[list[Path], EngineConfig]) -> None:
    inputs, config = batch
    report = run_inline(inputs, config)
    assert [o.playlist for o in report.outputs] == ["first", "second"]
    for outputs, size in zip(report.outputs, (4, 3), strict=True):
        assert not outputs.partial and outputs.processed == outputs.total == size
        assert _entry_indexes(outputs.matches) == list(range(size))
        assert _summary(outputs.summary)["partial"] is False
    batch_doc = _summary(report.out_dir / "batch_summary.json")
    assert batch_doc["partial"] is False and batch_doc["processed"] == 7


def test_should_stop_mid_playlist_writes_what_was_matched_marked_partial(
    batch: tuple[list[Path], EngineConfig],
) -> None:
    inputs, config = batch
    seen: list[Progress] = []
    report = run_inline(inputs, config, progress=seen.append, should_stop=lambda: len(seen) >= 2)
    assert report.cancelled
    assert report.total == 2
    (outputs,) = report.outputs  # the second playlist never started: no folder for it
    assert outputs.partial and (outputs.processed, outputs.total) == (2, 4)
    assert _entry_indexes(outputs.matches) == [0, 1]
    summary = _summary(outputs.summary)
    assert summary["partial"] is True and summary["processed"] == 2
    batch_doc = _summary(report.out_dir / "batch_summary.json")
    assert batch_doc["partial"] is True
    assert [p["playlist"] for p in batch_doc["playlists"]] == ["first"]
    assert not (report.out_dir / "second").exists()


def test_should_stop_between_playlists_keeps_the_finished_one_complete(
    batch: tuple[list[Path], EngineConfig],
) -> None:
    inputs, config = batch
    seen: list[Progress] = []
    report = run_inline(inputs, config, progress=seen.append, should_stop=lambda: len(seen) >= 4)
    assert report.cancelled and report.total == 4
    (outputs,) = report.outputs
    assert outputs.playlist == "first" and not outputs.partial
    assert _summary(outputs.summary)["partial"] is False
    assert _summary(report.out_dir / "batch_summary.json")["partial"] is True
    assert not (report.out_dir / "second").exists()


def test_metrics_carry_every_contract_key_and_agree_with_the_counts(
    batch: tuple[list[Path], EngineConfig],
) -> None:
    inputs, config = batch
    report = run_inline(inputs, config)
    metrics = report.metrics
    assert set(metrics) >= METRIC_KEYS
    assert metrics["total_tracks"] == 7
    assert (metrics["matched_tracks"], metrics["unmatched_tracks"]) == (5, 2)
    assert metrics["review_tracks"] == metrics["error_tracks"] == 0
    assert metrics["queries_executed"] >= 7  # at least one query per track
    assert metrics["candidates_evaluated"] >= 5
    assert metrics["http_requests"] == metrics["cache_hits"] == 0  # the local catalog
    assert all(metrics[k] >= 0 for k in METRIC_KEYS)
    assert metrics["time_search"] + metrics["time_score"] <= metrics["total_time"]
    assert metrics["tracks_per_second"] > 0
    written = _summary(report.out_dir / "batch_summary.json")["metrics"]
    assert set(written) >= METRIC_KEYS


def test_a_playlist_ref_selects_one_playlist_of_a_rekordbox_file(tmp_path: Path) -> None:
    xml = tmp_path / "lib.xml"
    xml.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<DJ_PLAYLISTS Version="1.0.0">'
        '<PRODUCT Name="rekordbox"/><COLLECTION Entries="2">'
        '<TRACK TrackID="1" Name="Salt Meridian" Artist="Corvin Ash"/>'
        '<TRACK TrackID="2" Name="Paper Harbour" Artist="Lio Marchetti"/></COLLECTION>'
        '<PLAYLISTS><NODE Type="0" Name="ROOT" Count="2">'
        '<NODE Name="A" Type="1" KeyType="0" Entries="1"><TRACK Key="1"/></NODE>'
        '<NODE Name="B" Type="1" KeyType="0" Entries="1"><TRACK Key="2"/></NODE>'
        "</NODE></PLAYLISTS></DJ_PLAYLISTS>\n",
        encoding="utf-8",
    )
    assert [p.name for p in load_playlists([PlaylistRef(xml, "B")])] == ["B"]
    assert [p.name for p in load_playlists([xml], all_playlists=True)] == ["A", "B"]
    with pytest.raises(PlaylistSelectionError):
        load_playlists([xml])


def test_bad_input_fails_before_any_output(
    batch: tuple[list[Path], EngineConfig], tmp_path: Path
) -> None:
    inputs, config = batch
    with pytest.raises(InputError):
        run_inline([*inputs, tmp_path / "missing.m3u8"], config)
    assert not Path(str(config.out_dir)).exists()


def test_an_unusable_out_dir_fails_before_any_track_is_matched(
    batch: tuple[list[Path], EngineConfig], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs, config = batch
    matched: list[object] = []
    monkeypatch.setattr("matcher.inline.match_entry", lambda *args: matched.append(args))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError, match="a-file"):
        run_inline(inputs, replace(config, out_dir=blocker / "out"))
    assert matched == []


def test_no_catalog_names_the_import_command(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cratematch catalog import"):
        prepare_catalog(EngineConfig(out_dir=tmp_path / "out"))


def test_report_total_sums_every_status() -> None:
    report = BatchReport(out_dir=Path("out"))
    report.counts.update(["matched", "matched", "error", "review"])
    assert report.total == 4
