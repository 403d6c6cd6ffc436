"""The MusicBrainz provider (WS/2 JSON, no token, at most one request a second).

    search   GET {base}/recording?query=<Lucene>&fmt=json&limit=N
             recording:("w1" AND "w2") AND artist:("a1")  (OR for the looser modes)
    by_isrc  GET {base}/isrc/<ISRC>?inc=artists+releases&fmt=json   (404: unknown ISRC)
    by_id    GET {base}/recording/<MBID>?inc=artists+releases+isrcs&fmt=json

`{base}` is https://musicbrainz.org/ws/2 unless CRATEMATCH_MUSICBRAINZ_URL replaces it
(a mirror's root or its /ws/2). MusicBrainz asks every client for a User-Agent naming the
application, its version and a contact, and for at most one request a second from each
machine: the shared limiter spaces requests from all worker processes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx

from matcher.http.client import Service
from matcher.http.options import HttpOptions
from matcher.http.ratelimit import HostPolicy
from matcher.matching.provider import Query
from matcher.model import CatalogTrack
from matcher.providers.musicbrainz_parse import parse_isrc, parse_recording, parse_recordings
from matcher.providers.online import OnlineProvider, build_client, user_agent

__all__ = [
    "DEFAULT_URL",
    "MIN_INTERVAL_S",
    "URL_ENV",
    "MusicBrainzProvider",
    "lucene_query",
    "open_musicbrainz",
]

DEFAULT_URL = "https://musicbrainz.org/ws/2"
URL_ENV = "CRATEMATCH_MUSICBRAINZ_URL"
# One request a second, plus a little room so clock and scheduling noise on this machine
# never brings two requests closer than a second at the server.
MIN_INTERVAL_S = 1.05
MAX_LIMIT = 100

_MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


def _term(word: str) -> str:
    """One word as a quoted Lucene term, specials escaped."""
    return '"' + _LUCENE_SPECIAL.sub(r"\\\1", word) + '"'


def _group(field: str, words: tuple[str, ...], joiner: str) -> str:
    terms = [_term(w) for w in words if w]
    return f"{field}:({f' {joiner} '.join(terms)})" if terms else ""


def lucene_query(query: Query) -> str:
    """The Lucene expression for a query: every word (`all`), the artist and any title
    word (`artist+any`), or any word at all (`any`)."""
    if query.mode == "any":
        parts = [_group("recording", query.title, "OR"), _group("artist", query.artists, "OR")]
        return " OR ".join(p for p in parts if p)
    title_joiner = "OR" if query.mode == "artist+any" else "AND"
    parts = [_group("recording", query.title, title_joiner), _group("artist", query.artists, "AND")]
    return " AND ".join(p for p in parts if p)


class MusicBrainzProvider(OnlineProvider):
    name = "musicbrainz"
    label = "MusicBrainz"

    def request_text(self, query: Query) -> str:
        return lucene_query(query)

    def search(self, query: Query, limit: int) -> list[CatalogTrack]:
        expression = lucene_query(query)
        if not expression:
            return []
        self.counters.queries += 1
        params = {"query": expression, "fmt": "json", "limit": max(1, min(limit, MAX_LIMIT))}
        return parse_recordings(self.http().get_json("recording", params))

    def by_isrc(self, isrc: str) -> list[CatalogTrack]:
        if not isrc:
            return []
        self.counters.queries += 1
        params = {"inc": "artists releases", "fmt": "json"}
        payload = self.http().get_json(f"isrc/{isrc}", params, not_found_ok=True)
        return parse_isrc(payload, isrc) if payload is not None else []

    def by_id(self, catalog_id: str) -> CatalogTrack | None:
        mbid = catalog_id.strip().lower()
        if not _MBID.match(mbid):
            return None
        self.counters.queries += 1
        params = {"inc": "artists releases isrcs", "fmt": "json"}
        payload = self.http().get_json(f"recording/{mbid}", params, not_found_ok=True)
        return parse_recording(payload) if payload is not None else None


def base_url(env: Mapping[str, str]) -> str:
    """The WS/2 root: the override as given, with /ws/2 added when it names a server root."""
    override = env.get(URL_ENV, "").strip().rstrip("/")
    if not override:
        return DEFAULT_URL
    return override if override.endswith("/ws/2") else override + "/ws/2"


def open_musicbrainz(
    options: HttpOptions,
    *,
    env: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> MusicBrainzProvider:
    env = os.environ if env is None else env
    base = base_url(env)
    service = Service(
        label="MusicBrainz",
        base_url=base,
        policy=HostPolicy(f"musicbrainz:{urlsplit(base).netloc}", MIN_INTERVAL_S, 16.0),
        auth_scope="musicbrainz",
    )
    headers = {"User-Agent": user_agent(), "Accept": "application/json"}
    return MusicBrainzProvider(build_client(service, options, headers=headers, transport=transport))
