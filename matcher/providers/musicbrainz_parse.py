"""MusicBrainz WS/2 JSON answers → `CatalogTrack`s. Pure: tested on recorded JSON.

A recording carries `id` (an MBID), `title`, `length` (ms), `artist-credit` (credited
names with join phrases; featured artists are credited too), `first-release-date`,
`releases` (title, date, status), `isrcs` and `tags`. The version sits in the title
("Title (Extended Mix)") or in `disambiguation`; it is split into `mix` like the local
catalog's. MusicBrainz has no BPM, key or label in these answers: they stay empty.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from matcher.http.errors import ProviderResponseError
from matcher.matching.versions import is_version_text, split_version
from matcher.model import CatalogTrack

__all__ = ["parse_isrc", "parse_recording", "parse_recordings"]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _credited(credits: Any) -> tuple[str, ...]:
    names = []
    for credit in _dicts(credits):
        artist = credit.get("artist") if isinstance(credit.get("artist"), dict) else {}
        name = _text(credit.get("name")) or _text(artist.get("name"))
        if name:
            names.append(name)
    return tuple(dict.fromkeys(names))


def _release(releases: Any) -> dict:
    """The release to show: the first official one, else the first."""
    found = _dicts(releases)
    official = [r for r in found if _text(r.get("status")).lower() == "official"]
    return (official or found or [{}])[0]


def _genre(tags: Any) -> str:
    ranked = sorted(
        _dicts(tags), key=lambda t: -(t.get("count") if isinstance(t.get("count"), int) else 0)
    )
    return _text(ranked[0].get("name")).title() if ranked else ""


def parse_recording(item: Any) -> CatalogTrack | None:
    """One recording object, or None without an id or a title."""
    if not isinstance(item, dict):
        return None
    mbid, raw_title = _text(item.get("id")), _text(item.get("title"))
    if not mbid or not raw_title:
        return None
    title, mix = split_version(raw_title)
    disambiguation = _text(item.get("disambiguation"))
    if not mix and disambiguation and is_version_text(disambiguation):
        mix = disambiguation
    release = _release(item.get("releases"))
    length = item.get("length")
    isrcs = [i for i in item.get("isrcs", []) if isinstance(i, str)] if isinstance(
        item.get("isrcs"), list
    ) else []  # fmt: skip
    date = _text(item.get("first-release-date")) or _text(release.get("date"))
    return CatalogTrack(
        catalog_id=mbid,
        title=title or raw_title,
        mix=mix,
        artists=_credited(item.get("artist-credit")),
        release=_text(release.get("title")),
        release_date=date[:10],
        genre=_genre(item.get("tags")),
        duration_s=length / 1000 if isinstance(length, int | float) and length > 0 else None,
        isrc=isrcs[0].upper() if isrcs else "",
    )


def _recordings(items: Any) -> list[CatalogTrack]:
    if not isinstance(items, list):
        return []
    return [t for t in (parse_recording(i) for i in items) if t is not None]


def parse_recordings(payload: Any) -> list[CatalogTrack]:
    """`GET recording?query=`: the recordings, best score first (as MusicBrainz ranks them)."""
    if not isinstance(payload, dict):
        raise ProviderResponseError("MusicBrainz sent an unexpected answer (not an object)")
    return _recordings(payload.get("recordings", []))


def parse_isrc(payload: Any, isrc: str) -> list[CatalogTrack]:
    """`GET isrc/<isrc>`: every recording with that ISRC (the ISRC filled in)."""
    if not isinstance(payload, dict):
        raise ProviderResponseError("MusicBrainz sent an unexpected answer (not an object)")
    tracks = _recordings(payload.get("recordings", []))
    return [t if t.isrc else _with_isrc(t, isrc) for t in tracks]


def _with_isrc(track: CatalogTrack, isrc: str) -> CatalogTrack:
    return replace(track, isrc=isrc.upper())
