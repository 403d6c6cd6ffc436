"""Writing tags from the window, on the real engine and a small synthesised library:
"Write tags…" after a batch, the preview and its options, the write (with refused files
listed), the results rows it marks, undo from the dialog and from the Writes tab, and a
long write paused and cancelled. Every wait is bounded; assertions are on what the window
shows (and on the files' bytes)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.ui.gui_helpers import pump_until, screenshot, spin
from tests.ui.write_library import (
    BROKEN_FILES,
    WriteLibrary,
    build_write_library,
    digests,
    long_night,
)
from tests.ui.write_steps import matched_app, preview_ready, table_rows
from ui.results_model import COLUMNS
from ui.write_run import RunKind, RunPhase, Stage
from ui.written_rows import REFUSED, WRITTEN

READ_ONLY = "03 Quarry Lights.wav"  # made read-only between the preview and the write


@pytest.fixture
def library(tmp_path: Path) -> WriteLibrary:
    return build_write_library(tmp_path)


def _marks(app) -> dict[str, str]:  # noqa: ANN001
    """File name -> the results row's "File tags" cell."""
    view, column = app.results_view, [c.key for c in COLUMNS].index("written")
    title = [c.key for c in COLUMNS].index("source_title")
    return {view.tree.item(i, "values")[title]: view.tree.item(i, "values")[column]
            for i in view.shown_iids()}  # fmt: skip


def test_preview_write_undo_and_the_writes_tab(make_app, library: WriteLibrary) -> None:
    app = matched_app(make_app, library)
    writes, view = app.controller.writes, app.results_view
    assert view.write_button.cget("state") == "normal"
    before = digests(library.files)

    view.write_button.invoke()
    dialog = app.write_actions.dialog
    assert dialog is not None and writes.run.kind is RunKind.READ
    preview_ready(app)
    preview = dialog.preview
    # 4 readable matched files get 8 fields each; the 2 broken ones are refused
    assert preview.headline.cget("text") == "4 files to change (32 fields) · 2 refused"
    rows = table_rows(preview.tree)
    refused = {r[0]: r[4] for r in rows if r[4].startswith("refused")}
    assert set(refused) == set(BROKEN_FILES)
    assert ("01 Ember Glass.mp3", "Key", "—", "Am", "empty in the file") in rows
    assert dialog.write_button.cget("text") == "Write 32 fields to 4 files"
    screenshot(app, "write-1-preview")

    # per-field checkboxes and the key notation re-plan at once, without reading again
    reads = len([r for r in writes._ids])
    preview.field_boxes["genre"].toggle()
    preview.notation.set("8A (Camelot)")
    preview._changed()
    preview_ready(app)
    assert preview.headline.cget("text").startswith("4 files to change (28 fields)")
    assert ("01 Ember Glass.mp3", "Key", "—", "8A", "empty in the file") in table_rows(preview.tree)
    assert len(writes._ids) == reads
    # include review rows changes which files are written: the files are read again
    preview.include_review.toggle()
    pump_until(app, lambda: len(writes._ids) == reads + 1, "a new read")
    preview_ready(app)
    assert writes.preview.options.include_review and not preview.field_boxes["genre"].get()
    preview.include_review.toggle()
    pump_until(app, lambda: len(writes._ids) == reads + 2, "the read without review rows")
    preview_ready(app)
    assert not writes.preview.options.include_review
    assert preview.headline.cget("text").startswith("4 files to change (28 fields)")

    os.chmod(library.file(READ_ONLY), 0o444)
    dialog.event_generate("<Control-Return>")
    assert writes.run.kind is RunKind.WRITE
    pump_until(app, lambda: writes.run.over and dialog.stage is Stage.RESULT, "the write")
    spin(app, 0.2)

    result = dialog.result
    write_id = writes.run.write_id
    assert result.headline.cget("text") == "✓ Tags written to 3 files"
    assert result.detail.cget("text") == f"3 written · 3 refused · write {write_id}"
    listed = {r[0]: r[1] for r in table_rows(result.refused)}
    assert listed[READ_ONLY] == "read-only" and set(BROKEN_FILES) <= set(listed)
    assert dialog.undo_button.winfo_ismapped()
    screenshot(app, "write-2-written")

    after = digests(library.files)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"01 Ember Glass.mp3", "02 Salt Circuit.flac", "04 Velvet Harbour.ogg"}
    match_batch = app.controller.model.batch_id
    assert app.dashboard.state.batch_id == match_batch  # the write did not reset the dashboard
    assert not app.controller.session.notices  # nor said anything in the queue's notices
    marks = _marks(app)
    assert marks["Ember Glass"] == WRITTEN and marks["Quarry Lights"] == REFUSED
    assert marks["Hollow Tide"] == REFUSED and marks["Paper Moons"] == REFUSED
    written_iids = [i for i in view.shown_iids() if view.tree.item(i, "tags") == ("written",)]
    assert len(written_iids) == 3

    dialog.undo_button.invoke()
    dialog.confirm.answer(True)
    pump_until(app, lambda: writes.run.kind is RunKind.UNDO and writes.run.over
               and dialog.stage is Stage.RESULT, "the undo")  # fmt: skip
    spin(app, 0.2)
    assert result.headline.cget("text") == "✓ Write undone: 3 files put back as they were"
    assert digests(library.files) == before
    assert _marks(app)["Ember Glass"] == "undone"
    screenshot(app, "write-3-undone")

    dialog.event_generate("<Escape>")
    spin(app, 0.1)
    assert app.write_actions.dialog is None or not app.write_actions.dialog.winfo_exists()
    app.tabs.set("Writes")
    pump_until(app, lambda: app.writes_view.tree.get_children(""), "the writes listed")
    row = app.writes_view.tree.item(write_id, "values")
    # what the write did (3 written, 3 refused, as its dialog said), and that it was undone
    assert row[1:] == ("Audio files", "3", "3", "0", "undone", "out")
    assert app.writes_view.undo_last_button.cget("state") == "disabled"
    detail = app.writes_view.detail.cget("text")
    assert detail.startswith(f"Write {write_id} · from {library.out} · Label, Key, BPM")
    assert "Genre" not in detail and "key as 8A (Camelot)" in detail  # as it was written
    screenshot(app, "write-4-writes-tab")


def test_ctrl_t_opens_the_preview_and_escape_cancels_the_read(make_app, library) -> None:
    app = matched_app(make_app, library)
    app.root.focus_force()
    app.root.event_generate("<Control-t>")
    spin(app, 0.1)
    dialog = app.write_actions.dialog
    assert dialog is not None
    preview_ready(app)
    dialog.event_generate("<Escape>")
    spin(app, 0.1)
    assert not dialog.winfo_exists()
    assert not app.controller.writes.active


def test_undo_from_the_writes_tab(make_app, library) -> None:
    app = matched_app(make_app, library)
    writes = app.controller.writes
    before = digests(library.files)
    dialog = app.write_actions.write_tags()
    preview_ready(app)
    dialog.write()
    pump_until(app, lambda: writes.run.kind is RunKind.WRITE and writes.run.over, "the write")
    dialog.close()
    app.tabs.set("Writes")
    tab = app.writes_view
    pump_until(app, lambda: tab.undo_last_button.cget("state") == "normal", "Undo last write")
    tab.undo_last_button.invoke()
    tab.confirm.answer(True)
    pump_until(app, lambda: writes.run.kind is RunKind.UNDO and writes.run.over, "the undo")
    assert app.write_actions.dialog is not None  # the undo's progress and result show
    assert digests(library.files) == before
    pump_until(app, lambda: tab.undo_last_button.cget("state") == "disabled", "nothing to undo")
    # "Write tags…" again: the files are read afresh for a new preview
    app.results_view.write_button.invoke()
    assert writes.run.kind is RunKind.READ
    preview_ready(app)
    assert app.write_actions.dialog.preview.headline.cget("text").startswith("4 files to change")


@pytest.mark.slow
def test_a_long_write_shows_progress_pauses_and_cancels(make_app, tmp_path: Path) -> None:
    library = build_write_library(tmp_path, long_night(1_500))
    app = matched_app(make_app, library)
    writes = app.controller.writes
    dialog = app.write_actions.write_tags()
    preview_ready(app)
    assert dialog.preview.headline.cget("text") == "1,500 files to change (12,000 fields)"
    assert dialog.preview.note.cget("text").startswith("Showing the first 5,000 of 12,000 rows")
    dialog.write()
    pump_until(app, lambda: writes.run.done > 0, "the first files written")
    dialog.pause_button.invoke()
    pump_until(
        app,
        lambda: (
            writes.run.phase is RunPhase.PAUSED
            and dialog.pause_button.cget("text").endswith("Resume")
        ),
        "the write to pause",
    )
    paused_at = writes.run.done
    spin(app, 0.5)
    assert writes.run.done == paused_at < 1_500
    assert dialog.progress.title.cget("text") == "Paused"
    expected = f"{paused_at:,} of 1,500 files · {paused_at / 1500:.0%}"
    assert dialog.progress.files.cget("text") == expected
    assert dialog.progress.groups.item("g0", "values")[0] == "Set"
    screenshot(app, "write-5-progress-paused")
    # while it writes, no batch starts, and closing the window asks first
    assert not app.controller.start()
    assert app.controller.session.notices[-1].startswith("Wait for the tag write to finish")
    app.request_close()
    assert app.close_dialog is not None
    assert app.close_dialog.title() == "Stop writing tags and quit?"
    app.close_dialog.answer(False)
    assert not app.closed
    dialog.pause_button.invoke()
    pump_until(app, lambda: writes.run.done > paused_at, "the write to go on")
    dialog.stop_button.invoke()
    pump_until(app, lambda: writes.run.over and dialog.stage is Stage.RESULT, "the cancel")
    assert writes.run.phase is RunPhase.CANCELLED
    written = writes.run.outcomes["written"]
    assert 0 < written < 1_500
    assert dialog.result.headline.cget("text") == (
        f"Write cancelled: {written:,} files written before it stopped"
    )
    marked = [v for v in _marks(app).values() if v == WRITTEN]
    assert len(marked) == written
    assert app.pump.longest_tick_s < 0.5


def test_the_preview_shown_again_says_what_the_files_are_now(make_app, library) -> None:
    """A file refused as read-only and made writable (chmod u+w) is planned when "Write
    tags…" opens again, and when the user then changes an option; and the other way round.
    Without reading anything again when nothing changed."""
    target = library.file(READ_ONLY)
    os.chmod(target, 0o444)
    app = matched_app(make_app, library)
    writes = app.controller.writes
    dialog = app.write_actions.write_tags()
    preview_ready(app)
    assert dialog.preview.headline.cget("text") == "3 files to change (24 fields) · 3 refused"
    assert (READ_ONLY, "—", "", "", "refused: read-only") in table_rows(dialog.preview.tree)
    dialog.close()

    reads = len(writes._ids)
    dialog = app.write_actions.write_tags()  # nothing changed: the same preview, unread
    preview_ready(app)
    assert len(writes._ids) == reads
    assert dialog.preview.headline.cget("text") == "3 files to change (24 fields) · 3 refused"
    dialog.close()

    os.chmod(target, 0o644)
    dialog = app.write_actions.write_tags()
    pump_until(app, lambda: len(writes._ids) == reads + 1, "the files read again")
    preview_ready(app)
    assert dialog.preview.headline.cget("text") == "4 files to change (32 fields) · 2 refused"
    rows = table_rows(dialog.preview.tree)
    assert (READ_ONLY, "Key", "—", "Am", "empty in the file") in rows
    assert dialog.write_button.cget("state") == "normal"
    screenshot(app, "write-6-made-writable")

    os.chmod(target, 0o444)  # while the dialog is open; then "Overwrite values that differ"
    dialog.preview.policy_buttons["overwrite"].invoke()
    pump_until(app, lambda: len(writes._ids) == reads + 2, "the files read again")
    preview_ready(app)
    assert writes.preview.options.overwrite and dialog.preview.policy.get() == "overwrite"
    assert (READ_ONLY, "—", "", "", "refused: read-only") in table_rows(dialog.preview.tree)
    assert dialog.preview.headline.cget("text").endswith("· 3 refused")


def test_a_batch_run_again_is_read_again(make_app, library) -> None:
    """After the batch ran again, "Write tags…" plans from its results (and marks its
    rows), not from the batch the last preview was read for."""
    app = matched_app(make_app, library)
    writes = app.controller.writes
    dialog = app.write_actions.write_tags()
    preview_ready(app)
    dialog.close()
    first, reads = writes.source, len(writes._ids)
    app.controller.intake.add_paths([library.playlist])
    pump_until(app, lambda: app.controller.model.waiting(), "the playlist queued again")
    assert app.controller.start()
    pump_until(app, lambda: writes.source != first and not app.controller.model.active,
               "the batch run again")  # fmt: skip
    dialog = app.write_actions.write_tags()
    assert len(writes._ids) == reads + 1 and writes.run.kind is RunKind.READ
    preview_ready(app)
    dialog.write()
    pump_until(app, lambda: writes.run.kind is RunKind.WRITE and writes.run.over, "the write")
    pump_until(app, lambda: _marks(app).get("Ember Glass") == WRITTEN, "the new rows marked")


def _fits(label) -> bool:  # noqa: ANN001
    """Whether a label shows its whole text: one line as wide as it needs, or wrapped."""
    label.update_idletasks()
    inner = label._label  # the tk.Label inside the CTkLabel
    return inner.winfo_reqwidth() <= label.winfo_width() + 1 and label.winfo_ismapped()


def test_the_writes_tab_messages_fit(make_app, library) -> None:
    """The hint of an empty Writes tab and the answer to undoing a write already undone
    are whole at the window's size (1280 pixels wide), not cut off."""
    app = make_app()
    tab = app.writes_view
    app.tabs.set("Writes")
    pump_until(app, lambda: not app.controller.writes.listed.loading, "the writes listed")
    spin(app, 0.3)
    assert tab.message.cget("text").startswith("Nothing written yet")
    assert _fits(tab.message), tab.message.cget("text")
    screenshot(app, "writes-0-empty")
    app = matched_app(make_app, library)
    writes, tab = app.controller.writes, app.writes_view
    dialog = app.write_actions.write_tags()
    preview_ready(app)
    dialog.write()
    pump_until(app, lambda: writes.run.kind is RunKind.WRITE and writes.run.over, "the write")
    write_id = writes.run.write_id
    writes.undo(write_id)
    pump_until(app, lambda: writes.run.kind is RunKind.UNDO and writes.run.over, "the undo")
    dialog.close()
    app.tabs.set("Writes")
    pump_until(app, lambda: tab.tree.exists(write_id)
               and tab.tree.item(write_id, "values")[5] == "undone", "the undo listed")  # fmt: skip
    tab.tree.selection_set(write_id)
    spin(app, 0.1)
    tab.undo_selected_button.invoke()
    spin(app, 0.3)
    assert tab.confirm is None and "undone" in tab.message.cget("text")
    assert _fits(tab.message), tab.message.cget("text")
    screenshot(app, "writes-1-nothing-to-undo")


def test_the_notice_to_match_first_goes_once_a_batch_has_results(make_app, library) -> None:
    """Ctrl+T before any batch says to match first; once a batch has results that is no
    longer true, and the notice under the drop zone goes."""
    app = make_app([str(library.playlist), "--catalog", str(library.catalog),
                    "--out", str(library.out)])  # fmt: skip
    pump_until(app, lambda: app.controller.model.waiting(), "the playlist queued")
    assert app.write_actions.write_tags() is None
    spin(app, 0.2)
    assert "Match some playlists first" in app.notices.shown
    assert app.controller.start()
    pump_until(app, lambda: app.controller.writes.source is not None, "the batch to finish")
    spin(app, 0.2)
    assert "Match some playlists first" not in app.notices.shown
    assert not app.notices.winfo_ismapped()
