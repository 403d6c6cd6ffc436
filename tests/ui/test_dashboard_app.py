"""The dashboard in the whole window on the real engine: the per-kind query figures add
up, the slowest tracks lead to their rows in Results (a double-click), memory is shown,
the report and its charts are exported, and a second run of the same playlist is drawn
over the first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from matcher import PERFORMANCE_REPORT
from tests.matcher.engine.engine_fixtures import write_catalog, write_m3u8
from tests.ui.gui_helpers import pump_until, screenshot, spin


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    write_catalog(tmp_path / "catalog.csv")
    return tmp_path / "catalog.csv"


def _finished(app) -> bool:  # noqa: ANN001
    return app.status_bar.phase.cget("text") == "Finished"


def _double_click(tree, iid: str) -> None:  # noqa: ANN001 - a ttk.Treeview
    """Two clicks 100 ms apart on the row, as X delivers a double-click."""
    x, y, _w, h = tree.bbox(iid)
    for when in (5000, 5100):
        tree.event_generate("<ButtonPress-1>", x=x + 8, y=y + h // 2, time=when)
        tree.event_generate("<ButtonRelease-1>", x=x + 8, y=y + h // 2, time=when + 20)


def test_the_dashboard_on_a_real_batch(make_app, catalog: Path, tmp_path: Path) -> None:
    playlist = tmp_path / "Warm Up.m3u8"
    write_m3u8(playlist, 600)
    out = tmp_path / "out"
    app = make_app([str(playlist), "--catalog", str(catalog), "--out", str(out), "--start"])
    pump_until(app, lambda: _finished(app), "the batch to end")
    board = app.dashboard
    pump_until(app, lambda: board.state.ended and board.state.slowest, "the last snapshot")
    snapshot = board.state.snapshot
    batch_id = board.state.batch_id

    # 1. query kinds: they add up to the batch's queries
    assert sum(q.runs for q in snapshot.queries) == snapshot.metrics["queries_executed"]
    app.tabs.set("Dashboard")
    board.show_panel("Queries")
    spin(app, 0.6)
    rows = board.queries.table.rows()
    assert [r[0] for r in rows] == [q.kind for q in snapshot.queries]
    assert {r[4] for r in rows} == {"n/a (local)"}
    assert board.queries.chart.counts()  # the bars were drawn, each with its count

    # 3. memory: the host and each worker, sampled while the batch ran
    board.show_panel("Memory")
    spin(app, 0.3)
    memory = board.memory.table.rows()
    assert memory[0][0].startswith("Engine host (pid ") and memory[-1][0] == "All processes"
    assert len(memory) == 2 + len(snapshot.memory.workers) and snapshot.memory.peak > 0

    # 2. the slowest tracks, and a double-click to the row in Results
    board.show_panel("Slowest tracks")
    spin(app, 0.3)
    slow = board.state.slowest
    assert 1 <= len(slow) <= 10 and len(board.slowest.table.rows()) == len(slow)
    assert [s.elapsed_ms for s in slow] == sorted((s.elapsed_ms for s in slow), reverse=True)
    screenshot(app, "dashboard-slowest-real")
    pump_until(app, lambda: app.results_view.pending_count == 0, "every row in Results")
    _double_click(board.slowest.table.tree, "0")
    spin(app, 0.3)
    assert app.tabs.get() == "Results"
    row = app.results_view.selected_row()
    assert row is not None and row.key == (batch_id, slow[0].playlist_id, slow[0].entry_index)
    tree = app.results_view.tree
    assert tree.bbox(row.iid) != ""  # in sight
    assert tree.set(row.iid, "index") == str(slow[0].entry_index + 1)

    # 4. the report, exported where the user says, with both charts beside it
    app.tabs.set("Dashboard")
    assert board.export_folder() == out  # the save dialog opens in the batch's folder
    chosen = tmp_path / "exported" / PERFORMANCE_REPORT
    chosen.parent.mkdir()
    board.ask_save_path = lambda: str(chosen)
    board.export_button.invoke()
    report = json.loads(chosen.read_text(encoding="utf-8"))
    assert report["batch_id"] == batch_id
    for png in ("performance_report.png", "performance_report-queries.png"):
        with Image.open(chosen.parent / png) as image:
            assert image.format == "PNG" and image.width > 200
    assert board.message.cget("text").startswith("Saved performance_report.json, ")

    # 5. the same playlist again: the first run is drawn under the second
    board.show_panel("Overview")
    assert board.previous_box.cget("text") == "No previous run"
    app.controller.intake.add_paths([playlist])
    pump_until(app, lambda: app.controller.model.waiting(), "the playlist queued again")
    app.controller.start()
    pump_until(app, lambda: board.state.batch_id != batch_id, "the second batch")
    pump_until(app, lambda: board.previous_box.cget("state") == "normal", "the previous run")
    assert board.chart.model.previous.batch_id == batch_id
    pump_until(app, lambda: _finished(app), "the second batch to end")
    spin(app, 0.6)
    assert board.chart.previous_line.get_visible() and len(board.chart.previous_line.get_xdata())
    assert "Previous run" in [t.get_text() for t in board.chart.legend.get_texts()]
    screenshot(app, "dashboard-previous-run-real")
