"""Audio file locations: the paths playlists hold and the URLs Rekordbox wants.

Readers hand over locations as decoded paths, but catalogs imported from a collection
and hand-made playlists also hold `file://` URLs, Rekordbox's malformed
`file://localhostC:/...`, Windows paths with backslashes, paths relative to the playlist,
and streaming URIs (`spotify:track:...`) that name no file at all. These helpers tell
them apart and write the `file://localhost/...` form Rekordbox writes.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

from matcher.model import CatalogTrack, PlaylistEntry
from matcher.playlists.fields import percent_decoded

__all__ = ["file_url", "path_stamp", "playable_location", "same_location_key", "to_local_path"]

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_SLASH_DRIVE = re.compile(r"^/[A-Za-z]:[\\/]")  # file:///C:/Music: the path is C:/Music
# Characters Rekordbox leaves unescaped in Location (seen in its exports); the rest of
# ASCII punctuation, spaces and every non-ASCII byte are percent-encoded.
_URL_SAFE = "/:()!,+$@;=~"


def _is_absolute(path: str) -> bool:
    return path.startswith(("/", "\\\\")) or bool(_DRIVE.match(path))


def to_local_path(location: str, base: Path | None = None) -> str | None:
    """The local file path `location` names, or None for web URLs and streaming URIs.

    Relative paths are resolved against `base` (the playlist's folder) when given.
    """
    text = (location or "").strip()
    if not text:
        return None
    if text.lower().startswith("file:"):
        rest = percent_decoded(text[5:])
        if rest.lower().startswith("//localhost"):
            rest = rest[len("//localhost") :]
        elif rest.startswith("///"):
            rest = rest[2:]  # file:///Users/...; file://server/share stays a UNC path
        if _SLASH_DRIVE.match(rest):
            rest = rest[1:]  # /C:/Music -> C:/Music
        return rest or None
    if _is_absolute(text):
        return text
    if _SCHEME.match(text):
        return None  # http:, spotify:, soundcloud: ...
    return os.path.normpath(os.path.join(base, text)) if base else text


def path_stamp(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """(size, mtime_ns) of the file at `path` as it is now; None when it cannot be seen.
    Equal stamps say a file is the one seen before (a matched audio file, a written
    enriched.xml) without reading it."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):  # ValueError: a NUL in the path
        return None
    return (st.st_size, st.st_mtime_ns)


def file_url(path: str) -> str:
    """A local path as Rekordbox writes it: `file://localhost/` + percent-encoded path.

    `/Users/me/a b.mp3` -> `file://localhost/Users/me/a%20b.mp3`;
    `D:\\x\\y.mp3` -> `file://localhost/D:/x/y.mp3`.
    """
    slashed = path.replace("\\", "/")
    # surrogateescape: a path that is not valid UTF-8 is percent-encoded as its own bytes
    encoded = quote(unicodedata.normalize("NFC", slashed), safe=_URL_SAFE,
                    errors="surrogateescape")  # fmt: skip
    return "file://localhost" + (encoded if encoded.startswith("/") else "/" + encoded)


def same_location_key(location: str) -> str:
    """A form of a location for comparing two spellings of the same file."""
    path = to_local_path(location) or location
    return unicodedata.normalize("NFC", path.replace("\\", "/"))


def playable_location(
    entry: PlaylistEntry, track: CatalogTrack | None, base: Path | None
) -> str | None:
    """Where to play this entry from: the matched catalog track's file (the copy the
    user owns, when the catalog is an imported collection), else the entry's own file
    or web URL. None when there is neither (a streaming URI is not a file)."""
    for location in (track.location if track else "", entry.location):
        local = to_local_path(location, base)
        if local:
            return local
        if re.match(r"^https?://", location or "", re.I):
            return location
    return None
