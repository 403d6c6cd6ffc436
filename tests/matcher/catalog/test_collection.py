from __future__ import annotations

from pathlib import Path

import pytest

from matcher.catalog.collection import track_from_entry
from matcher.catalog.fields import ReadStats
from matcher.catalog.importers import read_catalog_source
from matcher.model import CatalogTrack, PlaylistEntry

REKORDBOX = """<?xml version="1.0" encoding="UTF-8"?>
<DJ_PLAYLISTS Version="1.0.0">
  <PRODUCT Name="rekordbox" Version="6.7.4" Company="AlphaTheta"/>
  <COLLECTION Entries="3">
    <TRACK TrackID="11" Name="Lolita (Extended Mix)" Artist="Boriqua Tribez feat. MC X"
      Album="Lolita EP" Genre="Tech House" TotalTime="402" Year="2019" AverageBpm="124.00"
      Location="file://localhost/Users/dj/Music/Lolita.mp3" Remixer="" Tonality="8A"
      Label="Crosstown" Mix=""/>
    <TRACK TrackID="12" Name="Muzik" Artist="Villanord" TotalTime="381" AverageBpm="0.00"
      Location="file://localhost/Users/dj/Music/Muzik.mp3" Remixer="Bingo Players"
      Tonality="F#m" Mix="Bingo Players Remix"/>
    <TRACK TrackID="13" Name="Simon &amp; Garfunkel Tune" Artist="Simon &amp; Garfunkel"
      Location="file://localhost/Users/dj/Music/SG.mp3"/>
  </COLLECTION>
  <PLAYLISTS>
    <NODE Type="0" Name="ROOT" Count="1">
      <NODE Name="Set" Type="1" KeyType="0" Entries="1"><TRACK Key="11"/></NODE>
    </NODE>
  </PLAYLISTS>
</DJ_PLAYLISTS>
"""

NML = """<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<NML VERSION="19"><HEAD COMPANY="www.native-instruments.com" PROGRAM="Traktor"></HEAD>
<COLLECTION ENTRIES="2">
<ENTRY TITLE="Red Lights" ARTIST="Tiësto"><LOCATION DIR="/:Users/:dj/:Music/:"
 FILE="Red Lights.mp3" VOLUME="Macintosh HD"></LOCATION><ALBUM TITLE="A Town Called Paradise">
</ALBUM><INFO GENRE="Dance" LABEL="Musical Freedom" KEY="Am" PLAYTIME="263"
 RELEASE_DATE="2014/1/1"></INFO><TEMPO BPM="124.000000"></TEMPO></ENTRY>
<ENTRY TITLE="Adagio For Strings" ARTIST="Tiësto"><LOCATION DIR="/:Users/:dj/:Music/:"
 FILE="Adagio.mp3" VOLUME="Macintosh HD"></LOCATION><INFO PLAYTIME="400"></INFO></ENTRY>
</COLLECTION>
<PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="0"></SUBNODES></NODE></PLAYLISTS>
</NML>
"""


def needs_collection_reader() -> None:
    try:
        from matcher.playlists import iter_collection  # noqa: F401
    except ImportError:
        pytest.skip("matcher.playlists.iter_collection is not there yet")


def read(path: Path) -> tuple[list[CatalogTrack], ReadStats]:
    needs_collection_reader()
    stats = ReadStats()
    return list(read_catalog_source(path, stats)), stats


def test_rekordbox_collection(tmp_path: Path) -> None:
    path = tmp_path / "rekordbox.xml"
    path.write_text(REKORDBOX, encoding="utf-8")
    tracks, stats = read(path)
    assert tracks == [
        CatalogTrack("rb:11", "Lolita", "Extended Mix", ("Boriqua Tribez", "MC X"), (),
                     "Crosstown", "Lolita EP", "2019", 124.0, "A Minor", "Tech House", 402.0,
                     "", "/Users/dj/Music/Lolita.mp3"),
        CatalogTrack("rb:12", "Muzik", "Bingo Players Remix", ("Villanord",),
                     ("Bingo Players",), bpm=None, key="F# Minor", duration_s=381.0,
                     location="/Users/dj/Music/Muzik.mp3"),
        CatalogTrack("rb:13", "Simon & Garfunkel Tune", artists=("Simon & Garfunkel",),
                     location="/Users/dj/Music/SG.mp3"),
    ]  # fmt: skip
    assert (stats.rows_read, stats.rows_skipped) == (3, 0)


def test_traktor_collection(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    path.write_text(NML, encoding="utf-8")
    tracks, stats = read(path)
    red, adagio = tracks
    assert red == CatalogTrack(
        red.catalog_id, "Red Lights", "", ("Tiësto",), (), "Musical Freedom",
        "A Town Called Paradise", "2014-01-01", 124.0, "A Minor", "Dance", 263.0, "",
        "/Users/dj/Music/Red Lights.mp3",
    )  # fmt: skip
    assert adagio.title == "Adagio For Strings"
    assert red.catalog_id.startswith("nml:") and red.catalog_id != adagio.catalog_id
    again, _ = read(path)
    assert [t.catalog_id for t in again] == [red.catalog_id, adagio.catalog_id]
    assert stats.rows_read == 2


ENTRY = PlaylistEntry("c.nml", "COLLECTION", 0, source_id="", title="T", artist="A",
                      location="/m/t.mp3")  # fmt: skip


@pytest.mark.parametrize(
    ("entry", "kind", "expected_id"),
    [
        pytest.param(
            PlaylistEntry("x.xml", "C", 0, source_id="42", title="T"),
            "rekordbox",
            "rb:42",
            id="rekordbox-track-id",
        ),  # fmt: skip
        pytest.param(ENTRY, "nml", "nml:", id="nml-location-hash"),
        pytest.param(
            PlaylistEntry("x.xml", "C", 0, title="T", location="/m/t.mp3"),
            "rekordbox",
            "rb:",
            id="rekordbox-without-id",
        ),  # fmt: skip
    ],
)
def test_catalog_ids(entry: PlaylistEntry, kind: str, expected_id: str) -> None:
    track = track_from_entry(entry, kind)
    assert track is not None
    assert track.catalog_id.startswith(expected_id)
    if expected_id.endswith(":"):
        # derived from the location alone: the same file gets the same id
        moved = PlaylistEntry("other.nml", "P", 9, title="Changed", location=entry.location)
        assert track_from_entry(moved, kind).catalog_id == track.catalog_id


def test_entry_without_title_uses_file_name() -> None:
    entry = PlaylistEntry("c.nml", "C", 0, location="C:\\Music\\Artist - Tune (Dub).mp3")
    track = track_from_entry(entry, "nml")
    assert (track.title, track.mix) == ("Artist - Tune", "Dub")
    assert track_from_entry(PlaylistEntry("c.nml", "C", 0), "nml") is None
