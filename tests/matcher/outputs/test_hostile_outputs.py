"""Outputs of entries and catalog tracks holding what XML, JSON or UTF-8 cannot: control
characters, NULs, and file names that are not valid UTF-8 (lone surrogates from
os.fsdecode). Every file is still written, and each is valid for its format."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from lxml import etree

from matcher.model import (
    Candidate,
    CatalogTrack,
    MatchResult,
    MatchStatus,
    Playlist,
    PlaylistEntry,
)
from matcher.outputs import write_playlist_outputs
from matcher.outputs.rekordbox_xml import xml_text

ODD = ["Vel\x00vet\x01Quarry", "Tab\there\x1b[31m", "bad-\udcff\udcfe-name", "\ufffe\uffff"]


@pytest.mark.parametrize("fmt", ["m3u", "rekordbox"])
@pytest.mark.parametrize("odd", ODD)
def test_every_output_is_written_and_valid(tmp_path: Path, odd: str, fmt: str) -> None:
    source = tmp_path / "set.xml"
    if fmt == "rekordbox":
        source.write_text(
            '<?xml version="1.0" encoding="UTF-8"?><DJ_PLAYLISTS Version="1.0.0">'
            '<COLLECTION Entries="1"><TRACK TrackID="1" Name="x" Artist="y"/></COLLECTION>'
            '<PLAYLISTS><NODE Type="0" Name="ROOT"><NODE Name="Set" Type="1" KeyType="0">'
            '<TRACK Key="1"/></NODE></NODE></PLAYLISTS></DJ_PLAYLISTS>',
            encoding="utf-8",
        )
    entry = PlaylistEntry(f"{odd}.m3u8", f"Set {odd}", 0, source_id="1", title=odd,
                          artist=odd, location=f"/music/{odd}.mp3")  # fmt: skip
    track = CatalogTrack("c1", odd, mix=odd, artists=(odd,), label=odd, genre=odd)
    best = Candidate(track, 0.95, {"title": 1.0})
    results = [MatchResult(entry, MatchStatus.MATCHED, 0.95, "local", odd, best, (best,))]
    playlist = Playlist(source, f"Set {odd}", fmt, (entry,))
    folder = tmp_path / "out"
    write_playlist_outputs(folder, playlist, results, provider="local", preset="fast")

    document = etree.parse(str(folder / "enriched.xml"))
    assert document.getroot().tag == "DJ_PLAYLISTS"
    json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    with (folder / "matches.csv").open(newline="", encoding="utf-8", errors="surrogateescape") as f:
        (row,) = list(csv.DictReader(f))
    assert row["catalog_id"] == "c1"
    if "\udcff" in odd:  # an undecodable name is written back as the bytes it came from
        assert b"bad-\xff\xfe-name" in (folder / "matches.csv").read_bytes()
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_xml_text_replaces_only_what_xml_cannot_hold() -> None:
    assert xml_text("Glass Tide – Ünïcødé 🎵\t\n") == "Glass Tide – Ünïcødé 🎵\t\n"
    assert xml_text("a\x00b\x1fc\udcffd\ufffe") == "a\ufffdb\ufffdc\ufffdd\ufffd"


def test_file_names_that_are_not_utf8_survive_a_round_trip(tmp_path: Path) -> None:
    if os.name != "posix":
        pytest.skip("POSIX file names are bytes")
    name = os.fsdecode(b"caf\xe9.m3u8")
    assert os.fsencode(name) == b"caf\xe9.m3u8"
