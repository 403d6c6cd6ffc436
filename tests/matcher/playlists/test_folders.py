"""The artist folder of an Artist/Album/NN Title layout, read conservatively."""

from __future__ import annotations

import pytest

from matcher.playlists.folders import folder_artist


@pytest.mark.parametrize(
    ("location", "artist"),
    [
        pytest.param("/Users/dj/Music/iTunes/iTunes Music/Simple Minds/Celebrate/"
                     "2-11 All the Things She Said.m4a", "Simple Minds", id="itunes-disc-track"),
        pytest.param("C:\\Music\\Simple Minds\\Celebrate\\05 Alive and Kicking.mp3",
                     "Simple Minds", id="windows-separators"),
        pytest.param("Snow Leopard HD/Users/b/Music/iTunes/iTunes Music/SpekrFreks/"
                     "Unknown Album/The Future is Now.mp3", "SpekrFreks", id="unknown-album"),
        pytest.param("/Volumes/USB/Bicep/Isles/A1. Atlas.flac", "Bicep", id="vinyl-side"),
        # the layout is not there
        pytest.param("/Music/Simple Minds/Celebrate/All the Things She Said.m4a", "",
                     id="no-track-number"),
        pytest.param("Celebrate/02 Alive.mp3", "", id="too-shallow"),
        pytest.param("/Music/Simple Minds/Celebrate/02 Simple Minds - Alive.mp3", "",
                     id="file-names-its-artist"),
        # folders that name no one
        pytest.param("/Users/dj/Music/Downloads/02 Alive.mp3", "", id="music-downloads"),
        pytest.param("C:/Users/dj/iTunes Music/Unknown Album/02 Alive.mp3", "",
                     id="itunes-music"),
        pytest.param("/Music/Unknown Artist/Unknown Album/02 Alive.mp3", "", id="unknown-artist"),
        pytest.param("/Music/Various Artists/Now 45/02 Alive.mp3", "", id="various-artists"),
        pytest.param("E:/House/Deep Cuts/02 Alive.mp3", "", id="genre"),
        pytest.param("E:/Promos 2019/Label Pack/02 Alive.mp3", "", id="year"),
        pytest.param("E:/DJ Music/Sets/02 Alive.mp3", "", id="music-in-the-name"),
        pytest.param("E:/02 Alive.mp3", "", id="drive-root-only"),
        pytest.param("E:/Best Of The Tango/Disc 1/15. Tangle.mp3", "", id="a-collection"),
        pytest.param("/Loops/Construction Kits/06 Gmin 135/06 Low Arp.aif", "",
                     id="sample-pack-kit"),
        pytest.param("", "", id="no-location"),
    ],
)  # fmt: skip
def test_folder_artist(location: str, artist: str) -> None:
    assert folder_artist(location) == artist


def test_albums_may_be_named_like_collections() -> None:
    location = "/home/ines/Music/cds/Simple Minds/Celebrate - The Greatest Hits/2-11 Title.m4a"
    assert folder_artist(location) == "Simple Minds"
