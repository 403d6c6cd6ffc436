"""The Beatport provider (API v4, OAuth bearer token).

    search   GET {base}/catalog/search/?q=<title and artist words>&type=tracks&per_page=N
    by_id    GET {base}/catalog/tracks/{id}/         (store ids from file names: numeric)
    by_isrc  GET {base}/catalog/tracks/?isrc=<ISRC>

`{base}` is https://api.beatport.com/v4 unless CRATEMATCH_BEATPORT_URL replaces it. The
token comes from the keyring or CRATEMATCH_BEATPORT_TOKEN; without one every look-up
becomes an `error` row saying how to set it. Catalog ids are Beatport's plain numeric
track ids, so file names like `12345678_Title_(Original_Mix).mp3` are looked up directly
and the tracks, once remembered in the local catalog, keep working offline.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import httpx

from matcher.http.options import HttpOptions
from matcher.matching.provider import Query
from matcher.model import CatalogTrack
from matcher.providers.beatport_parse import parse_search, parse_track, parse_track_list
from matcher.providers.online import OnlineProvider, host_policy, token_client

__all__ = ["DEFAULT_URL", "URL_ENV", "BeatportProvider", "open_beatport"]

DEFAULT_URL = "https://api.beatport.com/v4"
URL_ENV = "CRATEMATCH_BEATPORT_URL"
MAX_PER_PAGE = 100


class BeatportProvider(OnlineProvider):
    name = "beatport"
    label = "Beatport"
    accepts_store_ids = True

    def search(self, query: Query, limit: int) -> list[CatalogTrack]:
        text = self.request_text(query)
        if not text:
            return []
        self.counters.queries += 1
        params = {"q": text, "type": "tracks", "per_page": max(1, min(limit, MAX_PER_PAGE))}
        return parse_search(self.http().get_json("catalog/search/", params))

    def by_id(self, catalog_id: str) -> CatalogTrack | None:
        track_id = catalog_id.strip()
        if not track_id.isdigit():
            return None
        self.counters.queries += 1
        payload = self.http().get_json(f"catalog/tracks/{track_id}/", not_found_ok=True)
        return parse_track(payload) if payload is not None else None

    def by_isrc(self, isrc: str) -> list[CatalogTrack]:
        if not isrc:
            return []
        self.counters.queries += 1
        payload = self.http().get_json("catalog/tracks/", {"isrc": isrc, "per_page": 10})
        return parse_track_list(payload) if payload is not None else []


def open_beatport(
    options: HttpOptions,
    *,
    env: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> BeatportProvider:
    """The provider as configured by the environment (base URL, token) and `options`."""
    env = os.environ if env is None else env
    base = (env.get(URL_ENV, "").strip() or DEFAULT_URL).rstrip("/")
    client, missing = token_client(
        "beatport", "Beatport", base,
        policy=lambda host: host_policy(host, options.beatport_rate),
        authorization="Bearer {token}", options=options, env=env, transport=transport,
    )  # fmt: skip
    return BeatportProvider(client, missing_token=missing)
