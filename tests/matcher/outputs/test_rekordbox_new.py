from __future__ import annotations

import json

import pytest
from lxml import etree

from matcher.outputs import write_playlist_outputs
from matcher.outputs.rekordbox_new import product_version


@pytest.fixture
def m3u_outputs(tmp_path, make):
    source = tmp_path / "in" / "Party Mix.m3u8"
    source.parent.mkdir()
    source.write_text("#EXTM3U\n", encoding="utf-8")
    entries = [
        make.entry(
            0,
            title="Jóga",
            artist="Björk",
            location="/Music/Björk/Jóga #1 [live] & more's.mp3",
            duration_s=305.4,
            bpm=0.0,
            key="1m",
        ),
        make.entry(1, title="Win", artist="W", location="D:\\Music\\win (1).mp3", key="6d"),
        make.entry(2, title="Stream", artist="S", location="spotify:track:xyz", year="2001-05-01"),
        make.entry(3, title="Lost", artist="L", location="https://x.example/a.mp3", label="Mine"),
    ]
    owned = make.track(
        "c2", title="Stream", label="Cat Label", key="A Minor", bpm=128.0,
        release_date="1999", duration_s=200.0, location="/owned/stream.flac",
    )  # fmt: skip
    results = [
        make.matched(
            entries[0],
            make.track(
                "c0",
                label="One Little Indian",
                genre="Pop",
                bpm=90.0,
                key="C Major",
                remixers=("R",),
                mix="Live",
                release_date="1997-09-22",
            ),
        ),  # fmt: skip
        make.unmatched(entries[1]),
        make.matched(entries[2], owned),
        make.matched(entries[3], make.track("c3", label="Theirs")),
    ]
    playlist = make.playlist(entries, source, name="Party Mix", fmt="m3u")
    return write_playlist_outputs(tmp_path / "o", playlist, results, provider="l", preset="p")


def test_new_xml_has_rekordbox_shape(m3u_outputs):
    raw = m3u_outputs.enriched.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = etree.fromstring(raw)
    assert dict(root.attrib) == {"Version": "1.0.0"}
    assert dict(root.find("PRODUCT").attrib) == {
        "Name": "CrateMatch",
        "Version": product_version(),
        "Company": "CrateMatch",
    }
    collection = root.find("COLLECTION")
    assert collection.get("Entries") == "3"  # the web URL entry has no file to import
    assert [t.get("TrackID") for t in collection] == ["1", "2", "3"]
    (node,) = root.find("PLAYLISTS/NODE")
    assert dict(node.attrib) == {"Name": "Party Mix", "Type": "1", "KeyType": "0", "Entries": "3"}
    assert [t.get("Key") for t in node] == ["1", "2", "3"]


def test_new_xml_tracks_carry_the_entry_and_fill_empty_fields(m3u_outputs):
    collection = etree.parse(str(m3u_outputs.enriched)).getroot().find("COLLECTION")
    first, win, stream = collection
    assert list(first.attrib) == [
        "TrackID", "Name", "Artist", "Album", "Genre", "TotalTime", "Year", "AverageBpm",
        "Comments", "Location", "Remixer", "Tonality", "Label", "Mix",
    ]  # fmt: skip
    assert first.get("Name") == "Jóga" and first.get("Artist") == "Björk"
    assert first.get("TotalTime") == "305"
    assert first.get("AverageBpm") == "90.00"  # entry had 0: filled from the catalog
    assert first.get("Tonality") == "1m"  # the entry's key, in the file's Open Key notation
    assert first.get("Label") == "One Little Indian"
    assert (
        first.get("Genre") == "Pop" and first.get("Remixer") == "R" and first.get("Mix") == "Live"
    )
    assert first.get("Year") == "1997"
    assert first.get("Location") == (
        "file://localhost/Music/Bj%C3%B6rk/J%C3%B3ga%20%231%20%5Blive%5D%20%26%20more%27s.mp3"
    )
    assert win.get("Location") == "file://localhost/D:/Music/win%20(1).mp3"
    assert win.get("Tonality") == "6d" and win.get("Label") == ""  # unmatched: as written
    assert stream.get("Location") == "file://localhost/owned/stream.flac"  # the owned copy
    assert stream.get("Year") == "2001"  # the entry's own year wins
    assert stream.get("Tonality") == "1m"  # A Minor in Open Key
    assert stream.get("AverageBpm") == "128.00" and stream.get("TotalTime") == "200"
    assert "Lost" not in {t.get("Name") for t in collection}  # a web URL is no file


def test_entries_without_a_file_are_left_out_and_counted(m3u_outputs):
    """Rekordbox keys its collection on the file: a streaming URI or a web URL cannot be
    imported, so those entries stay out of the XML and summary.json says how many."""
    assert m3u_outputs.enriched_without_file == 1
    summary = json.loads(m3u_outputs.summary.read_text(encoding="utf-8"))
    assert summary["enriched_without_file"] == 1
    assert summary["found_without_file"] == 0  # found.m3u8 can play a web URL


def test_empty_artist_and_album_are_filled_from_the_catalog(tmp_path, make):
    """Issue 15: matched tracks kept an empty Artist although the README promises artists
    and release; every empty field the catalog knows is filled, typed ones are kept."""
    source = tmp_path / "set.m3u8"
    bare = make.entry(0, artist="", title="Velvet Quarry", location="/Music/vq.mp3")
    typed = make.entry(1, artist="Mine", album="My Album", location="/Music/t.mp3")
    owned = make.track(
        "c1", title="Velvet Quarry", artists=("Tamsin Orlo", "Bex Crane"), release="Quarry EP",
        duration_s=401.2, genre="Deep House",
    )  # fmt: skip
    playlist = make.playlist([bare, typed], source, name="set")
    results = [make.matched(bare, owned), make.matched(typed, make.track("c2", release="Theirs"))]
    out = write_playlist_outputs(tmp_path / "o", playlist, results, provider="l", preset="p")
    first, second = etree.parse(str(out.enriched)).getroot().find("COLLECTION")
    assert first.get("Artist") == "Tamsin Orlo, Bex Crane"
    assert first.get("Album") == "Quarry EP"
    assert first.get("Genre") == "Deep House" and first.get("TotalTime") == "401"
    assert (second.get("Artist"), second.get("Album")) == ("Mine", "My Album")


def test_csv_input_without_keys_uses_rekordbox_notation(tmp_path, make):
    source = tmp_path / "liked.csv"
    e = make.entry(0, file="liked.csv", location="spotify:track:1")
    playlist = make.playlist([e], source, name="Folder/Liked", fmt="csv")
    owned = make.track("c", key="Bb Minor", location="/Music/owned.mp3")
    results = [make.matched(e, owned)]
    out = write_playlist_outputs(tmp_path / "o", playlist, results, provider="l", preset="p")
    root = etree.parse(str(out.enriched)).getroot()
    (track,) = root.find("COLLECTION")
    assert track.get("Tonality") == "Bbm"
    assert track.get("Location") == "file://localhost/Music/owned.mp3"  # the copy you own
    folder = root.find("PLAYLISTS/NODE/NODE")
    assert (folder.get("Name"), folder.get("Type")) == ("Folder", "0")
    assert folder.find("NODE").get("Name") == "Liked"


def test_empty_non_rekordbox_playlist(tmp_path, make):
    playlist = make.playlist([], tmp_path / "e.m3u", name="Empty")
    out = write_playlist_outputs(tmp_path / "o", playlist, [], provider="l", preset="p")
    root = etree.parse(str(out.enriched)).getroot()
    assert root.find("COLLECTION").get("Entries") == "0"
    node = root.find("PLAYLISTS/NODE/NODE")
    assert node.get("Entries") == "0" and len(node) == 0
