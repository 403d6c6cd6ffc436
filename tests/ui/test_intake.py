"""ui/intake.py: files and folders are read off the Tk thread and queued; a file with
several playlists asks the picker, one file at a time; bad input is one notice; queued
playlists can be moved and removed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from matcher import PlaylistInfo
from tests.ui.controller_fixtures import Harness, m3u
from tests.ui.gui_helpers import rekordbox_two_playlists
from ui.intake import playlist_files
from ui.queue_model import ItemStatus


def test_files_are_read_off_the_calling_thread_and_queued_with_counts(tmp_path: Path) -> None:
    h = Harness()
    h.c.intake.add_paths([m3u(tmp_path / "Warm Up.m3u8", 4)])
    intake = h.c.intake
    assert intake.reading == 1 and intake.adding and h.c.model.items == []  # nothing yet
    assert [t.name for t in h.c.session.threads] == ["cratematch-reader"]
    assert h.c.session.threads[0] is not threading.current_thread()
    h.settle()
    (item,) = h.c.model.items
    assert (item.label, item.entries, item.name) == ("Warm Up", 4, None)
    assert intake.reading == 0 and not intake.adding


def test_a_folder_adds_the_playlist_files_inside_it(tmp_path: Path) -> None:
    (tmp_path / "sets" / "deeper").mkdir(parents=True)
    m3u(tmp_path / "sets" / "b.m3u")
    m3u(tmp_path / "sets" / "deeper" / "a.m3u8")
    (tmp_path / "sets" / "notes.txt").write_text("not a playlist", encoding="utf-8")
    (tmp_path / "sets" / ".hidden.m3u").write_text("#EXTM3U\n", encoding="utf-8")
    assert [p.name for p in playlist_files(tmp_path / "sets")] == ["b.m3u", "a.m3u8"]
    h = Harness()
    h.add(tmp_path / "sets")
    assert h.labels() == ["b", "a"] and h.notices == []


def test_bad_input_is_one_readable_notice_and_the_queue_is_untouched(tmp_path: Path) -> None:
    h = Harness()
    h.add(m3u(tmp_path / "good.m3u8"))
    (tmp_path / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(200))
    (tmp_path / "empty").mkdir()
    h.add(tmp_path / "cover.jpg", tmp_path / "missing.m3u", tmp_path / "empty")
    assert h.labels() == ["good"]
    assert h.notices[0].startswith("cover.jpg: binary data, not a playlist CrateMatch reads")
    assert h.notices[1].startswith("missing.m3u: file not found")
    assert h.notices[2] == "empty: no playlist files inside"
    assert all("Traceback" not in n and "\n" not in n for n in h.notices)
    h.c.session.dismiss_notices()
    assert h.notices == []


def test_the_same_playlist_twice_is_queued_once(tmp_path: Path) -> None:
    h = Harness()
    h.add(m3u(tmp_path / "a.m3u8"))
    h.add(tmp_path / "a.m3u8")
    assert h.labels() == ["a"] and h.notices == ["a is already in the queue"]


def test_a_file_with_several_playlists_asks_the_chooser_one_file_at_a_time(
    tmp_path: Path,
) -> None:
    h = Harness()
    asked: list[tuple[Path, list[PlaylistInfo], Callable[[list[str]], None]]] = []
    h.c.intake.chooser = lambda path, infos, done: asked.append((path, infos, done))
    first = rekordbox_two_playlists(tmp_path / "one.xml")
    second = rekordbox_two_playlists(tmp_path / "two.xml")
    h.add(first, second)
    assert [a[0] for a in asked] == [first] and h.c.intake.adding
    assert [i.path for i in asked[0][1]] == ["Friday", "Friday/Warm Up", "Friday/Peak Time"]
    asked[0][2](["Friday/Peak Time"])
    assert [a[0] for a in asked] == [first, second]  # the next picker opens after the first
    asked[1][2]([])  # cancelled: nothing from the second file
    assert not h.c.intake.adding
    (item,) = h.c.model.items
    assert (item.label, item.name, item.entries) == ("Peak Time", "Friday/Peak Time", 2)


def test_without_a_chooser_every_playlist_is_queued(tmp_path: Path) -> None:
    h = Harness()
    h.add(rekordbox_two_playlists(tmp_path / "sets.xml"))
    assert [(i.label, i.entries) for i in h.c.model.items] == [("Warm Up", 3), ("Peak Time", 2)]


def test_queued_playlists_move_and_go_and_finished_ones_clear(tmp_path: Path) -> None:
    h = Harness()
    h.add(m3u(tmp_path / "a.m3u8"), m3u(tmp_path / "b.m3u8"), m3u(tmp_path / "c.m3u8"))
    a, b, c = (i.item_id for i in h.c.model.items)
    before = h.changes
    h.c.intake.move(c, -1)
    assert h.labels() == ["a", "c", "b"] and h.changes == before + 1
    h.c.intake.move(a, -1)  # already first: nothing changes, nothing is redrawn
    assert h.labels() == ["a", "c", "b"] and h.changes == before + 1
    h.c.intake.remove(b)
    assert h.labels() == ["a", "c"]
    h.c.intake.clear_finished()  # none finished: nothing goes
    assert h.labels() == ["a", "c"]
    h.c.model.items[0] = replace(h.c.model.items[0], status=ItemStatus.DONE)
    h.c.intake.clear_finished()
    assert h.labels() == ["c"]
