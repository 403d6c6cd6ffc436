"""The dashboard in a real Tk window: the metrics table, the chart fed by MetricsSnapshot
events (paced redraws, non-empty lines) and tips for metrics that call for one."""

from __future__ import annotations

import time

import pytest

from matcher.engine.events import BatchStarted, MetricsSnapshot
from matcher.metrics import ChunkStats, MetricsAccumulator, format_metrics, tips
from tests.ui.results_fixtures import (
    destroy_root,
    make_result,
    make_root,
    run_until,
    screenshot,
    settle,
)
from ui.performance_model import metrics_rows
from ui.views.dashboard import WEB_ROWS

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


def _table(board) -> list[tuple[str, ...]]:  # noqa: ANN001
    tree = board.metrics_table.tree
    return [tuple(map(str, tree.item(i, "values"))) for i in tree.get_children()]


def test_metrics_table_shows_format_metrics_rows_less_the_web_ones(root, dashboard):
    metrics = _snapshots(5)[-1].metrics
    dashboard.on_metrics(metrics)
    expected = [row for row in metrics_rows(metrics, 0.0) if row[0] not in WEB_ROWS]
    assert _table(dashboard) == expected  # a local catalog has no cache, no web requests
    assert dashboard.metrics_table.values()["Tracks done"] == "200 of 4,000"
    assert {label for label, _v in format_metrics(metrics)} >= WEB_ROWS  # the labels exist
    assert not dashboard.chart.cache_line.get_visible()


def test_an_online_catalog_shows_every_row_and_the_cache_line(root):
    from ui.views.dashboard import Dashboard

    board = Dashboard(root, provider=lambda: "musicbrainz")
    board.pack(fill="both", expand=True)
    board.on_event(BatchStarted(BATCH, 0, 4000, ((0, "invented.xml", "Invented", 4000),), 2))
    metrics = _snapshots(5)[-1].metrics
    board.on_metrics(metrics)
    assert _table(board) == metrics_rows(metrics, 0.0)
    assert board.chart.cache_line.get_visible()
    labels = [t.get_text() for t in board.chart.legend.get_texts()]
    assert labels == ["Tracks/s", "Match rate %", "Cache hits %", "Writing results"]


def test_the_counts_are_the_tallys(root):
    from ui.tally import Tally
    from ui.views.dashboard import Dashboard

    tally = Tally()
    board = Dashboard(root, tally)
    board.pack(fill="both", expand=True)
    board.on_event(BatchStarted(BATCH, 0, 4000, ((0, "invented.xml", "Invented", 4000),), 2))
    board.on_metrics(_snapshots(5)[-1].metrics)  # the engine counted 200 a moment ago
    tally.add(BATCH, 0, [make_result(i, "matched" if i % 4 else "review", 0.9, "A", "B")
                         for i in range(240)])  # fmt: skip
    board.refresh_counts()
    values = board.metrics_table.values()
    assert values["Tracks done"] == "240 of 4,000"
    assert values["Matched"].startswith("180 ") and values["Review"].startswith("60 ")


def test_writing_results_is_shaded_and_in_the_legend(root, dashboard):
    for snapshot in _snapshots(30):  # results written every 10 chunks
        dashboard.on_metrics(snapshot.metrics)
    run_until(root, lambda: not dashboard.chart.model.dirty, what="last redraw")
    spans = [s for s in dashboard.chart.writing_spans if s.get_visible()]
    assert len(spans) == 3 and all(s.get_width() > 0 for s in spans)
    labels = [t.get_text() for t in dashboard.chart.legend.get_texts()]
    assert labels == ["Tracks/s", "Match rate %", "Writing results"]


@pytest.mark.parametrize(
    ("dpi", "size"),
    [pytest.param(96, "760x560", id="96dpi"), pytest.param(144, "1140x840", id="144dpi")],
)
def test_no_chart_text_is_cut_off_or_overlaps(root, dashboard, dpi, size):
    """Every text of the chart (legend, titles, axis labels, the time panel's labels) lies
    inside the figure and apart from the others, at the dashboard's narrowest, on a
    96-dpi screen and on a 144-dpi one (where matplotlib draws its text 1.5 times larger)."""
    chart = dashboard.chart
    if dpi != 96:  # what matplotlib's canvas reads from the screen when it is shown
        chart.canvas._tkcanvas.winfo_fpixels = lambda _distance: float(dpi)
        chart.canvas._update_device_pixel_ratio()
    root.geometry(size)  # the chart as narrow as in a 1280-pixel window at 100 dpi, scaled
    for snapshot in _snapshots(10):
        dashboard.on_metrics(snapshot.metrics)
    run_until(root, lambda: not dashboard.chart.model.dirty, what="redraw")
    settle(root, 0.3)
    assert chart.figure.dpi == pytest.approx(dpi, rel=0.01)
    renderer = chart.canvas.get_renderer()
    figure = chart.figure.bbox
    rates, share, time_axes = chart.rates_axes, chart.share_axes, chart.time_axes
    labels = [rates.xaxis.label, rates.yaxis.label, share.yaxis.label]
    texts = [chart.legend, *chart.titles, *labels, *time_axes.get_yticklabels(),
             *time_axes.get_xticklabels()]  # fmt: skip
    boxes = []
    for artist in texts:
        box = artist.get_window_extent(renderer)
        assert figure.x0 <= box.x0 and box.x1 <= figure.x1 + 0.5, artist
        assert figure.y0 <= box.y0 and box.y1 <= figure.y1 + 0.5, artist
        boxes.append((artist, box))
    for n, (one, first) in enumerate(boxes):
        for other, second in boxes[n + 1 :]:
            assert not first.overlaps(second), f"{one} overlaps {other}"
    canvas = chart.canvas.get_tk_widget()  # the tick labels of the rates panel (Tk texts)
    left = min(canvas.bbox(i)[0] for i in canvas.find_withtag("tick"))
    assert left >= 0
    label = rates.yaxis.label.get_window_extent(renderer)
    ticks = [canvas.bbox(i) for i in canvas.find_withtag("tick")]
    assert all(label.x1 <= box[0] for box in ticks if box[1] < figure.height / 2), (
        "the tracks/s label runs into its tick labels"
    )


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


# -- issue 18: queries, slowest tracks, memory, the previous run, the report -------------------

from matcher import (  # noqa: E402 - the second half of the file is issue 18's
    MemoryUse,
    ProcessMemory,
    QueryKindStats,
    RunSeries,
    SlowTrack,
    format_memory,
    format_query_kinds,
    format_slowest,
)

KINDS = (
    QueryKindStats("isrc", 120, 12.0, 80, found=40, only=40),
    QueryKindStats("title+artist", 3000, 15000.0, 9000, found=900, proposed=20, only=700),
    QueryKindStats("title", 800, 5600.0, 4000, found=60, only=10),
    QueryKindStats("trigram", 400, 24000.0, 1200),
)
SLOWEST = tuple(
    SlowTrack(900.0 - 50 * n, 7 - n % 3, ("matched", "review", "unmatched", "error")[n % 4], 0,
              "Invented", 37 * n, f"Invented Artist {n}", f"Invented Title {n} (Extended Mix)")
    for n in range(10)
)  # fmt: skip
MEMORY = MemoryUse(ProcessMemory("host", 0, 4100, 80 << 20, 95 << 20),
                   (ProcessMemory("worker", 0, 4101, 120 << 20, 150 << 20),
                    ProcessMemory("worker", 1, 4102, 118 << 20, 149 << 20, restarts=1)),
                   318 << 20, 380 << 20)  # fmt: skip
PREVIOUS = RunSeries("20251231-000000-pppppp", (0.0, 20.0, 40.0, 60.0), (0.0, 60.0, 70.0, 66.0),
                     (0, 1200, 2800, 4000), (0.0, 0.8, 0.8, 0.8), preset="fast")  # fmt: skip


def _full(n: int = 1, metrics: dict | None = None, kinds=KINDS, slowest=SLOWEST, memory=MEMORY):  # noqa: ANN001, ANN202
    """A MetricsSnapshot with every panel's part, as a match batch sends it."""
    return MetricsSnapshot(BATCH, n, metrics or _snapshots(5)[-1].metrics, kinds, slowest, memory)


def _board(root, previous=None):  # noqa: ANN001, ANN202
    from ui.views.dashboard import Dashboard

    board = Dashboard(root, previous=lambda _playlists, _batch: previous)
    board.pack(fill="both", expand=True, padx=12, pady=12)
    board.on_event(BatchStarted(BATCH, 0, 4000, ((0, "invented.xml", "Invented", 4000),), 2))
    root.update()
    return board


def test_the_queries_view_shows_each_kind_in_a_table_and_bars(root, dashboard):
    from ui.performance_model import query_bars

    dashboard.on_snapshot(_full())
    dashboard.show_panel("Queries")
    chart = dashboard.queries.chart
    run_until(root, lambda: chart.counts(), what="the query chart drawn")
    assert dashboard.queries.table.rows() == format_query_kinds(KINDS, "local")
    assert {row[4] for row in dashboard.queries.table.rows()} == {"n/a (local)"}
    bars = query_bars(KINDS)
    assert [p.get_width() for p in chart.found_patches] == pytest.approx([b.share for b in bars])
    assert [p.get_width() for p in chart.only_patches] == pytest.approx(
        [b.only_share for b in bars]
    )
    assert chart.counts() == ["40 (40 only)", "900 (700 only)", "60 (10 only)", "0"]
    assert [t.get_text() for t in chart.axes.get_yticklabels()] == [k.kind for k in KINDS]
    # live: the next snapshot moves the table and the bars (paced, never lost)
    more = (*KINDS[:3], QueryKindStats("trigram", 900, 50000.0, 2000, found=100, only=100))
    dashboard.on_snapshot(_full(2, kinds=more))
    assert dashboard.queries.table.rows()[3][5] == "100"
    run_until(root, lambda: chart.counts()[-1] == "100 (100 only)", what="the bars to follow")
    assert chart.found_patches[-1].get_width() == pytest.approx(100 * 100 / 1100)


def test_hidden_views_are_not_drawn_until_shown(root, dashboard):
    dashboard.on_snapshot(_full())
    settle(root, 0.2)
    assert dashboard.queries.table.rows() == [] and dashboard.memory.table.rows() == []
    dashboard.show_panel("Memory")
    assert dashboard.memory.table.rows() == format_memory(MEMORY)


def test_the_slowest_tracks_and_a_double_click_to_the_results_row(root, dashboard):
    picked: list[tuple[str, int, int]] = []
    dashboard.on_show_entry = picked.append
    dashboard.show_panel("Slowest tracks")
    dashboard.on_snapshot(_full())
    table = dashboard.slowest.table
    assert table.rows() == format_slowest(SLOWEST)
    assert table.rows()[0][:3] == ("900 ms", "7", "matched")
    assert "c3" not in table.tree.cget("displaycolumns")  # one playlist: no Playlist column
    assert table.tree.item("1", "tags") == ("review",)
    root.update()
    x, y, _w, h = table.tree.bbox("3")
    for when in (1000, 1100):  # two clicks 100 ms apart: Tk makes a double-click of them
        table.tree.event_generate("<ButtonPress-1>", x=x + 5, y=y + h // 2, time=when)
        table.tree.event_generate("<ButtonRelease-1>", x=x + 5, y=y + h // 2, time=when + 20)
    root.update()
    assert picked == [(BATCH, 0, 111)]  # SLOWEST[3]: playlist 0, entry_index 3 * 37
    table.tree.focus("5")
    table.tree.event_generate("<Return>")
    assert picked[-1] == (BATCH, 0, 185)


def test_a_long_track_loses_its_middle_and_two_playlists_show_their_names(root, dashboard):
    long = SlowTrack(999.0, 9, "matched", 1, "Second List", 4, "An Invented Artist " * 12,
                     "An Invented Title (Extended Mix)")  # fmt: skip
    dashboard.show_panel("Slowest tracks")
    dashboard.on_snapshot(_full(slowest=(long, *SLOWEST[:3])))
    root.update()
    table = dashboard.slowest.table
    shown = table.shown()[0][5]
    assert "…" in shown and shown.endswith("(Extended Mix)") and shown.startswith("An Invented")
    assert table.rows()[0][5] == format_slowest((long,))[0][5]  # in full underneath
    assert "c3" in table.tree.cget("displaycolumns")  # rows from two playlists: named


def test_the_memory_view_shows_host_workers_and_total(root, dashboard):
    dashboard.show_panel("Memory")
    root.update()
    assert dashboard.memory.table.rows() == [] and dashboard.memory.empty.winfo_ismapped()
    dashboard.on_snapshot(_full())
    root.update()
    rows = dashboard.memory.table.rows()
    assert rows == format_memory(MEMORY)
    assert [r[0] for r in rows] == [
        "Engine host (pid 4100)", "Worker 1 (pid 4101)", "Worker 2 (pid 4102, restarted 1×)",
        "All processes",
    ]  # fmt: skip
    assert not dashboard.memory.empty.winfo_ismapped()


def test_the_tips_get_the_query_kinds(root, dashboard):
    metrics = dict(_snapshots(8)[-1].metrics, unmatched_tracks=0, review_tracks=0)
    idle = (*KINDS[:3], QueryKindStats("trigram", 400, 24000.0, 1200))  # found nothing
    expected = tips(metrics, idle)
    assert any(t.startswith("trigram queries found 0") for t in expected)
    assert tips(metrics) != expected  # the tip needs the query kinds
    dashboard.on_snapshot(_full(metrics=metrics, kinds=idle))
    assert dashboard.tips.shown.splitlines() == [f"• {tip}" for tip in expected]


def test_the_previous_run_is_overlaid_dashed_and_the_checkbox_toggles_it(root):
    board = _board(root, PREVIOUS)
    chart = board.chart
    assert board.previous_box.cget("state") == "normal"
    assert board.previous_box.cget("text") == "Previous run (fast)"
    for snapshot in _snapshots(12):
        board.on_metrics(snapshot.metrics)
    run_until(root, lambda: not chart.model.dirty, what="redraw")
    assert chart.previous_line.get_visible() and chart.previous_line.get_linestyle() == "--"
    assert tuple(chart.previous_line.get_xdata()) == PREVIOUS.t
    assert chart.rates_axes.get_xlim()[1] >= 60  # the whole previous run fits
    labels = [t.get_text() for t in chart.legend.get_texts()]
    assert labels[-1] == "Previous run"
    board.previous_box.toggle()  # a click: hide it
    run_until(root, lambda: not chart.model.dirty, what="redraw")
    assert not chart.previous_line.get_visible()
    assert "Previous run" not in [t.get_text() for t in chart.legend.get_texts()]
    assert chart.rates_axes.get_xlim()[1] < 60  # back to this run's time
    board.previous_box.toggle()
    assert chart.previous_line.get_visible()
    board.show_panel("Queries")
    assert not board.previous_box.winfo_ismapped()  # it is about the Overview's chart


def test_no_previous_run_leaves_the_checkbox_off(root):
    board = _board(root, None)
    assert board.previous_box.cget("state") == "disabled"
    assert board.previous_box.cget("text") == "No previous run"
    assert board.previous_box.get() == 0  # greyed and unticked, not a ticked "no"
    assert not board.chart.previous_line.get_visible()


def test_before_any_batch_the_checkbox_is_off_too(root):
    """A first start: no run at all, so nothing ticked (it showed "✓ Previous run")."""
    from ui.views.dashboard import Dashboard

    board = Dashboard(root)
    board.pack(fill="both", expand=True)
    root.update()
    assert board.previous_box.get() == 0 and board.previous_box.cget("state") == "disabled"
    assert board.previous_box.cget("text") == "No previous run"


def _paused_snapshots() -> list[MetricsSnapshot]:
    """The engine's figures for a run paused 10 s after 1.4 s: no snapshots while paused,
    the clock runs on, the speed leaves the pause out (as batch_run does)."""
    acc = MetricsAccumulator(total_tracks=4000, workers=2, preset="balanced", started=0.0)
    stats = ChunkStats(tracks=40, matched=30, review=4, unmatched=6, error=0, queries=120,
                       candidates=600, search_s=0.3, score_s=0.15, busy_s=0.5)  # fmt: skip
    out = []
    for n in range(1, 13):
        if n == 7:
            acc.add_time("paused", 10.0)  # resumed: the engine adds the pause
        acc.add_chunk(stats, 40)
        t = n * 0.25 if n < 7 else n * 0.25 + 10.0
        out.append(MetricsSnapshot(BATCH, n, acc.snapshot(t)))
    return out


def test_a_pause_is_a_marked_gap_not_a_straight_line(root, dashboard):
    """Paused, the batch sends nothing while its clock runs on: the chart drew a straight
    line across the pause. It marks the stretch ("Paused") and breaks the lines there."""
    import math

    for snapshot in _paused_snapshots():
        dashboard.on_snapshot(snapshot)
    run_until(root, lambda: not dashboard.chart.model.dirty, what="last redraw")
    chart = dashboard.chart
    assert chart.model.series().paused == (pytest.approx((1.5, 11.5)),)
    spans = [s for s in chart.paused_spans if s.get_visible()]
    assert len(spans) == 1 and spans[0].get_x() == pytest.approx(1.5)
    assert spans[0].get_width() == pytest.approx(10.0)
    x, y = chart.tps_line.get_data()
    gap = [n for n, v in enumerate(x) if math.isnan(v)]
    assert len(gap) == 1 and x[gap[0] - 1] == pytest.approx(1.5) and x[gap[0] + 1] > 11.5
    assert math.isnan(chart.match_line.get_data()[1][gap[0]])
    labels = [t.get_text() for t in chart.legend.get_texts()]
    assert labels == ["Tracks/s", "Match rate %", "Writing results", "Paused"]
    screenshot(root, "dashboard_paused.png")
    dashboard.on_event(BatchStarted("20260101-000000-eeeeee", 0, 10, ((0, "x.xml", "X", 10),), 2))
    run_until(root, lambda: not chart.model.dirty, what="the reset drawn")
    assert "Paused" not in [t.get_text() for t in chart.legend.get_texts()]


def test_the_metrics_table_leaves_the_pause_out_of_elapsed_and_shows_it(root, dashboard):
    """The table said "Elapsed 13 s" beside a speed that left the 10 s pause out, so its
    figures did not add up (and the status bar says the pause apart)."""
    last = _paused_snapshots()[-1].metrics
    for snapshot in _paused_snapshots():
        dashboard.on_snapshot(snapshot)
    values = dashboard.metrics_table.values()
    assert dict(format_metrics(last))["Elapsed"] == "13 s"  # the engine's wall time
    assert (values["Elapsed"], values["Paused"]) == ("3.0 s", "10 s")
    labels = list(values)
    assert labels[labels.index("Elapsed") + 1] == "Paused"
    # the figures add up: the tracks at that speed took the elapsed time
    assert float(values["Tracks/s"]) * 3.0 == pytest.approx(last["done_tracks"], rel=0.02)


def test_the_users_choice_outlives_a_run_without_a_previous_one(root):
    """Unticked by the user, then a run with no previous run, then one with: the box
    comes back unticked and the line stays hidden; ticked again, it shows."""
    board = _board(root, PREVIOUS)
    board.previous_box.toggle()  # the user hides it
    board._set_previous(None)
    assert board.previous_box.get() == 0
    board._set_previous(PREVIOUS)
    assert board.previous_box.cget("state") == "normal" and board.previous_box.get() == 0
    assert not board.chart.model.show_previous
    board.previous_box.toggle()
    assert board.previous_box.get() == 1 and board.chart.model.show_previous
    board._set_previous(None)
    board._set_previous(PREVIOUS)
    assert board.previous_box.get() == 1 and board.chart.model.show_previous


def test_the_previous_run_is_looked_up_off_the_tk_thread(root):
    import threading

    from ui.views.dashboard import Dashboard

    posted: list = []
    threads: list[str] = []

    def look(_playlists, _batch):  # noqa: ANN001, ANN202
        threads.append(threading.current_thread().name)
        return PREVIOUS

    board = Dashboard(root, post=posted.append, previous=look)
    board.pack(fill="both", expand=True)
    board.on_event(BatchStarted(BATCH, 0, 4000, ((0, "invented.xml", "Invented", 4000),), 2))
    assert board.previous_box.cget("state") == "disabled"  # still looking
    run_until(root, lambda: bool(posted), what="the look-up to post its answer")
    assert threads == ["cratematch-previous-run"]
    posted[0]()  # what the pump does on the Tk thread
    assert board.chart.model.previous is PREVIOUS and board.previous_box.cget("state") == "normal"


def test_export_writes_the_report_and_both_charts(root, dashboard, tmp_path, monkeypatch):
    from PIL import Image

    import ui.report_export

    written: list = []

    def write(path, batch_id, snapshot):  # noqa: ANN001, ANN202
        written.append((batch_id, snapshot))
        path.write_text(f'{{"batch_id": "{batch_id}"}}', encoding="utf-8")
        return path

    monkeypatch.setattr(ui.report_export, "export_performance_report", write)
    snapshot = _full()
    dashboard.on_snapshot(snapshot)
    run_until(root, lambda: not dashboard.chart.model.dirty, what="redraw")
    dashboard.ask_save_path = lambda: str(tmp_path / "performance_report.json")
    dashboard.export_button.invoke()
    assert written == [(BATCH, snapshot)]  # still running: the newest snapshot goes in
    for name in ("performance_report.png", "performance_report-queries.png"):
        with Image.open(tmp_path / name) as png:
            assert png.format == "PNG" and png.width > 300 and png.height > 150
    assert dashboard.message.cget("text").startswith("Saved performance_report.json, ")
    root.update()
    assert dashboard.message.winfo_ismapped()
    run_until(root, lambda: not dashboard.chart.model.dirty, what="redraw")
    assert not dashboard.chart.rates_axes.yaxis.get_tick_params()["labelleft"]  # Tk ticks again


def test_an_export_that_fails_says_why_in_one_line(root, dashboard, tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        outcome = dashboard.export_to(folder / "performance_report.json")
    finally:
        folder.chmod(0o700)
    assert not outcome.ok
    text = dashboard.message.cget("text")
    assert text.startswith("The report could not be saved: ") and "Traceback" not in text
    assert "\n" not in text
