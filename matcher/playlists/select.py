"""Which playlists of a file to read: the rules behind `--playlist` and `--all-playlists`.

Pure functions over the file's `PlaylistInfo` list, shared by every format:

* names select by path ("Folder/Name"); a bare "Name" matches when it is unique; a folder
  path selects every playlist under it; "COLLECTION" names a Rekordbox/NML collection;
* `all_playlists` selects every playlist;
* with neither, a file with one playlist gives it, a collection file without playlists
  gives its collection, and a file with several asks the user to choose.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from matcher.errors import PlaylistSelectionError
from matcher.model import PlaylistInfo

__all__ = ["COLLECTION", "choose", "join_path", "unique_path", "with_folder_counts"]

COLLECTION = "COLLECTION"
_ROOT_PREFIXES = ("ROOT/", "$ROOT/")
_SHOWN = 5


def join_path(parent: str, name: str) -> str:
    return f"{parent}/{name}" if parent else name


def unique_path(path: str, seen: set[str]) -> str:
    """`path`, or `path (2)`, `path (3)`... so that two playlists never share a path."""
    candidate, number = path, 1
    while candidate in seen:
        number += 1
        candidate = f"{path} ({number})"
    seen.add(candidate)
    return candidate


def with_folder_counts(infos: Sequence[PlaylistInfo]) -> list[PlaylistInfo]:
    """Give each folder the total entries of the playlists below it."""
    result = []
    for info in infos:
        if info.is_folder:
            prefix = info.path + "/"
            total = sum(i.entries for i in infos if not i.is_folder and i.path.startswith(prefix))
            info = PlaylistInfo(info.path, total, is_folder=True)
        result.append(info)
    return result


def _listing(paths: Sequence[str]) -> str:
    shown = ", ".join(f'"{p}"' for p in paths[:_SHOWN])
    return shown + (f" and {len(paths) - _SHOWN} more" if len(paths) > _SHOWN else "")


def _playlists_under(info: PlaylistInfo, infos: Sequence[PlaylistInfo]) -> list[str]:
    if not info.is_folder:
        return [info.path]
    prefix = info.path + "/"
    return [i.path for i in infos if not i.is_folder and i.path.startswith(prefix)]


def _find(name: str, infos: Sequence[PlaylistInfo], file_name: str, collection: bool) -> list[str]:
    wanted = name.strip().strip("/")
    for prefix in _ROOT_PREFIXES:
        if wanted.upper().startswith(prefix):
            wanted = wanted[len(prefix) :]
    tests = (
        lambda i: i.path == wanted,
        lambda i: i.path.casefold() == wanted.casefold(),
        lambda i: i.path.rsplit("/", 1)[-1] == wanted,
        lambda i: i.path.rsplit("/", 1)[-1].casefold() == wanted.casefold(),
    )
    for test in tests:
        found = [i for i in infos if test(i)]
        if len(found) == 1:
            return _playlists_under(found[0], infos)
        if len(found) > 1:
            raise PlaylistSelectionError(
                f'{file_name}: "{name}" matches {len(found)} playlists '
                f"({_listing([i.path for i in found])}); pass the full path"
            )
    if collection and wanted.upper() == COLLECTION:
        return [COLLECTION]
    playlists = [i.path for i in infos if not i.is_folder]
    held = f"it holds {_listing(playlists)}" if playlists else "it holds no playlists"
    raise PlaylistSelectionError(f'{file_name}: no playlist "{name}"; {held}')


def choose(
    infos: Sequence[PlaylistInfo],
    names: Iterable[str] = (),
    all_playlists: bool = False,
    *,
    file_name: str,
    collection: bool = False,
) -> list[str]:
    """The paths of the playlists to read, in order; `[COLLECTION]` for a whole collection.

    `collection` says the file has a collection to fall back on (Rekordbox, NML).
    """
    playlists = [i.path for i in infos if not i.is_folder]
    if all_playlists:
        if playlists or not collection:
            return playlists
        return [COLLECTION]
    names = [n for n in names if n and n.strip()]
    if names:
        chosen: list[str] = []
        for name in names:
            chosen += [p for p in _find(name, infos, file_name, collection) if p not in chosen]
        if not chosen:
            raise PlaylistSelectionError(
                f"{file_name}: {_listing(names)} selects no playlists (an empty folder)"
            )
        return chosen
    if len(playlists) == 1:
        return playlists
    if not playlists:
        if collection:
            return [COLLECTION]
        raise PlaylistSelectionError(f"{file_name}: holds no playlists")
    raise PlaylistSelectionError(
        f"{file_name}: holds {len(playlists)} playlists ({_listing(playlists)}); "
        'pass --playlist "Folder/Name" to choose, or --all-playlists'
    )
