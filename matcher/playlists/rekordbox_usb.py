"""A Rekordbox USB export (`PIONEER/rekordbox/export.pdb`): its playlists and its tracks.

export.pdb first: every Rekordbox from 5 to 7 writes it to every stick, because every
CDJ/XDJ reads it. Rekordbox 7 also writes exportLibrary.db ("OneLibrary", for the newest
players), and writes only that when the DJ picks only the new format: a stick without
export.pdb is read from its exportLibrary.db (`rekordbox_onelibrary`, SQLCipher with the
key pyrekordbox knows), with the same entry fields. pyrekordbox 0.5 reads OneLibrary but
has no export.pdb reader, and no maintained Python one exists (rbox 0.2 on PyPI has none
either), so `devicesql.DeviceLibrary` reads the documented DeviceSQL format here. It was checked
against the Kaitai-based `rekordbox-parser` (crate-digger's format description) on a
real export: same tracks, playlists and entries.

Row layouts used (offsets in bytes from the row's start; ids are u32):

    track (table 0)          0x20 key, 0x28 label, 0x2c remixer, 0x38 BPM x 100,
                             0x3c genre, 0x40 album, 0x44 artist, 0x48 id,
                             0x50 u16 year, 0x54 u16 seconds, 0x5e 21 u16 string
                             offsets: 0 ISRC, 12 mix name, 16 comment, 17 title,
                             19 file name, 20 path on the stick
    genre, label (1, 4)      id, name at 4
    artist (2)               u16 subtype, 4 id, 9 u8 name offset (0x64: u16 at 10)
    album (3)                u16 subtype, 12 id, 21 u8 name offset (0x84: u16 at 22)
    key (5)                  id, name at 8
    playlist tree (7)        parent id, ?, sort order, id, folder flag, name at 20
    playlist entry (8)       position, track id, playlist id

Given a folder, the export is found below it: the stick's root, its PIONEER folder or
PIONEER/rekordbox all work, so dropping the stick's root is enough (export.pdb, else
exportLibrary.db). Paths on the stick
are written from its root ("/Contents/Artist/Album/x.mp3"); entries keep them as written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from matcher.model import Playlist, PlaylistEntry, PlaylistInfo
from matcher.playlists.devicesql import DeviceLibrary
from matcher.playlists.fields import byte_size, number, text
from matcher.playlists.keyed import keyed_playlist
from matcher.playlists.library_errors import NotALibrary
from matcher.playlists.rekordbox_onelibrary import ONELIBRARY_NAME, read_tracks, read_tree
from matcher.playlists.select import COLLECTION, join_path, unique_path, with_folder_counts

__all__ = [
    "EXPORT_PATH",
    "FORMAT",
    "ONELIBRARY_PATH",
    "HAS_COLLECTION",
    "UsbTree",
    "find_export",
    "iter_collection",
    "load",
    "scan",
]

FORMAT = "rekordbox-usb"
HAS_COLLECTION = True
EXPORT_PATH = ("PIONEER", "rekordbox", "export.pdb")
ONELIBRARY_PATH = ("PIONEER", "rekordbox", ONELIBRARY_NAME)
TRACKS, GENRES, ARTISTS, ALBUMS, LABELS, KEYS, TREE, ENTRIES = 0, 1, 2, 3, 4, 5, 7, 8
_STRINGS = 0x5E
_ISRC, _MIX, _COMMENT, _TITLE, _PATH = 0, 12, 16, 17, 20


def find_export(path: Path) -> Path | None:
    """The export.pdb (else exportLibrary.db) that `path` means: the file itself, or the
    one below a stick's root, its PIONEER folder or PIONEER/rekordbox; None when there
    is none."""
    path = Path(path)
    if not path.is_dir():
        return path
    for depth in range(len(EXPORT_PATH)):
        for layout in (EXPORT_PATH, ONELIBRARY_PATH):
            candidate = path.joinpath(*layout[depth:])
            if candidate.is_file():
                return candidate
    return None


def _export(path: Path) -> Path:
    export = find_export(path)
    if export is None:
        raise NotALibrary(
            f"{path.name}: no PIONEER/rekordbox/export.pdb (nor exportLibrary.db) below this folder"
        )
    return export


def _is_onelibrary(export: Path) -> bool:
    return export.name.casefold() == ONELIBRARY_NAME.casefold()


def _names(db: DeviceLibrary, kind: int, name_at: int) -> dict[int, str]:
    """id -> name for the tables whose rows are an id then a name (genres, labels, keys)."""
    return {db.u32(row): db.string(row + name_at) for row in db.rows(kind)}


def _far_names(db: DeviceLibrary, kind: int, id_at: int, near_at: int) -> dict[int, str]:
    """id -> name for artists and albums: a one-byte name offset, or a two-byte one
    right after it when the subtype's 0x04 bit says the name is far."""
    found = {}
    for row in db.rows(kind):
        offset = db.u16(row + near_at + 1) if db.u16(row) & 0x04 else db.u8(row + near_at)
        found[db.u32(row + id_at)] = db.string(row + offset)
    return found


@dataclass(frozen=True)
class _Lookups:
    artists: dict[int, str]
    albums: dict[int, str]
    genres: dict[int, str]
    labels: dict[int, str]
    keys: dict[int, str]

    @classmethod
    def read(cls, db: DeviceLibrary) -> _Lookups:
        return cls(
            artists=_far_names(db, ARTISTS, 4, 9),
            albums=_far_names(db, ALBUMS, 12, 21),
            genres=_names(db, GENRES, 4),
            labels=_names(db, LABELS, 4),
            keys=_names(db, KEYS, 8),
        )


def _track_fields(db: DeviceLibrary, row: int, names: _Lookups) -> dict[str, object]:
    def field(index: int) -> str:
        return text(db.string(row + db.u16(row + _STRINGS + 2 * index)))

    year = db.u16(row + 0x50)
    return {
        "source_id": str(db.u32(row + 0x48)),
        "title": field(_TITLE),
        "artist": text(names.artists.get(db.u32(row + 0x44))),
        "remixer": text(names.artists.get(db.u32(row + 0x2C))),
        "mix": field(_MIX),
        "album": text(names.albums.get(db.u32(row + 0x40))),
        "label": text(names.labels.get(db.u32(row + 0x28))),
        "genre": text(names.genres.get(db.u32(row + 0x3C))),
        "comments": field(_COMMENT),
        "year": str(year) if year else "",
        "duration_s": number(db.u16(row + 0x54)),
        "bpm": number(db.u32(row + 0x38) / 100),
        "key": text(names.keys.get(db.u32(row + 0x20))),
        "isrc": field(_ISRC),
        "location": field(_PATH),
        "file_size": byte_size(db.u32(row + 0x10)),
    }


def _tracks(path: Path) -> Iterator[dict[str, object]]:
    export = _export(path)
    if _is_onelibrary(export):
        yield from read_tracks(export)
        return
    db = DeviceLibrary.open(export)
    names = _Lookups.read(db)
    for row in db.rows(TRACKS):
        yield _track_fields(db, row, names)


def _raw_tree(path: Path) -> tuple[dict[int, tuple[int, int, bool, str]], dict[int, list]]:
    """(node id -> parent, order, folder, name; playlist id -> [(position, track id)])."""
    export = _export(path)
    if _is_onelibrary(export):
        return read_tree(export)
    db = DeviceLibrary.open(export)
    nodes: dict[int, tuple[int, int, bool, str]] = {}
    for row in db.rows(TREE):
        nodes[db.u32(row + 12)] = (
            db.u32(row), db.u32(row + 8), db.u32(row + 16) != 0, text(db.string(row + 20))
        )  # fmt: skip
    entries: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for row in db.rows(ENTRIES):
        entries[db.u32(row + 8)].append((db.u32(row), str(db.u32(row + 4))))
    return nodes, entries


@dataclass(frozen=True)
class UsbTree:
    """The playlist tree of an export: what `list_playlists` shows and `load` needs."""

    infos: tuple[PlaylistInfo, ...]
    keys: dict[str, tuple[str, ...]]  # playlist path -> track ids in order


def scan(path: Path) -> UsbTree:
    """The playlist tree and each playlist's track ids."""
    nodes, entries = _raw_tree(path)  # id -> parent, order, folder, name
    children: dict[int, list[int]] = defaultdict(list)
    for node_id, (parent, *_) in sorted(nodes.items(), key=lambda n: (n[1][1], n[0])):
        children[parent if parent in nodes else 0].append(node_id)
    infos: list[PlaylistInfo] = []
    keys: dict[str, tuple[str, ...]] = {}
    seen: set[str] = set()
    visited: set[int] = set()

    def visit(node_id: int, prefix: str) -> None:
        if node_id in visited:  # a parent loop in a damaged file
            return
        visited.add(node_id)
        _, _, folder, name = nodes[node_id]
        node_path = unique_path(join_path(prefix, name), seen)
        if folder:
            infos.append(PlaylistInfo(node_path, 0, is_folder=True))
            for child in children.get(node_id, ()):
                visit(child, node_path)
        else:
            ordered = tuple(track for _, track in sorted(entries.get(node_id, ())))
            keys[node_path] = ordered
            infos.append(PlaylistInfo(node_path, len(ordered)))

    for node_id in children.get(0, ()):
        visit(node_id, "")
    for node_id in sorted(nodes, key=lambda n: (nodes[n][1], n)):  # loops that never reach
        visit(node_id, "")  # the top: listed there rather than lost
    return UsbTree(tuple(with_folder_counts(infos)), keys)


def iter_collection(path: Path) -> Iterator[PlaylistEntry]:
    """Every track on the stick, as entries of a playlist named COLLECTION."""
    name = path.name
    for index, fields in enumerate(_tracks(path)):
        yield PlaylistEntry(name, COLLECTION, index, **fields)  # type: ignore[arg-type]


def load(path: Path, tree: UsbTree, chosen: Sequence[str]) -> list[Playlist]:
    """The chosen playlists (paths from `tree.infos`, or `[COLLECTION]`)."""
    if list(chosen) == [COLLECTION]:
        entries = tuple(iter_collection(path))
        return [Playlist(source=path, name=COLLECTION, format=FORMAT, entries=entries)]
    wanted = {key for name in chosen for key in tree.keys.get(name, ())}
    by_id = {str(f["source_id"]): f for f in _tracks(path) if f["source_id"] in wanted}
    return [keyed_playlist(path, name, FORMAT, tree.keys.get(name, ()), by_id) for name in chosen]
