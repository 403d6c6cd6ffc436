"""Serato crates as playlists: one playlist per `_Serato_/Subcrates/*.crate`.

A crate file, a `Subcrates` folder, a `_Serato_` folder or a drive whose root holds
one can be given; a folder lists every crate in it. A crate named `House%%Deep.crate` is
the subcrate "Deep" of "House" and is listed as "House/Deep".

Crates hold only paths, written from the root of the drive that holds the `_Serato_`
folder (`Users/me/Music/x.mp3` for the Music folder's `_Serato_`, since its drive is the
system one; `Tracks/x.mp3` on an external drive). Each path is tried against that drive's
root and the folder above `_Serato_`; the first that exists is the entry's location.
What a track is comes, in order, from Serato's own library (`_Serato_/database V2`, read
once per load), the audio file's tags, then its file name (as for M3U entries).
Serato crates have no collection of their own: "COLLECTION" names nothing here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matcher.model import Playlist, PlaylistInfo
from matcher.playlists.library_errors import NotALibrary
from matcher.playlists.m3u import path_entry
from matcher.playlists.serato_binary import Field, read_fields, text_of, version
from matcher.playlists.sources import file_error

__all__ = ["FORMAT", "HAS_COLLECTION", "SeratoTree", "crate_name", "load", "scan"]

FORMAT = "serato"
HAS_COLLECTION = False
_SERATO = "_Serato_"
_DATABASE = "database V2"
# database V2 tag -> what path_entry's `said` calls it
_LIBRARY_FIELDS = {
    "tsng": "title", "tart": "artist", "talb": "album", "tgen": "genre", "tbpm": "bpm",
    "tkey": "key", "ttyr": "year", "tlbl": "label", "tcom": "comments",
}  # fmt: skip


def crate_name(file: Path) -> str:
    """The playlist path of a crate file: "House%%Deep.crate" -> "House/Deep"."""
    return "/".join(part.strip() for part in file.stem.split("%%"))


def _subcrates(path: Path) -> Path | None:
    for folder in (path / "Subcrates", path / _SERATO / "Subcrates", path):
        if folder.name == "Subcrates" and folder.is_dir():
            return folder
    return None


def _crate_files(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    folder = _subcrates(path)
    if folder is None:
        raise NotALibrary(f"{path.name}: no _Serato_/Subcrates folder here")
    try:
        files = [p for p in folder.iterdir() if p.suffix.lower() == ".crate" and p.is_file()]
    except OSError as err:
        raise file_error(folder, err) from None
    return sorted(files, key=lambda p: crate_name(p).casefold())


def _serato_folder(crate: Path) -> Path | None:
    """The `_Serato_` folder a crate belongs to, when it sits in one's Subcrates."""
    folder = crate.parent.parent
    return folder if crate.parent.name == "Subcrates" and folder.name == _SERATO else None


def _roots(serato: Path | None, crate: Path) -> list[Path]:
    """Where crate paths start: the drive's root, then the folder above `_Serato_` (the
    drive's root too on an external drive, where the order does not matter)."""
    anchor = Path(crate.absolute().anchor)
    if serato is None:
        return [anchor]
    above = serato.absolute().parent
    return [above, anchor] if os.path.ismount(above) else [anchor, above]


def _tracks(fields: list[Field]) -> tuple[str, ...]:
    return tuple(
        path
        for tag, value in fields
        if tag == "otrk" and isinstance(value, list) and (path := text_of(value, "ptrk"))
    )


@dataclass(frozen=True)
class SeratoTree:
    """The crates found: what `list_playlists` shows and `load` needs."""

    infos: tuple[PlaylistInfo, ...]
    files: dict[str, Path]  # playlist path -> crate file
    keys: dict[str, tuple[str, ...]]  # playlist path -> track paths as the crate wrote them


def scan(path: Path) -> SeratoTree:
    """Every crate of `path` (a crate file or a folder holding crates), with its paths."""
    infos: list[PlaylistInfo] = []
    files: dict[str, Path] = {}
    keys: dict[str, tuple[str, ...]] = {}
    for file in _crate_files(Path(path)):
        fields = read_fields(file)
        if "Crate" not in version(fields):
            raise NotALibrary(f"{file.name}: a Serato file, but not a crate ({version(fields)})")
        name = crate_name(file)
        files[name], keys[name] = file, _tracks(fields)
        infos.append(PlaylistInfo(name, len(keys[name])))
    return SeratoTree(tuple(infos), files, keys)


def _library(serato: Path | None) -> dict[str, dict[str, object]]:
    """Serato's own fields for each path of its library (empty without one)."""
    database = serato / _DATABASE if serato is not None else None
    if database is None or not database.is_file():
        return {}
    found: dict[str, dict[str, object]] = {}
    for tag, value in read_fields(database):
        if tag != "otrk" or not isinstance(value, list):
            continue
        said = {field: text_of(value, t) for t, field in _LIBRARY_FIELDS.items()}
        found[text_of(value, "pfil")] = {k: v for k, v in said.items() if v}
    return found


def _location(track: str, roots: list[Path]) -> str:
    candidates = [root / track.lstrip("/\\") for root in roots]
    return str(next((c for c in candidates if c.exists()), candidates[0]))


def load(path: Path, tree: SeratoTree, chosen: Sequence[str]) -> list[Playlist]:
    """The chosen crates, their entries described as the module docstring says."""
    path = Path(path)
    libraries: dict[Path | None, dict[str, dict[str, object]]] = {}
    playlists = []
    for name in chosen:
        crate = tree.files[name]
        serato = _serato_folder(crate)
        if serato not in libraries:
            libraries[serato] = _library(serato)
        library, roots = libraries[serato], _roots(serato, crate)
        entries = tuple(
            path_entry(
                _location(track, roots),
                dict(library.get(track, {})),
                crate.parent,
                path.name,
                name,
                index,
            )  # fmt: skip
            for index, track in enumerate(tree.keys[name])
        )
        playlists.append(Playlist(source=path, name=name, format=FORMAT, entries=entries))
    return playlists
