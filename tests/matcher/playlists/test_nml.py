from __future__ import annotations

from pathlib import Path

import pytest

from matcher.errors import PlaylistParseError
from matcher.model import PlaylistEntry, PlaylistInfo
from matcher.playlists import iter_collection, list_playlists, read_playlists
from matcher.playlists.nml import local_path

ENTRY_FULL = (
    '<ENTRY MODIFIED_DATE="2023/5/2" TITLE="Boots" ARTIST="Bad Boombox, MC Yung Lil">'
    '<LOCATION DIR="/:Users/:DJ/:" FILE="Boots.mp3" VOLUME="Macintosh HD" '
    'VOLUMEID="Macintosh HD"></LOCATION>\n'
    '<ALBUM TRACK="5" TITLE="Beatport At ADE"></ALBUM>\n'
    '<INFO BITRATE="320000" GENRE="Trance" LABEL="Label X" COMMENT="mélodie" KEY="11m" '
    'FILESIZE="10208" REMIXER="Remi" MIX="Extended Mix" PLAYTIME="261" PLAYTIME_FLOAT="260.989380" '
    'RELEASE_DATE="2011/1/1"></INFO>\n'
    '<TEMPO BPM="147.999908" BPM_QUALITY="100.000000"></TEMPO>\n'
    '<MUSICAL_KEY VALUE="19"></MUSICAL_KEY>\n'
    '<CUE_V2 NAME="AutoGrid" TYPE="4" START="216.1"></CUE_V2>\n</ENTRY>\n'
)
ENTRY_KEY_INDEX = (
    '<ENTRY TITLE="Poison (Original Mix)" ARTIST="Lauhaus"><LOCATION DIR="/:Beatport/:" '
    'FILE="3026830_Poison_Original_Mix.mp3" VOLUME="E:" VOLUMEID="96c1318d"></LOCATION>\n'
    '<INFO PLAYTIME="467" RELEASE_DATE="0"></INFO>\n'
    '<TEMPO BPM="0"></TEMPO>\n<MUSICAL_KEY VALUE="21"></MUSICAL_KEY>\n</ENTRY>\n'
)
ENTRY_EXTERNAL = (
    '<ENTRY TITLE="Far Away" ARTIST="Ext"><LOCATION DIR="/:Music/:" FILE="far.flac" '
    'VOLUME="USB STICK"></LOCATION>\n</ENTRY>\n'
)
SETS = (
    '<SETS ENTRIES="1"><SET TITLE="Step Sequencer" ARTIST="NI"><LOCATION DIR="/:" '
    'FILE="x.set" VOLUME="Macintosh HD"></LOCATION>\n</SET>\n</SETS>\n'
)


def _key(volume: str, directory: str, file: str, kind: str = "TRACK") -> str:
    key = f"{volume}{directory}{file}"
    return f'<ENTRY><PRIMARYKEY TYPE="{kind}" KEY="{key}"></PRIMARYKEY>\n</ENTRY>\n'


def _playlist(name: str, keys: str, kind: str = "LIST") -> str:
    return (
        f'<NODE TYPE="PLAYLIST" NAME="{name}"><PLAYLIST ENTRIES="9" TYPE="{kind}" UUID="u">'
        f"{keys}</PLAYLIST>\n</NODE>\n"
    )


def _nml(collection: str, nodes: str, sets: str = SETS) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
        '<NML VERSION="19"><HEAD COMPANY="www.native-instruments.com" PROGRAM="Traktor"></HEAD>\n'
        f'<MUSICFOLDERS></MUSICFOLDERS>\n<COLLECTION ENTRIES="1219">{collection}</COLLECTION>\n'
        f'{sets}<PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="2">{nodes}'
        "</SUBNODES>\n</NODE>\n</PLAYLISTS>\n<INDEXING></INDEXING>\n</NML>\n"
    )


BOOTS = _key("Macintosh HD", "/:Users/:DJ/:", "Boots.mp3")
POISON = _key("E:", "/:Beatport/:", "3026830_Poison_Original_Mix.mp3", "STEM")
GONE = _key("Macintosh HD", "/:Users/:DJ/:", "deleted.mp3")


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    nodes = (
        '<NODE TYPE="FOLDER" NAME="DJ SETS"><SUBNODES COUNT="2">'
        + _playlist("Sautillant", POISON + GONE + BOOTS)
        + _playlist("Sautillant", BOOTS)
        + "</SUBNODES>\n</NODE>\n"
        + '<NODE TYPE="SMARTLIST" NAME="Smart"><SMARTLIST UUID="s"><SEARCH_EXPRESSION '
        'VERSION="1" QUERY="$RATING &gt; 3"></SEARCH_EXPRESSION></SMARTLIST>\n</NODE>\n'
        + _playlist("HISTORY", BOOTS, kind="PROTOCOL")
        + _playlist("_LOOPS", "")
    )
    path = tmp_path / "collection.nml"
    path.write_text(_nml(ENTRY_FULL + ENTRY_KEY_INDEX + ENTRY_EXTERNAL, nodes), encoding="utf-8")
    return path


def test_list_playlists(collection: Path) -> None:
    assert list_playlists(collection) == [
        PlaylistInfo("DJ SETS", 4, is_folder=True),
        PlaylistInfo("DJ SETS/Sautillant", 3),
        PlaylistInfo("DJ SETS/Sautillant (2)", 1),
        PlaylistInfo("HISTORY", 1),
        PlaylistInfo("_LOOPS", 0),
    ]


def test_collection_fields(collection: Path) -> None:
    entries = list(iter_collection(collection))
    assert len(entries) == 3  # SETS hold LOCATIONs too, but are not tracks
    assert entries[0] == PlaylistEntry(
        playlist_file="collection.nml",
        playlist="COLLECTION",
        entry_index=0,
        source_id="Macintosh HD/:Users/:DJ/:Boots.mp3",
        title="Boots",
        artist="Bad Boombox, MC Yung Lil",
        remixer="Remi",
        mix="Extended Mix",
        album="Beatport At ADE",
        label="Label X",
        genre="Trance",
        comments="mélodie",
        year="2011/1/1",
        duration_s=260.98938,
        bpm=147.999908,
        key="11m",
        location="/Users/DJ/Boots.mp3",
        file_size=10208 * 1024,  # Traktor counts kilobytes
    )
    poison = entries[1]
    assert (poison.key, poison.bpm, poison.year, poison.duration_s) == ("A Minor", None, "", 467.0)
    assert poison.location == "E:/Beatport/3026830_Poison_Original_Mix.mp3"
    assert entries[2].location == "/Volumes/USB STICK/Music/far.flac"


def test_playlist_entries_resolve_track_and_stem_keys(collection: Path) -> None:
    (playlist,) = read_playlists(collection, ["DJ SETS/Sautillant"])
    assert playlist.format == "nml"
    assert [(e.entry_index, e.title) for e in playlist.entries] == [
        (0, "Poison (Original Mix)"),
        (1, "Boots"),
    ]


def test_history_playlist(collection: Path) -> None:
    (playlist,) = read_playlists(collection, ["HISTORY"])
    assert [e.title for e in playlist.entries] == ["Boots"]


def test_no_playlists_gives_the_collection(tmp_path: Path) -> None:
    path = tmp_path / "bare.nml"
    path.write_text(_nml(ENTRY_FULL + ENTRY_KEY_INDEX, ""), encoding="utf-8")
    (playlist,) = read_playlists(path)
    assert playlist.name == "COLLECTION" and len(playlist.entries) == 2


@pytest.mark.parametrize(
    ("volume", "directory", "expected"),
    [
        pytest.param("E:", "/:Beatport/:", "E:/Beatport/x.mp3", id="windows-drive"),
        pytest.param("Macintosh HD", "/:Users/:DJ/:", "/Users/DJ/x.mp3", id="mac-startup"),
        pytest.param("osx", "/:Users/:me/:", "/Users/me/x.mp3", id="osx-volume"),
        pytest.param("Data", "/:Users/:me/:", "/Users/me/x.mp3", id="renamed-startup"),
        pytest.param("DJ USB", "/:Tracks/:", "/Volumes/DJ USB/Tracks/x.mp3", id="external"),
        pytest.param("", "/:tmp/:", "/tmp/x.mp3", id="no-volume"),
    ],
)
def test_local_path(volume: str, directory: str, expected: str) -> None:
    assert local_path(volume, directory, "x.mp3") == expected


def test_broken_nml_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.nml"
    path.write_text("<NML><COLLECTION><ENTRY TITLE='a'></COLLECTION></NML>", encoding="utf-8")
    with pytest.raises(PlaylistParseError, match="fake.nml: broken XML"):
        list(iter_collection(path))
