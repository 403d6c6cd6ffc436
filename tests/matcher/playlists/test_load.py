"""`load_playlists`: every playlist a batch's inputs select, read before any matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.errors import InputError, PlaylistSelectionError
from matcher.model import PlaylistRef
from matcher.playlists import load_playlists

LIBRARY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<DJ_PLAYLISTS Version="1.0.0">'
    '<PRODUCT Name="rekordbox"/><COLLECTION Entries="2">'
    '<TRACK TrackID="1" Name="Salt Meridian" Artist="Corvin Ash"/>'
    '<TRACK TrackID="2" Name="Paper Harbour" Artist="Lio Marchetti"/></COLLECTION>'
    '<PLAYLISTS><NODE Type="0" Name="ROOT" Count="2">'
    '<NODE Name="A" Type="1" KeyType="0" Entries="1"><TRACK Key="1"/></NODE>'
    '<NODE Name="B" Type="1" KeyType="0" Entries="1"><TRACK Key="2"/></NODE>'
    "</NODE></PLAYLISTS></DJ_PLAYLISTS>\n"
)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "lib.xml"
    path.write_text(LIBRARY, encoding="utf-8")
    return path


def _m3u(path: Path, titles: list[str]) -> Path:
    lines = ["#EXTM3U"]
    for i, title in enumerate(titles):
        lines += [f"#EXTINF:380,Corvin Ash - {title}", f"/Music/{i:03d}.mp3"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_playlist_ref_selects_one_playlist_of_a_rekordbox_file(library: Path) -> None:
    assert [p.name for p in load_playlists([PlaylistRef(library, "B")])] == ["B"]
    assert [p.name for p in load_playlists([library], all_playlists=True)] == ["A", "B"]
    assert [p.name for p in load_playlists([library], names=["A"])] == ["A"]
    with pytest.raises(PlaylistSelectionError):
        load_playlists([library])


def test_names_apply_only_to_files_that_hold_several_playlists(
    library: Path, tmp_path: Path
) -> None:
    m3u = _m3u(tmp_path / "set.m3u8", ["Salt Meridian", "Paper Harbour"])
    playlists = load_playlists([m3u, library], names=["B"])
    assert [(p.name, len(p.entries)) for p in playlists] == [("set", 2), ("B", 1)]


def test_one_bad_input_fails_the_whole_load(library: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing.m3u8"):
        load_playlists([library, tmp_path / "missing.m3u8"], all_playlists=True)


def test_nothing_to_match_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no playlists"):
        load_playlists([])
