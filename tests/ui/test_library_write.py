"""Writing into DJ libraries from the window, on the real engine: after a batch, "To
library ▾" previews the write into a copy of a Rekordbox master.db (or a Traktor
collection, found where Traktor keeps it), shows its progress, lands in the Writes tab,
and Undo there restores the library byte for byte; a running Rekordbox is refused in
one readable line, before anything is read or written. The library is checked with SQL
(and with pyrekordbox, a second reader) and by sha256; every wait is bounded."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from tests.matcher.engine.library_fixtures import (
    OTHER,
    read_master_db,
    rekordbox_library,
    sha256,
    traktor_collection,
)
from tests.ui.gui_helpers import pump_until, screenshot, spin
from tests.ui.write_library import WriteLibrary, build_write_library
from tests.ui.write_steps import matched_app, preview_ready, table_rows
from ui.views.write_actions import LIBRARY_MENU
from ui.write_run import RunKind, RunPhase, Stage

LEFT_OUT = "06 Paper Moons.mp3"  # a matched file the library does not hold


@pytest.fixture
def library(tmp_path: Path) -> WriteLibrary:
    return build_write_library(tmp_path)


def _held(library: WriteLibrary) -> list[str]:
    return [str(p) for p in library.files if p.name != LEFT_OUT]


def _write_through(app, dialog) -> None:  # noqa: ANN001
    """Press Write in `dialog` and wait for its result."""
    writes = app.controller.writes
    dialog.write()
    pump_until(app, lambda: writes.run.kind is RunKind.WRITE and writes.run.over
               and dialog.stage is Stage.RESULT, "the write")  # fmt: skip


def _undo_from_the_writes_tab(app, write_id: str) -> None:  # noqa: ANN001
    writes, tab = app.controller.writes, app.writes_view
    app.tabs.set("Writes")
    pump_until(app, lambda: tab.tree.exists(write_id), "the write listed")
    tab.tree.selection_set(write_id)
    spin(app, 0.1)
    tab.undo_selected_button.invoke()
    assert tab.confirm.no_button.cget("text") == "Keep it"  # the library's words, not tags'"
    tab.confirm.answer(True)
    pump_until(app, lambda: writes.run.kind is RunKind.UNDO and writes.run.over
               and app.write_actions.dialog.stage is Stage.RESULT, "the undo")  # fmt: skip


def test_rekordbox_preview_write_and_undo_from_the_writes_tab(make_app, library, tmp_path):
    db = rekordbox_library(tmp_path / "rekordbox", _held(library))
    original = sha256(db)
    app = matched_app(make_app, library)
    writes, view = app.controller.writes, app.results_view
    assert view.library_button.cget("state") == "normal"
    view.library_button.invoke()  # the menu of libraries, under the button
    spin(app, 0.2)
    menu = app.write_actions.menu
    labels = [menu.entrycget(n, "label").strip() for n in range(menu.index("end") + 1)]
    assert labels == list(LIBRARY_MENU)
    screenshot(app, "library-0-menu")
    menu.unpost()
    menu.grab_release()  # tk_popup grabbed the pointer; a click elsewhere would release it
    spin(app, 0.1)

    dialog = app.write_actions.write_library("rekordbox", str(db))
    assert writes.run.kind is RunKind.READ and writes.run.target == "rekordbox"
    preview_ready(app)
    preview = dialog.preview
    assert dialog.heading.cget("text") == "Write into your Rekordbox library"
    assert preview.library_path.cget("text") == str(db) and preview.library_row.winfo_ismapped()
    shown = {name for name, box in preview.field_boxes.items() if box.winfo_ismapped()}
    assert shown == {"genre", "label", "key", "year", "remixers", "comment", "bpm", "mix",
                     "isrc"}  # fmt: skip
    ticked = {name for name in shown if preview.field_boxes[name].get()}
    assert ticked == shown - {"comment"} == set(writes.preview.options.fields)
    assert not preview.notation.winfo_ismapped()  # Rekordbox names its keys its own way
    headline = preview.headline.cget("text")
    assert headline.startswith("5 tracks to change (") and headline.endswith("· 1 refused")
    rows = table_rows(preview.tree)
    assert (LEFT_OUT, "—", "", "", "refused: not in the Rekordbox library") in rows
    assert any(r[:4] == ("02 Salt Circuit.flac", "Genre", "—", "House") for r in rows)
    assert not any(r[:2] == ("01 Ember Glass.mp3", "Genre") for r in rows)  # says Techno
    playlist = writes.preview.library.playlist
    assert f"New playlist “{playlist}” of 5 tracks" in preview.details.cget("text")
    assert dialog.write_button.cget("text").endswith("fields and a playlist")
    screenshot(app, "library-1-rekordbox-preview")

    dialog.event_generate("<Control-Return>")
    assert writes.run.kind is RunKind.WRITE and writes.run.target == "rekordbox"
    dialog.event_generate("<Control-p>")  # asked before it begins: it waits at its first step
    pump_until(app, lambda: writes.run.phase is RunPhase.PAUSED, "the write paused")
    spin(app, 0.6)
    assert dialog.stage is Stage.PROGRESS and dialog.progress.title.cget("text") == "Paused"
    assert dialog.pause_button.cget("text") == "▶  Resume"
    step = dialog.progress.files.cget("text")  # where the pause caught it: nothing touched
    assert step.startswith(("Checking that Rekordbox is not running", "Backing up master.db"))
    assert step.endswith("0 of 3 steps · 0%")
    assert sha256(db) == original
    screenshot(app, "library-2-paused")
    dialog.event_generate("<Control-p>")
    pump_until(app, lambda: writes.run.over and dialog.stage is Stage.RESULT, "the write")
    spin(app, 0.2)
    write_id = writes.run.write_id
    headline = dialog.result.headline.cget("text")
    assert headline.startswith("✓ Written into the Rekordbox library: ")
    assert headline.endswith(f"in 5 tracks, playlist “{playlist}”")
    assert dialog.result.detail.cget("text") == f"5 written · 1 refused · write {write_id}"
    assert [r[:2] for r in table_rows(dialog.result.refused)] == [
        (LEFT_OUT, "not in the Rekordbox library")
    ]
    assert dialog.undo_button.winfo_ismapped()
    screenshot(app, "library-3-written")

    fields, playlists = read_master_db(db)
    first, *others = _held(library)
    assert fields[first]["genre"] == "Techno"  # filled empty fields only
    for path in others:
        assert fields[path]["genre"] == "House" and fields[path]["label"].startswith("Label ")
    assert fields[OTHER]["genre"] == "Dub" and playlists["Warmup"] == [OTHER]
    assert playlists[playlist] == _held(library)
    from pyrekordbox.masterdb import MasterDatabase  # a second reader agrees

    logging.getLogger("pyrekordbox").setLevel(logging.ERROR)
    rb = MasterDatabase(path=db, db_dir=db.parent, unlock=False)
    try:
        (made,) = [p for p in rb.get_playlist() if p.Name == playlist]
        assert len(made.Songs) == 5
    finally:
        rb.close()
    assert sha256(db) != original

    dialog.close()
    _undo_from_the_writes_tab(app, write_id)
    assert sha256(db) == original
    dialog = app.write_actions.dialog
    assert dialog.result.headline.cget("text") == (
        "✓ Write undone: the Rekordbox library is back as it was"
    )
    dialog.close()
    tab = app.writes_view
    listed = lambda: tab.tree.exists(write_id) and tab.tree.item(write_id, "values")[-2]  # noqa: E731
    pump_until(app, lambda: listed() == "undone", "the undo listed")
    row = tab.tree.item(write_id, "values")
    assert row[1] == "Rekordbox"
    tab.tree.selection_set(write_id)
    spin(app, 0.1)
    assert f"into {db}" in tab.detail.cget("text")
    screenshot(app, "library-4-writes-tab")


def test_traktor_found_where_traktor_keeps_it_written_and_undone(make_app, library):
    folder = Path.home() / "Documents" / "Native Instruments" / "Traktor 3.11.1"
    nml = traktor_collection(folder, _held(library))
    original = sha256(nml)
    try:
        app = matched_app(make_app, library)
        writes = app.controller.writes
        dialog = app.write_actions.write_library("traktor")  # where Traktor keeps it
        preview_ready(app)
        assert dialog.preview.library_path.cget("text") == str(nml)
        assert dialog.preview.notation.winfo_ismapped()  # Traktor shows the text written
        _write_through(app, dialog)
        assert writes.run.phase is RunPhase.FINISHED, writes.run.error
        text = nml.read_text(encoding="utf-8")
        playlist = writes.run.playlist
        assert text.count('GENRE="House"') == 5 and f'NAME="{playlist}"' in text
        assert 'GENRE="Dub"' in text  # the other track as it was
        dialog.undo_button.invoke()
        assert dialog.confirm.no_button.cget("text") == "Keep it"
        dialog.confirm.answer(True)
        pump_until(app, lambda: writes.run.kind is RunKind.UNDO and writes.run.over, "the undo")
        assert sha256(nml) == original
    finally:
        shutil.rmtree(Path.home() / "Documents", ignore_errors=True)


@pytest.mark.skipif(os.name != "posix", reason="a process named rekordbox")
def test_a_running_rekordbox_is_one_line_and_nothing_is_touched(make_app, library, tmp_path):
    db = rekordbox_library(tmp_path / "rekordbox", _held(library))
    original = sha256(db)
    app = matched_app(make_app, library)
    writes = app.controller.writes
    from tests.matcher.writeback.libraries.running_app import app_running

    with app_running(tmp_path, "rekordbox"):
        dialog = app.write_actions.write_library("rekordbox", str(db))
        pump_until(app, lambda: writes.run.over and dialog.stage is Stage.ERROR, "the refusal")
        spin(app, 0.1)
        message = dialog.error.cget("text")
        first, _blank, last = message.split("\n")
        assert first.startswith("Rekordbox is running (process ")
        assert first.endswith("quit it, then write into its library")
        assert last == "The Rekordbox library was not touched."
        assert dialog.choose_button.winfo_ismapped()
        screenshot(app, "library-5-rekordbox-running")
    assert sha256(db) == original and not app.controller.session.notices


def test_no_library_found_asks_for_one(make_app, library, tmp_path):
    db = rekordbox_library(tmp_path / "rekordbox", _held(library))
    app = matched_app(make_app, library)
    writes = app.controller.writes
    dialog = app.write_actions.write_library("rekordbox")  # none where Rekordbox keeps it
    pump_until(app, lambda: writes.run.over and dialog.stage is Stage.ERROR, "the refusal")
    assert dialog.error.cget("text").startswith(
        "No Rekordbox library found on this computer: choose its master.db\n"
    )
    dialog.ask_library = lambda app_name: str(db) if app_name == "rekordbox" else ""
    dialog.choose_button.invoke()
    preview_ready(app)
    assert dialog.preview.library_path.cget("text") == str(db)


def test_an_undo_refused_because_traktor_saved_can_be_forced(make_app, library, tmp_path):
    """Traktor saved its collection after the write: the undo stops and says so, and
    "Undo anyway…", once confirmed, puts the backup back byte for byte."""
    nml = traktor_collection(tmp_path / "traktor", _held(library))
    original = sha256(nml)
    app = matched_app(make_app, library)
    writes = app.controller.writes
    dialog = app.write_actions.write_library("traktor", str(nml))
    preview_ready(app)
    _write_through(app, dialog)
    assert writes.run.phase is RunPhase.FINISHED, writes.run.error
    nml.write_text(nml.read_text(encoding="utf-8").replace('GENRE="Dub"', 'GENRE="Dubby"'),
                   encoding="utf-8")  # what Traktor would save  # fmt: skip
    saved = sha256(nml)
    dialog.undo_button.invoke()
    dialog.confirm.answer(True)
    pump_until(app, lambda: writes.run.kind is RunKind.UNDO and writes.run.over
               and dialog.stage is Stage.RESULT, "the refused undo")  # fmt: skip
    spin(app, 0.1)
    assert writes.run.phase is RunPhase.FAILED and sha256(nml) == saved
    assert "changed after this write" in dialog.result.headline.cget("text")
    assert dialog.force_button.winfo_ismapped() and not dialog.undo_button.winfo_ismapped()
    screenshot(app, "library-6-undo-refused")
    dialog.force_button.invoke()
    assert dialog.confirm.yes_button.cget("text") == "Undo anyway"
    assert "whatever changed in the library since is lost" in dialog.confirm.message
    screenshot(app, "library-7-undo-anyway")
    dialog.confirm.answer(True)
    pump_until(app, lambda: writes.run.kind is RunKind.UNDO and writes.run.over
               and writes.run.phase is RunPhase.FINISHED, "the forced undo")  # fmt: skip
    assert sha256(nml) == original
    spin(app, 0.1)
    assert not dialog.force_button.winfo_ismapped()


def test_the_comment_is_left_alone_unless_ticked_whatever_the_target(make_app, library,
                                                                     tmp_path):  # fmt: skip
    """The comment holds the DJ's own notes: Write tags and every library start with it
    unticked (matcher's DEFAULT_WRITE_FIELDS), and nothing plans a Comment row."""
    nml = traktor_collection(tmp_path / "traktor", _held(library))
    db = rekordbox_library(tmp_path / "rekordbox", _held(library))
    app = matched_app(make_app, library)
    actions = app.write_actions
    opened = {
        "tags": actions.write_tags,
        "traktor": lambda: actions.write_library("traktor", str(nml)),
        "rekordbox": lambda: actions.write_library("rekordbox", str(db)),
    }
    for target, open_dialog in opened.items():
        dialog = open_dialog()
        preview_ready(app)
        box = dialog.preview.field_boxes["comment"]
        assert box.winfo_ismapped() and not box.get(), target
        assert "comment" not in app.controller.writes.preview.options.fields, target
        assert not [r for r in table_rows(dialog.preview.tree) if r[1] == "Comment"], target
        assert dialog.preview.headline.cget("text").startswith(("4 files", "5 tracks")), target
        dialog.close()


def _writes_row(app, write_id: str) -> tuple[str, ...]:  # noqa: ANN001
    """The Writes tab's row of a write, once listed (Into, Written, Refused, ..., From)."""
    tab = app.writes_view
    app.tabs.set("Writes")
    app.controller.writes.listed.refresh()
    pump_until(app, lambda: tab.tree.exists(write_id) and not app.controller.writes.listed.loading,
               "the write listed")  # fmt: skip
    spin(app, 0.2)
    return tuple(tab.tree.item(write_id, "values"))[1:]


def test_a_serato_crate_says_it_adds_a_crate_and_the_writes_tab_agrees(make_app, library,
                                                                        tmp_path):  # fmt: skip
    serato = tmp_path / "_Serato_"
    serato.mkdir()
    app = matched_app(make_app, library)
    writes = app.controller.writes
    dialog = app.write_actions.write_library("serato", str(serato))
    preview_ready(app)
    crate = writes.preview.library.playlist
    preview = dialog.preview
    assert preview.headline.cget("text") == f"Adds crate “{crate}” with 6 tracks"
    assert "up to date" not in preview.headline.cget("text")
    details = preview.details.cget("text")
    assert "backed up" not in details and "deletes the crate" in details
    rows = table_rows(preview.tree)
    assert len(rows) == 6
    assert rows[0] == ("01 Ember Glass.mp3", "Crate", "—", crate, "added to the crate")
    assert preview.note.cget("text") == ""
    screenshot(app, "library-8-serato-preview")
    _write_through(app, dialog)
    spin(app, 0.2)
    write_id = writes.run.write_id
    assert dialog.result.headline.cget("text") == f"✓ Added crate “{crate}” with 6 tracks"
    assert dialog.result.detail.cget("text") == f"6 tracks in the crate · write {write_id}"
    screenshot(app, "library-9-serato-written")
    dialog.close()
    assert _writes_row(app, write_id)[:5] == ("Serato", "6", "0", "—", "written")
    _undo_from_the_writes_tab(app, write_id)
    app.write_actions.dialog.close()
    assert _writes_row(app, write_id)[:5] == ("Serato", "6", "0", "—", "undone")


def test_the_writes_tab_keeps_what_a_traktor_write_wrote_after_its_undo(make_app, library,
                                                                        tmp_path):  # fmt: skip
    nml = traktor_collection(tmp_path / "traktor", _held(library))
    app = matched_app(make_app, library)
    writes = app.controller.writes
    dialog = app.write_actions.write_library("traktor", str(nml))
    preview_ready(app)
    _write_through(app, dialog)
    write_id, playlist = writes.run.write_id, writes.run.playlist
    assert dialog.result.detail.cget("text") == f"5 written · 1 refused · write {write_id}"
    dialog.close()
    assert _writes_row(app, write_id)[:5] == ("Traktor", "5", "1", "0", "written")
    _undo_from_the_writes_tab(app, write_id)
    app.write_actions.dialog.close()
    assert _writes_row(app, write_id)[:5] == ("Traktor", "5", "1", "0", "undone")
    detail = app.writes_view.detail.cget("text")
    assert "fields in 5 tracks" in detail and f"playlist “{playlist}”" in detail
    screenshot(app, "library-10-writes-tab")
