"""The HTTP layer the online providers share: one on-disk cache, one per-host rate limit
across worker processes, retries with back-off, timeouts, and counters for the dashboard.

    client.py     HttpClient.get_json: cache → rate limit → request → retry → parse
    cache.py      HttpCache: SQLite, own TTL, size cap with LRU eviction
    ratelimit.py  HostLimiter: per-host slots shared by processes, adaptive spacing
    retry.py      RetryPolicy, Retry-After parsing: pure functions
    options.py    HttpOptions: cache on/off, TTL, size cap, timeout, Beatport's rate
    errors.py     ProviderError subclasses with one-line messages
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matcher.lazy_imports import lazy_attributes

if TYPE_CHECKING:
    from matcher.http.cache import CachedResponse, HttpCache, cache_key
    from matcher.http.client import HttpClient, Service
    from matcher.http.errors import (
        ProviderAuthError,
        ProviderRateLimited,
        ProviderResponseError,
        ProviderUnavailable,
    )
    from matcher.http.options import HttpOptions
    from matcher.http.ratelimit import HostLimiter, HostPolicy
    from matcher.http.retry import RetryPolicy, parse_retry_after

# Loaded on first use: every process reads `matcher.http.options` (the settings), and
# only one that goes online needs httpx, a tenth of a second to import.
_HOME = {
    "CachedResponse": "cache", "HttpCache": "cache", "cache_key": "cache",
    "HttpClient": "client", "Service": "client",
    "ProviderAuthError": "errors", "ProviderRateLimited": "errors",
    "ProviderResponseError": "errors", "ProviderUnavailable": "errors",
    "HttpOptions": "options", "HostLimiter": "ratelimit", "HostPolicy": "ratelimit",
    "RetryPolicy": "retry", "parse_retry_after": "retry",
}  # fmt: skip


__getattr__ = lazy_attributes(__name__, _HOME)


__all__ = [
    "CachedResponse",
    "HostLimiter",
    "HostPolicy",
    "HttpCache",
    "HttpClient",
    "HttpOptions",
    "ProviderAuthError",
    "ProviderRateLimited",
    "ProviderResponseError",
    "ProviderUnavailable",
    "RetryPolicy",
    "Service",
    "cache_key",
    "parse_retry_after",
]
