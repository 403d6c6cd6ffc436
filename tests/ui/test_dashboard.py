"""The dashboard in a real Tk window: the metrics table, the chart fed by MetricsSnapshot
events (paced redraws, non-empty lines) and tips for metrics that call for one."""

from __future__ import annotations

import time

import pytest

from matcher.engine.events import BatchStarted, MetricsSnapshot
from matcher.metrics import ChunkStats, MetricsAccumulator, format_metrics, tips
from tests.ui.results_fixtures import destroy_root, make_root, run_until, screenshot, settle

BATCH = "20260101-000000-dddddd"


def _snapshots(count: int, errors_per_chunk: int = 0) -> list[MetricsSnapshot]:
    """Real snapshots from the engine's accumulator: 40 tracks per 0.25 s chunk."""
    acc = MetricsAccumulator(total_tracks=4000, workers=2, preset="balanced", started=0.0)
    acc.add_time("parse", 0.4)
    out = []
    for n in range(1, count + 1):
        unmatched = 6 + n % 5
        stats = ChunkStats(tracks=40, matched=40 - unmatched - 4 - errors_per_chunk, review=4,
                           unmatched=unmatched, error=errors_per_chunk, queries=120,
                           candidates=600, search_s=0.3, score_s=0.15 + n / 200,
                           busy_s=0.5)  # fmt: skip
        acc.add_chunk(stats, 40)
        if n % 10 == 0:
            acc.add_time("write", 0.05)
        out.append(MetricsSnapshot(BATCH, n, acc.snapshot(0.4 + n * 0.25)))
    return out


@pytest.fixture
def root():
    root = make_root()
    yield root
    destroy_root(root)


@pytest.fixture
def dashboard(root):
    from ui.views.dashboard import Dashboard

    board = Dashboard(root)
    board.pack(fill="both", expand=True, padx=12, pady=12)
    board.on_event(BatchStarted(BATCH, 0, 4000, ((0, "invented.xml", "Invented", 4000),), 2))
    root.update()
    return board


def test_chart_lines_fill_from_snapshots(root, dashboard):
    for snapshot in _snapshots(12):
        dashboard.on_metrics(snapshot.metrics)
        settle(root, 0.05)
    run_until(root, lambda: not dashboard.chart.model.dirty, what="last redraw")
    x, y = dashboard.chart.tps_line.get_data()
    assert len(x) == 12 and max(y) > 0
    assert len(dashboard.chart.match_line.get_data()[1]) == 12
    widths = [bar.get_width() for bar in dashboard.chart.bars]  # shares of the time, in %
    breakdown = dict(dashboard.chart.model.series().breakdown)
    assert widths[0] == pytest.approx(100 * 0.4 / sum(breakdown.values()))  # reading
    assert sum(widths) == pytest.approx(100)
    canvas = dashboard.chart.canvas.get_tk_widget()
    x_labels = [canvas.itemcget(i, "text") for i in canvas.find_withtag("tick")
                if canvas.itemcget(i, "anchor") == "n"]  # fmt: skip
    assert x_labels[0] == "0" and float(x_labels[-1]) >= x[-1]  # the time axis covers the run
    lo, hi = dashboard.chart.rates_axes.get_ylim()
    assert lo == 0 and hi >= max(y)


def test_a_burst_of_snapshots_costs_few_redraws(root, dashboard):
    before = dashboard.chart.draws
    started = time.monotonic()
    for snapshot in _snapshots(60):
        dashboard.on_metrics(snapshot.metrics)
    run_until(root, lambda: not dashboard.chart.model.dirty, what="paced redraw")
    elapsed = time.monotonic() - started
    redraws = dashboard.chart.draws - before
    assert 1 <= redraws <= 2 + elapsed / dashboard.chart.model.min_interval_s
    assert len(dashboard.chart.tps_line.get_data()[0]) == 60  # every point kept, drawn once


def test_metrics_table_shows_format_metrics_rows(root, dashboard):
    metrics = _snapshots(5)[-1].metrics
    dashboard.on_metrics(metrics)
    shown = [dashboard.metrics_table.tree.item(i, "values")
             for i in dashboard.metrics_table.tree.get_children()]  # fmt: skip
    assert [tuple(map(str, row)) for row in shown] == format_metrics(metrics)
    assert dashboard.metrics_table.values()["Tracks done"] == "200 of 4,000"


def test_tips_appear_when_metrics_call_for_them(root, dashboard):
    assert dashboard.tips.shown.startswith("No tips yet")
    metrics = _snapshots(8, errors_per_chunk=1)[-1].metrics
    expected = tips(metrics)
    assert expected  # errors always deserve a tip
    dashboard.on_metrics(metrics)
    shown = dashboard.tips.text.get("1.0", "end").strip()
    assert shown.splitlines() == [f"• {tip}" for tip in expected]


def test_healthy_run_says_so(root, dashboard):
    metrics = dict(_snapshots(8)[-1].metrics, unmatched_tracks=0, review_tracks=0)
    assert tips(metrics) == []
    dashboard.on_metrics(metrics)
    assert dashboard.tips.shown == "No tips: the run looks healthy."


def test_new_batch_resets_the_chart(root, dashboard):
    for snapshot in _snapshots(5):
        dashboard.on_metrics(snapshot.metrics)
    dashboard.on_event(BatchStarted("next", 0, 10, ((0, "x.m3u8", "x", 10),), 2))
    run_until(root, lambda: not dashboard.chart.model.dirty, what="reset drawn")
    assert len(dashboard.chart.tps_line.get_data()[0]) == 0
    assert dashboard.metrics_table.values()["Tracks done"] == "0 of 0"


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_screenshot_with_chart_and_tips(root, dashboard, mode):
    import customtkinter as ctk

    ctk.set_appearance_mode(mode)
    for snapshot in _snapshots(80, errors_per_chunk=1):
        dashboard.on_metrics(snapshot.metrics)
    run_until(root, lambda: not dashboard.chart.model.dirty, what="redraw")
    face = dashboard.chart.figure.get_facecolor()
    assert (sum(face[:3]) / 3 < 0.3) == (mode == "dark")
    screenshot(root, f"dashboard_{mode}.png")
    ctk.set_appearance_mode("light")
