from __future__ import annotations

import os

import pytest

from matcher.errors import OutputError
from matcher.outputs import playlist_folder, safe_folder_name
from matcher.outputs.folders import MAX_NAME_BYTES, MAX_NAME_CHARS


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("Friday Set", "Friday Set", id="plain"),
        pytest.param("Folder/Sub/Name", "Folder - Sub - Name", id="rekordbox-tree"),
        pytest.param("a/b", "a - b", id="slash"),
        pytest.param("a\\b", "a - b", id="backslash"),
        pytest.param("../../etc", "etc", id="dot-dot-traversal"),
        pytest.param("..", "playlist", id="dot-dot"),
        pytest.param(".", "playlist", id="dot"),
        pytest.param("/etc/passwd", "etc - passwd", id="absolute"),
        pytest.param("\x00", "_", id="nul"),
        pytest.param("a\x00b\x1fc\x7f", "a_b_c_", id="control-chars"),
        pytest.param("", "playlist", id="empty"),
        pytest.param("   ", "playlist", id="blank"),
        pytest.param("CON", "_CON", id="con"),
        pytest.param("con", "_con", id="con-lower"),
        pytest.param("lpt1.txt", "_lpt1.txt", id="lpt1-with-extension"),
        pytest.param("COM¹", "_COM¹", id="com-superscript"),
        pytest.param("Aux ", "_Aux", id="aux-trailing-space"),
        pytest.param("Console", "Console", id="not-reserved"),
        pytest.param("Ends with dots...", "Ends with dots", id="trailing-dots"),
        pytest.param(".hidden", "hidden", id="leading-dot"),
        pytest.param('What? <Live> "1":2|3*', "What_ _Live_ _1__2_3_", id="windows-invalid"),
        pytest.param("C:\\Users", "C_ - Users", id="drive"),
        pytest.param("Tab\tand\nnewline", "Tab_and_newline", id="whitespace-controls"),
        pytest.param("Cafe\u0301 Ünïcode 東京", "Café Ünïcode 東京", id="unicode-nfc"),
        pytest.param("a\udcffb", "a_b", id="lone-surrogate"),
    ],
)
def test_safe_folder_name(name, expected):
    assert safe_folder_name(name) == expected


def test_long_names_are_capped_in_characters_and_bytes():
    assert len(safe_folder_name("x" * 1000)) == MAX_NAME_CHARS
    wide = safe_folder_name("東" * 1000)
    assert len(wide.encode("utf-8")) <= MAX_NAME_BYTES
    assert safe_folder_name("a" * (MAX_NAME_CHARS - 1) + " .b") == "a" * (MAX_NAME_CHARS - 1)


def _pl(make, tmp_path, name):
    return make.playlist([], tmp_path / "x.m3u", name=name)


@pytest.mark.parametrize(
    "name",
    ["../../etc", "..", "a/b", "\x00", "CON", "/abs/olute", "x" * 600, "..\\..\\win", "~"],
)
def test_playlist_folder_never_escapes_out_dir(tmp_path, make, name):
    out = tmp_path / "out"
    folder = playlist_folder(out, _pl(make, tmp_path, name), set())
    assert folder.is_dir()
    assert folder.resolve().parent == out.resolve()
    assert os.listdir(tmp_path) == ["out"]


def test_names_differing_only_by_case_get_distinct_folders(tmp_path, make):
    taken: set[str] = set()
    names = ["House", "house", "HOUSE", "House"]
    folders = [playlist_folder(tmp_path, _pl(make, tmp_path, n), taken) for n in names]
    assert [f.name for f in folders] == ["House", "house (2)", "HOUSE (3)", "House (4)"]
    assert taken == {"House", "house (2)", "HOUSE (3)", "House (4)"}
    assert len({f.name.casefold() for f in folders}) == 4


def test_unique_suffix_keeps_long_names_within_the_cap(tmp_path, make):
    taken: set[str] = set()
    first = playlist_folder(tmp_path, _pl(make, tmp_path, "y" * 500), taken)
    second = playlist_folder(tmp_path, _pl(make, tmp_path, "y" * 500), taken)
    assert second.name.endswith(" (2)") and len(second.name) <= MAX_NAME_CHARS
    assert first != second


def test_names_that_clean_to_the_same_folder_are_kept_apart(tmp_path, make):
    taken: set[str] = set()
    a = playlist_folder(tmp_path, _pl(make, tmp_path, "a/b"), taken)
    b = playlist_folder(tmp_path, _pl(make, tmp_path, "a - b"), taken)
    assert (a.name, b.name) == ("a - b", "a - b (2)")


def test_a_symlink_pointing_outside_is_refused(tmp_path, make):
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (out / "Set").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputError, match="outside"):
        playlist_folder(out, _pl(make, tmp_path, "Set"), set())


def test_a_file_in_the_way_gives_output_error(tmp_path, make):
    (tmp_path / "Set").write_text("not a folder")
    taken: set[str] = set()
    with pytest.raises(OutputError, match="cannot create"):
        playlist_folder(tmp_path, _pl(make, tmp_path, "Set"), taken)
    assert taken == set()
