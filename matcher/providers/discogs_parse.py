"""Discogs answers → `CatalogTrack`s. Pure: tested on recorded JSON.

Discogs finds releases, not tracks: `database/search` returns release ids (with
`master_id`, so pressings of the same release can be skipped), and a release's
`tracklist` holds the tracks: `position`, `title`, `duration` ("6:12"), per-track
`artists` on compilations and `extraartists` (remixers: role "Remix"). Label, year,
genres and styles come from the release. Artist names lose Discogs' " (2)" suffix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from matcher.http.errors import ProviderResponseError
from matcher.matching.text import fold
from matcher.matching.versions import split_version
from matcher.model import CatalogTrack

__all__ = ["SearchHit", "parse_duration", "parse_release", "parse_search", "track_id"]

_SUFFIX = re.compile(r"\s*\(\d+\)$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass(frozen=True, slots=True)
class SearchHit:
    release_id: int
    master_id: int  # 0 when the release has no master


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else 0


def _name(artist: dict) -> str:
    return _SUFFIX.sub("", _text(artist.get("name")))


def track_id(release_id: int, position: str, index: int) -> str:
    """A track's catalog id: Discogs has none of its own, so release and position."""
    return f"discogs:{release_id}:{position or f'#{index + 1}'}"


def parse_duration(text: str) -> float | None:
    """ "6:12" → 372.0; "1:02:03" → 3723.0; anything else → None."""
    parts = text.strip().split(":") if text else []
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return None
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return float(seconds) if seconds > 0 else None


def parse_search(payload: Any) -> list[SearchHit]:
    """`GET database/search?type=release`: release ids in Discogs' order, one per master."""
    if not isinstance(payload, dict):
        raise ProviderResponseError("Discogs sent an unexpected answer (not an object)")
    hits: list[SearchHit] = []
    masters: set[int] = set()
    for result in _dicts(payload.get("results")):
        if _text(result.get("type")) not in ("", "release"):
            continue
        release_id, master_id = _int(result.get("id")), _int(result.get("master_id"))
        if not release_id or (master_id and master_id in masters):
            continue
        if master_id:
            masters.add(master_id)
        hits.append(SearchHit(release_id, master_id))
    return hits


def _date(release: dict) -> str:
    m = _DATE.match(_text(release.get("released")))
    if m:
        parts = [p for p in m.groups() if p and p != "00"]
        return "-".join(parts)
    year = _int(release.get("year"))
    return str(year) if year else ""


def _track_rows(tracklist: Any) -> list[dict]:
    """Playable tracks: headings skipped, index tracks replaced by their sub-tracks."""
    rows: list[dict] = []
    for row in _dicts(tracklist):
        kind = _text(row.get("type_")) or "track"
        if kind == "track":
            rows.append(row)
        elif kind == "index":
            subs = _dicts(row.get("sub_tracks"))
            rows.extend(r for r in subs if _text(r.get("type_")) in ("", "track"))
    return rows


def _wanted(title: str, words: frozenset[str]) -> bool:
    """Whether a tracklist title shares at least half the searched title words."""
    if not words:
        return True
    have = set(fold(title).split())
    return len(have & words) * 2 >= len(words)


def parse_release(payload: Any, title_words: frozenset[str] = frozenset()) -> list[CatalogTrack]:
    """The tracks of `GET releases/{id}` whose titles look like `title_words` (folded words;
    empty: every track)."""
    if not isinstance(payload, dict):
        raise ProviderResponseError("Discogs sent an unexpected answer (not an object)")
    release_id = _int(payload.get("id"))
    if not release_id:
        return []
    release_artists = tuple(n for n in (_name(a) for a in _dicts(payload.get("artists"))) if n)
    labels = [_SUFFIX.sub("", _text(lb.get("name"))) for lb in _dicts(payload.get("labels"))]
    styles = [s for s in payload.get("styles") or [] if isinstance(s, str)]
    genres = [g for g in payload.get("genres") or [] if isinstance(g, str)]
    tracks = []
    for index, row in enumerate(_track_rows(payload.get("tracklist"))):
        raw_title = _text(row.get("title"))
        if not raw_title or not _wanted(raw_title, title_words):
            continue
        title, mix = split_version(raw_title)
        own = tuple(n for n in (_name(a) for a in _dicts(row.get("artists"))) if n)
        extra = _dicts(row.get("extraartists"))
        featured = tuple(_name(a) for a in extra if _text(a.get("role")).startswith("Featuring"))
        remixers = tuple(_name(a) for a in extra if _text(a.get("role")).startswith("Remix"))
        tracks.append(
            CatalogTrack(
                catalog_id=track_id(release_id, _text(row.get("position")), index),
                title=title or raw_title,
                mix=mix,
                artists=tuple(dict.fromkeys(n for n in (own or release_artists) + featured if n)),
                remixers=tuple(dict.fromkeys(n for n in remixers if n)),
                label=labels[0] if labels else "",
                release=_text(payload.get("title")),
                release_date=_date(payload),
                genre=(styles or genres or [""])[0],
                duration_s=parse_duration(_text(row.get("duration"))),
            )
        )
    return tracks
