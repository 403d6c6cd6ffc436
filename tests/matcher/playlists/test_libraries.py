"""Where libraries live (per OS, from a fake home) and what a dropped folder or file is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.playlists.detect import sniff_library
from matcher.playlists.libraries import (
    default_master_db,
    default_serato_folder,
    folder_format,
    found_libraries,
)


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_macos_default_location(tmp_path: Path) -> None:
    db = touch(tmp_path / "Library" / "Pioneer" / "rekordbox" / "master.db")
    assert default_master_db("darwin", {}, tmp_path) == db


def test_windows_default_location(tmp_path: Path) -> None:
    appdata = tmp_path / "AppData" / "Roaming"
    db = touch(appdata / "Pioneer" / "rekordbox" / "master.db")
    assert default_master_db("win32", {"APPDATA": str(appdata)}, tmp_path) == db
    assert default_master_db("win32", {}, tmp_path) == db  # APPDATA unset: the usual place


def test_a_moved_library_is_found_through_rekordbox_options(tmp_path: Path) -> None:
    moved = touch(tmp_path / "External" / "rekordbox" / "master.db")
    touch(tmp_path / "Library" / "Pioneer" / "rekordbox" / "master.db")
    options = tmp_path / "Library/Application Support/Pioneer/rekordboxAgent/storage/options.json"
    options.parent.mkdir(parents=True)
    options.write_text(json.dumps({"options": [["db-path", str(moved)], ["other", 1]]}))
    assert default_master_db("darwin", {}, tmp_path) == moved


def test_none_where_there_is_none(tmp_path: Path) -> None:
    assert default_master_db("darwin", {}, tmp_path) is None
    assert default_master_db("linux", {}, tmp_path) is None
    assert default_serato_folder(tmp_path) is None
    assert found_libraries("darwin", {}, tmp_path) == {}


def test_found_libraries(tmp_path: Path) -> None:
    db = touch(tmp_path / "Library" / "Pioneer" / "rekordbox" / "master.db")
    (tmp_path / "Music" / "_Serato_" / "Subcrates").mkdir(parents=True)
    assert found_libraries("darwin", {}, tmp_path) == {
        "Rekordbox": db, "Serato": tmp_path / "Music" / "_Serato_"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("made", "given", "expected"),
    [
        pytest.param("PIONEER/rekordbox/export.pdb", "", "rekordbox-usb", id="usb-root"),
        pytest.param("PIONEER/rekordbox/export.pdb", "PIONEER", "rekordbox-usb", id="pioneer"),
        pytest.param("_Serato_/Subcrates/a.crate", "", "serato", id="drive"),
        pytest.param("_Serato_/Subcrates/a.crate", "_Serato_", "serato", id="serato"),
        pytest.param("_Serato_/Subcrates/a.crate", "_Serato_/Subcrates", "serato", id="subcrates"),
        pytest.param("Music/a.mp3", "", None, id="music"),
    ],
)
def test_folder_format(tmp_path: Path, made: str, given: str, expected: str | None) -> None:
    touch(tmp_path / made)
    assert folder_format(tmp_path / given) == expected


@pytest.mark.parametrize(
    ("head", "suffix", "expected"),
    [
        pytest.param(b"SQLite format 3\x00" + bytes(100), "", "rekordbox-db", id="sqlite"),
        pytest.param(bytes(range(256)) * 16, ".db", "rekordbox-db", id="sqlcipher"),
        pytest.param(bytes(range(256)) * 16, ".bin", None, id="noise"),
        pytest.param(b"vrsn\x00\x00\x00\x38" + bytes(64), ".crate", "serato", id="crate"),
        pytest.param(
            bytes(4) + (4096).to_bytes(4, "little") + (20).to_bytes(4, "little") + bytes(100),
            "",
            "rekordbox-usb",
            id="pdb",
        ),  # fmt: skip
        pytest.param(b"#EXTM3U\n/x.mp3\n", ".m3u", None, id="m3u"),
    ],
)
def test_sniff_library(head: bytes, suffix: str, expected: str | None) -> None:
    assert sniff_library(head, suffix) == expected
