"""A review decision after the "Write tags" preview was read, through the real window and
engine: the preview is read again from the results as decided, and Write writes what it
then shows. A row marked "no match" leaves its file byte for byte as it was; marked in
another window, the write stops before any file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from matcher.config import EngineConfig
from matcher.engine.client import Engine
from matcher.engine.events import ResultEdited
from matcher.engine.history import History
from matcher.writeback import WriteJournal
from matcher.writeback.decisions import CHANGED_SINCE_PLAN
from matcher.writeback.targets import resolve_sources
from tests.ui.gui_helpers import pump_until, screenshot, spin
from tests.ui.write_library import WriteLibrary, build_write_library, digests
from tests.ui.write_steps import matched_app, preview_ready, table_rows
from ui.results_model import COLUMNS
from ui.write_run import RunKind, RunPhase, Stage
from ui.writes import REREAD, REREAD_REFUSED

REJECTED = "01 Ember Glass.mp3"  # its row is marked "not in the catalog" after the preview


@pytest.fixture
def library(tmp_path: Path) -> WriteLibrary:
    return build_write_library(tmp_path)


def _reject(app, title: str) -> None:  # noqa: ANN001
    """Select the results row of `title`, Review…, No match; wait for the engine's answer."""
    view = app.results_view
    column = [c.key for c in COLUMNS].index("source_title")
    iid = next(i for i in view.shown_iids() if view.tree.item(i, "values")[column] == title)
    view.tree.selection_set(iid)
    view.review_button.invoke()
    review = view.review_dialog
    pump_until(app, lambda: review.winfo_ismapped(), "the review dialog")
    review.no_match_button.invoke()
    status = [c.key for c in COLUMNS].index("status")
    pump_until(app, lambda: view.tree.item(iid, "values")[status] != "matched", "the decision")


def _files_in_preview(dialog) -> set[str]:  # noqa: ANN001
    return {row[0] for row in table_rows(dialog.preview.tree) if not row[4].startswith("refused")}


def test_a_decision_while_the_preview_shows_reads_it_again(make_app, library) -> None:
    app = matched_app(make_app, library)
    writes = app.controller.writes
    before = digests(library.files)
    dialog = app.write_actions.write_tags()
    preview_ready(app)
    assert dialog.preview.headline.cget("text") == "4 files to change (32 fields) · 2 refused"
    assert REJECTED in _files_in_preview(dialog)
    reads = len(writes._ids)

    _reject(app, "Ember Glass")  # the write dialog stays open behind the review
    pump_until(app, lambda: len(writes._ids) == reads + 1, "the preview read again")
    preview_ready(app)
    assert dialog.preview.headline.cget("text") == "3 files to change (24 fields) · 2 refused"
    assert REJECTED not in _files_in_preview(dialog)
    assert dialog.preview.details.cget("text").startswith(REREAD)
    screenshot(app, "write-7-read-again-after-review")

    dialog.event_generate("<Control-Return>")
    assert writes.run.kind is RunKind.WRITE
    pump_until(app, lambda: writes.run.over and dialog.stage is Stage.RESULT, "the write")
    assert dialog.result.headline.cget("text") == "✓ Tags written to 3 files"
    after = digests(library.files)
    assert after[REJECTED] == before[REJECTED]
    assert {n for n in before if before[n] != after[n]} == {
        "02 Salt Circuit.flac", "03 Quarry Lights.wav", "04 Velvet Harbour.ogg",
    }  # fmt: skip


def test_a_decision_after_the_dialog_closed_reads_again_when_it_opens(make_app, library) -> None:
    app = matched_app(make_app, library)
    writes = app.controller.writes
    before = digests(library.files)
    dialog = app.write_actions.write_tags()
    preview_ready(app)
    dialog.close()
    spin(app, 0.1)
    reads = len(writes._ids)

    _reject(app, "Ember Glass")
    spin(app, 0.2)
    assert len(writes._ids) == reads  # nothing read while nobody looks
    dialog = app.write_actions.write_tags()
    assert len(writes._ids) == reads + 1 and writes.run.kind is RunKind.READ
    preview_ready(app)
    assert dialog.preview.headline.cget("text") == "3 files to change (24 fields) · 2 refused"
    dialog.write()
    pump_until(app, lambda: writes.run.kind is RunKind.WRITE and writes.run.over, "the write")
    assert digests(library.files)[REJECTED] == before[REJECTED]


def _decided_elsewhere(out_dir: str, entry_index: int) -> None:
    """Another window (its own engine, the same batch journal) marks the row of
    `entry_index` "not in the catalog"; returns once the decision is saved."""
    with History.open() as history:
        (source,) = resolve_sources(history, [out_dir])
    with Engine(EngineConfig(workers=1), prepare=False) as other:
        other.review(source.batch_id, source.playlist_id, entry_index, None)
        events: list = []
        deadline = time.monotonic() + 30.0
        while not any(isinstance(e, ResultEdited) for e in events):
            assert time.monotonic() < deadline, f"the decision was not saved: {events}"
            events += other.events(timeout=0.1)


def test_a_decision_in_another_window_after_the_preview_stops_the_write(make_app, library) -> None:
    """This window's preview cannot know of it; the engine checks the results as the
    write begins: nothing is written, and the dialog reads the preview again and says
    why, as after a decision made here."""
    app = matched_app(make_app, library)
    writes = app.controller.writes
    before = digests(library.files)
    dialog = app.write_actions.write_tags()
    preview_ready(app)
    (rejected,) = [p for p in writes.preview.to_write() if p.path.endswith(REJECTED)]
    _decided_elsewhere(writes.source.out_dir, rejected.target.rows[0][1])
    spin(app, 0.2)
    assert writes.preview.writable  # nothing this window saw

    dialog.event_generate("<Control-Return>")
    refused = writes.run
    assert refused.kind is RunKind.WRITE
    pump_until(app, lambda: refused.over, "the write")
    assert refused.phase is RunPhase.FAILED and refused.error == CHANGED_SINCE_PLAN
    assert digests(library.files) == before
    pump_until(app, lambda: writes.run.kind is RunKind.READ, "the preview read again")
    preview_ready(app)  # as after a decision made here: the files as now decided
    assert dialog.preview.headline.cget("text") == "3 files to change (24 fields) · 2 refused"
    assert dialog.preview.details.cget("text").startswith(REREAD_REFUSED)
    assert REJECTED not in _files_in_preview(dialog)
    screenshot(app, "write-8-decided-in-another-window")
    with WriteJournal() as journal:
        assert journal.writes() == ()  # the refused write never began
