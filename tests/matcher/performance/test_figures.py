"""A batch's report found again (its copy, its out folder if still its own, or rebuilt
from the journal), exported where a user wants it, and the previous run of the same
playlists for the chart overlay; on batches run by the real engine."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from matcher.config import EngineConfig
from matcher.engine.client import Engine
from matcher.engine.events import BatchStarted, MetricsSnapshot
from matcher.engine.history import History
from matcher.errors import InputError
from matcher.performance.figures import (
    export_performance_report,
    find_batch,
    load_report,
    previous_run,
)
from matcher.performance.report import REPORT_FILE, history_report_path
from tests.matcher.engine.engine_fixtures import collect, write_catalog, write_m3u8


@dataclass(frozen=True)
class Run:
    batch_id: str
    started: BatchStarted
    final: MetricsSnapshot
    report: dict


def run(catalog: Path, playlist: Path, out: Path, preset: str = "balanced") -> Run:
    with Engine(EngineConfig(catalog=catalog, workers=1, out_dir=out, preset=preset)) as engine:
        batch = engine.start([playlist])
        events = collect(batch)
    started = next(e for e in events if isinstance(e, BatchStarted))
    final = [e for e in events if isinstance(e, MetricsSnapshot)][-1]
    report = json.loads((out / REPORT_FILE).read_text(encoding="utf-8"))
    return Run(batch.batch_id, started, final, report)


@pytest.fixture
def two_runs(tmp_path: Path) -> tuple[Run, Run]:
    """The same playlist twice into the same out folder: the second overwrites the first's
    files there, as every batch without --out does."""
    write_catalog(tmp_path / "catalog.csv")
    write_m3u8(tmp_path / "crate.m3u8", 150)
    out = tmp_path / "out"
    first = run(tmp_path / "catalog.csv", tmp_path / "crate.m3u8", out, "fast")
    second = run(tmp_path / "catalog.csv", tmp_path / "crate.m3u8", out, "thorough")
    return first, second


KIND_FIGURES = ("kind", "runs", "candidates", "found", "proposed", "only")


def test_a_report_is_found_again_wherever_it_still_is(two_runs: tuple[Run, Run]) -> None:
    first, second = two_runs
    assert load_report(first.batch_id) == first.report  # the data dir's copy
    history_report_path(first.batch_id).unlink()
    history_report_path(second.batch_id).unlink()
    assert load_report(second.batch_id) == second.report  # its out folder: still its own

    rebuilt = load_report(first.batch_id)  # the out folder is the second's now: the journal
    assert rebuilt["source"] == "journal" and rebuilt["batch_id"] == first.batch_id
    assert rebuilt["tracks"] == first.report["tracks"]
    assert [{k: q[k] for k in KIND_FIGURES} for q in rebuilt["queries"]] == [
        {k: q[k] for k in KIND_FIGURES} for q in first.report["queries"]
    ]  # exactly what the engine counted, from the journalled query logs and found_by
    assert rebuilt["queries_total"] == first.report["queries_total"]
    assert [s["entry_index"] for s in rebuilt["slowest"]] == [
        s["entry_index"] for s in first.report["slowest"]
    ]
    assert rebuilt["memory"] is None and rebuilt["settings"]["preset"] == "fast"
    assert rebuilt["speed"]["tracks_per_second"] > 0


def test_batches_are_named_as_listed_or_by_a_unique_start(two_runs: tuple[Run, Run]) -> None:
    first, second = two_runs
    with History.open() as history:
        assert find_batch(history, first.batch_id).batch_id == first.batch_id
        assert find_batch(history, f" {second.batch_id[:-2]} ").batch_id == second.batch_id
        with pytest.raises(InputError, match="ambiguous"):
            find_batch(history, first.batch_id[:4])
        with pytest.raises(InputError, match="no batch 'nope' in the journal"):
            find_batch(history, "nope")
        with pytest.raises(InputError, match="no batch '' in the journal"):
            find_batch(history, "")


def test_export_writes_the_batchs_report_or_one_from_a_live_snapshot(
    two_runs: tuple[Run, Run], tmp_path: Path
) -> None:
    _, second = two_runs
    saved = export_performance_report(tmp_path / "picked" / "report.json", second.batch_id)
    assert json.loads(saved.read_text(encoding="utf-8")) == second.report
    live = export_performance_report(tmp_path / "live.json", second.batch_id, second.final)
    doc = json.loads(live.read_text(encoding="utf-8"))
    assert doc["queries_total"]["runs"] == second.final.metrics["queries_executed"]
    assert doc["memory"]["peak"] == second.final.memory.peak  # type: ignore[union-attr]
    assert doc["machine"]["cpu_count"] >= 1 and doc["settings"]["preset"] == "thorough"
    assert doc["catalog"]["tracks"] == second.report["catalog"]["tracks"] == 50


def test_previous_run_of_the_same_playlists(two_runs: tuple[Run, Run], tmp_path: Path) -> None:
    first, second = two_runs
    before = previous_run(second.started.playlists, before=second.batch_id)
    assert before is not None and before.batch_id == first.batch_id and not before.estimated
    assert before.preset == "fast" and before.done[-1] == 150
    assert list(before.t) == sorted(before.t)
    newest = previous_run([("crate.m3u8", "crate", 150)])
    assert newest is not None and newest.batch_id == second.batch_id
    assert previous_run([("crate.m3u8", "crate", 151)]) is None
    assert previous_run([("other.m3u8", "crate", 150)]) is None
    assert previous_run([]) is None

    history_report_path(first.batch_id).unlink()  # no report left anywhere: a straight line
    line = previous_run(second.started.playlists, before=second.batch_id)
    assert line is not None and line.estimated and line.done == (0, 150) and len(line) == 2


def test_previous_run_without_a_journal_is_none() -> None:
    assert previous_run([("crate.m3u8", "crate", 150)]) is None
