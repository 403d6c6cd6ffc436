"""Dropping DJ libraries: master.db, export.pdb, a _Serato_ folder, a USB stick's root or a
folder holding master.db is one input whose playlists the picker shows, like an XML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from matcher import PlaylistInfo
from tests.ui.controller_fixtures import Harness, m3u
from tests.ui.gui_helpers import pump_until, screenshot, simulate_drop, spin
from tests.ui.library_fixtures import rekordbox_folder, serato_drive, usb_stick
from ui.intake import dropped_library

Asked = list[tuple[Path, list[PlaylistInfo], Callable[[list[str]], None]]]


def asking(h: Harness) -> Asked:
    asked: Asked = []
    h.c.intake.chooser = lambda path, infos, done: asked.append((path, infos, done))
    return asked


@pytest.mark.parametrize(
    ("make", "given", "read", "tree"),
    [
        pytest.param(usb_stick, ".", ".", ["Early", "Sets", "Sets/Late"], id="usb-root"),
        pytest.param(usb_stick, "PIONEER", "PIONEER", ["Early", "Sets", "Sets/Late"],
                     id="usb-pioneer-folder"),
        pytest.param(usb_stick, "PIONEER/rekordbox/export.pdb", "PIONEER/rekordbox/export.pdb",
                     ["Early", "Sets", "Sets/Late"], id="export.pdb"),
        pytest.param(serato_drive, "_Serato_", "_Serato_", ["House", "House/Deep"],
                     id="serato-folder"),
        pytest.param(serato_drive, ".", ".", ["House", "House/Deep"], id="drive-with-serato"),
        pytest.param(rekordbox_folder, ".", "master.db", ["Warmup", "House", "House/Deep"],
                     id="folder-holding-master.db"),
        pytest.param(rekordbox_folder, "master.db", "master.db",
                     ["Warmup", "House", "House/Deep"], id="master.db"),
    ],
)  # fmt: skip
def test_a_library_is_one_input_whose_playlists_the_picker_shows(
    tmp_path: Path, make: Callable[[Path], Path], given: str, read: str, tree: list[str]
) -> None:
    root = make(tmp_path / "Library")
    m3u(root / "stray.m3u8")  # a playlist file inside a library folder is not walked to
    h = Harness()
    asked = asking(h)
    h.add(root / given)
    assert h.notices == []
    ((path, infos, done),) = asked  # one picker: the library is one input
    assert path == root / read
    assert [i.path for i in infos] == tree
    done([tree[-1]])
    h.settle()
    (item,) = h.c.model.items
    assert (item.path, item.name, item.label) == (root / read, tree[-1], tree[-1].split("/")[-1])


def test_dropped_library_only_for_libraries(tmp_path: Path) -> None:
    assert dropped_library(usb_stick(tmp_path / "USB")) == tmp_path / "USB"
    assert dropped_library(serato_drive(tmp_path / "S") / "_Serato_") == tmp_path / "S/_Serato_"
    assert dropped_library(rekordbox_folder(tmp_path / "rb")) == tmp_path / "rb" / "master.db"
    (tmp_path / "sets").mkdir()
    m3u(tmp_path / "sets" / "a.m3u")
    (tmp_path / "sets" / "PIONEER").mkdir()  # an empty PIONEER folder is no stick
    assert dropped_library(tmp_path / "sets") is None


def test_a_plain_folder_is_still_walked_for_playlist_files(tmp_path: Path) -> None:
    folder = tmp_path / "sets"
    folder.mkdir()
    m3u(folder / "a.m3u")
    (folder / "other.db").write_bytes(b"SQLite format 3\x00" + bytes(100))  # not master.db
    h = Harness()
    h.add(folder)
    assert [i.label for i in h.c.model.items] == ["a"] and h.notices == []


def test_a_locked_or_broken_master_db_is_one_notice(tmp_path: Path) -> None:
    folder = tmp_path / "rekordbox"
    folder.mkdir()
    (folder / "master.db").write_bytes(b"\x8f" * 4096)  # SQLCipher noise without a key
    h = Harness()
    h.add(folder)
    assert h.c.model.items == []
    (notice,) = h.notices
    assert notice.startswith("master.db") and "\n" not in notice and "Traceback" not in notice


def test_drop_a_usb_stick_on_the_window_and_pick_from_its_playlists(
    make_app, tmp_path: Path
) -> None:
    app = make_app()
    stick = usb_stick(tmp_path / "DJ STICK")  # a space: the drop arrives in braces
    assert simulate_drop(app.drop_zone, [str(stick)]) == "copy"
    picker = pump_until(app, lambda: app.picker, "the playlist picker")
    assert picker.tree.get_children() == ("Early", "Sets")
    assert picker.tree.get_children("Sets") == ("Sets/Late",)
    picker.select(["Sets"])
    screenshot(app, "i16-usb-picker")
    picker.confirm()
    pump_until(app, lambda: app.controller.model.items and not app.controller.intake.adding,
               "the playlist queued")  # fmt: skip
    spin(app, 0.1)
    (item,) = app.controller.model.items
    assert (item.path, item.name, item.entries) == (stick, "Sets/Late", 2)
    row = app.queue_view.rows[item.item_id]
    assert row.label.cget("text") == "Late"
    assert row.sub.cget("text") == "DJ STICK · Sets · 2 tracks"
