"""Reading users' playlists: Rekordbox XML, Traktor NML, M3U/M3U8 and CSV, and DJ
libraries: Rekordbox 6/7's master.db, a Rekordbox USB export and Serato crates.

    detect_format(path)             which format, from the content
    list_playlists(path)            the playlist tree, for a picker
    read_playlists(path, names, all_playlists)   the chosen playlists' entries
    iter_collection(path)           every track of a Rekordbox/Traktor collection, streamed

Each format has a module with `scan(path)`: what the file holds, with `.infos`. For the
collections and libraries (Rekordbox XML, NML, master.db, USB export, Serato) that is the
playlist tree, and `load(path, tree, chosen)` reads the chosen playlists in a second
pass; M3U and CSV files are parsed at once and picked from. `select.choose` applies the
selection rules in between. A library module's `HAS_COLLECTION` says whether
"COLLECTION" (every track) can be read from it; Serato crates have none.

Whatever bytes a file holds, the result is entries or one of the InputError family with
a one-line message naming the file; text fields longer than `matcher.bounds.MAX_FIELD`
are cut.
"""

from __future__ import annotations

import csv
import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from matcher.bounds import bounded_entry, bounded_playlist
from matcher.errors import CrateMatchError, InputError, PlaylistParseError, UnsupportedFormat
from matcher.model import Playlist, PlaylistEntry, PlaylistInfo, PlaylistRef
from matcher.playlists.filenames import FileNameInfo, parse_filename
from matcher.playlists.parsed import ParsedFile
from matcher.playlists.select import COLLECTION, choose
from matcher.playlists.sources import file_error

__all__ = [
    "COLLECTION",
    "FileNameInfo",
    "detect_format",
    "iter_collection",
    "list_playlists",
    "load_playlists",
    "parse_filename",
    "read_playlists",
]

# format -> the module of this package that reads it, imported on first use: a worker
# needs only `filenames` and `fields` (neither the readers nor format detection, nor lxml),
# and a run on one M3U loads none of the XML and database readers
_READERS = {
    "rekordbox": "rekordbox",
    "nml": "nml",
    "rekordbox-db": "rekordbox_db",
    "rekordbox-usb": "rekordbox_usb",
    "serato": "serato",
    "m3u": "m3u",
    "csv": "csvfile",
}
_COLLECTIONS = frozenset({"rekordbox", "nml", "rekordbox-db", "rekordbox-usb", "serato"})


def detect_format(path: Path) -> str:
    """Which format `path` holds, from its content (detect.py, loaded on first use)."""
    from matcher.playlists.detect import detect_format as detect

    return detect(path)


def _reader(fmt: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{_READERS[fmt]}")


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn what can still go wrong while reading into one typed, one-line error."""
    from lxml import etree  # a reader has loaded it already, or needs none of it

    try:
        yield
    except CrateMatchError:
        raise
    except OSError as err:
        raise file_error(path, err) from None
    except (csv.Error, etree.LxmlError, UnicodeError, ValueError, LookupError) as err:
        raise PlaylistParseError(f"{path.name}: cannot be read ({err})") from None
    except RecursionError:
        raise PlaylistParseError(f"{path.name}: nested too deeply to read") from None


def _parse(path: Path, fmt: str, *, lazy: bool = False) -> ParsedFile:
    if fmt == "m3u":
        return _reader("m3u").scan(path, lazy=lazy)
    return _reader("csv").scan(path)


def list_playlists(path: Path) -> list[PlaylistInfo]:
    """Folders and playlists in `path`, as "Folder/Sub/Name" paths in file order.

    Folders carry the total entries below them; single-playlist files (M3U, most CSV)
    give one item named after the file.
    """
    path = Path(path)
    fmt = detect_format(path)
    with _reading(path):
        if fmt in _COLLECTIONS:
            return list(_reader(fmt).scan(path).infos)
        return list(_parse(path, fmt).infos)


def read_playlists(
    path: Path, names: Sequence[str] = (), all_playlists: bool = False, *, lazy: bool = False
) -> list[Playlist]:
    """The playlists of `path` that `names` / `all_playlists` select (see `select`).
    With `lazy`, a Rekordbox XML's or an M3U's entries may be made when first asked for
    (LazyEntries: the engine starts matching before they are all made).

    Raises PlaylistSelectionError when a choice is needed or a name matches nothing.
    """
    path = Path(path)
    names = [names] if isinstance(names, str) else list(names)
    fmt = detect_format(path)
    with _reading(path):
        if fmt in _COLLECTIONS:
            reader = _reader(fmt)
            tree = reader.scan(path)
            has_collection = getattr(reader, "HAS_COLLECTION", True)
            chosen = choose(
                tree.infos, names, all_playlists, file_name=path.name, collection=has_collection
            )
            loaded = (reader.load(path, tree, chosen, lazy=True) if lazy and fmt == "rekordbox"
                      else reader.load(path, tree, chosen))  # fmt: skip
            return [bounded_playlist(p) for p in loaded]
        parsed = _parse(path, fmt, lazy=lazy)
        chosen = choose(parsed.infos, names, all_playlists, file_name=path.name)
        return [bounded_playlist(p) for p in parsed.pick(chosen)]


def load_playlists(
    inputs: Sequence[Path | PlaylistRef],
    names: Sequence[str] = (),
    all_playlists: bool = False,
    *,
    lazy: bool = False,
) -> list[Playlist]:
    """Every playlist a batch's inputs select, all read before any matching starts, so
    bad input fails before any output.

    `names` and `all_playlists` apply to files that hold several playlists (Rekordbox XML,
    Traktor NML); a `PlaylistRef` with a name selects that playlist in its file. `lazy` as
    for `read_playlists` (every file is still parsed, and bad input fails, here).
    """
    playlists: list[Playlist] = []
    for item in inputs:
        ref = item if isinstance(item, PlaylistRef) else PlaylistRef(Path(item))
        path = Path(ref.path).expanduser()
        multi = detect_format(path) in _COLLECTIONS
        selected = (ref.name,) if ref.name else (tuple(names) if multi else ())
        every = all_playlists and multi and not ref.name
        playlists.extend(read_playlists(path, selected, every, lazy=lazy))
    if not playlists:
        raise InputError("no playlists to match")
    return playlists


def iter_collection(path: Path) -> Iterator[PlaylistEntry]:
    """Every track of a Rekordbox or Traktor collection (XML, NML, master.db or a USB
    export), streamed in file order.

    Entries belong to a playlist named "COLLECTION"; `entry_index` is the position.
    The format is checked at once; reading errors surface while iterating.
    """
    path = Path(path)
    fmt = detect_format(path)
    if fmt not in _COLLECTIONS or not getattr(_reader(fmt), "HAS_COLLECTION", True):
        kind = {"m3u": "an M3U playlist", "csv": "a CSV playlist", "serato": "Serato crates"}
        raise UnsupportedFormat(
            f"{path.name}: {kind.get(fmt, 'this file')} has no collection (import a Rekordbox "
            "XML, master.db or USB export, or a Traktor NML)"
        )
    return _guarded(path, _reader(fmt).iter_collection(path))


def _guarded(path: Path, entries: Iterator[PlaylistEntry]) -> Iterator[PlaylistEntry]:
    with _reading(path):
        for entry in entries:
            yield bounded_entry(entry)
