"""Rekordbox XML (File > Export Collection in xml format), streamed.

    DJ_PLAYLISTS
      COLLECTION            TRACK TrackID Name Artist ... Location, with TEMPO and
                            POSITION_MARK children (most of a large file)
      PLAYLISTS
        NODE Type="0" Name="ROOT"          folders (Type 0) and playlists (Type 1)
          NODE Type="1" KeyType="0"        TRACK Key = a TrackID (KeyType 1: a Location)

Collections reach 100 MB, so the file is read twice with lxml's iterparse and nothing
is kept that is not needed: `scan` reads the playlist tree and clears every collection
TRACK as it goes; `load` then keeps only the collection TRACKs the chosen playlists
reference, and stops at the end of COLLECTION. Memory grows with the playlist tree and
the chosen playlists, never with the collection. A playlist TRACK whose key is not in
the collection is skipped and counted. The COLLECTION `Entries` attribute is not
trusted (hand-edited files get it wrong).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from matcher.model import Playlist, PlaylistEntry, PlaylistInfo
from matcher.playlists.fields import byte_size, decode_location, number, text, year
from matcher.playlists.keyed import keyed_playlist
from matcher.playlists.select import COLLECTION, join_path, unique_path, with_folder_counts
from matcher.playlists.xmlsafe import iter_elements, release

__all__ = ["RekordboxTree", "iter_collection", "load", "scan"]

_ROOT = "DJ_PLAYLISTS"
_ROOT_NAMES = ("ROOT", "$ROOT")


@dataclass(frozen=True)
class RekordboxTree:
    """The playlist tree of a file: what `list_playlists` shows and `load` needs."""

    infos: tuple[PlaylistInfo, ...]
    keys: dict[str, tuple[str, ...]]  # playlist path -> TRACK keys in order
    by_location: frozenset[str]  # paths of playlists keyed by Location (KeyType 1)


@dataclass
class _OpenNode:
    path: str
    kind: str  # "ROOT" (not listed), "FOLDER" or "PLAYLIST"
    keys: list[str] = field(default_factory=list)


def _open_node(element: etree._Element, parent: _OpenNode | None, seen: set[str]) -> _OpenNode:
    """The node a NODE start opens: the omitted ROOT, a folder (Type 0) or a playlist."""
    name = element.get("Name") or ""
    kind = "PLAYLIST" if element.get("Type") == "1" else "FOLDER"
    if parent is None and kind == "FOLDER" and name.upper() in _ROOT_NAMES:
        return _OpenNode("", "ROOT")
    return _OpenNode(unique_path(join_path(parent.path if parent else "", name), seen), kind)


def _track_fields(track: etree._Element) -> dict[str, object]:
    get = track.get
    return {
        "source_id": text(get("TrackID")),
        "title": text(get("Name")),
        "artist": text(get("Artist")),
        "remixer": text(get("Remixer")),
        "mix": text(get("Mix")),
        "album": text(get("Album")),
        "label": text(get("Label")),
        "genre": text(get("Genre")),
        "comments": text(get("Comments")),
        "year": year(get("Year")),
        "duration_s": number(get("TotalTime")),
        "bpm": number(get("AverageBpm")),
        "key": text(get("Tonality")),
        "location": decode_location(get("Location")),
        "file_size": byte_size(get("Size")),
    }


def scan(path: Path) -> RekordboxTree:
    """Read the PLAYLISTS tree, clearing the collection on the way."""
    infos: list[PlaylistInfo] = []
    keys: dict[str, tuple[str, ...]] = {}
    by_location: set[str] = set()
    seen: set[str] = set()
    stack: list[_OpenNode] = []
    in_playlists = False
    tags = ("COLLECTION", "PLAYLISTS", "NODE", "TRACK")
    for event, element in iter_elements(path, _ROOT, tags):
        tag = element.tag
        if tag == "TRACK":
            if event == "end":
                if in_playlists and stack and stack[-1].kind == "PLAYLIST":
                    stack[-1].keys.append(text(element.get("Key")))
                release(element)
        elif tag == "NODE" and in_playlists:
            if event == "start":
                node = _open_node(element, stack[-1] if stack else None, seen)
                stack.append(node)
                if node.kind != "ROOT":
                    infos.append(PlaylistInfo(node.path, 0, is_folder=node.kind == "FOLDER"))
                if node.kind == "PLAYLIST" and element.get("KeyType") == "1":
                    by_location.add(node.path)
            elif stack:
                node = stack.pop()
                if node.kind == "PLAYLIST":
                    keys[node.path] = tuple(node.keys)
                release(element)
        elif tag == "PLAYLISTS":
            in_playlists = event == "start"
        elif tag == "COLLECTION" and event == "end":
            release(element)
    counted = [
        info if info.is_folder else PlaylistInfo(info.path, len(keys.get(info.path, ())))
        for info in infos
    ]
    return RekordboxTree(tuple(with_folder_counts(counted)), keys, frozenset(by_location))


def _collection_tracks(path: Path) -> Iterator[etree._Element]:
    """Each COLLECTION TRACK (released after the caller is done with it)."""
    for _, element in iter_elements(path, _ROOT, ("COLLECTION", "TRACK"), ("end",)):
        if element.tag == "COLLECTION":
            return
        if element.getparent() is not None and element.getparent().tag == "COLLECTION":
            yield element
        release(element)


def iter_collection(path: Path) -> Iterator[PlaylistEntry]:
    """Every collection track, streamed, as entries of a playlist named COLLECTION."""
    for index, track in enumerate(_collection_tracks(path)):
        yield PlaylistEntry(path.name, COLLECTION, index, **_track_fields(track))


def load(path: Path, tree: RekordboxTree, chosen: Sequence[str]) -> list[Playlist]:
    """The chosen playlists (paths from `tree.infos`, or `[COLLECTION]`)."""
    if list(chosen) == [COLLECTION]:
        entries = tuple(iter_collection(path))
        return [Playlist(source=path, name=COLLECTION, format="rekordbox", entries=entries)]
    wanted_ids: set[str] = set()
    wanted_locations: set[str] = set()
    for name in chosen:
        target = wanted_locations if name in tree.by_location else wanted_ids
        target.update(tree.keys.get(name, ()))
    by_id: dict[str, dict[str, object]] = {}
    by_location: dict[str, dict[str, object]] = {}
    if wanted_ids or wanted_locations:
        for track in _collection_tracks(path):
            track_id = text(track.get("TrackID"))
            location = text(track.get("Location"))
            if track_id in wanted_ids:
                by_id[track_id] = _track_fields(track)
            if location in wanted_locations:
                by_location[location] = _track_fields(track)
    return [
        keyed_playlist(
            path,
            name,
            "rekordbox",
            tree.keys.get(name, ()),
            by_location if name in tree.by_location else by_id,
        )  # fmt: skip
        for name in chosen
    ]
