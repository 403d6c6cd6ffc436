"""An enriched.xml written from a rewrite prepared ahead is, byte for byte, the one
written from the source alone: the TRACKs filled in as bytes give what filling the
element gives, for any value, and a preparation that no longer describes the source, or
that could not follow the playlist's NODE, gives way to reading the source again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from matcher.outputs import rekordbox_ahead
from matcher.outputs.rekordbox_ahead import prepare_rewrite, with_attributes
from matcher.outputs.rekordbox_xml import DocumentIndex, serialized, set_attribute
from matcher.outputs.writer import write_enriched

from .test_rekordbox_rewrite import COLLECTION, catalog_track, rekordbox_playlist
from .test_rekordbox_xml import TRICKY

# values a catalog may hold, each a way an attribute value is written or refused
ODD = ['Rock & "Roll" <Live>', "tab\there\nand\rthere", "Ünïcødé ♫ 日本", "ctl\x01\x7f",
       "lone \ud800 half", "\ufffe", "", "  "]  # fmt: skip


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "collection.xml"
    path.parent.mkdir()
    path.write_text(COLLECTION, encoding="utf-8")
    return path


Written = tuple[bytes, DocumentIndex, bytes, DocumentIndex]


def both_ways(tmp_path: Path, playlist, results) -> Written:
    """enriched.xml and its index from the source alone, then with a preparation."""
    plain, ahead = DocumentIndex(), DocumentIndex()
    write_enriched(tmp_path / "plain.xml", playlist, results, plain)
    prepared = prepare_rewrite(playlist.source, playlist.name)
    assert prepared is not None
    write_enriched(tmp_path / "ahead.xml", playlist, results, ahead, prepared)
    plain_bytes = (tmp_path / "plain.xml").read_bytes()
    ahead_bytes = (tmp_path / "ahead.xml").read_bytes()
    return plain_bytes, plain, ahead_bytes, ahead


def same_index(a: DocumentIndex, b: DocumentIndex) -> bool:
    return (a.tracks, a.nodes, a.spans) == (b.tracks, b.nodes, b.spans)


@pytest.mark.parametrize(
    ("name", "ids", "locations"),
    [
        ("Sets/Friday", ["101", "102", "999", "104"], None),
        ("Other", ["103"], None),
        (
            "By Location",
            ["", ""],
            ["file://localhost/C:/Music/bare.mp3", "/Users/dj/Music/Café del Mar.mp3"],
        ),
    ],
    ids=["by-trackid", "one-track", "by-location"],
)
@pytest.mark.parametrize("value", ODD, ids=[f"value{i}" for i in range(len(ODD))])
@pytest.mark.parametrize("one_pass", [True, False], ids=["one-read", "two-reads"])
def test_the_prepared_rewrite_writes_the_same_bytes(
    tmp_path, make, source, monkeypatch, name, ids, locations, value, one_pass
):
    if not one_pass:
        monkeypatch.setattr(rekordbox_ahead, "ONE_PASS_BYTES", 0)
    playlist = rekordbox_playlist(make, source, name, ids, locations)
    fields = {"label": value, "genre": value, "title": value, "mix": value}
    results = [make.matched(e, catalog_track(make, f"c{i}", **fields))
               for i, e in enumerate(playlist.entries)]  # fmt: skip
    plain, plain_index, ahead, ahead_index = both_ways(tmp_path, playlist, results)
    assert ahead == plain
    assert same_index(ahead_index, plain_index)


def test_past_the_copy_budget_only_the_scan_is_kept(tmp_path, make, source, monkeypatch):
    monkeypatch.setattr(rekordbox_ahead, "MAX_COPY_BYTES", 100)
    playlist = rekordbox_playlist(make, source, "Sets/Friday", ["101", "102", "104"])
    prepared = prepare_rewrite(source, playlist.name)
    assert prepared is not None and prepared.copies is None and prepared.node is not None
    results = [make.matched(e, catalog_track(make)) for e in playlist.entries]
    plain, _, ahead, _ = both_ways(tmp_path, playlist, results)
    assert ahead == plain


def test_a_name_in_two_folders_is_left_to_the_entries(tmp_path, make):
    xml = COLLECTION.replace('<NODE Name="Other" Type="1"', '<NODE Name="Friday" Type="1"')
    path = tmp_path / "dup.xml"
    path.write_text(xml, encoding="utf-8")
    playlist = rekordbox_playlist(make, path, "Friday", ["103"])
    prepared = prepare_rewrite(path, "Friday")
    assert prepared is not None and prepared.node is None and len(prepared.scanned.found) == 2
    plain, _, ahead, _ = both_ways(
        tmp_path, playlist, [make.matched(playlist.entries[0], catalog_track(make))]
    )
    assert ahead == plain
    assert b'TrackID="103"' in ahead and b'TrackID="101"' not in ahead


def test_a_source_changed_since_is_read_again(tmp_path, make, source):
    playlist = rekordbox_playlist(make, source, "Sets/Friday", ["101", "102", "104"])
    prepared = prepare_rewrite(source, playlist.name)
    assert prepared is not None and prepared.describes(source)
    source.write_text(COLLECTION.replace('Name="Tagged"', 'Name="Retagged"'), encoding="utf-8")
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert not prepared.describes(source)
    results = [make.matched(e, catalog_track(make)) for e in playlist.entries]
    write_enriched(tmp_path / "ahead.xml", playlist, results, None, prepared)
    write_enriched(tmp_path / "plain.xml", playlist, results)
    assert b'Name="Retagged"' in (tmp_path / "ahead.xml").read_bytes()
    assert (tmp_path / "ahead.xml").read_bytes() == (tmp_path / "plain.xml").read_bytes()


def test_a_source_that_cannot_be_seen_is_not_prepared(tmp_path):
    assert prepare_rewrite(tmp_path / "gone.xml", "Set") is None


NAMES = ["Name", "Artist", "Label", "Genre", "Year", "Comments"]


@given(
    st.dictionaries(st.sampled_from(NAMES), TRICKY.filter(lambda v: _lxml_takes(v))),
    st.dictionaries(st.sampled_from(NAMES), TRICKY),
    st.booleans(),
)
def test_attributes_set_in_the_bytes_are_those_set_on_the_element(
    attrs: dict[str, str], updates: dict[str, str], children: bool
) -> None:
    track = etree.Element("TRACK", {"TrackID": "1", **attrs})
    if children:
        etree.SubElement(track, "TEMPO", {"Bpm": "128.00"})
    present = {n: v for n, v in track.attrib.items() if n in NAMES}
    data = serialized(track)
    for name, value in updates.items():
        set_attribute(track, name, value)
    assert with_attributes(data, present, updates) == serialized(track)


def _lxml_takes(value: str) -> bool:
    try:
        etree.Element("TRACK", {"Name": value})
    except ValueError:
        return False
    return True


# blanks, zeros as numbers and as years, numbers Python reads in other scripts' digits
FIELD_VALUES = st.sampled_from(
    ["", " ", "0", " 0 ", "0.00", "0000", "-0", "+0", ".0", "0e3", "12", "128.00", "abc",
     "nan", "8A", "x", "00:00", " 0.0 ", "\uff10", "\u0660.0"]
) | st.text(max_size=4)  # fmt: skip


@given(
    st.dictionaries(st.sampled_from(rekordbox_ahead.ENRICHED_FIELDS), FIELD_VALUES),
    st.sampled_from(["camelot", "musical", "open"]),
)
def test_a_copy_keeps_what_filling_it_needs(attrs: dict[str, str], notation: str) -> None:
    """A copy keeps of each field only whether it is absent, fillable (its value), or
    filled: `fill_fields` answers the same from that as from the TRACK itself."""
    from matcher.model import CatalogTrack
    from matcher.outputs.enrich import fill_fields, fillable

    track = CatalogTrack("c", "Title", mix="Mix", artists=("A",), remixers=("R",), label="L",
                         genre="G", release="Rel", release_date="1999-01-01", bpm=128.0,
                         key="A Minor", duration_s=301.0)  # fmt: skip
    fields = rekordbox_ahead.ENRICHED_FIELDS
    states = rekordbox_ahead.states(attrs.get)
    kept = {n: v for n, v in zip(fields, states, strict=True) if v is not None}
    assert kept.keys() == attrs.keys()
    assert fill_fields(kept, track, notation) == fill_fields(attrs, track, notation)
    expected = []  # field for field: absent, the value when fillable, else _FILLED
    for name in fields:
        value = attrs.get(name)
        fill = value is None or fillable(name, value)
        expected.append(value if fill else rekordbox_ahead._FILLED)
    assert states == tuple(expected)
