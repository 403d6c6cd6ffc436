"""Dropping files on the real window through tkdnd's own handlers, the playlist picker,
and what a file that is not a playlist looks like."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from matcher.model import PlaylistInfo
from tests.ui.gui_helpers import (
    pump_until,
    rekordbox_two_playlists,
    screenshot,
    simulate_drop,
    spin,
)
from ui.views.drop_zone import paths_from_drop
from ui.views.picker import chosen_playlists


def m3u(path: Path, count: int = 3) -> Path:
    lines = ["#EXTM3U"]
    for n in range(count):
        lines += [f"#EXTINF:300,Artist {n} - Title {n}", f"/music/{n}.mp3"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cards(app) -> list[tuple[str, str]]:  # noqa: ANN001
    """What each queue card shows: (name, subtitle), in queue order."""
    rows = [app.queue_view.rows[i.item_id] for i in app.controller.model.items]
    return [(r.label.cget("text"), r.sub.cget("text")) for r in rows]


def drop_and_pick(app, paths: list[Path]):  # noqa: ANN001, ANN201
    assert simulate_drop(app.drop_zone, [str(p) for p in paths]) == "copy"
    return pump_until(app, lambda: app.picker, "the playlist picker")


# -- pure helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "paths"),
    [
        pytest.param(["/m/a b.m3u8"], [Path("/m/a b.m3u8")], id="plain-path-with-space"),
        pytest.param(["file:///m/a%20b%C3%A9.xml"], [Path("/m/a bé.xml")], id="percent-uri"),
        pytest.param(["file://localhost/m/x.nml"], [Path("/m/x.nml")], id="localhost-uri"),
        pytest.param(["https://example.org/x.m3u", "", "  "], [], id="links-and-blanks-ignored"),
    ],
)
def test_paths_from_drop(items: list[str], paths: list[Path]) -> None:
    assert paths_from_drop(items) == paths


INFOS = [PlaylistInfo("Friday", 5, True), PlaylistInfo("Friday/Warm Up", 3),
         PlaylistInfo("Friday/Peak Time", 2), PlaylistInfo("Closing", 1)]  # fmt: skip


@pytest.mark.parametrize(
    ("selected", "chosen"),
    [
        pytest.param(["Closing"], ["Closing"], id="one-playlist"),
        pytest.param(["Friday"], ["Friday/Warm Up", "Friday/Peak Time"], id="folder"),
        pytest.param(["Closing", "Friday", "Friday/Peak Time"],
                     ["Friday/Warm Up", "Friday/Peak Time", "Closing"], id="file-order-no-repeats"),
        pytest.param([], [], id="nothing"),
    ],
)  # fmt: skip
def test_chosen_playlists(selected: list[str], chosen: list[str]) -> None:
    assert chosen_playlists(INFOS, selected) == chosen


# -- the window -------------------------------------------------------------------------------


def test_drop_an_m3u_and_a_rekordbox_xml_then_pick_one_playlist(make_app, tmp_path: Path) -> None:
    app = make_app()
    screenshot(app, "01-empty-window")
    picker = drop_and_pick(app, [m3u(tmp_path / "Sunday Set.m3u8", 3),
                                 rekordbox_two_playlists(tmp_path / "my sets.xml")])  # fmt: skip
    tree_rows = [(iid, picker.tree.item(iid, "text")) for iid in _all_rows(picker.tree)]
    assert tree_rows == [("Friday", "Friday"), ("Friday/Warm Up", "Warm Up"),
                         ("Friday/Peak Time", "Peak Time")]  # fmt: skip
    assert picker.ok_button.cget("state") == "disabled"  # nothing chosen yet
    picker.select(["Friday/Peak Time"])
    assert picker.ok_button.cget("text") == "Add 1 playlist"
    screenshot(app, "02-picker")
    picker.confirm()
    c = app.controller
    pump_until(app, lambda: len(c.model.items) == 2 and not c.intake.adding,
               "both playlists queued")  # fmt: skip
    spin(app, 0.1)
    assert cards(app) == [("Sunday Set", "Sunday Set.m3u8 · 3 tracks"),
                          ("Peak Time", "my sets.xml · Friday · 2 tracks")]  # fmt: skip
    assert app.queue_view.summary.cget("text") == "2 playlists · 5 tracks"
    assert app.drop_zone.compact and app.picker is None
    screenshot(app, "03-queue-with-items")


def test_a_folder_in_the_picker_selects_its_playlists(make_app, tmp_path: Path) -> None:
    app = make_app()
    picker = drop_and_pick(app, [rekordbox_two_playlists(tmp_path / "sets.xml")])
    picker.select(["Friday"])
    assert set(picker.tree.selection()) == {"Friday", "Friday/Warm Up", "Friday/Peak Time"}
    assert picker.ok_button.cget("text") == "Add 2 playlists"
    picker.confirm()
    pump_until(app, lambda: len(app.controller.model.items) == 2, "two playlists queued")
    spin(app, 0.1)
    assert [c[0] for c in cards(app)] == ["Warm Up", "Peak Time"]


def test_cancelling_the_picker_adds_nothing(make_app, tmp_path: Path) -> None:
    app = make_app()
    drop_and_pick(app, [rekordbox_two_playlists(tmp_path / "sets.xml")]).cancel()
    pump_until(app, lambda: not app.controller.intake.adding, "the picker to close")
    assert app.controller.model.items == [] and not app.drop_zone.compact


def test_an_unsupported_file_gets_a_readable_message_and_the_queue_stays(
    make_app, tmp_path: Path
) -> None:
    app = make_app()
    simulate_drop(app.drop_zone, [str(m3u(tmp_path / "keep.m3u8"))])
    pump_until(app, lambda: app.controller.model.items, "the first playlist")
    (tmp_path / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(300))
    (tmp_path / "notes.xml").write_text("<shopping><item/></shopping>", encoding="utf-8")
    simulate_drop(app.queue_view, [str(tmp_path / "cover.jpg"), str(tmp_path / "notes.xml")])
    pump_until(app, lambda: len(app.controller.session.notices) == 2, "two messages")
    spin(app, 0.1)
    shown = app.notices.shown
    assert "cover.jpg: binary data, not a playlist CrateMatch reads" in shown
    assert "notes.xml: XML with <shopping> is not a Rekordbox XML or Traktor NML export" in shown
    assert "Traceback" not in shown and app.notices.winfo_ismapped()
    assert cards(app) == [("keep", "keep.m3u8 · 3 tracks")]
    screenshot(app, "04-unsupported-file-message")
    app.notices.dismiss.invoke()
    spin(app, 0.1)
    assert not app.notices.winfo_ismapped()


def test_dropped_uris_and_folders(make_app, tmp_path: Path) -> None:
    app = make_app()
    spaced = m3u(tmp_path / "Late Night é.m3u8", 2)
    folder = tmp_path / "crate"
    folder.mkdir()
    m3u(folder / "one.m3u", 1)
    m3u(folder / "two.m3u8", 4)
    uri = "file://" + quote(str(spaced))
    simulate_drop(app.drop_zone, [uri, str(folder)])
    pump_until(app, lambda: len(app.controller.model.items) == 3, "three playlists")
    spin(app, 0.1)
    assert [c[0] for c in cards(app)] == ["Late Night é", "one", "two"]


def _all_rows(tree, parent: str = "") -> list[str]:  # noqa: ANN001
    out = []
    for iid in tree.get_children(parent):
        out += [iid, *_all_rows(tree, iid)]
    return out


def test_the_window_follows_a_dark_appearance(make_app, tmp_path: Path) -> None:
    from tkinter import ttk

    import customtkinter as ctk

    from ui.views.table_style import palette

    app = make_app()
    try:
        ctk.set_appearance_mode("dark")
        simulate_drop(app.drop_zone, [str(m3u(tmp_path / "Sunday Set.m3u8", 3)),
                                      str(tmp_path / "missing.m3u")])  # fmt: skip
        pump_until(
            app, lambda: app.controller.model.items and app.controller.session.notices, "items"
        )
        screenshot(app, "13-dark-queue")
        app.tabs.set("Settings")
        spin(app, 0.1)
        background = ttk.Style(app.root).lookup("Preset.Treeview", "background")
        assert background == palette("dark").background
        screenshot(app, "14-dark-settings")
    finally:
        ctk.set_appearance_mode("light")
