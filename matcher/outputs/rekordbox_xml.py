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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from lxml import etree

from matcher.errors import UnsafeXmlError

__all__ = [
    "PARSE_OPTIONS",
    "PlaylistNode",
    "check_prologue",
    "check_root",
    "split_path",
    "write_document",
]

# The readers' rules: never expand entities, never fetch anything, never load a DTD.
PARSE_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": True,
}
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n\n'
_HOSTILE = (b"<!DOCTYPE", b"<!ENTITY")


@dataclass(frozen=True, slots=True)
class PlaylistNode:
    """A playlist's place in the tree and what it references."""

    path: tuple[str, ...]  # folder names, then the playlist's own name
    key_type: str  # "0": Key is a TrackID; "1": Key is a Location
    refs: tuple[str, ...]


def check_prologue(source: Path) -> None:
    """Refuse a file whose prologue declares a DTD or entities, before parsing it."""
    with open(source, "rb") as handle:
        head = handle.read(65536)
    start = head.find(b"<DJ_PLAYLISTS")
    prologue = head if start < 0 else head[:start]
    if any(marker in prologue for marker in _HOSTILE):
        raise UnsafeXmlError(f"{source.name}: XML with a DTD or entities is not accepted")


def check_root(element: etree._Element, source: Path) -> None:
    """The same check on the parsed document (catches encodings the byte sniff misses)."""
    if element.getroottree().docinfo.doctype:
        raise UnsafeXmlError(f"{source.name}: XML with a DTD or entities is not accepted")


def _write_node(xf: etree.xmlfile, node: PlaylistNode, level: int) -> None:
    pad = "\n" + "  " * (3 + level)
    if level < len(node.path) - 1:
        attrs = {"Name": node.path[level], "Type": "0", "Count": "1"}
        xf.write(pad)
        with xf.element("NODE", attrs):
            _write_node(xf, node, level + 1)
            xf.write(pad)
        return
    attrs = {
        "Name": node.path[-1] if node.path else "",
        "Type": "1",
        "KeyType": node.key_type,
        "Entries": str(len(node.refs)),
    }
    xf.write(pad)
    if not node.refs:
        xf.write(etree.Element("NODE", attrs))
        return
    with xf.element("NODE", attrs):
        for ref in node.refs:
            xf.write(pad + "  ", etree.Element("TRACK", Key=ref))
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
        xf.element("DJ_PLAYLISTS", dict(root_attrs)),
    ):
        xf.write("\n  ", etree.Element("PRODUCT", dict(product_attrs)), "\n  ")
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
