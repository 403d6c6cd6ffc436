"""Catalog providers behind one interface (`base.Provider`).

    local        the SQLite + FTS5 catalog (local.py)
    musicbrainz  WS/2 JSON, no token, one request a second (musicbrainz.py)
    beatport     API v4, bearer token (beatport.py)
    discogs      database search + tracklists, token (discogs.py)

The online ones share the HTTP layer in `matcher.http` (cache, rate limit, retries).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from matcher.errors import InputError
from matcher.matching.provider import Provider, ProviderCounters, Query

if TYPE_CHECKING:
    import httpx

    from matcher.http.options import HttpOptions

__all__ = ["ONLINE_PROVIDERS", "Provider", "ProviderCounters", "Query", "open_provider"]

ONLINE_PROVIDERS = ("musicbrainz", "beatport", "discogs")


def open_provider(
    name: str,
    catalog: Path | None,
    *,
    options: HttpOptions | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Provider:
    """Open the named provider in this process (each worker opens its own).

    Online providers read their base URL and token from this process's environment and
    keyring; `options` (cache, TTL, size cap, timeout, Beatport's rate) default to
    `HttpOptions.from_env()`. A missing token does not fail here: every look-up then
    fails with a message saying how to set it, so the batch reports it per track.
    """
    if name == "local":
        from matcher.providers.local import LocalCatalog

        if catalog is None:
            raise InputError("the local provider needs a catalog")
        return LocalCatalog(catalog)
    if name in ONLINE_PROVIDERS:
        from matcher.http.options import HttpOptions

        options = options if options is not None else HttpOptions.from_env()
        if name == "musicbrainz":
            from matcher.providers.musicbrainz import open_musicbrainz

            return open_musicbrainz(options, transport=transport)
        if name == "beatport":
            from matcher.providers.beatport import open_beatport

            return open_beatport(options, transport=transport)
        from matcher.providers.discogs import open_discogs

        return open_discogs(options, transport=transport)
    raise InputError(f"the {name} provider is not available in this version")
