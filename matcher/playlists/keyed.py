"""Playlists that name collection tracks by key: Rekordbox TrackIDs or Locations, Traktor
PRIMARYKEYs. Shared by both readers so a dangling key is handled the same way: skipped,
counted and logged, never a crash (hand-edited and trimmed exports have them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from matcher.bounds import bounded_entry
from matcher.model import Playlist, PlaylistEntry
from matcher.playlists.lazy import LazyEntries

__all__ = ["keyed_playlist"]

log = logging.getLogger(__name__)


def keyed_playlist(
    path: Path,
    name: str,
    fmt: str,
    keys: Iterable[str],
    tracks: Mapping[str, Any],
    *,
    fields_of: Callable[[Any], Mapping[str, object]] | None = None,
) -> Playlist:
    """The playlist `name` of `path`: one entry per key found in `tracks` (entry fields by
    key), numbered 0, 1, 2... in playlist order. With `fields_of`, `tracks` holds raw
    records and each entry is made (and bounded) when first asked for (LazyEntries)."""
    found: list[Any] = []
    missing = 0
    for key in keys:
        record = tracks.get(key)
        if record is None:
            missing += 1
            continue
        found.append(record)
    if missing:
        log.warning(
            "%s: playlist %r: %d entries skipped (not in the COLLECTION)", path.name, name, missing
        )
    entries: tuple[PlaylistEntry, ...] | LazyEntries[Any]
    if fields_of is None:
        entries = tuple(PlaylistEntry(path.name, name, i, **f) for i, f in enumerate(found))
    else:
        make = fields_of

        def entry(index: int, record: Any) -> PlaylistEntry:
            return bounded_entry(PlaylistEntry(path.name, name, index, **make(record)))

        entries = LazyEntries(found, entry)
    return Playlist(source=path, name=name, format=fmt, entries=entries)  # type: ignore[arg-type]
