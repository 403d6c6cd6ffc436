from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from matcher.errors import PlaylistParseError, PlaylistSelectionError
from matcher.model import PlaylistInfo
from matcher.playlists import list_playlists, read_playlists
from matcher.playlists.csvfile import parse_text
from matcher.playlists.csvheader import find_header, header_name

EXPORTIFY_2024 = (
    '"Track URI","Track Name","Artist URI(s)","Artist Name(s)","Album Name",'
    '"Album Release Date","Track Duration (ms)","ISRC","Key","Mode","Tempo","Label"\n'
    '"spotify:track:abc","Machine","spotify:artist:x","Lea Luna,Revolvr","Machine EP",'
    '"2012-01-01","360888","USAAA1200001","9","0","128.010","Dim Mak"\n'
    '"spotify:track:def","Avian","spotify:artist:y","VC-118A","Avian","","","","-1","","",""\n'
)
EXPORTIFY_2022 = (
    "Spotify ID,Artist IDs,Track Name,Album Name,Artist Name(s),Release Date,Duration (ms),"
    "Key,Mode,Tempo\n"
    '2BHj31ufdEqVK5CkYDp9mA,"4hUm","Mayonaka no Door / Stay With Me","Best","Miki Matsubara",'
    "2008,312293,5,1,108.259\n"
)
EXPORTIFY_TABS = (
    "Track ID,Track Name,Album Name,Artist Name(s),Record Label,\t\t\t\tDanceability,Key,Mode\n"
    '5Blm,"Out With Her","Grocer","The Blow Monkeys","RCA Camden",0.659,7,1\n'
)
TUNEMYMUSIC = (
    "Track name,Artist name,Album,Playlist name,Type,ISRC,Spotify - id\n"
    '"""Minute Waltz""","Chopin","Nocturnes","Classics","Playlist","X1","id1"\n'
    '"BIRDBRAIN","Jamie Paige","BIRDBRAIN","teto","Playlist","QZ1","id2"\n'
    '"Waltz 2","Chopin","","Classics","Playlist","","id3"'
)
SERATO = (
    '"name","playtime","deck","notes","length","key","bpm","artist"\n'
    '"10/7/23","02:57:46","","","02:57:46","","",""\n'
    '"Issa Vibe","00:13:43","1","","3:25","6A","123","Wax Motif & BRKLYN"\n'
)
YOUTUBE = (
    '"Playlist URL","https://www.youtube.com/playlist?list=PL"\r\n"Playlist title","Musica"\r\n'
    '"Playlist author","me"\r\n"Videos","1"\r\n\r\n'
    '"Video ID","Title","Channel","Added At","Published At","Thumbnail URL"\r\n'
    '"3iEnvL4AQCQ","Feint - Lift","seRSje","2012-10-30","2010-11-20","https://i.ytimg.com/x.jpg"\r\n'
)


def read(content: str, tmp_path: Path, name: str = "list.csv"):
    return parse_text(content, tmp_path / name)


def test_exportify_current(tmp_path: Path) -> None:
    (playlist,) = read(EXPORTIFY_2024, tmp_path)
    machine, avian = playlist.entries
    assert (machine.source_id, machine.title, machine.artist, machine.album) == (
        "spotify:track:abc",
        "Machine",
        "Lea Luna,Revolvr",
        "Machine EP",
    )
    assert (machine.year, machine.duration_s, machine.isrc, machine.bpm, machine.label) == (
        "2012-01-01",
        360.888,
        "USAAA1200001",
        128.01,
        "Dim Mak",
    )
    assert machine.key == "A Minor"  # pitch class 9, mode 0
    assert (avian.key, avian.bpm, avian.duration_s, avian.year) == ("", None, None, "")
    assert (playlist.name, playlist.format, machine.playlist_file) == ("list", "csv", "list.csv")


def test_exportify_2022_columns(tmp_path: Path) -> None:
    (entry,) = read(EXPORTIFY_2022, tmp_path)[0].entries
    assert (entry.source_id, entry.artist, entry.key, entry.year) == (
        "2BHj31ufdEqVK5CkYDp9mA",
        "Miki Matsubara",
        "F Major",
        "2008",
    )


def test_header_cells_with_tabs(tmp_path: Path) -> None:
    header = find_header(EXPORTIFY_TABS)
    assert header is not None and "label" in header.columns
    (entry,) = read(EXPORTIFY_TABS, tmp_path)[0].entries
    assert (entry.label, entry.key) == ("RCA Camden", "G Major")


def test_tunemymusic_playlist_column_splits_playlists(tmp_path: Path) -> None:
    path = tmp_path / "My Library.csv"
    path.write_bytes(codecs.BOM_UTF8 + TUNEMYMUSIC.encode())
    assert list_playlists(path) == [PlaylistInfo("Classics", 2), PlaylistInfo("teto", 1)]
    with pytest.raises(PlaylistSelectionError, match="holds 2 playlists"):
        read_playlists(path)
    (classics,) = read_playlists(path, ["Classics"])
    assert [(e.entry_index, e.title, e.isrc) for e in classics.entries] == [
        (0, '"Minute Waltz"', "X1"),
        (1, "Waltz 2", ""),
    ]
    assert {e.playlist for e in classics.entries} == {"Classics"}


def test_serato_session_summary_row_is_skipped(tmp_path: Path) -> None:
    (entry,) = read(SERATO, tmp_path)[0].entries
    assert (entry.entry_index, entry.title, entry.artist, entry.key, entry.bpm) == (
        0,
        "Issa Vibe",
        "Wax Motif & BRKLYN",
        "6A",
        123.0,
    )
    assert entry.duration_s == 205.0


def test_youtube_export_after_a_preamble(tmp_path: Path) -> None:
    (entry,) = read(YOUTUBE, tmp_path)[0].entries
    assert (entry.source_id, entry.title, entry.artist, entry.year) == (
        "3iEnvL4AQCQ",
        "Feint - Lift",
        "seRSje",
        "",
    )


@pytest.mark.parametrize(
    ("content", "delimiter"),
    [
        pytest.param("Title;Artist;BPM\nA;B;128,5\n", ";", id="semicolon"),
        pytest.param("title\tartist\tbpm\nA\tB\t128.5\n", "\t", id="tab"),
        pytest.param("Song|Artists|Tempo\nA|B|128.5\n", "|", id="pipe"),
        pytest.param('"Name","Artist","Tempo"\n"A","B","128.5"\n', ",", id="comma-quoted"),
    ],
)
def test_delimiters(tmp_path: Path, content: str, delimiter: str) -> None:
    header = find_header(content)
    assert header is not None and header.delimiter == delimiter
    (entry,) = read(content, tmp_path)[0].entries
    assert (entry.title, entry.artist, entry.bpm) == ("A", "B", 128.5)


def test_generic_spreadsheet_columns(tmp_path: Path) -> None:
    content = (
        "Track,Artists,Release,Record Label,Length,Key,Year,Genre,Remixer,Version,Comments,"
        "Location\n"
        '"Strobe","deadmau5","LP","mau5trap","10:34","8A","2009","Progressive","R","Club Edit",'
        '"nice","file://localhost/Users/dj/strobe%201.mp3"\n'
        ",,,,,,,,,,,\n\n"
    )
    (entry,) = read(content, tmp_path)[0].entries
    assert (entry.title, entry.artist, entry.album, entry.label) == (
        "Strobe",
        "deadmau5",
        "LP",
        "mau5trap",
    )
    assert (entry.duration_s, entry.key, entry.year, entry.genre) == (
        634.0,
        "8A",
        "2009",
        "Progressive",
    )
    assert (entry.remixer, entry.mix, entry.comments, entry.location) == (
        "R",
        "Club Edit",
        "nice",
        "/Users/dj/strobe 1.mp3",
    )


def test_short_rows_and_multiline_fields(tmp_path: Path) -> None:
    content = 'Title,Artist,Album\n"Two\nLines",B\nOnly Title\n'
    entries = read(content, tmp_path)[0].entries
    assert [(e.title, e.artist, e.album) for e in entries] == [
        ("Two\nLines", "B", ""),
        ("Only Title", "", ""),
    ]


def test_header_only_file_gives_an_empty_playlist(tmp_path: Path) -> None:
    (playlist,) = read("Title,Artist\n", tmp_path)
    assert playlist.entries == ()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("Artist,Album\nA,B\n", id="no-title-column"),
        pytest.param("a,b,c\n1,2,3\n", id="no-header"),
    ],
)
def test_no_header_is_a_parse_error(tmp_path: Path, content: str) -> None:
    with pytest.raises(PlaylistParseError, match="list.csv: no CSV header"):
        read(content, tmp_path)


@pytest.mark.parametrize(
    ("cell", "name"),
    [
        ("\t\t\t\tDanceability", "danceability"),
        ("\ufeffTrack URI", "track uri"),
        (" Artist_Name(s) ", "artist name(s)"),
    ],
)
def test_header_name(cell: str, name: str) -> None:
    assert header_name(cell) == name
