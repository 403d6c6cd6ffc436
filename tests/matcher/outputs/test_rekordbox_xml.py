"""The document writer's own serialization of TRACK elements gives the bytes lxml gives:
any text (escapes, control characters, lone surrogates, non-BMP letters), and a whole
document written through it, Keys included, against one written through lxml alone."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from matcher.outputs import rekordbox_xml
from matcher.outputs.rekordbox_xml import (
    DocumentIndex,
    PlaylistNode,
    SerializedTrack,
    element,
    empty_element,
    write_document,
    xml_text,
)

# every character class that lxml writes in its own way or refuses
TRICKY = st.text(
    st.sampled_from(list("&<>\"'\t\n\r \x00\x01\x1f\x7f\x85\ud800\udfff\ufffe\uffff\ufffd"))
    | st.characters(),
    max_size=12,
)


def lxml_bytes(tag: str, attrs: dict[str, str]) -> bytes:
    return etree.tostring(element(tag, attrs), encoding="UTF-8", with_tail=False)


@given(st.dictionaries(st.sampled_from(["Name", "Artist", "Location", "Key"]), TRICKY))
def test_an_empty_element_is_the_bytes_lxml_writes(attrs: dict[str, str]) -> None:
    assert empty_element("TRACK", attrs) == lxml_bytes("TRACK", attrs)


def test_plain_values_take_no_detour_through_lxml(monkeypatch) -> None:
    monkeypatch.setattr(rekordbox_xml, "element", None)  # would fail if called
    assert empty_element("TRACK", {"Key": "12", "Name": "Tom & Jerry <live>"}) == (
        b'<TRACK Key="12" Name="Tom &amp; Jerry &lt;live&gt;"/>'
    )


def document(tracks: list, refs: tuple[str, ...], index: DocumentIndex) -> bytes:
    handle = io.BytesIO()
    write_document(
        handle,
        root_attrs={"Version": "1.0.0"},
        product_attrs={"Name": "CrateMatch"},
        tracks=tracks,
        track_count=len(tracks),
        node=PlaylistNode(("Club", "Set"), "1", refs),
        index=index,
    )
    return handle.getvalue()


@given(st.lists(st.tuples(TRICKY, TRICKY), max_size=6))
def test_a_document_of_serialized_tracks_is_the_one_of_elements(pairs) -> None:
    """Same bytes, same index (TrackID and Location as written, Keys as written, each
    TRACK's span), whether the tracks come as elements or serialized."""
    rows = [{"TrackID": str(i), "Name": name, "Location": location}
            for i, (name, location) in enumerate(pairs, start=1)]  # fmt: skip
    refs = tuple(location for _, location in pairs)
    by_elements, by_bytes = DocumentIndex(), DocumentIndex()
    expected = document([element("TRACK", r) for r in rows], refs, by_elements)
    serialized = [SerializedTrack(empty_element("TRACK", r), r["TrackID"],
                                  xml_text(r["Location"])) for r in rows]  # fmt: skip
    assert document(serialized, refs, by_bytes) == expected
    assert by_bytes == by_elements
    for offset, length in by_bytes.spans:
        assert expected[offset : offset + length].startswith(b"<TRACK")
    tree = etree.fromstring(expected)
    keys = [t.get("Key") for t in tree.iterfind("PLAYLISTS/NODE/NODE/NODE/TRACK")]
    assert keys == [xml_text(r) for r in refs] == by_bytes.nodes[0][2]
    assert tree.find("COLLECTION").get("Entries") == str(len(rows))


@given(st.lists(TRICKY | st.from_regex(r"[0-9]{1,9}", fullmatch=True), max_size=6))
def test_a_nodes_keys_are_the_bytes_of_their_elements(refs: list[str]) -> None:
    """Keys free of anything to escape (TrackIDs) are written in one join."""
    lead = "\n        "
    expected = b"".join([lead.encode() + empty_element("TRACK", {"Key": r}) for r in refs])
    assert rekordbox_xml._key_elements(lead, refs) == expected
