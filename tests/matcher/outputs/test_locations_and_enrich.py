from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from matcher.model import CatalogTrack, PlaylistEntry
from matcher.outputs.enrich import ENRICHED_FIELDS, fill_fields, year_of
from matcher.outputs.locations import file_url, playable_location, to_local_path


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        pytest.param("/Users/me/a b.mp3", "/Users/me/a b.mp3", id="posix"),
        pytest.param("C:\\Music\\a.mp3", "C:\\Music\\a.mp3", id="windows"),
        pytest.param("d:/Music/a.mp3", "d:/Music/a.mp3", id="windows-forward"),
        pytest.param("\\\\nas\\share\\a.mp3", "\\\\nas\\share\\a.mp3", id="unc"),
        pytest.param("file://localhost/Users/me/a%20b.mp3", "/Users/me/a b.mp3", id="rb-mac"),
        pytest.param("file://localhost/C:/Music/a.mp3", "C:/Music/a.mp3", id="rb-windows"),
        pytest.param("file://localhostC:/Music/a.mp3", "C:/Music/a.mp3", id="rb-no-slash"),
        pytest.param("file:///home/x/%C3%A9.mp3", "/home/x/é.mp3", id="file-triple-slash"),
        pytest.param("file://nas/share/a.mp3", "//nas/share/a.mp3", id="file-host"),
        pytest.param("spotify:track:4uLU6hMCjMI75M1A2tKUQC", None, id="spotify"),
        pytest.param("https://example.com/a.mp3", None, id="web"),
        pytest.param("", None, id="empty"),
        pytest.param("  ", None, id="blank"),
    ],
)
def test_to_local_path(location, expected):
    assert to_local_path(location) == expected


def test_relative_paths_resolve_against_the_playlist_folder(tmp_path):
    assert to_local_path("sub/../a.mp3", tmp_path) == str(tmp_path / "a.mp3")
    assert to_local_path("a.mp3") == "a.mp3"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("/Users/me/a b.mp3", "file://localhost/Users/me/a%20b.mp3", id="posix"),
        pytest.param("D:/x", "file://localhost/D:/x", id="drive"),
        pytest.param("D:\\x\\y (1).mp3", "file://localhost/D:/x/y%20(1).mp3", id="backslashes"),
        pytest.param(
            "/a/[b] #1 ?&'.mp3", "file://localhost/a/%5Bb%5D%20%231%20%3F%26%27.mp3", id="escapes"
        ),
        pytest.param("/é/東.mp3", "file://localhost/%C3%A9/%E6%9D%B1.mp3", id="utf8"),
        pytest.param("/e\u0301.mp3", "file://localhost/%C3%A9.mp3", id="nfc"),
        pytest.param("/a,b!+$@;=~-_.mp3", "file://localhost/a,b!+$@;=~-_.mp3", id="rb-safe"),
    ],
)
def test_file_url(path, expected):
    assert file_url(path) == expected
    assert to_local_path(expected) == unicodedata.normalize("NFC", path.replace("\\", "/"))


def test_playable_location_prefers_the_owned_copy():
    entry = PlaylistEntry("p.m3u", "P", 0, location="/theirs/a.mp3")
    owned = CatalogTrack("c", "T", location="file://localhost/mine/a.mp3")
    assert playable_location(entry, owned, Path("/")) == "/mine/a.mp3"
    assert playable_location(entry, CatalogTrack("c", "T"), Path("/")) == "/theirs/a.mp3"
    assert playable_location(PlaylistEntry("p", "P", 0, location="spotify:x"), None, None) is None


@pytest.mark.parametrize(
    ("date", "year"),
    [("2019-05-01", "2019"), ("2019", "2019"), ("0000-00-00", ""), ("", ""), ("May 2019", "")],
)
def test_year_of(date, year):
    assert year_of(date) == year


TRACK = CatalogTrack(
    "c", "T", mix="Extended Mix", artists=("Ann", "Bob feat. Cy"), remixers=("A", "B"),
    label="Lab", release="The EP", release_date="2011-02-03", bpm=125.5, key="F# Minor",
    genre="Techno", duration_s=301.6, isrc="QZ0000000001",
)  # fmt: skip
EVERYTHING = {  # every field the catalog knows that Rekordbox's XML can hold
    "Name": "T",
    "Artist": "Ann, Bob feat. Cy",
    "Album": "The EP",
    "Label": "Lab",
    "Remixer": "A, B",
    "Mix": "Extended Mix",
    "Genre": "Techno",
    "Tonality": "11A",
    "AverageBpm": "125.50",
    "Year": "2011",
    "TotalTime": "302",
}


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        pytest.param({}, EVERYTHING, id="missing-attributes"),
        pytest.param(
            {k: "" for k in EVERYTHING} | {"AverageBpm": "0.00", "Year": "0", "TotalTime": "0"},
            EVERYTHING,
            id="rekordbox-placeholders",
        ),
        pytest.param({k: "x" for k in EVERYTHING}, {}, id="all-user-filled"),
        pytest.param({"Label": "  ", "AverageBpm": "0"}, EVERYTHING, id="blank-and-zero"),
        pytest.param(
            {"AverageBpm": "abc", "Year": "1990", "TotalTime": "301"},
            {k: v for k, v in EVERYTHING.items() if k not in ("AverageBpm", "Year", "TotalTime")},
            id="odd-values-kept",
        ),  # fmt: skip
    ],
)
def test_fill_fields(current, expected):
    assert fill_fields(current, TRACK, "camelot") == expected


def test_fill_fields_skips_what_the_catalog_lacks():
    bare = CatalogTrack("c", "", key="not a key", bpm=0.0, duration_s=0.0)
    assert fill_fields({}, bare, "short") == {}


def test_fill_fields_offers_every_enriched_field():
    """What the README promises ("fills in artists, ... release"): each name in
    ENRICHED_FIELDS is filled from a catalog track that knows it, and nothing else is."""
    assert set(fill_fields({}, TRACK, "camelot")) == set(ENRICHED_FIELDS)
