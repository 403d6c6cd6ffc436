"""enriched_batch.xml: every playlist of a batch in one Rekordbox XML (issue 15, item 6).

One COLLECTION holding each file once, the playlists as NODEs inside their folders, each
referencing its tracks by TrackID; cues and beat grids kept; entries without a file out.
"""

from __future__ import annotations

import dataclasses
import json
import os

from lxml import etree

from matcher.outputs import BATCH_XML, write_batch_summary, write_batch_xml, write_playlist_outputs
from matcher.outputs.locations import path_stamp
from matcher.outputs.rekordbox_batch import _read_file
from matcher.outputs.rekordbox_batch import write_batch_xml as write_rekordbox_batch

REKORDBOX = """<?xml version="1.0" encoding="UTF-8"?>
<DJ_PLAYLISTS Version="1.0.0">
  <PRODUCT Name="rekordbox" Version="6.8.2" Company="AlphaTheta"/>
  <COLLECTION Entries="3">
    <TRACK TrackID="7" Name="Shared" Artist="" Album="" Location="file://localhost/m/shared.mp3">
      <TEMPO Inizio="0.025" Bpm="124.00" Metro="4/4" Battito="1"/>
      <POSITION_MARK Name="Drop" Type="0" Start="64.025" Num="0"/>
    </TRACK>
    <TRACK TrackID="8" Name="Only Peak" Artist="Her" Location="file://localhost/m/peak.mp3"/>
    <TRACK TrackID="9" Name="Only Warm" Artist="Him" Location="file://localhost/m/warm.mp3"/>
  </COLLECTION>
  <PLAYLISTS>
    <NODE Type="0" Name="ROOT" Count="1">
      <NODE Name="Club" Type="0" Count="2">
        <NODE Name="Peak" Type="1" KeyType="0" Entries="2"><TRACK Key="7"/><TRACK Key="8"/></NODE>
        <NODE Name="Warm" Type="1" KeyType="0" Entries="2"><TRACK Key="9"/><TRACK Key="7"/></NODE>
      </NODE>
    </NODE>
  </PLAYLISTS>
</DJ_PLAYLISTS>
"""


def _batch(tmp_path, make):
    """Three playlists of a batch: Club/Peak and Club/Warm from a Rekordbox file (sharing
    a track), and an M3U "set" that names the shared file too, plus a streaming URI."""
    source = tmp_path / "library.xml"
    source.write_text(REKORDBOX, encoding="utf-8")
    out = tmp_path / "out"
    outputs = []
    shared = make.track("c7", artists=("Ann", "Bob"), release="Shared EP", label="Lab")
    for folder, name, ids in (("Peak", "Club/Peak", ("7", "8")), ("Warm", "Club/Warm", ("9", "7"))):
        entries = [make.entry(i, file=source.name, playlist=name, source_id=tid)
                   for i, tid in enumerate(ids)]  # fmt: skip
        playlist = make.playlist(entries, source, name=name, fmt="rekordbox")
        results = [make.matched(e, shared) for e in entries if e.source_id == "7"]
        outputs.append(write_playlist_outputs(out / folder, playlist, results, provider="l",
                                              preset="p"))  # fmt: skip
    m3u = tmp_path / "set.m3u8"
    m3u.write_text("#EXTM3U\n", encoding="utf-8")
    entries = [
        make.entry(0, location="/m/shared.mp3"),
        make.entry(1, location="/m/own.mp3"),
        make.entry(2, location="spotify:track:xyz"),
    ]
    playlist = make.playlist(entries, m3u, name="set")
    outputs.append(write_playlist_outputs(out / "set", playlist, [], provider="l", preset="p"))
    return out, outputs


def _tree(path):
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False)).getroot()


def test_one_collection_and_every_playlist_as_a_node(tmp_path, make):
    out, outputs = _batch(tmp_path, make)
    written = write_batch_xml(out, outputs)
    assert written.path == out / BATCH_XML
    root = _tree(written.path)
    collection = root.find("COLLECTION")
    locations = [t.get("Location") for t in collection]
    # shared.mp3 is in Peak, Warm and set: one TRACK; the streaming URI is in none
    assert sorted(locations) == sorted(
        f"file://localhost/m/{n}.mp3" for n in ("shared", "peak", "warm", "own")
    )
    assert collection.get("Entries") == "4" == str(written.tracks)
    ids = {t.get("Location").rsplit("/", 1)[1]: t.get("TrackID") for t in collection}
    assert sorted(ids.values()) == ["1", "2", "3", "4"]

    top = root.find("PLAYLISTS/NODE")
    assert (top.get("Name"), top.get("Count")) == ("ROOT", "2")
    club, set_node = top.findall("NODE")
    assert (club.get("Name"), club.get("Type"), club.get("Count")) == ("Club", "0", "2")
    peak, warm = club.findall("NODE")
    keys = {n.get("Name"): [t.get("Key") for t in n] for n in (peak, warm, set_node)}
    assert keys == {
        "Peak": [ids["shared.mp3"], ids["peak.mp3"]],
        "Warm": [ids["warm.mp3"], ids["shared.mp3"]],
        "set": [ids["shared.mp3"], ids["own.mp3"]],
    }
    assert {n.get("KeyType") for n in (peak, warm, set_node)} == {"0"}
    assert written.playlists == 3


def test_tracks_keep_their_cues_and_their_filled_fields(tmp_path, make):
    out, outputs = _batch(tmp_path, make)
    root = _tree(write_batch_xml(out, outputs).path)
    shared = next(t for t in root.find("COLLECTION") if t.get("Name") == "Shared")
    assert (shared.get("Artist"), shared.get("Album")) == ("Ann, Bob", "Shared EP")
    assert [c.tag for c in shared] == ["TEMPO", "POSITION_MARK"]
    assert shared.find("POSITION_MARK").get("Name") == "Drop"


def test_same_playlist_name_twice_keeps_both(tmp_path, make):
    outputs = []
    for n in (1, 2):
        source = tmp_path / f"{n}.m3u8"
        entry = make.entry(0, location=f"/m/{n}.mp3")
        playlist = make.playlist([entry], source, name="Set")
        outputs.append(write_playlist_outputs(tmp_path / f"o{n}", playlist, [], provider="l",
                                              preset="p"))  # fmt: skip
    root = _tree(write_batch_xml(tmp_path, outputs).path)
    names = [n.get("Name") for n in root.find("PLAYLISTS/NODE")]
    assert names == ["Set", "Set (2)"]


def test_batch_summary_describes_the_batch_xml(tmp_path, make):
    out, outputs = _batch(tmp_path, make)
    written = write_batch_xml(out, outputs)
    path = write_batch_summary(out, outputs, partial=False, elapsed_s=1.0, batch_xml=written)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["enriched_batch"] == {
        "file": BATCH_XML, "tracks": 4, "playlists": 3, "without_file": 1,
    }  # fmt: skip
    assert doc["enriched_without_file"] == 1  # the streaming URI


def test_a_playlist_never_written_is_passed_over(tmp_path, make):
    out, outputs = _batch(tmp_path, make)
    outputs[2].enriched.unlink()
    root = _tree(write_batch_xml(out, outputs).path)
    assert [n.get("Name") for n in root.find("PLAYLISTS/NODE")] == ["Club"]


# keyed by Location; one track has no TrackID and values that look like markup, the
# other its TrackID after another attribute (the batch copies written TRACKs as bytes)
BY_LOCATION = (
    REKORDBOX.replace(
        '<NODE Name="Peak" Type="1" KeyType="0" Entries="2">'
        '<TRACK Key="7"/><TRACK Key="8"/></NODE>',
        '<NODE Name="Peak" Type="1" KeyType="1" Entries="2">'
        '<TRACK Key="file://localhost/m/peak.mp3"/><TRACK Key="file://localhost/m/shared.mp3"/>'
        "</NODE>",
    )
    .replace('<TRACK TrackID="7" Name="Shared"', '<TRACK Name="Shared" TrackID="7"')
    .replace(
        '<TRACK TrackID="8" Name="Only Peak"',
        '<TRACK Name="Only &gt; Peak &quot;TrackID=&quot;8&quot; \u00fc&#10;&lt;/TRACK&gt;"',
    )
)


def _more_outputs(tmp_path, make):
    """_batch's three, a Rekordbox playlist keyed by Location, and an M3U whose name and
    folder XML cannot hold as they are (written with U+FFFD)."""
    out, outputs = _batch(tmp_path, make)
    source = tmp_path / "by_location.xml"
    source.write_text(BY_LOCATION, encoding="utf-8")
    entries = [make.entry(0, file=source.name, playlist="Club/Peak", location="/m/peak.mp3")]
    playlist = make.playlist(entries, source, name="Club/Peak", fmt="rekordbox")
    outputs.append(write_playlist_outputs(out / "byloc", playlist, [], provider="l", preset="p"))
    odd = tmp_path / "odd.m3u8"
    odd.write_text("#EXTM3U\n", encoding="utf-8")
    entries = [make.entry(0, location="/m/odd\x01.mp3"), make.entry(1, location="/m/own.mp3")]
    playlist = make.playlist(entries, odd, name="Fold\x02er/Set\x01 \udcff")
    outputs.append(write_playlist_outputs(out / "odd", playlist, [], provider="l", preset="p"))
    return out, outputs


def test_the_writers_record_is_what_the_file_holds(tmp_path, make):
    """The batch XML takes each enriched.xml's record instead of reading the file: the
    record must be what reading the file gives, value for value."""
    _, outputs = _more_outputs(tmp_path, make)
    for item in outputs:
        recorded, read = item.enriched_index, _read_file(item.enriched)
        assert (recorded.tracks, recorded.nodes) == (read.tracks, read.nodes), item.playlist
        assert recorded.stamp == path_stamp(item.enriched)
        data = item.enriched.read_bytes()
        assert len(recorded.spans) == len(recorded.tracks)
        spans = zip(recorded.tracks, recorded.spans, strict=True)
        for (track_id, location), (offset, length) in spans:
            track = etree.fromstring(data[offset : offset + length])  # exactly one element
            assert (track.tag, track.get("TrackID", ""), track.get("Location", "")) == (
                "TRACK", track_id, location)  # fmt: skip
    assert any(key_type == "1" for o in outputs for _, key_type, _ in o.enriched_index.nodes)
    odd_paths = [path for path, _, _ in outputs[-1].enriched_index.nodes]
    assert ["Fold\ufffder", "Set\ufffd \ufffd"] in odd_paths


def test_the_batch_xml_is_the_same_from_records_or_from_the_files(tmp_path, make):
    out, outputs = _more_outputs(tmp_path, make)
    from_records = write_batch_xml(out, outputs).path.read_bytes()
    pairs = [(o.playlist, o.enriched) for o in outputs]
    from_files = write_rekordbox_batch(tmp_path / "read.xml", pairs).path.read_bytes()
    assert from_records == from_files
    assert b"Set\xef\xbf\xbd" in from_records  # the odd playlist is in it


def test_a_file_rewritten_after_its_record_is_read_again(tmp_path, make):
    out, outputs = _more_outputs(tmp_path, make)
    first, last = outputs[0].enriched, outputs[-1].enriched
    first.write_bytes(last.read_bytes())  # now holds other tracks than its record says
    os.utime(first, ns=(1, 1))  # whatever the clock's resolution, the stamp differs
    written = write_batch_xml(out, outputs).path.read_bytes()
    pairs = [(o.playlist, o.enriched) for o in outputs]
    assert written == write_rekordbox_batch(tmp_path / "read.xml", pairs).path.read_bytes()
    # had the stale record been taken (for its ids; its tracks' bytes are read from the
    # file when the record says nothing of where they are), the document would differ
    stale = dataclasses.replace(outputs[0].enriched_index, stamp=path_stamp(first), spans=[])
    trusted = write_rekordbox_batch(tmp_path / "stale.xml", pairs, known={str(first): stale})
    assert trusted.path.read_bytes() != written


def test_a_file_changed_under_an_unchanged_stamp_is_read_again(tmp_path, make):
    """A rewrite within the clock's resolution keeps size and mtime: the spans then point
    at something else than TRACKs, and the batch is written from the files instead."""
    out, outputs = _more_outputs(tmp_path, make)
    pairs = [(o.playlist, o.enriched) for o in outputs]
    from_files = write_rekordbox_batch(tmp_path / "read.xml", pairs).path.read_bytes()
    first = outputs[0].enriched_index
    shifted = dataclasses.replace(first, spans=[(o + 1, n) for o, n in first.spans])
    known = {str(outputs[0].enriched): shifted}
    written = write_rekordbox_batch(out / BATCH_XML, pairs, known=known)
    assert written.path.read_bytes() == from_files
    assert not list(out.glob("*.tmp*")) and not list(out.glob(".*"))  # no partial file left
