"""A queue card keeps its shape: a long file name gives up its middle, not the track
count, and the progress bar keeps its width from 0 to 10,000 tracks done."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.ui.gui_helpers import pump_until, spin
from ui.queue_model import ItemStatus
from ui.tally import Counts

LONG = "Friday Warehouse Session - Rekordbox Collection Export 2024 (club laptop).m3u8"


def _playlist(path: Path, count: int) -> Path:
    lines = ["#EXTM3U"]
    for n in range(count):
        lines += [f"#EXTINF:300,Artist {n} - Title {n}", f"/music/{n}.mp3"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_long_file_name_keeps_its_track_count_and_the_bar_its_width(
    make_app, tmp_path: Path
) -> None:
    app = make_app()
    app.controller.intake.add_paths([_playlist(tmp_path / LONG, 12)])
    pump_until(app, lambda: app.controller.model.waiting(), "the playlist queued")
    spin(app, 0.3)
    item = app.controller.model.items[0]
    card = app.queue_view.rows[item.item_id]
    text = card.sub.cget("text")
    assert text.endswith(" · 12 tracks") and "…" in text, text
    assert card.sub.winfo_reqwidth() <= card.sub.winfo_width() + 1  # nothing cut off
    assert card.label.winfo_reqwidth() <= card.label.winfo_width() + 1

    widths = []
    for done in (0, 9, 10_000):
        total = 10_000
        counts = Counts(matched=done)
        card.update_item(replace(item, entries=total, done=done, counts=counts,
                                 status=ItemStatus.RUNNING))  # fmt: skip
        spin(app, 0.1)
        widths.append(card.bar.winfo_width())
        assert card.done.winfo_reqwidth() <= card.done.winfo_width() + 1
    assert widths[0] == widths[1] == widths[2], widths  # the bar never shrinks mid-run


def test_a_name_that_fits_is_never_shortened_by_a_layout_not_done_yet(
    make_app, tmp_path: Path
) -> None:
    """At a card's first <Configure>, Tk may not have laid out its right-hand column yet
    (a customtkinter frame starts 200 pixels wide): the room for the name comes from what
    the column holds, so "m3u8_open_format_party" is not shown as "m3u8_open_…mat_party"."""
    app = make_app()
    app.controller.intake.add_paths([_playlist(tmp_path / "m3u8_open_format_party.m3u8", 340)])
    pump_until(app, lambda: app.controller.model.waiting(), "the playlist queued")
    spin(app, 0.3)
    item = app.controller.model.items[0]
    card = app.queue_view.rows[item.item_id]
    assert card.label.cget("text") == "m3u8_open_format_party"
    laid_out = card.grid_bbox(1, 0)
    card.grid_bbox = lambda *_a: (laid_out[0] - 115, 0, laid_out[2] + 115, laid_out[3])
    card._fitted = ()  # as at the first <Configure>, with the stale layout of that moment
    card._fit_text()
    assert card.label.cget("text") == "m3u8_open_format_party"
    assert card.sub.cget("text") == "m3u8_open_format_party.m3u8 · 340 tracks"
    for status in (ItemStatus.RUNNING, ItemStatus.DONE):  # the right column changes
        card.update_item(replace(item, status=status, done=340, entries=340))
        spin(app, 0.1)
        assert card.label.cget("text") == "m3u8_open_format_party", status
        assert card.label.winfo_reqwidth() <= card.label.winfo_width() + 1


def test_a_card_made_for_a_running_playlist_keeps_its_bar_width(make_app, tmp_path: Path) -> None:
    """Started before its card was drawn, a playlist's card never shows ▲ ▼ ✕: the empty
    space for them (a customtkinter frame starts 200 wide) must not take the bar's width
    or the name's for the whole run."""
    from ui.views.queue_view import QueueRow

    app = make_app()
    app.controller.intake.add_paths([_playlist(tmp_path / "m3u8_open_format_party.m3u8", 340)])
    pump_until(app, lambda: app.controller.model.waiting(), "the playlist queued")
    spin(app, 0.3)
    drawn = app.queue_view.rows[app.controller.model.items[0].item_id]
    bound = replace(app.controller.model.items[0], batch_id="b", entries=340)  # not waiting
    card = QueueRow(app.queue_view.list, app.controller.intake, bound)
    card.grid(row=5, column=0, sticky="ew", pady=(0, 8), padx=(0, 4))
    spin(app, 0.3)
    assert card.winfo_width() == drawn.winfo_width()
    running = replace(bound, status=ItemStatus.RUNNING, done=10)
    card.update_item(running)
    spin(app, 0.2)
    during = card.bar.winfo_width(), card.label.winfo_width()
    card.update_item(replace(running, status=ItemStatus.DONE, done=340))
    spin(app, 0.2)
    assert (card.bar.winfo_width(), card.label.winfo_width()) == during
    assert card.label.cget("text") == "m3u8_open_format_party"
    assert card.label.winfo_reqwidth() <= card.label.winfo_width() + 1


def test_a_queue_emptied_from_far_down_shows_its_empty_text(make_app, tmp_path: Path) -> None:
    """Scrolled to its last cards, then emptied: the list kept its scroll offset, so
    "Nothing queued yet" sat out of view and the scrollbar's thumb stuck mid-track."""
    app = make_app()
    app.controller.intake.add_paths([_playlist(tmp_path / f"set {n}.m3u8", 3) for n in range(9)])
    pump_until(app, lambda: len(app.controller.model.waiting()) == 9, "nine playlists queued")
    spin(app, 0.3)
    canvas = app.queue_view.list._parent_canvas
    canvas.yview_moveto(1.0)
    spin(app, 0.1)
    assert canvas.yview()[0] > 0  # scrolled down: there was more than one screen of cards
    for item in list(app.controller.model.items):
        app.controller.model.remove(item.item_id)
    app.controller.session.changed()
    spin(app, 0.3)
    assert canvas.yview()[0] == 0.0
    assert app.queue_view.empty.winfo_ismapped()
