"""A DJ's own collection (Rekordbox XML or master.db, a Rekordbox USB export, Traktor
NML) as a catalog: "find what I own".

The playlist readers already stream a collection's tracks (`iter_collection`); here each
entry becomes a catalog row. Ids are stable across re-imports of the same library, so a
re-import updates rows instead of duplicating them: Rekordbox's TrackID ("rb:") or
master.db content ID ("rbdb:"), or a hash of the file's location for Traktor (whose
entries have no lasting id) and USB exports (whose ids are renumbered by each export).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from matcher.catalog.fields import (
    ReadStats,
    short_hash,
    split_artists,
    tidy_date,
    tidy_key,
    title_and_mix,
)
from matcher.catalog.store import normalise_isrc
from matcher.errors import CatalogImportError
from matcher.model import CatalogTrack, PlaylistEntry

__all__ = ["read_collection", "track_from_entry"]

_PREFIX = {"rekordbox": "rb", "nml": "nml", "rekordbox-db": "rbdb", "rekordbox-usb": "rbusb"}
_LASTING_IDS = ("rekordbox", "rekordbox-db")


def read_collection(path: Path, kind: str, stats: ReadStats) -> Iterator[CatalogTrack]:
    """Every track of a Rekordbox or Traktor collection file, as catalog rows."""
    try:
        from matcher.playlists import iter_collection
    except ImportError:
        raise CatalogImportError(
            f"{path.name}: reading DJ collections is not available in this build"
        ) from None
    for entry in iter_collection(path):
        stats.rows_read += 1
        track = track_from_entry(entry, kind)
        if track is None:
            stats.rows_skipped += 1
            stats.note(f"entry {entry.entry_index}: no title and no location")
        else:
            yield track


def track_from_entry(entry: PlaylistEntry, kind: str) -> CatalogTrack | None:
    """One collection entry as a catalog row; None when it names no track at all."""
    title = entry.title.strip() or _file_stem(entry.location)
    if not title:
        return None
    title, mix = title_and_mix(title, entry.mix)
    return CatalogTrack(
        catalog_id=_catalog_id(entry, kind),
        title=title,
        mix=mix,
        artists=split_artists(entry.artist),
        remixers=split_artists(entry.remixer),
        label=entry.label.strip(),
        release=entry.album.strip(),
        release_date=tidy_date(entry.year),
        bpm=entry.bpm if entry.bpm and entry.bpm > 0 else None,
        key=tidy_key(entry.key),
        genre=entry.genre.strip(),
        duration_s=entry.duration_s if entry.duration_s and entry.duration_s > 0 else None,
        isrc=normalise_isrc(entry.isrc),
        location=entry.location,
        file_size=entry.file_size,
    )


def _catalog_id(entry: PlaylistEntry, kind: str) -> str:
    prefix = _PREFIX.get(kind, kind)
    if kind in _LASTING_IDS and entry.source_id.strip():
        return f"{prefix}:{entry.source_id.strip()}"
    basis = entry.location or entry.source_id or f"{entry.artist}\0{entry.title}"
    return f"{prefix}:{short_hash(basis)}"


def _file_stem(location: str) -> str:
    if not location:
        return ""
    name = location.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name
