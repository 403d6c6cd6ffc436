"""Catalog tracks to table rows and back, and the folded text the indexes hold."""

from __future__ import annotations

from matcher.matching.text import fold
from matcher.matching.versions import split_version
from matcher.model import CatalogTrack

__all__ = ["COLUMNS", "folded_fields", "normalise_isrc", "row_of", "track_of"]

COLUMNS = (
    "catalog_id, title, mix, artists, remixers, label, release, release_date, bpm, key, "
    "genre, duration_s, isrc, location, file_size"
)


def normalise_isrc(isrc: str) -> str:
    """ISRCs are written with dashes, spaces and any case; compare them bare and upper."""
    return isrc.replace("-", "").replace(" ", "").strip().upper()


def folded_fields(track: CatalogTrack) -> tuple[str, str, str]:
    """The (title, artists, mix) text the word index holds for a track."""
    core, version = split_version(track.title)
    mix = fold(track.mix)
    extra = fold(version)
    if extra and extra != mix:
        mix = f"{mix} {extra}" if mix else extra
    return fold(core), fold(" ".join(track.artists + track.remixers)), mix


def _split_names(joined: str) -> tuple[str, ...]:
    return tuple(filter(None, joined.split(", "))) if joined else ()


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def track_of(row: tuple) -> CatalogTrack:
    """A track from a row of `COLUMNS` (whose order is CatalogTrack's: every candidate of
    every query comes through here, so the fields go by position)."""
    cid, title, mix, artists, remixers, *rest = row
    return CatalogTrack(cid, title, mix, _split_names(artists), _split_names(remixers), *rest)


def row_of(track: CatalogTrack, source: str) -> tuple:
    """The values of `COLUMNS` and then `source` for a track."""
    return (
        track.catalog_id,
        track.title,
        track.mix,
        ", ".join(track.artists),
        ", ".join(track.remixers),
        track.label,
        track.release,
        track.release_date,
        _float(track.bpm),
        track.key,
        track.genre,
        _float(track.duration_s),
        normalise_isrc(track.isrc),
        track.location,
        track.file_size if track.file_size and track.file_size > 0 else None,
        source,
    )
