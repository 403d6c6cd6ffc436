"""What the online providers share: one HTTP client each (over the shared cache and rate
limit), and query plans that respect what a request costs.

A local query costs a millisecond; an online one costs a round trip and a share of a rate
limit (MusicBrainz: one a second for everyone on this machine). So online plans are the
local plan's most specific queries only, de-duplicated by what would actually be sent,
within a budget the preset sets: `fast` and `balanced` one text request (the title and
artist together), `thorough` a second, looser one (identifier look-ups come first, and
the matcher stops as soon as a candidate is certain).

One request for `balanced` is also what the preset's per-track time budget allows once a
round trip has been paid: planning a second query would only run on a warm cache, so a
rerun would ask the service for queries the first run never made.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from urllib.parse import urlsplit

import httpx

from matcher import __version__
from matcher.http.cache import HttpCache
from matcher.http.client import HttpClient, Pacing, Service
from matcher.http.errors import ProviderAuthError
from matcher.http.options import HttpOptions
from matcher.http.ratelimit import HostLimiter, HostPolicy
from matcher.http.retry import RetryPolicy
from matcher.matching.presets import Preset
from matcher.matching.provider import Provider, Query
from matcher.matching.query import plan
from matcher.matching.readings import EntryReading
from matcher.paths import cache_dir
from matcher.providers.tokens import fingerprint, get_token, token_hint

__all__ = [
    "CACHE_FILE",
    "CONTACT_URL",
    "LIMITER_FILE",
    "OnlineProvider",
    "build_client",
    "host_policy",
    "online_budget",
    "online_plan",
    "token_client",
    "user_agent",
]

CACHE_FILE = "http.sqlite"
CONTACT_URL = "https://cratematch.app/contact"
LIMITER_FILE = "ratelimit.sqlite"


def user_agent() -> str:
    """Who is asking: MusicBrainz and Discogs require an application name, its version
    and a way to reach its makers."""
    return f"CrateMatch/{__version__} ( {CONTACT_URL} )"


def online_budget(preset: Preset) -> int:
    """Text requests per entry: a third of the local plan's queries, at least one."""
    return max(1, preset.max_queries // 3)


def online_plan(
    reading: EntryReading, preset: Preset, request_text: Callable[[Query], str]
) -> tuple[Query, ...]:
    """The first queries of the local plan (its order is most specific first), keeping one
    query per distinct request, at most `online_budget(preset)` of them."""
    chosen: dict[str, Query] = {}
    for query in plan(reading, replace(preset, max_queries=16)):
        text = request_text(query)
        if text and text not in chosen:
            chosen[text] = query
        if len(chosen) == online_budget(preset):
            break
    return tuple(chosen.values())


def build_client(
    service: Service,
    options: HttpOptions,
    *,
    headers: Mapping[str, str],
    secrets: tuple[str, ...] = (),
    transport: httpx.BaseTransport | None = None,
    pacing: Pacing | None = None,
) -> HttpClient:
    """A client over the shared cache and rate-limit files in the user cache dir."""
    folder = cache_dir()
    cache = HttpCache(
        folder / CACHE_FILE,
        ttl_s=options.cache_ttl_s,
        max_bytes=options.cache_max_bytes,
        enabled=options.cache,
    )
    limiter = HostLimiter(folder / LIMITER_FILE, clock=time.time, sleep=time.sleep)
    policy = replace(service.policy, max_wait_s=options.max_wait_s)
    retry = RetryPolicy(max_retry_after_s=options.max_wait_s)
    return HttpClient(
        replace(service, policy=policy),
        limiter=limiter,
        cache=cache,
        headers=headers,
        secrets=secrets,
        retry=retry,
        timeout_s=options.timeout_s,
        transport=transport,
        pacing=pacing,
    )


def token_client(
    name: str,
    label: str,
    base: str,
    *,
    policy: Callable[[str], HostPolicy],
    authorization: str,
    options: HttpOptions,
    env: Mapping[str, str],
    transport: httpx.BaseTransport | None = None,
    pacing: Pacing | None = None,
) -> tuple[HttpClient | None, str]:
    """A client for a service that needs a token (Beatport, Discogs), or None and the one
    line that says how to give the token. `policy(host)` is the service's rate limit;
    `authorization` the header's value with `{token}` in it."""
    token = get_token(name, env=env)
    if not token:
        return None, f"{label} needs a token: {token_hint(name)}"
    service = Service(
        label=label,
        base_url=base,
        policy=policy(f"{name}:{urlsplit(base).netloc}"),
        auth_scope=f"{name}:{fingerprint(token)}",
        token_hint=token_hint(name),
    )
    headers = {
        "Authorization": authorization.format(token=token),
        "Accept": "application/json",
        "User-Agent": user_agent(),
    }
    client = build_client(
        service, options, headers=headers, secrets=(token,), transport=transport, pacing=pacing
    )
    return client, ""


class OnlineProvider(Provider):
    """A provider behind an `HttpClient`. Subclasses build requests and parse answers."""

    label = "Online catalog"

    def __init__(self, client: HttpClient | None, *, missing_token: str = "") -> None:
        """`client` None with `missing_token`: every look-up fails with that message (the
        batch goes on and each track says why)."""
        super().__init__()
        self.client = client
        self._missing_token = missing_token
        if client is not None:
            client.counters = self.counters

    def http(self) -> HttpClient:
        if self.client is None:
            raise ProviderAuthError(self._missing_token or f"{self.label} is not configured")
        return self.client

    def request_text(self, query: Query) -> str:
        """What a query would send: equal texts are the same request."""
        return " ".join(query.title + query.artists)

    def plan(self, reading: EntryReading, preset: Preset) -> tuple[Query, ...]:
        return online_plan(reading, preset, self.request_text)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


def host_policy(host: str, per_second: float, **kw: float) -> HostPolicy:
    """A policy from a rate in requests per second (0: no limit)."""
    return HostPolicy(host, 1.0 / per_second if per_second > 0 else 0.0, **kw)
