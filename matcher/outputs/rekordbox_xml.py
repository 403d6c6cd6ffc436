"""Writing a Rekordbox XML document: one collection and its playlists, streamed.

Every XML CrateMatch writes (`enriched.xml`, the rewrite of a Rekordbox input or a new
file for other inputs, and `enriched_batch.xml` with every playlist of a batch) ends in
the same document shape, written incrementally with `lxml.etree.xmlfile` so that no
whole collection is ever held in memory:

    <?xml version="1.0" encoding="UTF-8"?>
    <DJ_PLAYLISTS Version="1.0.0">
      <PRODUCT .../>
      <COLLECTION Entries="n"> <TRACK .../> ... </COLLECTION>
      <PLAYLISTS>
        <NODE Type="0" Name="ROOT" Count="1">
          <NODE Name="Folder" Type="0" Count="1">       (one per folder level, kept)
            <NODE Name="List" Type="1" KeyType="0" Entries="k"> <TRACK Key=".."/> ...

Several playlists share their folder NODEs (`Club/Peak` and `Club/Warm` sit in one
`Club`); each folder's Count is how many NODEs it holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple

from lxml import etree

from matcher.errors import UnsafeXmlError
from matcher.playlists.xmlsafe import check_file_prolog

__all__ = [
    "DocumentIndex",
    "PARSE_OPTIONS",
    "PlaylistNode",
    "SerializedTrack",
    "attribute_bytes",
    "check_prologue",
    "check_root",
    "element",
    "empty_element",
    "serialized",
    "set_attribute",
    "split_path",
    "write_document",
    "xml_text",
]

# The readers' rules: never expand entities, never fetch anything, never load a DTD.
PARSE_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": True,
}
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n\n'
_TRACK_PAD = b"\n    "  # before each COLLECTION TRACK
_KEYS_AT_ONCE = 4096  # a playlist NODE's TRACK Keys written in one go
# what XML 1.0 cannot hold: control characters, lone surrogates, U+FFFE/U+FFFF
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# how libxml2 writes these in an attribute value; _SPECIAL: these, or not XML
_SPECIAL = re.compile(f'[&<>"\t\n\r]|{_NOT_XML.pattern}')
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})  # fmt: skip


def xml_text(value: str) -> str:
    """`value` with every character XML cannot hold replaced by U+FFFD. Playlists and
    catalogs carry control characters and undecodable file names; one of them must not
    cost the user the whole enriched.xml."""
    return _NOT_XML.sub("\ufffd", value)


def element(tag: str, attrs: Mapping[str, str]) -> etree._Element:
    """`etree.Element(tag, attrs)`, cleaning the values only when lxml refuses them."""
    try:
        return etree.Element(tag, attrs)
    except ValueError:  # UnicodeEncodeError (a lone surrogate) is one too
        return etree.Element(tag, {k: xml_text(v) for k, v in attrs.items()})


def empty_element(tag: str, attrs: Mapping[str, str]) -> bytes:
    """`element(tag, attrs)` serialized (as `write_document` writes it), without making
    the element: a long playlist's enriched.xml spent half its time building TRACK
    elements only to serialize them. Values with characters XML cannot hold take the
    element's way, so the bytes are the same either way."""
    values = "".join(attrs.values())
    if _SPECIAL.search(values):
        if _NOT_XML.search(values):
            return serialized(element(tag, attrs))
        attrs = {name: value.translate(_ATTR_ESCAPES) for name, value in attrs.items()}
    return ("<" + tag + "".join([f' {n}="{v}"' for n, v in attrs.items()]) + "/>").encode()


def attribute_bytes(value: str) -> bytes | None:
    """`value` as libxml2 writes it between an attribute's quotes (UTF-8), as
    `empty_element` writes it; None when it holds a character XML cannot hold (lxml
    refuses it, and `set_attribute` cleans it: take the element's way)."""
    if _SPECIAL.search(value):
        if _NOT_XML.search(value):
            return None
        value = value.translate(_ATTR_ESCAPES)
    return value.encode()


class SerializedTrack(NamedTuple):
    """A COLLECTION TRACK serialized already (`empty_element`), with the TrackID and
    Location it holds as written, for the DocumentIndex."""

    data: bytes
    track_id: str
    location: str


def set_attribute(node: etree._Element, name: str, value: str) -> None:
    try:
        node.set(name, value)
    except ValueError:
        node.set(name, xml_text(value))


@dataclass(frozen=True, slots=True)
class PlaylistNode:
    """A playlist's place in the tree and what it references."""

    path: tuple[str, ...]  # folder names, then the playlist's own name
    key_type: str  # "0": Key is a TrackID; "1": Key is a Location
    refs: tuple[str, ...]


@dataclass(slots=True)
class DocumentIndex:
    """What `write_document` wrote, in the form `rekordbox_batch` reads a file back in:
    each COLLECTION TRACK's (TrackID, Location) in order, and each playlist NODE's
    (folder names then its name, KeyType, Keys), every value as it is in the file. The
    batch XML takes it instead of reading a playlist's enriched.xml once more, while
    `stamp` (the file's size and mtime, set once it is on disk) says it is that file.
    `spans`: where each TRACK's serialized bytes sit in the file (offset, length), so
    that the batch XML copies them instead of parsing and serializing them again; empty
    when the handle written to could not tell its position."""

    tracks: list[tuple[str, str]] = field(default_factory=list)
    nodes: list[tuple[list[str], str, list[str]]] = field(default_factory=list)
    stamp: tuple[int, int] | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)


def check_prologue(source: Path) -> None:
    """Refuse a file whose prologue declares a DTD or entities, before parsing it."""
    check_file_prolog(source)


def check_root(element: etree._Element, source: Path) -> None:
    """The same check on the parsed document (catches encodings the byte sniff misses)."""
    if element.getroottree().docinfo.doctype:
        raise UnsafeXmlError(f"{source.name}: XML with a DTD or entities is not accepted")


def _tree(nodes: Sequence[PlaylistNode]) -> list[tuple[str, object]]:
    """The playlists as (name, folder children or PlaylistNode), folders shared."""
    root: list[tuple[str, object]] = []
    for node in nodes:
        level = root
        for name in node.path[:-1]:
            folder = next((c for n, c in level if n == name and isinstance(c, list)), None)
            if folder is None:
                folder = []
                level.append((name, folder))
            level = folder
        level.append((node.path[-1] if node.path else "", node))
    return root


def _write_children(
    xf: etree.xmlfile,
    handle: IO[bytes],
    children: list[tuple[str, object]],
    level: int,
    index: DocumentIndex | None,
    folders: tuple[str, ...] = (),
) -> None:
    pad = "\n" + "  " * (3 + level)
    for name, child in children:
        xf.write(pad)
        written_name = xml_text(name)
        if isinstance(child, list):
            with xf.element("NODE", {"Name": written_name, "Type": "0", "Count": str(len(child))}):
                _write_children(xf, handle, child, level + 1, index, (*folders, written_name))
                xf.write(pad)
            continue
        assert isinstance(child, PlaylistNode)
        attrs = {"Name": written_name, "Type": "1", "KeyType": child.key_type,
                 "Entries": str(len(child.refs))}  # fmt: skip
        keys: list[str] = []
        if index is not None:
            index.nodes.append(([*folders, written_name], child.key_type, keys))
        if not child.refs:
            xf.write(element("NODE", attrs))
            continue
        with xf.element("NODE", attrs):
            xf.flush()  # the Keys go to the handle as bytes, a slice at a time
            lead = pad + "  "
            for start in range(0, len(child.refs), _KEYS_AT_ONCE):
                refs = child.refs[start : start + _KEYS_AT_ONCE]
                handle.write(_key_elements(lead, refs))
                keys.extend(map(xml_text, refs))
            xf.write(pad)


def _key_elements(lead: str, refs: Sequence[str]) -> bytes:
    """A NODE's `<TRACK Key=".."/>` elements for `refs`, each after `lead`, as
    `empty_element` writes them: joined as text at once when no Key needs escaping (a
    TrackID never does), one by one otherwise."""
    if not _SPECIAL.search("".join(refs)):
        opening = lead + '<TRACK Key="'
        return (opening + ('"/>' + opening).join(refs) + '"/>').encode() if refs else b""
    encoded = lead.encode()
    return b"".join([encoded + empty_element("TRACK", {"Key": r}) for r in refs])


def _position(handle: IO[bytes]) -> int | None:
    try:
        return handle.tell()
    except (OSError, AttributeError, ValueError):  # a pipe, a socket, a bare writer
        return None


def write_document(
    handle: IO[bytes],
    *,
    root_attrs: Mapping[str, str],
    product_attrs: Mapping[str, str],
    tracks: Iterable[etree._Element | SerializedTrack | bytes],
    track_count: int,
    node: PlaylistNode | None = None,
    nodes: Sequence[PlaylistNode] = (),
    index: DocumentIndex | None = None,
) -> int:
    """Write the document to `handle` with the playlist `node` (or several, `nodes`);
    `tracks` are written as they come (each one may be cleared by its producer right
    after): TRACK elements, or TRACK elements serialized already (UTF-8 bytes, as this
    function writes them; SerializedTrack says what they hold). Returns how many tracks
    were written; `index`, when given, is filled with what was written (`tracks` must
    then be elements or SerializedTracks)."""
    children = _tree([node] if node is not None else list(nodes))
    handle.write(_DECLARATION)
    written = 0
    with (
        etree.xmlfile(handle, encoding="UTF-8") as xf,
        xf.element("DJ_PLAYLISTS", {k: xml_text(v) for k, v in root_attrs.items()}),
    ):
        xf.write("\n  ", element("PRODUCT", product_attrs), "\n  ")
        with xf.element("COLLECTION", {"Entries": str(track_count)}):
            # the tracks go to the handle as bytes, each serialized once: where each one
            # sits is known, and a batch XML can copy it (see DocumentIndex.spans)
            xf.flush()
            position = _position(handle) if index is not None else None
            for track in tracks:
                if isinstance(track, SerializedTrack):
                    data = track.data
                    ids = (track.track_id, track.location)
                elif isinstance(track, bytes):
                    data, ids = track, ("", "")
                else:
                    data = serialized(track)
                    ids = (track.get("TrackID", ""), track.get("Location", ""))
                handle.write(_TRACK_PAD + data)
                written += 1
                if index is not None:
                    assert not isinstance(track, bytes), "bytes carry no TrackID to index"
                    index.tracks.append(ids)
                    if position is not None:
                        index.spans.append((position + len(_TRACK_PAD), len(data)))
                        position += len(_TRACK_PAD) + len(data)
            xf.write("\n  ")
        xf.write("\n  ")
        with xf.element("PLAYLISTS"):
            xf.write("\n    ")
            with xf.element("NODE", {"Type": "0", "Name": "ROOT", "Count": str(len(children))}):
                _write_children(xf, handle, children, 0, index)
                xf.write("\n    ")
            xf.write("\n  ")
        xf.write("\n")
    handle.write(b"\n")
    return written


def serialized(track: etree._Element) -> bytes:
    """An element (a TRACK) as `write_document` writes it: no declaration, no tail."""
    return etree.tostring(track, encoding="UTF-8", xml_declaration=False, with_tail=False)


def split_path(name: str) -> Sequence[str]:
    """A "Folder/Sub/Name" playlist name as tree levels (empty levels dropped)."""
    parts = [p for p in name.split("/") if p]
    return parts or [name]
