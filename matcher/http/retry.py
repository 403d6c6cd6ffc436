"""When to retry a request and how long to wait first: pure functions, no clock of their own.

Retried: timeouts, connection failures (refused, reset, closed mid-answer) and the
statuses that mean "later" (429, 502, 503, 504). Waits grow exponentially with "equal
jitter" (half fixed, half random), so workers that failed together do not retry together.
A `Retry-After` is honoured up to `max_retry_after_s`; services have sent values of many
hours, and waiting that long inside a batch is worse than a clear error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx

__all__ = ["RETRY_STATUSES", "RetryPolicy", "is_retryable_error", "parse_retry_after"]

RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4  # tries per request, the first included
    base_s: float = 0.5  # the first back-off ceiling
    cap_s: float = 8.0  # no back-off ceiling grows past this
    max_retry_after_s: float = 60.0  # a longer Retry-After is an error, not a wait

    def backoff(self, retry: int, rand: float) -> float:
        """The wait before retry number `retry` (0 for the first), `rand` in [0, 1)."""
        ceiling = min(self.cap_s, self.base_s * (2 ** max(0, retry)))
        return ceiling / 2 + ceiling / 2 * min(max(rand, 0.0), 1.0)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date, `now`
    being the wall clock), or None when absent or unreadable. Never negative."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT by definition
        return None
    return max(0.0, when.timestamp() - now)


def is_retryable_error(err: httpx.HTTPError) -> bool:
    """Timeouts and broken connections are worth another try; bad URLs are not."""
    return isinstance(err, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError)
