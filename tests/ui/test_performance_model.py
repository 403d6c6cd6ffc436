"""The dashboard's performance panels without Tk: the query table and bars, the slowest
tracks and the entries they stand for, the memory rows, the exported report's names,
and which batch (and which snapshot) the dashboard shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher import (
    BatchCancelled,
    BatchFinished,
    BatchStarted,
    MemoryUse,
    MetricsSnapshot,
    ProcessMemory,
    QueryKindStats,
    SlowTrack,
    format_memory,
    format_query_kinds,
    format_slowest,
)
from ui.performance_model import (
    PANELS,
    PerformanceState,
    memory_rows,
    query_bars,
    query_rows,
    report_paths,
    slowest_rows,
)

B = "20260101-000000-pppppp"
KINDS = (
    QueryKindStats("isrc", 100, 10.0, 40, found=30, only=30),
    QueryKindStats("title+artist", 900, 4500.0, 2000, found=60, proposed=5, only=20),
    QueryKindStats("trigram", 300, 9000.0, 600, found=10, only=0),
    QueryKindStats("any-word", 50, 100.0, 10),
)


def test_the_switch_has_four_views_overview_first():
    assert PANELS == ("Overview", "Queries", "Slowest tracks", "Memory")


def test_query_rows_are_the_engines_wording_with_no_cache_on_a_local_catalog():
    rows = query_rows(KINDS, "local")
    assert rows == format_query_kinds(KINDS, "local")
    assert [row[0] for row in rows] == ["isrc", "title+artist", "trigram", "any-word"]
    assert {row[4] for row in rows} == {"n/a (local)"}  # never "0 %": a local catalog has none
    assert rows[1][5] == "60 (+5 review)"


def test_an_online_catalogs_cache_hit_rate_is_shown():
    online = (QueryKindStats("search", 10, 50.0, 30, cache_hits=3, cache_misses=1, found=4),)
    assert query_rows(online, "musicbrainz")[0][4] == format_query_kinds(online, "x")[0][4]
    assert query_rows(online, "musicbrainz")[0][4].endswith("%")


def test_bars_share_the_matches_each_kind_found_first():
    bars = query_bars(KINDS)
    assert [b.kind for b in bars] == ["isrc", "title+artist", "trigram", "any-word"]
    assert [b.share for b in bars] == pytest.approx([30.0, 60.0, 10.0, 0.0])
    assert sum(b.share for b in bars) == pytest.approx(100.0)
    assert [b.only_share for b in bars] == pytest.approx([30.0, 20.0, 0.0, 0.0])
    assert [b.label for b in bars] == ["30 (30 only)", "60 (20 only)", "10", "0"]


def test_bars_with_no_match_yet_are_empty_not_a_division_by_zero():
    bars = query_bars((QueryKindStats("title", 5, 1.0, 0),))
    assert (bars[0].share, bars[0].only_share, bars[0].label) == (0.0, 0.0, "0")
    assert query_bars(()) == ()


def _slow(n: int, playlist_id: int = 0, status: str = "matched") -> SlowTrack:
    return SlowTrack(900.0 - n, 7, status, playlist_id, f"List {playlist_id}", 10 * n,
                     f"Artist {n}", f"Title {n}")  # fmt: skip


def test_slowest_rows_keep_their_entry_and_status():
    slowest = (_slow(0, 2, "review"), _slow(1, 3, "error"))
    rows = slowest_rows(slowest)
    assert [r.values for r in rows] == format_slowest(slowest)
    assert [r.tag for r in rows] == ["review", "error"]  # tinted as the results are
    assert [r.entry for r in rows] == [(2, 0), (3, 10)]  # entry_index 0-based, as rows are
    assert rows[1].values[4] == "11"  # the table's "#" is 1-based, as the results show it


def test_memory_rows_none_before_the_first_sample():
    assert memory_rows(None) == []
    use = MemoryUse(ProcessMemory("host", 0, 10, 50 << 20, 60 << 20),
                    (ProcessMemory("worker", 0, 11, 90 << 20, 99 << 20, restarts=1),),
                    140 << 20, 150 << 20)  # fmt: skip
    rows = memory_rows(use)
    assert rows == format_memory(use)
    assert [row[0] for row in rows] == ["Engine host (pid 10)", "Worker 1 (pid 11, restarted 1×)",
                                        "All processes"]  # fmt: skip


@pytest.mark.parametrize(
    ("chosen", "report", "chart", "queries"),
    [
        pytest.param("out/performance_report.json", "out/performance_report.json",
                     "out/performance_report.png", "out/performance_report-queries.png",
                     id="default"),
        pytest.param("out/Friday run", "out/Friday run.json", "out/Friday run.png",
                     "out/Friday run-queries.png", id="no-suffix"),
        pytest.param("out/v1.2", "out/v1.2.json", "out/v1.2.png", "out/v1.2-queries.png",
                     id="dotted-name"),
        pytest.param("out/chart.png", "out/chart.json", "out/chart.png",
                     "out/chart-queries.png", id="png-picked"),
        pytest.param("out/R.JSON", "out/R.JSON", "out/R.png", "out/R-queries.png",
                     id="upper-case"),
    ],
)  # fmt: skip
def test_report_paths_put_the_pngs_beside_the_report(chosen, report, chart, queries):
    assert report_paths(chosen) == (Path(report), Path(chart), Path(queries))


def _started(batch_id: str = B) -> BatchStarted:
    return BatchStarted(batch_id, 0, 10, ((0, "a.xml", "A", 10),), 2)


def test_the_state_follows_its_batch_and_ignores_other_batches_snapshots():
    state = PerformanceState()
    assert state.queries == () and state.slowest == () and state.memory is None
    assert state.start(_started())
    snapshot = MetricsSnapshot(B, 3, {"done_tracks": 4.0}, KINDS, (_slow(0),))
    assert state.observe(snapshot) and state.queries == KINDS
    assert not state.observe(MetricsSnapshot("other", 1, {}, ()))
    assert state.snapshot is snapshot
    assert not state.start(_started())  # the same batch resumed: nothing starts over
    assert state.snapshot is snapshot
    assert state.start(_started("next")) and state.snapshot is None


@pytest.mark.parametrize("end", ["finished", "cancelled"])
def test_an_export_uses_the_snapshot_while_running_and_the_batchs_own_report_after(end):
    state = PerformanceState()
    state.start(_started())
    snapshot = MetricsSnapshot(B, 3, {}, KINDS)
    state.observe(snapshot)
    assert state.export_snapshot() is snapshot and state.out_dir == ""
    if end == "finished":
        event = BatchFinished(B, 9, True, 10, 10, {}, 1.0, "/music/out")
    else:
        event = BatchCancelled(B, 9, 4, 10, "/music/out")
    state.end(BatchFinished("other", 1, True, 1, 1, {}, 1.0, "/elsewhere"))
    assert not state.ended
    state.end(event)
    assert state.ended and state.out_dir == "/music/out"
    assert state.export_snapshot() is None  # the engine wrote the batch's report at its end


@pytest.mark.parametrize(
    ("paused_s", "elapsed", "paused"),
    [
        pytest.param(11.0, "5.0 s", "11 s", id="paused-left-out-and-said"),
        pytest.param(0.2, "16 s", "none", id="too-short-to-say"),
        pytest.param(0.0, "16 s", "none", id="never-paused"),
    ],
)
def test_metrics_rows_time_the_run_without_its_pauses(
    paused_s: float, elapsed: str, paused: str
) -> None:
    """Elapsed is the time Tracks/s divides by (5,000 tracks at 1,000/s: 5 s of the 16),
    the pause a row of its own right after it, always there so the table stays put."""
    from matcher import format_metrics
    from ui.performance_model import metrics_rows

    metrics = {"total_time": 16.0, "tracks_per_second": 1000.0, "done_tracks": 5000}
    rows = metrics_rows(metrics, paused_s)
    labels = [label for label, _value in rows]
    engine = format_metrics(metrics)
    assert labels == [*[lb for lb, _v in engine][:6], "Paused", *[lb for lb, _v in engine][6:]]
    assert labels[labels.index("Elapsed") + 1] == "Paused"
    values = dict(rows)
    assert (values["Elapsed"], values["Paused"]) == (elapsed, paused)
    assert {k: v for k, v in values.items() if k not in ("Elapsed", "Paused")} == {
        k: v for k, v in engine if k != "Elapsed"
    }  # every other figure is the engine's, as it words it
