"""The HTTP client every online provider talks through.

    get_json(path, params)
        │  cache hit ──────────────────────────────────────────────▶ parsed JSON
        ▼  miss
    limiter.acquire(host)  (shared slot; a wait past the cap is an error)
        ▼
    httpx GET with a timeout ── timeout / reset ──▶ back-off, retry
        │ 429 / 502 / 503 / 504 ─▶ Retry-After (capped) or back-off, slow the host, retry
        │ 401 / 403 ─▶ ProviderAuthError (and no more requests from this process)
        ▼ 200 (or 404 where "not found" is an answer)
    parse JSON ── malformed ─▶ ProviderResponseError (not cached)
        ▼
    cache.put ─▶ parsed JSON

Every step counts into the provider's `ProviderCounters` (requests, retries, cache hits
and misses, seconds waited for the rate limit, 429s), which feed the dashboard. The
transport, clock, sleep and randomness are injected, so tests need no network and no time.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from matcher.errors import ProviderError
from matcher.http.cache import CachedResponse, HttpCache, cache_key
from matcher.http.errors import (
    ProviderAuthError,
    ProviderRateLimited,
    ProviderResponseError,
    ProviderUnavailable,
    redact,
)
from matcher.http.ratelimit import HostLimiter, HostPolicy, WaitTooLong
from matcher.http.retry import RETRY_STATUSES, RetryPolicy, is_retryable_error, parse_retry_after
from matcher.matching.provider import ProviderCounters

__all__ = ["HttpClient", "Pacing", "Service"]

#: given a response's headers, seconds to hold every request to the host (or None)
Pacing = Callable[[httpx.Headers], float | None]

# After giving up on an unreachable service, fail fast for this long (cached answers still
# work), so a dead connection costs each track milliseconds, not a round of retries.
DOWN_FOR_S = 30.0
DEFAULT_RETRY = RetryPolicy()
MAX_BODY = 16 * 1024 * 1024  # no catalog answer is near this; an endless body stops here


@dataclass(frozen=True, slots=True)
class Service:
    """Who the client talks to, and how to explain its failures."""

    label: str  # "Beatport": the name in messages
    base_url: str
    policy: HostPolicy
    auth_scope: str = ""  # keeps two accounts' cached answers apart: a fingerprint, never a token
    token_hint: str = ""  # how to fix a token: "set it in Settings or CRATEMATCH_BEATPORT_TOKEN"


class HttpClient:
    def __init__(
        self,
        service: Service,
        *,
        limiter: HostLimiter,
        counters: ProviderCounters | None = None,
        cache: HttpCache | None = None,
        headers: Mapping[str, str] | None = None,
        secrets: tuple[str, ...] = (),
        retry: RetryPolicy = DEFAULT_RETRY,
        timeout_s: float = 15.0,
        transport: httpx.BaseTransport | None = None,
        pacing: Pacing | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.service = service
        self.counters = counters if counters is not None else ProviderCounters()
        self.limiter = limiter
        self.cache = cache
        self.retry = retry
        self.timeout_s = timeout_s
        self.pacing = pacing
        self.clock, self.sleep, self.rand = clock, sleep, rand
        self._secrets = secrets
        self._http = httpx.Client(
            base_url=service.base_url.rstrip("/") + "/",
            headers=dict(headers or {}),
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
            transport=transport,
            follow_redirects=True,
        )
        self._sticky: ProviderError | None = None  # a rejected token: no point asking again
        self._down: tuple[float, ProviderError] | None = None  # unreachable until then

    # -- the one public call -----------------------------------------------------------

    def get_json(
        self, path: str, params: Mapping[str, object] | None = None, *, not_found_ok: bool = False
    ) -> Any | None:
        """GET `path` (relative to the base URL) and return its JSON; None for a 404 when
        `not_found_ok`. Raises a ProviderError subclass with a one-line message."""
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        url = str(self._http.base_url.join(path.lstrip("/")))
        key = cache_key("GET", url, clean, self.service.auth_scope)
        cached = self._cached(key)
        if cached is not None:
            return self._decode(cached, path)
        self._check_blocked()
        response = self._fetch(path, clean, not_found_ok)
        payload = self._decode(response, path)
        if self.cache is not None:
            self.cache.put(key, response)
        return payload

    def close(self) -> None:
        self._http.close()
        if self.cache is not None:
            self.cache.close()

    # -- steps -------------------------------------------------------------------------

    def _cached(self, key: str) -> CachedResponse | None:
        if self.cache is None or not self.cache.enabled:
            return None
        hit = self.cache.get(key)
        if hit is None:
            self.counters.cache_misses += 1
        else:
            self.counters.cache_hits += 1
        return hit

    def _check_blocked(self) -> None:
        """Fail at once, with the reason found earlier, when asking again is pointless.
        A fresh exception each time: re-raising one instance would grow its traceback."""
        if self._sticky is not None:
            raise type(self._sticky)(str(self._sticky))
        if self._down is not None:
            until, err = self._down
            if self.clock() < until:
                raise type(err)(str(err))
            self._down = None

    def _decode(self, response: CachedResponse, path: str) -> Any | None:
        if response.status == 404:
            return None
        try:
            return json.loads(response.body)
        except (ValueError, UnicodeDecodeError):
            raise ProviderResponseError(
                f"{self.service.label} sent a malformed answer (not JSON) for {path}"
            ) from None

    def _acquire(self) -> None:
        policy = self.service.policy
        try:
            waited = self.limiter.acquire(policy)
        except WaitTooLong as err:
            raise ProviderRateLimited(
                f"{self.service.label} asked to wait {err.wait_s:.0f} s (rate limit); try later"
            ) from None
        except sqlite3.Error as err:
            raise ProviderUnavailable(f"cannot use the shared rate-limit file: {err}") from None
        self.counters.throttle_wait_s += waited

    def _fetch(self, path: str, params: Mapping[str, object], not_found_ok: bool) -> CachedResponse:
        label, retry = self.service.label, self.retry
        failure = ""
        for attempt in range(retry.attempts):
            last = attempt == retry.attempts - 1
            self._acquire()
            self.counters.http_requests += 1
            if attempt:
                self.counters.http_retries += 1
            try:
                response, body = self._get(path, params)
            except httpx.HTTPError as err:
                failure = self._describe(err)
                if not is_retryable_error(err):
                    raise ProviderUnavailable(f"{label} is unreachable: {failure}") from None
                if not last:
                    self.sleep(retry.backoff(attempt, self.rand()))
                continue
            self._pace(response.headers)
            status = response.status_code
            if status == 200 or (status == 404 and not_found_ok):
                return CachedResponse(status, body, _kept_headers(response.headers))
            if status in (401, 403):
                self._sticky = ProviderAuthError(self._auth_message(status))
                raise ProviderAuthError(str(self._sticky))
            if status not in RETRY_STATUSES:
                raise ProviderResponseError(
                    redact(f"{label} refused the request ({status}{_reason(response)}) for {path}",
                           self._secrets)  # a proxy may echo a header in its reason
                )  # fmt: skip
            failure = f"{status}"
            self._wait_before_retry(response, attempt, last)
        raise self._gave_up(failure)

    def _get(self, path: str, params: Mapping[str, object]) -> tuple[httpx.Response, bytes]:
        """One GET whose whole answer must arrive within `timeout_s` and fit MAX_BODY.

        httpx's timeouts bound each socket read, so a server that sends a byte every few
        seconds (slow-loris) or an endless body would hold a worker forever without this.
        """
        deadline = time.monotonic() + self.timeout_s
        with self._http.stream("GET", path.lstrip("/"), params=params) as response:
            parts: list[bytes] = []
            size = 0
            for part in response.iter_bytes():
                size += len(part)
                if size > MAX_BODY:
                    raise ProviderResponseError(
                        f"{self.service.label} sent an answer larger than "
                        f"{MAX_BODY // (1024 * 1024)} MB for {path}"
                    )
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout(f"no whole answer within {self.timeout_s:g} s")
                parts.append(part)
        return response, b"".join(parts)

    def _wait_before_retry(self, response: httpx.Response, attempt: int, last: bool) -> None:
        """Honour Retry-After (shared with every process through the limiter) up to the
        cap, else back off; slow the host down after 429 and 503."""
        status, policy = response.status_code, self.service.policy
        after = parse_retry_after(response.headers.get("Retry-After"), self.clock())
        if status == 429:
            self.counters.extra["http_throttled"] = self.counters.extra.get("http_throttled", 0) + 1
        if after is not None and after > self.retry.max_retry_after_s:
            self._safe(lambda: self.limiter.defer(policy.host, after))
            raise ProviderRateLimited(
                f"{self.service.label} asked to wait {after:.0f} s (rate limit); try later"
            )
        if status in (429, 503):
            self._safe(lambda: self.limiter.slow_down(policy))
        if last:
            return
        if after is not None:
            self._safe(lambda: self.limiter.defer(policy.host, after))  # acquire() waits it out
        else:
            pause = self.retry.backoff(attempt, self.rand())
            if status == 429:
                self._safe(lambda: self.limiter.defer(policy.host, pause))
            else:
                self.sleep(pause)

    def _pace(self, headers: httpx.Headers) -> None:
        if self.pacing is None:
            return
        hold = self.pacing(headers)
        if hold:
            self._safe(lambda: self.limiter.defer(self.service.policy.host, hold))

    def _safe(self, action: Callable[[], object]) -> None:
        try:
            action()
        except sqlite3.Error as err:
            raise ProviderUnavailable(f"cannot use the shared rate-limit file: {err}") from None

    # -- messages ----------------------------------------------------------------------

    def _auth_message(self, status: int) -> str:
        hint = f": {self.service.token_hint}" if self.service.token_hint else ""
        return f"{self.service.label} rejected the token ({status}){hint}"

    def _gave_up(self, failure: str) -> ProviderError:
        label, tries = self.service.label, self.retry.attempts
        if failure == "429":
            return ProviderRateLimited(
                f"{label} kept answering 'too many requests' (429, {tries} tries); try later"
            )
        if failure.isdigit():
            return ProviderUnavailable(
                f"{label} is having trouble ({failure} after {tries} tries); try later"
            )
        err = ProviderUnavailable(f"{label} is unreachable: {failure} ({tries} tries)")
        self._down = (self.clock() + DOWN_FOR_S, err)
        return err

    def _describe(self, err: httpx.HTTPError) -> str:
        if isinstance(err, httpx.TimeoutException):
            text = f"no answer within {self.timeout_s:g} s"
        elif isinstance(err, httpx.ConnectError):
            text = f"cannot connect ({_first_line(err) or 'connection refused'})"
        elif isinstance(err, httpx.RemoteProtocolError):
            text = "the connection closed in the middle of an answer"
        elif isinstance(err, httpx.NetworkError):
            text = f"the connection broke ({_first_line(err) or type(err).__name__})"
        else:
            text = _first_line(err) or type(err).__name__
        return redact(text, self._secrets)


_KEPT_HEADERS = ("content-type",)  # pacing reads live answers only: nothing else is worth keeping


def _kept_headers(headers: httpx.Headers) -> dict[str, str]:
    return {name: headers[name] for name in _KEPT_HEADERS if name in headers}


def _reason(response: httpx.Response) -> str:
    return f" {response.reason_phrase}" if response.reason_phrase else ""


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0][:200] if text else ""
