"""The knobs of the HTTP layer, as one picklable record a worker process can receive.

`HttpOptions.from_env()` reads the same knobs from the environment, which spawned worker
processes inherit; explicit options (from settings or CLI flags) win over it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from matcher.errors import InputError
from matcher.http.cache import DEFAULT_MAX_BYTES, DEFAULT_TTL_S

__all__ = ["ENV_VARS", "HttpOptions"]

ENV_VARS = {
    "cache": "CRATEMATCH_HTTP_CACHE",  # "0" / "off": like --no-cache
    "cache_ttl_s": "CRATEMATCH_CACHE_TTL",  # seconds
    "cache_max_mb": "CRATEMATCH_CACHE_MAX_MB",
    "timeout_s": "CRATEMATCH_HTTP_TIMEOUT",  # seconds
    "beatport_rate": "CRATEMATCH_BEATPORT_RATE",  # requests per second, all workers together
}


@dataclass(frozen=True, slots=True)
class HttpOptions:
    cache: bool = True  # False: --no-cache (nothing read or written)
    cache_ttl_s: float = DEFAULT_TTL_S
    cache_max_mb: float = DEFAULT_MAX_BYTES / (1024 * 1024)
    timeout_s: float = 15.0  # per request (connect, read, write)
    beatport_rate: float = 5.0  # Beatport publishes no limit: a polite default, configurable
    max_wait_s: float = 60.0  # a Retry-After (or queue for a slot) longer than this is an error

    @property
    def cache_max_bytes(self) -> int:
        return int(self.cache_max_mb * 1024 * 1024)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> HttpOptions:
        env = os.environ if env is None else env
        options = cls()
        raw = env.get(ENV_VARS["cache"], "").strip().lower()
        if raw in ("0", "off", "no", "false"):
            options = replace(options, cache=False)
        for name in ("cache_ttl_s", "cache_max_mb", "timeout_s", "beatport_rate"):
            text = env.get(ENV_VARS[name], "").strip()
            if text:
                options = replace(options, **{name: _positive(ENV_VARS[name], text)})
        return options


def _positive(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise InputError(f"{name} must be a non-negative number, not {text!r}")
    return value
