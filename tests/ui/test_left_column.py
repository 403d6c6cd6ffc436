"""The left column keeps its parts whole when messages and banners take room: the drop
zone its hint and Add button, the messages a few lines, the queue room for its cards.
At the size of a 1280x720 screen, where the user test found them squeezed."""

from __future__ import annotations

import tkinter.font as tkfont
from pathlib import Path

from tests.matcher.engine.engine_fixtures import write_m3u8
from tests.ui.gui_helpers import pump_until, screenshot, spin

NOTICES = [f"{name}: file not found (pl/{name})" for name in (
    "exportify_dance_hits.csv", "m3u8_open_format_party.m3u8", "rekordbox_house_disco.xml",
    "rekordbox_stress_10k.xml")]  # fmt: skip
SMALL = "1272x680+0+0"  # the first window on a 1280x720 screen (ui/window_fit.py)


def bottom(widget) -> int:  # noqa: ANN001
    return widget.winfo_rooty() + widget.winfo_height()


def inside(widget, box, margin: int = 2) -> bool:  # noqa: ANN001
    """`widget` is shown and lies within `box` (its border left clear)."""
    top = box.winfo_rooty() + margin
    return (
        widget.winfo_ismapped()
        and widget.winfo_rooty() >= top
        and (bottom(widget) <= bottom(box) - margin)
    )


def test_messages_leave_the_empty_drop_zone_whole(make_app) -> None:
    """Four messages and nothing queued: the drop zone shrank, its "Rekordbox (XML, …)"
    line ran over its border and "Add playlists…" went."""
    app = make_app()
    app.root.geometry(SMALL)
    spin(app, 0.3)
    for text in NOTICES:
        app.controller.session.notice(text)
    spin(app, 0.5)
    zone = app.drop_zone
    assert not zone.compact
    for part in (zone.glyph, zone.title, zone.hint, zone.add_button):
        assert inside(part, zone), part
    assert zone.winfo_height() >= zone.winfo_reqheight()
    notices = app.notices
    assert all(text in notices.shown for text in NOTICES)  # all there (the rest scrolls)
    assert bottom(notices) <= app.queue_view.winfo_rooty()
    assert app.queue_view.empty.winfo_ismapped()  # "Nothing queued yet." still shows
    screenshot(app, "left-column-messages-empty-queue")


def test_with_a_banner_and_messages_the_queue_keeps_room_for_its_cards(
    make_app, tmp_path: Path
) -> None:
    """The catalog banner and four messages left the queue about one card tall: the
    messages now wrap to the column's width and take at most a few lines."""
    for n in range(3):
        write_m3u8(tmp_path / f"Set {n}.m3u8", 20, seed=n)
    app = make_app()
    app.root.geometry(SMALL)
    app.controller.intake.add_paths(sorted(tmp_path.glob("*.m3u8")))
    pump_until(app, lambda: len(app.controller.model.items) == 3, "three playlists queued")
    app.controller.start()  # no catalog anywhere: the banner asks for one
    for text in NOTICES:
        app.controller.session.notice(text)
    spin(app, 0.5)
    assert app.catalog_prompt.winfo_ismapped()
    notices = app.notices
    line = tkfont.Font(font=notices.text._textbox.cget("font")).metrics("linespace")
    assert notices.winfo_height() <= (notices.MAX_LINES + 1) * line  # the rest scrolls
    card = app.queue_view.rows[app.controller.model.items[0].item_id]
    room = app.queue_view.list._parent_canvas.winfo_height()
    assert room >= 1.3 * card.winfo_height(), (room, card.winfo_height())
    assert bottom(app.queue_view.target) <= bottom(app.left)  # Start and its line still show
    screenshot(app, "left-column-banner-messages-queue")
