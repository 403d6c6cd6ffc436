"""Beatport API v4 answers → `CatalogTrack`s. Pure: tested on recorded JSON, no server.

A v4 track carries what DJs want: `id`, `name`, `mix_name`, `artists` and `remixers`
(objects with a `name`), `bpm`, `key.name` ("A Minor", "Eb Major"), `genre.name`,
`length_ms`, `isrc`, `publish_date`, `release.name`, `release.label.name`. Search answers
hold the tracks under `tracks` (a list, or an object with `data`); list endpoints under
`results`. Anything missing or of the wrong type is left empty, never guessed.
"""

from __future__ import annotations

from typing import Any

from matcher.http.errors import ProviderResponseError
from matcher.matching.keys import parse_key
from matcher.model import CatalogTrack

__all__ = ["parse_search", "parse_track", "parse_track_list"]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _named(value: Any) -> str:
    return _text(value.get("name")) if isinstance(value, dict) else ""


def _names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(n for n in (_named(v) for v in value) if n))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number > 0 and number == number else None


def _key(value: Any) -> str:
    name = _named(value)
    key = parse_key(name) if name else None
    return key.musical if key else ""


def parse_track(item: Any) -> CatalogTrack | None:
    """One v4 track object, or None when it has no id or no name."""
    if not isinstance(item, dict):
        return None
    track_id, title = item.get("id"), _text(item.get("name"))
    if isinstance(track_id, bool) or not isinstance(track_id, int | str) or not title:
        return None
    catalog_id = str(track_id).strip()
    if not catalog_id:
        return None
    release = item.get("release") if isinstance(item.get("release"), dict) else {}
    length_ms = _number(item.get("length_ms"))
    date = _text(item.get("publish_date")) or _text(item.get("new_release_date"))
    return CatalogTrack(
        catalog_id=catalog_id,
        title=title,
        mix=_text(item.get("mix_name")),
        artists=_names(item.get("artists")),
        remixers=_names(item.get("remixers")),
        label=_named(release.get("label")),
        release=_named(release),
        release_date=date[:10],
        bpm=_number(item.get("bpm")),
        key=_key(item.get("key")),
        genre=_named(item.get("genre")),
        duration_s=round(length_ms / 1000, 3) if length_ms else None,
        isrc=_text(item.get("isrc")).upper().replace("-", ""),
    )


def _tracks(items: Any) -> list[CatalogTrack]:
    if not isinstance(items, list):
        return []
    return [t for t in (parse_track(i) for i in items) if t is not None]


def _shape_error(what: str) -> ProviderResponseError:
    return ProviderResponseError(f"Beatport sent an unexpected answer ({what})")


def parse_search(payload: Any) -> list[CatalogTrack]:
    """`GET catalog/search/?type=tracks`: the tracks, in Beatport's relevance order."""
    if not isinstance(payload, dict):
        raise _shape_error("search results are not an object")
    tracks = payload.get("tracks")
    if isinstance(tracks, dict):
        tracks = tracks.get("data", tracks.get("results"))
    if tracks is None:
        tracks = payload.get("results", [])
    return _tracks(tracks)


def parse_track_list(payload: Any) -> list[CatalogTrack]:
    """A paginated list (`GET catalog/tracks/?isrc=`): the tracks under `results`."""
    if not isinstance(payload, dict):
        raise _shape_error("a track list is not an object")
    return _tracks(payload.get("results", payload.get("data", [])))
