"""The results view in a real Tk window (Xvfb): rows from TracksMatched events, sorting by
header clicks, filters, edits, double-click review, export and open folder."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from matcher.engine.events import BatchStarted, ResultEdited, TracksMatched
from tests.ui.results_fixtures import (
    FakeController,
    candidate,
    destroy_root,
    make_result,
    make_root,
    run_until,
    screenshot,
    settle,
    track,
)

BATCH = "20260101-000000-bbbbbb"
_ARTISTS = ("Mira Quell", "Oskan Drey", "Talia Venn", "Ruvo Marsh", "Ines Korba", "Delo Fenn")
_TITLES = ("Velvet Harbour", "Ember Glass", "Night Lantern", "Salt Circuit", "Copper Bloom")


def _results(start: int, count: int):
    out = []
    for i in range(start, start + count):
        status = ("matched", "matched", "review", "unmatched", "matched", "error")[i % 6]
        artist, title = _ARTISTS[i % len(_ARTISTS)], f"{_TITLES[i % len(_TITLES)]} {i}"
        t = track(i, artist, title, bpm=float(118 + (i * 5) % 14),
                  mix=("Original Mix", "Extended Mix", "Dub")[i % 3])  # fmt: skip
        cands = [candidate(t, 0.95 - (i % 7) / 10)] if status in ("matched", "review") else []
        confidence = 0.95 - (i % 7) / 10 if cands else 0.05
        reason = {"error": "provider failed", "unmatched": "below threshold"}.get(status, "")
        out.append(make_result(i, status, confidence, artist, title, cands, reason=reason))
    return tuple(out)


@pytest.fixture
def root():
    root = make_root()
    yield root
    destroy_root(root)


@pytest.fixture
def view(root):
    from ui.views.results_view import ResultsView

    fake = FakeController()
    view = ResultsView(root, fake, fake)
    view.pack(fill="both", expand=True, padx=12, pady=12)
    view.on_event(BatchStarted(BATCH, 0, 40, ((0, "invented.m3u8", "Invented Set", 40),), 2))
    for n, start in enumerate(range(0, 40, 10)):
        view.on_event(TracksMatched(BATCH, n + 1, 0, _results(start, 10)))
    run_until(root, lambda: view.pending_count == 0, what="rows inserted")
    return view


def _shown_indices(view) -> list[int]:
    return [view.model.row_by_iid(iid).key[2] for iid in view.shown_iids()]


def _click_heading(view, column: str) -> None:
    """A real click on a column header (press and release on the heading)."""
    tree = view.tree
    shown = list(tree["displaycolumns"])  # the Playlist column hides for one playlist
    shown = list(tree["columns"]) if shown == ["#all"] else shown
    x = sum(tree.column(c, "width") for c in shown[: shown.index(column)])
    x += tree.column(column, "width") // 2
    assert tree.identify_region(x, 8) == "heading"
    tree.event_generate("<ButtonPress-1>", x=x, y=8)
    tree.event_generate("<ButtonRelease-1>", x=x, y=8)
    tree.update()


def test_tracks_matched_rows_appear_in_order(root, view):
    assert _shown_indices(view) == list(range(40))
    first = view.tree.item(view.shown_iids()[2], "values")
    assert first[0] == "3" and first[4] == "review"
    assert view.tree.item(view.shown_iids()[2], "tags") == ("review",)
    assert "Showing 40 of 40" in view.count_label.cget("text")
    screenshot(root, "results_table.png")


def test_chunks_finishing_out_of_order_are_shown_in_playlist_order(root, view):
    view.on_event(TracksMatched(BATCH, 20, 0, _results(60, 10)))
    view.on_event(TracksMatched(BATCH, 21, 0, _results(40, 20)))
    run_until(root, lambda: view.pending_count == 0, what="rows inserted")
    assert _shown_indices(view) == list(range(70))


def test_a_long_out_of_order_tail_is_reset_in_one_call(root, view, monkeypatch):
    import ui.views.results_view as results_view

    monkeypatch.setattr(results_view, "RESEQUENCE_MOVES", 5)
    view.on_event(TracksMatched(BATCH, 22, 0, _results(80, 20)))
    view.on_event(TracksMatched(BATCH, 23, 0, _results(50, 30)))  # 30 rows overtaken
    run_until(root, lambda: view.pending_count == 0, what="rows inserted")
    assert _shown_indices(view) == [*range(40), *range(50, 100)]


def test_header_click_sorts_numeric_then_flips(root, view):
    _click_heading(view, "confidence")
    shown = [int(view.tree.item(i, "values")[5].removesuffix(" %")) for i in view.shown_iids()]
    assert shown == sorted(shown) and shown[0] < shown[-1]
    assert view.tree.heading("confidence", "text") == "Conf. ▲"
    _click_heading(view, "index")
    _click_heading(view, "index")
    assert _shown_indices(view) == list(range(39, -1, -1))  # 39 before 4: numbers, not text
    assert view.tree.heading("index", "text") == "# ▼"
    assert view.tree.heading("confidence", "text") == "Conf."


def test_bpm_sort_puts_empty_cells_last(root, view):
    view.sort_by("bpm")
    bpms = [view.model.row_by_iid(i).bpm for i in view.shown_iids()]
    filled = [b for b in bpms if b is not None]
    assert filled == sorted(filled) and bpms[len(filled) :] == [None] * (40 - len(filled))


def test_status_filter_and_confidence_slider(root, view):
    view.filters._on_status_choice("Review")  # what the segmented button calls
    assert _shown_indices(view) == [i for i in range(40) if i % 6 == 2]
    view.filters.set_status("all")
    view.filters.set_min_confidence(0.8)
    shown = [view.model.row_by_iid(i) for i in view.shown_iids()]
    assert shown and all(r.confidence >= 0.8 for r in shown)
    assert len(shown) == sum(1 for r in view.model.rows() if r.confidence >= 0.8)
    assert view.filters.confidence_label.cget("text") == "80 %"  # as the Conf. column says


def test_search_typed_in_the_entry_filters_after_a_pause(root, view):
    view.focus_search()
    view.filters.search_entry.insert(0, "copper bloom 1")
    view.filters.search_entry.event_generate("<KeyRelease>")
    run_until(root, lambda: len(view.shown_iids()) < 40, what="search applied")
    titles = [view.tree.item(i, "values")[3] for i in view.shown_iids()]
    assert titles == ["Copper Bloom 14", "Copper Bloom 19"]  # every word, in any field
    view.filters.search_entry.event_generate("<Escape>")
    assert len(view.shown_iids()) == 40


def test_rows_streaming_in_under_a_sort_are_placed_in_order(root, view):
    view.sort_by("index")
    view.sort_by("index")  # descending
    view.on_event(TracksMatched(BATCH, 9, 0, _results(40, 10)))
    run_until(root, lambda: len(view.shown_iids()) == 50, what="relayout")
    assert _shown_indices(view) == list(range(49, -1, -1))


def test_result_edited_updates_the_row_in_place(root, view):
    iid = view.model.row((BATCH, 0, 2)).iid
    t = track(500, "Someone Else", "Picked Instead")
    edited = make_result(2, "matched", 0.61, "Talia Venn", "Salt Circuit 2",
                         [candidate(t, 0.61)], reason="chosen by the user")  # fmt: skip
    view.on_event(ResultEdited(BATCH, 99, 0, edited, "/out/Invented Set"))
    run_until(root, lambda: view.pending_count == 0, what="edit applied")
    values = view.tree.item(iid, "values")
    assert (values[4], values[8], values[-1]) == ("matched", "Picked Instead",
                                                  "chosen by the user")  # fmt: skip
    assert view.tree.item(iid, "tags") == ("matched",)
    assert len(view.shown_iids()) == 40


def test_new_batch_of_the_same_playlist_replaces_its_rows(root, view):
    view.on_event(BatchStarted("next", 0, 5, ((0, "invented.m3u8", "Invented Set", 5),), 2))
    run_until(root, lambda: view.pending_count == 0, what="batch start applied")
    assert view.shown_iids() == [] and len(view.model) == 0
    view.on_event(TracksMatched("next", 1, 0, _results(0, 5)))
    run_until(root, lambda: len(view.shown_iids()) == 5, what="new rows")


def test_double_click_opens_the_review_dialog(root, view):
    full = _results(2, 1)[0]
    view.controller.results[(BATCH, 0, 2)] = full
    iid = view.model.row((BATCH, 0, 2)).iid
    view.tree.see(iid)
    root.update()
    x, y, _w, h = view.tree.bbox(iid)
    for _ in range(2):  # two clicks in a row: Tk makes the second a <Double-1>
        view.tree.event_generate("<ButtonPress-1>", x=x + 20, y=y + h // 2)
        view.tree.event_generate("<ButtonRelease-1>", x=x + 20, y=y + h // 2)
    dialog = view.review_dialog
    assert dialog is not None and dialog.key == (BATCH, 0, 2)
    assert dialog.result is full
    dialog.cancel()


def test_export_writes_the_filtered_view(root, view, tmp_path: Path):
    view.filters.set_status("matched")
    view.sort_by("index")
    view.sort_by("index")
    path = tmp_path / "export" / "rows.csv"
    path.parent.mkdir()
    view.ask_save_path = lambda: str(path)
    view.export()
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = [i for i in range(39, -1, -1) if i % 6 in (0, 1, 4)]
    assert [int(r["entry_index"]) for r in rows] == expected
    assert {r["status"] for r in rows} == {"matched"}
    assert "Exported" in view.message_label.cget("text")


def test_export_error_is_one_line(root, view, tmp_path: Path):
    assert view.export_to(tmp_path / "missing-folder" / "rows.csv") == 0
    message = view.message_label.cget("text")
    assert message and "\n" not in message and "Traceback" not in message


def test_the_playlist_column_shows_only_for_more_than_one_playlist(root, view):
    assert "playlist" not in view.tree.cget("displaycolumns")  # one playlist: its name once
    view.on_event(
        TracksMatched(
            BATCH, 60, 51, (make_result(0, "matched", 0.9, "A", "B", playlist="Other Set"),)
        )
    )
    run_until(root, lambda: view.pending_count == 0, what="the other playlist's row")
    assert "playlist" in view.tree.cget("displaycolumns")


def test_dark_mode_table(root, view):
    import customtkinter as ctk

    ctk.set_appearance_mode("dark")
    settle(root)
    from tkinter import ttk

    background = ttk.Style(root).lookup("Results.Treeview", "background")
    assert root.winfo_rgb(background)[0] < 0x4000  # a dark table, not a white one
    view.tree.selection_set(view.shown_iids()[3])
    screenshot(root, "results_table_dark.png")
    ctk.set_appearance_mode("light")


def test_show_row_selects_and_scrolls_to_it(root, view):
    """What the dashboard's slowest tracks ask for: one row, selected and in sight."""
    root.geometry("1280x360")  # a short table: row 37 is out of sight at first
    settle(root, 0.1)
    assert view.tree.bbox(view.model.row((BATCH, 0, 37)).iid) == ""
    assert view.show_row((BATCH, 0, 37))
    root.update()
    iid = view.model.row((BATCH, 0, 37)).iid
    assert view.tree.selection() == (iid,) and view.tree.focus() == iid
    assert view.tree.bbox(iid) != ""  # scrolled into sight
    assert view.selected_row().key == (BATCH, 0, 37)


def test_show_row_clears_a_filter_that_hides_the_row(root, view):
    view.filters.set_status("review")
    view.filters.set_search("velvet")
    assert (BATCH, 0, 3) not in [view.model.row_by_iid(i).key for i in view.shown_iids()]
    assert view.show_row((BATCH, 0, 3))  # unmatched: hidden by the Review filter
    assert len(view.shown_iids()) == 40
    assert view.filters.status_filter.get() == "All" and view.filters.search_entry.get() == ""
    assert view.selected_row().key == (BATCH, 0, 3)
    assert view.message_label.cget("text") == "Filters cleared to show the track."


def test_show_row_of_a_row_still_arriving_shows_it_when_it_comes(root, view):
    view.on_event(TracksMatched(BATCH, 9, 1, _results(0, 3)))  # queued, not yet inserted
    assert not view.show_row((BATCH, 1, 2))
    run_until(root, lambda: view.selected_row() is not None, what="the row to arrive")
    assert view.selected_row().key == (BATCH, 1, 2)


def test_show_row_of_a_row_that_is_gone_says_so(root, view):
    assert not view.show_row(("another-batch", 0, 1))
    assert view.message_label.cget("text") == "That track is not in the table any more."


def test_review_and_export_wait_for_rows_to_act_on(root):
    """A first start has no results: Review… said "Select a row to review." and Export…
    wrote a header-only CSV ("Exported 0 rows"). Both are off until rows show, and off
    again while a filter hides every row."""
    from ui.views.results_view import ResultsView

    fake = FakeController()
    view = ResultsView(root, fake, fake)
    view.pack(fill="both", expand=True)
    settle(root, 0.1)
    buttons = (view.review_button, view.export_button)
    assert [b.cget("state") for b in buttons] == ["disabled", "disabled"]
    view.on_event(BatchStarted(BATCH, 0, 10, ((0, "invented.m3u8", "Invented Set", 10),), 2))
    view.on_event(TracksMatched(BATCH, 1, 0, _results(0, 10)))
    run_until(root, lambda: view.pending_count == 0, what="rows inserted")
    assert [b.cget("state") for b in buttons] == ["normal", "normal"]
    view.filters.set_min_confidence(0.99)  # hides every row
    run_until(root, lambda: not view.shown_iids(), what="every row filtered out")
    assert [b.cget("state") for b in buttons] == ["disabled", "disabled"]


def test_decomposed_text_is_shown_composed_and_exported_as_read(root, view, tmp_path: Path):
    """An Exportify CSV's decomposed (NFD) Japanese showed its voicing marks apart
    ("ホ゛ンホ゛ヤーシ゛波止場"): the table shows it composed; the export keeps it as read."""
    import unicodedata

    title = "ボンボヤージ波止場"
    nfd = unicodedata.normalize("NFD", title)
    t = track(90, unicodedata.normalize("NFD", "ジャック"), nfd, label=nfd)
    result = make_result(
        90, "matched", 0.9, unicodedata.normalize("NFD", "ジャック"), nfd, [candidate(t, 0.9)]
    )
    view.on_event(TracksMatched(BATCH, 30, 0, (result,)))
    run_until(root, lambda: view.pending_count == 0, what="the row inserted")
    row = view.model.row((BATCH, 0, 90))
    values = dict(zip(view.tree["columns"], view.tree.item(row.iid, "values"), strict=True))
    assert (values["source_artist"], values["source_title"]) == ("ジャック", title)
    assert (values["artists"], values["title"], values["label"]) == ("ジャック", title, title)
    view.filters.set_search(title)  # typed composed, found decomposed
    assert [view.model.row_by_iid(iid).key for iid in view.shown_iids()] == [row.key]
    view.export_to(tmp_path / "shown.csv")
    with open(tmp_path / "shown.csv", encoding="utf-8", newline="") as f:
        exported = [r for r in csv.DictReader(f) if r["entry_index"] == "90"]
    assert exported[0]["source_title"] == nfd and exported[0]["title"] == nfd
