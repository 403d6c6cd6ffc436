"""Rekordbox XML (File > Export Collection in xml format), streamed.

    DJ_PLAYLISTS
      COLLECTION            TRACK TrackID Name Artist ... Location, with TEMPO and
                            POSITION_MARK children (most of a large file)
      PLAYLISTS
        NODE Type="0" Name="ROOT"          folders (Type 0) and playlists (Type 1)
          NODE Type="1" KeyType="0"        TRACK Key = a TrackID (KeyType 1: a Location)

Collections reach 100 MB, so a large file is read twice with lxml's iterparse and
nothing is kept that is not needed: `scan` reads the playlist tree and clears every
collection TRACK as it goes; `load` then keeps only the collection TRACKs the chosen
playlists reference, and stops at the end of COLLECTION. Memory grows with the playlist
tree and the chosen playlists, never with the collection. A file of up to ONE_PASS_BYTES
is read once: `scan` keeps each collection TRACK's attributes as a tuple of strings (under
1 KB a track, about 1.5 times the file's size), which saves `load` a second parse, a
quarter of the time to a batch's first result. A playlist TRACK whose key is not in the
collection is skipped and counted. The COLLECTION `Entries` attribute is not trusted
(hand-edited files get it wrong).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from matcher.model import Playlist, PlaylistEntry, PlaylistInfo
from matcher.playlists.fields import byte_size, decode_location, number, text, year
from matcher.playlists.keyed import keyed_playlist
from matcher.playlists.select import COLLECTION, join_path, unique_path, with_folder_counts
from matcher.playlists.xmlsafe import iter_elements, release

__all__ = ["ONE_PASS_BYTES", "RekordboxTree", "iter_collection", "load", "scan"]

ONE_PASS_BYTES = 24 * 1024 * 1024
_ROOT = "DJ_PLAYLISTS"
_ROOT_NAMES = ("ROOT", "$ROOT")
# The TRACK attributes an entry is made of, in the order `_fields` unpacks them.
_ATTRIBUTES = (
    *("TrackID", "Name", "Artist", "Remixer", "Mix", "Album", "Label", "Genre", "Comments"),
    *("Year", "TotalTime", "AverageBpm", "Tonality", "Location", "Size"),
)
_Raw = tuple[str | None, ...]


@dataclass(frozen=True)
class RekordboxTree:
    """The playlist tree of a file: what `list_playlists` shows and `load` needs."""

    infos: tuple[PlaylistInfo, ...]
    keys: dict[str, tuple[str, ...]]  # playlist path -> TRACK keys in order
    by_location: frozenset[str]  # paths of playlists keyed by Location (KeyType 1)
    tracks: tuple[_Raw, ...] | None = None  # the collection's attributes, when read once


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


def _raw(track: etree._Element) -> _Raw:
    return tuple(map(track.get, _ATTRIBUTES))


def _fields(raw: _Raw) -> dict[str, object]:
    (track_id, name, artist, remixer, mix, album, label, genre, comments, when, total_time,
     bpm, tonality, location, size) = raw  # fmt: skip
    return {
        "source_id": text(track_id),
        "title": text(name),
        "artist": text(artist),
        "remixer": text(remixer),
        "mix": text(mix),
        "album": text(album),
        "label": text(label),
        "genre": text(genre),
        "comments": text(comments),
        "year": year(when),
        "duration_s": number(total_time),
        "bpm": number(bpm),
        "key": text(tonality),
        "location": decode_location(location),
        "file_size": byte_size(size),
    }


def scan(path: Path) -> RekordboxTree:
    """Read the PLAYLISTS tree, clearing the collection on the way (a file of up to
    ONE_PASS_BYTES keeps the collection's attributes for `load`)."""
    keep: list[_Raw] | None = [] if _size(path) <= ONE_PASS_BYTES else None
    infos: list[PlaylistInfo] = []
    keys: dict[str, tuple[str, ...]] = {}
    by_location: set[str] = set()
    seen: set[str] = set()
    stack: list[_OpenNode] = []
    in_playlists = False
    collecting = True
    tags = ("COLLECTION", "PLAYLISTS", "NODE", "TRACK")
    for event, element in iter_elements(path, _ROOT, tags):
        tag = element.tag
        if tag == "TRACK":
            if event == "end":
                if in_playlists:
                    if stack and stack[-1].kind == "PLAYLIST":
                        stack[-1].keys.append(text(element.get("Key")))
                elif collecting and keep is not None and _in_collection(element):
                    keep.append(_raw(element))
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
            collecting = False  # as `load` reads it: the first COLLECTION only
            release(element)
    counted = [
        info if info.is_folder else PlaylistInfo(info.path, len(keys.get(info.path, ())))
        for info in infos
    ]
    tracks = tuple(keep) if keep is not None else None
    infos_out = tuple(with_folder_counts(counted))
    return RekordboxTree(infos_out, keys, frozenset(by_location), tracks)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return ONE_PASS_BYTES + 1  # iter_elements reports why the file cannot be read


def _in_collection(element: etree._Element) -> bool:
    parent = element.getparent()
    return parent is not None and parent.tag == "COLLECTION"


def _collection_raw(path: Path) -> Iterator[_Raw]:
    """Each COLLECTION TRACK's attributes, streamed (the element released at once)."""
    for _, element in iter_elements(path, _ROOT, ("COLLECTION", "TRACK"), ("end",)):
        if element.tag == "COLLECTION":
            return
        if _in_collection(element):
            yield _raw(element)
        release(element)


def iter_collection(path: Path) -> Iterator[PlaylistEntry]:
    """Every collection track, streamed, as entries of a playlist named COLLECTION."""
    return _collection_entries(path, _collection_raw(path))


def _collection_entries(path: Path, collection: Iterable[_Raw]) -> Iterator[PlaylistEntry]:
    for index, raw in enumerate(collection):
        yield PlaylistEntry(path.name, COLLECTION, index, **_fields(raw))


def load(
    path: Path, tree: RekordboxTree, chosen: Sequence[str], *, lazy: bool = False
) -> list[Playlist]:
    """The chosen playlists (paths from `tree.infos`, or `[COLLECTION]`). With `lazy`,
    each playlist's entries are made when first asked for (the engine: its batch starts
    before they are all made)."""
    collection = tree.tracks if tree.tracks is not None else _collection_raw(path)
    if list(chosen) == [COLLECTION]:
        entries = tuple(_collection_entries(path, collection))
        return [Playlist(source=path, name=COLLECTION, format="rekordbox", entries=entries)]
    wanted_ids: set[str] = set()
    wanted_locations: set[str] = set()
    for name in chosen:
        target = wanted_locations if name in tree.by_location else wanted_ids
        target.update(tree.keys.get(name, ()))
    by_id: dict[str, object] = {}
    by_location: dict[str, object] = {}
    if wanted_ids or wanted_locations:
        for raw in collection:
            track_id = text(raw[0])
            location = text(raw[13])
            if track_id in wanted_ids:
                by_id[track_id] = raw if lazy else _fields(raw)
            if location in wanted_locations:
                by_location[location] = raw if lazy else _fields(raw)
    return [
        keyed_playlist(
            path,
            name,
            "rekordbox",
            tree.keys.get(name, ()),
            by_location if name in tree.by_location else by_id,
            fields_of=_fields if lazy else None,
        )  # fmt: skip
        for name in chosen
    ]
