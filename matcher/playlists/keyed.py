"""Playlists that name collection tracks by key: Rekordbox TrackIDs or Locations, Traktor
PRIMARYKEYs. Shared by both readers so a dangling key is handled the same way: skipped,
counted and logged, never a crash (hand-edited and trimmed exports have them).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

from matcher.model import Playlist, PlaylistEntry

__all__ = ["keyed_playlist"]

log = logging.getLogger(__name__)


def keyed_playlist(
    path: Path,
    name: str,
    fmt: str,
    keys: Iterable[str],
    tracks: Mapping[str, Mapping[str, object]],
) -> Playlist:
    """The playlist `name` of `path`: one entry per key found in `tracks` (entry fields by
    key), numbered 0, 1, 2... in playlist order."""
    entries: list[PlaylistEntry] = []
    missing = 0
    for key in keys:
        fields = tracks.get(key)
        if fields is None:
            missing += 1
            continue
        entries.append(PlaylistEntry(path.name, name, len(entries), **fields))
    if missing:
        log.warning(
            "%s: playlist %r: %d entries skipped (not in the COLLECTION)", path.name, name, missing
        )
    return Playlist(source=path, name=name, format=fmt, entries=tuple(entries))
