"""The Discogs provider (database search with a personal token, 60 requests a minute).

    search   GET {base}/database/search?type=release&track=<title>&artist=<artist>&per_page=N
             then GET {base}/releases/{id} for the best few releases: a tracklist scan
    by_id    GET {base}/releases/{id} for an id "discogs:<release>:<position>"
    by_isrc  (Discogs has no track ISRCs: nothing is asked)

`{base}` is https://api.discogs.com unless CRATEMATCH_DISCOGS_URL replaces it. The token
comes from the keyring or CRATEMATCH_DISCOGS_TOKEN and is sent as
`Authorization: Discogs token=...`. Requests are spaced a second apart across workers,
and when `X-Discogs-Ratelimit-Remaining` runs low the spacing widens so the quota's
moving window can refill.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import httpx

from matcher.http.options import HttpOptions
from matcher.http.ratelimit import HostPolicy
from matcher.matching.provider import Query
from matcher.model import CatalogTrack
from matcher.providers.discogs_parse import parse_release, parse_search
from matcher.providers.online import OnlineProvider, token_client

__all__ = ["DEFAULT_URL", "URL_ENV", "DiscogsProvider", "discogs_pacing", "open_discogs"]

DEFAULT_URL = "https://api.discogs.com"
URL_ENV = "CRATEMATCH_DISCOGS_URL"
WINDOW_S = 60.0  # Discogs counts requests in a moving minute
LOW_SHARE = 0.1  # below this share of the quota left, spread what is left over the window


def discogs_pacing(headers: httpx.Headers) -> float | None:
    """Seconds to hold every request when the quota runs low: the window spread over what
    remains (60 s with nothing left)."""
    try:
        limit = int(headers.get("X-Discogs-Ratelimit", ""))
        remaining = int(headers.get("X-Discogs-Ratelimit-Remaining", ""))
    except ValueError:
        return None
    if limit <= 0 or remaining > limit * LOW_SHARE:
        return None
    return WINDOW_S / (max(remaining, 0) + 1)


def releases_per_search(limit: int) -> int:
    """How many releases' tracklists one search may open: 1 (fast) to 3 (thorough)."""
    return max(1, min(3, limit // 10))


class DiscogsProvider(OnlineProvider):
    name = "discogs"
    label = "Discogs"

    def _params(self, query: Query, limit: int) -> dict[str, object]:
        params: dict[str, object] = {"type": "release", "per_page": max(5, min(limit, 50))}
        if query.mode == "any" or not query.title:
            params["q"] = " ".join(query.title + query.artists)
        else:
            params["track"] = " ".join(query.title)
            if query.artists:
                params["artist"] = " ".join(query.artists)
        return params

    def request_text(self, query: Query) -> str:
        if not (query.title or query.artists):
            return ""
        params = self._params(query, 0)
        return "&".join(f"{k}={params[k]}" for k in ("q", "track", "artist") if k in params)

    def search(self, query: Query, limit: int) -> list[CatalogTrack]:
        if not self.request_text(query):
            return []
        self.counters.queries += 1
        hits = parse_search(self.http().get_json("database/search", self._params(query, limit)))
        words = frozenset(query.title) if query.mode == "all" else frozenset()
        tracks: list[CatalogTrack] = []
        for hit in hits[: releases_per_search(limit)]:
            payload = self.http().get_json(f"releases/{hit.release_id}", not_found_ok=True)
            if payload is not None:
                tracks.extend(parse_release(payload, words))
        return tracks

    def by_id(self, catalog_id: str) -> CatalogTrack | None:
        parts = catalog_id.split(":")
        if len(parts) != 3 or parts[0] != "discogs" or not parts[1].isdigit():
            return None
        self.counters.queries += 1
        payload = self.http().get_json(f"releases/{parts[1]}", not_found_ok=True)
        if payload is None:
            return None
        return next((t for t in parse_release(payload) if t.catalog_id == catalog_id), None)

    def by_isrc(self, isrc: str) -> list[CatalogTrack]:
        return []


def open_discogs(
    options: HttpOptions,
    *,
    env: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> DiscogsProvider:
    """The provider as configured by the environment (base URL, token) and `options`."""
    env = os.environ if env is None else env
    base = (env.get(URL_ENV, "").strip() or DEFAULT_URL).rstrip("/")
    client, missing = token_client(
        "discogs", "Discogs", base,
        policy=lambda host: HostPolicy(host, WINDOW_S / 60, 8.0),
        authorization="Discogs token={token}", options=options, env=env, transport=transport,
        pacing=discogs_pacing,
    )  # fmt: skip
    return DiscogsProvider(client, missing_token=missing)
