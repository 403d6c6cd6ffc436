"""Traktor NML collections and history files, streamed like Rekordbox XML.

    NML
      COLLECTION     ENTRY TITLE ARTIST, children LOCATION (VOLUME, DIR, FILE), ALBUM,
                     INFO (GENRE LABEL COMMENT KEY PLAYTIME ...), TEMPO, MUSICAL_KEY
      SETS           remix sets: their SET elements have LOCATIONs too, but are not tracks
      PLAYLISTS
        NODE TYPE="FOLDER" NAME="$ROOT" > SUBNODES > NODE TYPE="FOLDER" | "PLAYLIST"
          PLAYLIST > ENTRY > PRIMARYKEY TYPE="TRACK" (or "STEM") KEY="VOLUME" + DIR + FILE

A PRIMARYKEY names a collection ENTRY by its location, `Macintosh HD/:Users/:DJ/:x.mp3`.
As for Rekordbox, `scan` reads the playlist tree while clearing the collection, and `load`
keeps only the ENTRYs the chosen playlists reference. Smart lists (queries Traktor
evaluates itself) are not listed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from matcher.matching.keys import from_traktor_index
from matcher.model import Playlist, PlaylistEntry, PlaylistInfo
from matcher.playlists.fields import byte_size, number, text, year
from matcher.playlists.keyed import keyed_playlist
from matcher.playlists.select import COLLECTION, join_path, unique_path, with_folder_counts
from matcher.playlists.xmlsafe import iter_elements, release

__all__ = ["NmlTree", "iter_collection", "load", "local_path", "scan", "track_key"]

log = logging.getLogger(__name__)

_ROOT = "NML"
_TRACK_TYPES = ("TRACK", "STEM")
_DRIVE = re.compile(r"^[A-Za-z]:$")
# Folders that only exist on a Mac's start-up disk: no /Volumes/<name> before them.
_STARTUP_DIRS = ("/:Users/:", "/:Library/:", "/:Applications/:", "/:System/:", "/:private/:")


@dataclass(frozen=True)
class NmlTree:
    infos: tuple[PlaylistInfo, ...]
    keys: dict[str, tuple[str, ...]]  # playlist path -> PRIMARYKEY KEYs in order


@dataclass
class _OpenNode:
    path: str
    kind: str  # "ROOT" (not listed), "FOLDER", "PLAYLIST" or "SKIP"
    keys: list[str]


def track_key(volume: str, directory: str, file: str) -> str:
    """The PRIMARYKEY KEY Traktor writes for a LOCATION."""
    return f"{volume}{directory}{file}"


def local_path(volume: str, directory: str, file: str) -> str:
    """A path for a LOCATION: `E:` + `/:Beatport/:` + `x.wav` -> `E:/Beatport/x.wav`;
    on a Mac the start-up disk is `/`, other disks are under `/Volumes`."""
    folder = directory.replace("/:", "/")
    if _DRIVE.match(volume):
        return f"{volume}{folder}{file}"
    if not volume or volume in ("Macintosh HD", "osx") or directory.startswith(_STARTUP_DIRS):
        return f"{folder}{file}"
    return f"/Volumes/{volume}{folder}{file}"


def _location(entry: etree._Element) -> tuple[str, str]:
    """(PRIMARYKEY-style key, local path) of a collection ENTRY."""
    location = entry.find("LOCATION")
    if location is None:
        return "", ""
    volume, directory, file = (location.get(a) or "" for a in ("VOLUME", "DIR", "FILE"))
    return track_key(volume, directory, file), local_path(volume, directory, file)


def _musical_key(entry: etree._Element, info_key: str) -> str:
    if info_key:
        return info_key
    value = entry.find("MUSICAL_KEY")
    raw = text(value.get("VALUE")) if value is not None else ""
    try:
        key = from_traktor_index(int(float(raw))) if raw else None
    except (ValueError, OverflowError):
        return ""
    return key.musical if key else ""


def _entry_fields(entry: etree._Element) -> dict[str, object]:
    key, location = _location(entry)
    info = entry.find("INFO")
    album = entry.find("ALBUM")
    tempo = entry.find("TEMPO")

    def info_get(name: str) -> str:
        return text(info.get(name)) if info is not None else ""

    return {
        "source_id": key,
        "title": text(entry.get("TITLE")),
        "artist": text(entry.get("ARTIST")),
        "remixer": info_get("REMIXER"),
        "mix": info_get("MIX"),
        "album": text(album.get("TITLE")) if album is not None else "",
        "label": info_get("LABEL"),
        "genre": info_get("GENRE"),
        "comments": info_get("COMMENT"),
        "year": year(info_get("RELEASE_DATE")),
        "duration_s": number(info_get("PLAYTIME_FLOAT")) or number(info_get("PLAYTIME")),
        "bpm": number(tempo.get("BPM")) if tempo is not None else None,
        "key": _musical_key(entry, info_get("KEY")),
        "location": location,
        "file_size": byte_size(info_get("FILESIZE"), 1024),  # Traktor counts kilobytes
    }


def _open_node(element: etree._Element, parent: _OpenNode | None, seen: set[str]) -> _OpenNode:
    """The node a NODE start opens: the omitted $ROOT, a folder, a playlist, or "SKIP"
    for smart lists and anything below a node that is not a folder."""
    kind = (element.get("TYPE") or "").upper()
    name = element.get("NAME") or ""
    parent_path = parent.path if parent else ""
    if parent is None and kind == "FOLDER" and name.upper() == "$ROOT":
        return _OpenNode("", "ROOT", [])
    if kind not in ("FOLDER", "PLAYLIST") or (parent and parent.kind not in ("ROOT", "FOLDER")):
        return _OpenNode(parent_path, "SKIP", [])
    return _OpenNode(unique_path(join_path(parent_path, name), seen), kind, [])


def scan(path: Path) -> NmlTree:
    """Read the PLAYLISTS tree, clearing the collection and sets on the way."""
    infos: list[PlaylistInfo] = []
    keys: dict[str, tuple[str, ...]] = {}
    seen: set[str] = set()
    stack: list[_OpenNode] = []
    skipped = 0
    in_playlists = False
    tags = ("COLLECTION", "SETS", "SET", "PLAYLISTS", "NODE", "ENTRY", "PRIMARYKEY")
    for event, element in iter_elements(path, _ROOT, tags):
        tag = element.tag
        if tag == "NODE" and in_playlists:
            if event == "start":
                stack.append(_open_node(element, stack[-1] if stack else None, seen))
                if stack[-1].kind in ("FOLDER", "PLAYLIST"):
                    infos.append(PlaylistInfo(stack[-1].path, 0, stack[-1].kind == "FOLDER"))
            elif stack:
                node = stack.pop()
                if node.kind == "PLAYLIST":
                    keys[node.path] = tuple(node.keys)
                release(element)
        elif tag == "PRIMARYKEY" and event == "end":
            if in_playlists and stack and stack[-1].kind == "PLAYLIST":
                if (element.get("TYPE") or "TRACK").upper() in _TRACK_TYPES:
                    stack[-1].keys.append(element.get("KEY") or "")
                else:
                    skipped += 1
        elif tag in ("ENTRY", "SET") and event == "end":
            release(element)
        elif tag == "PLAYLISTS":
            in_playlists = event == "start"
    if skipped:
        log.info("%s: %d playlist entries are not tracks (skipped)", path.name, skipped)
    counted = [
        info if info.is_folder else PlaylistInfo(info.path, len(keys.get(info.path, ())))
        for info in infos
    ]
    return NmlTree(tuple(with_folder_counts(counted)), keys)


def _collection_entries(path: Path) -> Iterator[etree._Element]:
    for _, element in iter_elements(path, _ROOT, ("COLLECTION", "ENTRY"), ("end",)):
        if element.tag == "COLLECTION":
            return
        parent = element.getparent()
        if parent is not None and parent.tag == "COLLECTION":
            yield element
        release(element)


def iter_collection(path: Path) -> Iterator[PlaylistEntry]:
    """Every collection ENTRY, streamed, as entries of a playlist named COLLECTION."""
    for index, entry in enumerate(_collection_entries(path)):
        yield PlaylistEntry(path.name, COLLECTION, index, **_entry_fields(entry))


def load(path: Path, tree: NmlTree, chosen: Sequence[str]) -> list[Playlist]:
    """The chosen playlists (paths from `tree.infos`, or `[COLLECTION]`)."""
    if list(chosen) == [COLLECTION]:
        entries = tuple(iter_collection(path))
        return [Playlist(source=path, name=COLLECTION, format="nml", entries=entries)]
    wanted = {key for name in chosen for key in tree.keys.get(name, ())}
    found: dict[str, dict[str, object]] = {}
    if wanted:
        for entry in _collection_entries(path):
            key, _ = _location(entry)
            if key in wanted:
                found[key] = _entry_fields(entry)
    return [keyed_playlist(path, name, "nml", tree.keys.get(name, ()), found) for name in chosen]
