"""Writing a Rekordbox XML document: one collection and one playlist, streamed.

Both `enriched.xml` writers (the rewrite of a Rekordbox input and the new file for other
inputs) end in the same document shape, written incrementally with `lxml.etree.xmlfile`
so that no whole tree is ever held in memory:

    <?xml version="1.0" encoding="UTF-8"?>
    <DJ_PLAYLISTS Version="1.0.0">
      <PRODUCT .../>
      <COLLECTION Entries="n"> <TRACK .../> ... </COLLECTION>
      <PLAYLISTS>
        <NODE Type="0" Name="ROOT" Count="1">
          <NODE Name="Folder" Type="0" Count="1">       (one per folder level, kept)
            <NODE Name="List" Type="1" KeyType="0" Entries="k"> <TRACK Key=".."/> ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from lxml import etree

from matcher.errors import UnsafeXmlError
from matcher.playlists.xmlsafe import check_file_prolog

__all__ = [
    "PARSE_OPTIONS",
    "PlaylistNode",
    "check_prologue",
    "check_root",
    "element",
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
# what XML 1.0 cannot hold: control characters, lone surrogates, U+FFFE/U+FFFF
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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


def check_prologue(source: Path) -> None:
    """Refuse a file whose prologue declares a DTD or entities, before parsing it."""
    check_file_prolog(source)


def check_root(element: etree._Element, source: Path) -> None:
    """The same check on the parsed document (catches encodings the byte sniff misses)."""
    if element.getroottree().docinfo.doctype:
        raise UnsafeXmlError(f"{source.name}: XML with a DTD or entities is not accepted")


def _write_node(xf: etree.xmlfile, node: PlaylistNode, level: int) -> None:
    pad = "\n" + "  " * (3 + level)
    if level < len(node.path) - 1:
        attrs = {"Name": xml_text(node.path[level]), "Type": "0", "Count": "1"}
        xf.write(pad)
        with xf.element("NODE", attrs):
            _write_node(xf, node, level + 1)
            xf.write(pad)
        return
    attrs = {
        "Name": xml_text(node.path[-1]) if node.path else "",
        "Type": "1",
        "KeyType": node.key_type,
        "Entries": str(len(node.refs)),
    }
    xf.write(pad)
    if not node.refs:
        xf.write(element("NODE", attrs))
        return
    with xf.element("NODE", attrs):
        for ref in node.refs:
            xf.write(pad + "  ", element("TRACK", {"Key": ref}))
        xf.write(pad)


def write_document(
    handle: IO[bytes],
    *,
    root_attrs: Mapping[str, str],
    product_attrs: Mapping[str, str],
    tracks: Iterable[etree._Element],
    track_count: int,
    node: PlaylistNode,
) -> int:
    """Write the document to `handle`; `tracks` are written as they come (each one may
    be cleared by its producer right after). Returns how many tracks were written."""
    handle.write(_DECLARATION)
    written = 0
    with (
        etree.xmlfile(handle, encoding="UTF-8") as xf,
        xf.element("DJ_PLAYLISTS", {k: xml_text(v) for k, v in root_attrs.items()}),
    ):
        xf.write("\n  ", element("PRODUCT", product_attrs), "\n  ")
        with xf.element("COLLECTION", {"Entries": str(track_count)}):
            for track in tracks:
                xf.write("\n    ")
                xf.write(track, with_tail=False)
                written += 1
            xf.write("\n  ")
        xf.write("\n  ")
        with xf.element("PLAYLISTS"):
            xf.write("\n    ")
            with xf.element("NODE", {"Type": "0", "Name": "ROOT", "Count": "1"}):
                _write_node(xf, node, 0)
                xf.write("\n    ")
            xf.write("\n  ")
        xf.write("\n")
    handle.write(b"\n")
    return written


def split_path(name: str) -> Sequence[str]:
    """A "Folder/Sub/Name" playlist name as tree levels (empty levels dropped)."""
    parts = [p for p in name.split("/") if p]
    return parts or [name]
