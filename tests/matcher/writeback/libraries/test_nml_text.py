"""Byte-span edits of NML text, and the Traktor edits on entries that lack the elements
they need (new INFO, TEMPO, MUSICAL_KEY; no PLAYLISTS yet), read back with lxml."""

from __future__ import annotations

from datetime import datetime

import pytest
from lxml import etree

from matcher.writeback.errors import LibraryMalformed
from matcher.writeback.libraries.nml_text import apply_edits, escape, parse, set_attribute, unescape
from matcher.writeback.libraries.traktor import TraktorCollection
from matcher.writeback.policy import FieldChange

BARE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\r\n'
    b'<NML VERSION="19"><HEAD COMPANY="www.native-instruments.com" PROGRAM="Traktor"></HEAD>\r\n'
    b"<!-- a comment with <ENTRY> in it -->\r\n"
    b'<COLLECTION ENTRIES="2"><ENTRY TITLE="A &amp; B" ARTIST="X"><LOCATION DIR="/:Music/:" '
    b'FILE="a &quot;1&quot;.mp3" VOLUME="Macintosh HD"></LOCATION>\r\n</ENTRY>\r\n'
    b'<ENTRY TITLE="C"><LOCATION DIR="/:Music/:" FILE="c.mp3" VOLUME="Macintosh HD"/>\r\n'
    b'<INFO GENRE="Techno"/>\r\n</ENTRY>\r\n'
    b"</COLLECTION>\r\n</NML>\r\n"
)


@pytest.mark.parametrize(
    "text", ["plain", 'say "hi" & <go>', "tab\there\nnewline", "Beyoncé ♯"], ids=str
)
def test_escape_round_trips(text: str) -> None:
    assert unescape(escape(text).decode()) == text
    document = b'<A V="' + escape(text) + b'"/>'
    assert etree.fromstring(document).get("V") == text


def test_set_attribute_replaces_or_appends_and_keeps_the_rest() -> None:
    data = b'<R><E A="1"   /><F B="x"></F></R>'
    root = parse(data)
    e, f = root.children
    new = apply_edits(data, [set_attribute(e, data, "A", "2"), set_attribute(f, data, "C", "y")])
    assert new == b'<R><E A="2"   /><F B="x" C="y"></F></R>'
    assert etree.fromstring(new).find("F").get("C") == "y"


@pytest.mark.parametrize(
    "data", [b"<A><B></A>", b"<A></A><B/>", b"<A x=1></A>", b"<A><!-- open </A>"], ids=str
)
def test_malformed_text_is_refused(data: bytes) -> None:
    with pytest.raises(LibraryMalformed):
        parse(data)


def test_missing_elements_are_added_in_traktors_order() -> None:
    collection = TraktorCollection(BARE)
    first = collection.find('/Music/a "1".mp3')
    second = collection.find("/MUSIC/C.MP3")  # case and slashes do not matter
    assert first is not None and second is not None
    assert collection.values(first)["genre"] == ""
    assert collection.values(second)["genre"] == "Techno"
    changes = [FieldChange("genre", "", "House", "e"), FieldChange("bpm", "", "124", "e"),
               FieldChange("key", "", "Am", "e"), FieldChange("year", "", "2020", "e")]  # fmt: skip
    edits = collection.field_edits(first, changes) + collection.field_edits(second, changes[1:])
    edits += collection.playlist_edits("CrateMatch Peak", [first, second])
    new = collection.rewritten(edits)
    assert new.count(b"\n") == new.count(b"\r\n")  # Traktor's line ends kept
    root = etree.fromstring(new)
    a, c = root.find("COLLECTION").findall("ENTRY")
    assert [x.tag for x in a] == ["LOCATION", "INFO", "TEMPO", "MUSICAL_KEY"]
    assert (a.find("INFO").get("GENRE"), a.find("INFO").get("KEY")) == ("House", "Am")
    assert a.find("INFO").get("RELEASE_DATE") == "2020/1/1"
    assert (a.find("TEMPO").get("BPM"), a.find("MUSICAL_KEY").get("VALUE")) == ("124", "21")
    assert [x.tag for x in c] == ["LOCATION", "INFO", "TEMPO", "MUSICAL_KEY"]
    assert c.find("INFO").get("GENRE") == "Techno"
    node = root.find("PLAYLISTS/NODE/SUBNODES/NODE")
    assert node.get("NAME") == "CrateMatch Peak"
    assert node.find("PLAYLIST").get("ENTRIES") == "2"
    assert [k.get("KEY") for k in node.iter("PRIMARYKEY")] == [
        'Macintosh HD/:Music/:a "1".mp3', "Macintosh HD/:Music/:c.mp3"]  # fmt: skip
    assert new.startswith(BARE[: BARE.index(b"<COLLECTION")])


def test_a_changed_entry_gets_traktors_modified_stamp_and_nothing_else_moves() -> None:
    data = BARE.replace(b'<ENTRY TITLE="C">', b'<ENTRY MODIFIED_DATE="2023/5/2" '
                        b'MODIFIED_TIME="31408" TITLE="C">')  # fmt: skip
    collection = TraktorCollection(data)
    first, second = collection.find('/Music/a "1".mp3'), collection.find("/Music/c.mp3")
    assert first is not None and second is not None
    when = datetime(2026, 12, 6, 9, 5, 7)  # one digit month parts: Traktor writes no zeros
    genre = [FieldChange("genre", "", "House", "e")]
    assert collection.field_edits(first, [], when) == []  # nothing changed: no stamp
    new = collection.rewritten(
        collection.field_edits(first, genre, when) + collection.field_edits(second, genre, when)
    )
    a, c = etree.fromstring(new).find("COLLECTION").findall("ENTRY")
    for entry in (a, c):  # added where missing, replaced where Traktor had one
        assert (entry.get("MODIFIED_DATE"), entry.get("MODIFIED_TIME")) == ("2026/12/6", "32707")
    assert c.get("TITLE") == "C" and a.get("TITLE") == "A & B"
    expected = (
        data.replace(b'ARTIST="X">', b'ARTIST="X" MODIFIED_DATE="2026/12/6" MODIFIED_TIME="32707">')
        .replace(b"</LOCATION>", b'</LOCATION>\r\n<INFO GENRE="House"></INFO>')
        .replace(b'"2023/5/2" MODIFIED_TIME="31408"', b'"2026/12/6" MODIFIED_TIME="32707"')
        .replace(b'GENRE="Techno"', b'GENRE="House"')
    )  # fmt: skip
    assert new == expected  # every other byte as it was
