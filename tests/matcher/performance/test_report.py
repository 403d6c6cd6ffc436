"""performance_report.json: what build_report puts in it (every item the issue lists),
and how write_report writes it (atomically, with a copy in the data dir)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from matcher.errors import OutputError
from matcher.performance.records import (
    MemoryUse,
    ProcessMemory,
    QueryKindStats,
    RunSeries,
    SlowTrack,
)
from matcher.performance.report import (
    REPORT_FILE,
    Figures,
    RunAbout,
    build_report,
    history_report_path,
    machine,
    write_report,
)

METRICS = {
    "total_tracks": 1000,
    "done_tracks": 1000,
    "matched_tracks": 800,
    "review_tracks": 50,
    "unmatched_tracks": 150,
    "total_time": 4.0,
    "tracks_per_second": 250.0,
    "avg_time_per_track": 0.0016,
    "queries_executed": 1900,
    "candidates_evaluated": 3800,
    "time_parse": 0.2,
    "time_search": 0.5,
    "time_score": 1.1,
    "time_write": 0.9,
    "avg_query_time": 0.5 / 1900,
    "chunk_size": 120.0,
    "preset_level": 1,
}
KINDS = (
    QueryKindStats("title+artist", 1000, 100.0, 1500, found=780, proposed=40, only=770),
    QueryKindStats("trigram", 900, 400.0, 600, found=20, proposed=10, only=20),
)
MEMORY = MemoryUse(
    ProcessMemory("host", 0, 10, 90 * 2**20, 95 * 2**20),
    (ProcessMemory("worker", 0, 11, 80 * 2**20, 85 * 2**20, 1),),
    170 * 2**20,
    175 * 2**20,
)
ABOUT = RunAbout(
    "20261206-120000-abcdef",
    "local",
    "balanced",
    2,
    "catalog.csv",
    32781,
    (("set.xml", "Set", 1000),),
    created=1_765_000_000.0,
)


def report(about: RunAbout = ABOUT, **changes: object) -> dict:
    figures = Figures(
        metrics=METRICS,
        queries=KINDS,
        slowest=(SlowTrack(50.0, 6, "unmatched", 0, "Set", 7, "A", "T"),),
        memory=MEMORY,
        series=RunSeries("x", (1.0,), (250.0,), (250,), (0.8,)),
    )
    return build_report(about, figures, version="9.9.9", host={"cpu_count": 8, "os": "Linux"})


def test_the_report_holds_every_item_asked_for() -> None:
    doc = report()
    assert doc["metrics"]["queries_executed"] == 1900  # final metrics
    assert doc["time"] == {
        "total_s": 4.0,
        "parse_s": 0.2,
        "search_s": 0.5,
        "score_s": 1.1,
        "write_s": 0.9,
    }  # time breakdown
    assert [q["kind"] for q in doc["queries"]] == ["title+artist", "trigram"]  # per kind
    assert doc["queries"][1]["avg_ms"] == pytest.approx(400 / 900, abs=1e-4)
    assert doc["slowest"][0]["entry_index"] == 7  # slowest tracks
    assert doc["memory"]["peak"] == 95 * 2**20 and doc["memory"]["workers"][0]["restarts"] == 1
    assert doc["cache"]["applicable"] is False and "not applicable" in doc["cache"]["note"]
    assert doc["settings"] == {
        "provider": "local",
        "preset": "balanced",
        "workers": 2,
        "chunk_size": 120.0,
    }
    assert doc["catalog"] == {"file": "catalog.csv", "tracks": 32781}
    assert doc["cratematch_version"] == "9.9.9"
    assert doc["machine"] == {"cpu_count": 8, "os": "Linux"}
    assert doc["speed"]["queries_per_track"] == 1.9
    assert doc["tracks"]["match_rate"] == 0.8 and doc["tracks"]["review_rate"] == 0.05
    assert doc["queries_total"] == {"runs": 1900, "found": 800, "proposed": 50, "only": 790}
    assert doc["series"]["done"] == [250]
    assert doc["batch_id"] == ABOUT.batch_id and doc["state"] == "finished"
    assert not doc["partial"] and "resumed" not in doc


def test_an_online_batch_reports_its_cache_and_a_resumed_one_this_runs_share() -> None:
    about = RunAbout(
        "b", "musicbrainz", "fast", 1, "musicbrainz", None, state="cancelled", already_done=400
    )
    figures = Figures(
        metrics={
            **METRICS,
            "cache_hits": 30,
            "cache_misses": 70,
            "cache_hit_rate": 0.3,
            "http_requests": 70,
        }
    )
    doc = build_report(about, figures, version="1")
    assert doc["cache"]["applicable"] is True and doc["cache"]["hit_rate"] == 0.3
    assert doc["resumed"] == {"already_done": 400, "this_run": 600}
    assert doc["speed"]["queries_per_track"] == round(1900 / 600, 4)
    assert doc["partial"] is True and doc["memory"] is None and doc["series"] is None


def test_an_older_snapshot_without_new_keys_still_reports() -> None:
    old = {k: v for k, v in METRICS.items() if k != "avg_query_time"}
    doc = build_report(ABOUT, Figures(metrics=old), version="1")
    assert doc["speed"]["avg_query_ms"] == pytest.approx(0.5 / 1900 * 1000, abs=1e-4)
    assert doc["metrics"]["memory_peak_mib"] == 0.0


def test_machine_names_the_cpus_os_and_python() -> None:
    host = machine()
    assert host["cpu_count"] == (os.cpu_count() or 1)
    assert host["os"] and host["python"].count(".") == 2


def test_write_report_keeps_a_copy_and_json_is_valid(tmp_path: Path) -> None:
    doc = report()
    path = write_report(tmp_path / "out" / REPORT_FILE, doc)
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(json.dumps(doc))
    assert json.loads(history_report_path(ABOUT.batch_id).read_text(encoding="utf-8")) == (
        json.loads(path.read_text(encoding="utf-8"))
    )
    exported = write_report(tmp_path / "mine.json", doc, keep_copy=False)
    assert exported.exists() and not list(tmp_path.glob("*.tmp*"))


def test_old_copies_are_pruned(tmp_path: Path) -> None:
    for n in range(5):
        doc = {**report(), "batch_id": f"b{n}"}
        write_report(tmp_path / f"r{n}.json", doc)
        os.utime(history_report_path(f"b{n}"), (n, n))  # b0 is the oldest
    from matcher.performance import report as report_module

    report_module._prune(history_report_path("b0").parent, keep=3)
    kept = sorted(p.stem for p in history_report_path("b0").parent.glob("*.json"))
    assert kept == ["b2", "b3", "b4"]


def test_a_report_that_cannot_be_written_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError):
        write_report(blocker / REPORT_FILE, report())


def test_a_data_dir_that_cannot_take_the_copy_costs_the_copy_not_the_report(
    tmp_path: Path,
) -> None:
    folder = history_report_path("x").parent
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where the reports folder should be", encoding="utf-8")
    path = write_report(tmp_path / REPORT_FILE, report())
    assert path.exists() and folder.is_file()
