"""HttpClient over httpx.MockTransport and a fake clock: retries, Retry-After, cache,
errors and counters, exactly and without waiting."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from matcher.http.cache import HttpCache
from matcher.http.client import HttpClient, Service
from matcher.http.errors import (
    ProviderAuthError,
    ProviderRateLimited,
    ProviderResponseError,
    ProviderUnavailable,
)
from matcher.http.ratelimit import HostLimiter, HostPolicy
from matcher.http.retry import RetryPolicy
from tests.matcher.http.clock import FakeClock

TOKEN = "s3cr3t-token-value"
SERVICE = Service(
    label="Beatport",
    base_url="https://api.example.test/v4",
    policy=HostPolicy("beatport:test", min_interval_s=0.2, max_interval_s=5.0, max_wait_s=60.0),
    auth_scope="beatport:abc",
    token_hint="set it in Settings or CRATEMATCH_BEATPORT_TOKEN",
)
OK = {"tracks": [{"id": 1, "name": "Glass Tide"}]}


class Server:
    """A scripted transport: each request takes the next reply (the last one repeats)."""

    def __init__(self, *replies: Callable[[httpx.Request], httpx.Response] | httpx.Response):
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return reply(request) if callable(reply) else reply


def ok(payload: object = OK) -> httpx.Response:
    return httpx.Response(200, json=payload)


def status(code: int, retry_after: str | None = None) -> httpx.Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return httpx.Response(code, json={"detail": "no"}, headers=headers)


def fail(error: type[httpx.HTTPError]) -> Callable[[httpx.Request], httpx.Response]:
    def raise_(request: httpx.Request) -> httpx.Response:
        raise error("boom", request=request)

    return raise_


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def client(server: Server, clock: FakeClock, *, cache: bool = True, **kw) -> HttpClient:
    return HttpClient(
        SERVICE,
        limiter=HostLimiter(None, clock=clock, sleep=clock.sleep),
        cache=HttpCache(None, clock=clock, enabled=cache),
        headers={"Authorization": f"Bearer {TOKEN}"},
        secrets=(TOKEN,),
        transport=httpx.MockTransport(server),
        clock=clock,
        sleep=clock.sleep,
        rand=lambda: 0.0,
        **kw,
    )


def test_a_plain_answer_is_fetched_once_then_served_from_the_cache(clock):
    server = Server(ok())
    http = client(server, clock)
    params = {"q": "glass tide", "type": "tracks"}
    assert http.get_json("catalog/search/", params) == OK
    assert http.get_json("/catalog/search/", dict(reversed(params.items()))) == OK
    assert len(server.requests) == 1
    assert str(server.requests[0].url).startswith("https://api.example.test/v4/catalog/search/?")
    assert server.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    c = http.counters
    assert (c.http_requests, c.cache_misses, c.cache_hits) == (1, 1, 1)


def test_no_cache_asks_every_time(clock):
    server = Server(ok())
    http = client(server, clock, cache=False)
    http.get_json("catalog/tracks/1/")
    http.get_json("catalog/tracks/1/")
    assert len(server.requests) == 2
    assert (http.counters.cache_hits, http.counters.cache_misses) == (0, 0)


def test_cached_answers_expire(clock):
    server = Server(ok())
    http = client(server, clock)
    http.cache.ttl_s = 60
    http.get_json("catalog/tracks/1/")
    clock.advance(61)
    http.get_json("catalog/tracks/1/")
    assert len(server.requests) == 2


def test_503s_are_retried_with_growing_back_off(clock):
    server = Server(status(503), status(503), ok())
    http = client(server, clock)
    assert http.get_json("catalog/tracks/1/") == OK
    assert len(server.requests) == 3
    # back-off 0.25 then 0.5 (rand 0 = the lower half); the limiter's own spacing is
    # slowed by each 503 too (0.4, then 0.8 s between requests)
    assert [s for s in clock.sleeps if s in (0.25, 0.5)] == [0.25, 0.5]
    assert (http.counters.http_requests, http.counters.http_retries) == (3, 2)


def test_429_with_retry_after_holds_the_host_then_succeeds(clock):
    server = Server(status(429, "7"), ok())
    http = client(server, clock)
    t0 = clock.now
    assert http.get_json("catalog/search/", {"q": "x"}) == OK
    first, second = (t0, clock.now)
    assert second - first >= 7.0
    assert http.counters.extra["http_throttled"] == 1
    assert http.counters.throttle_wait_s >= 7.0
    # slowed down to 0.4 s by the 429, eased once by the retry's own slot
    assert http.limiter.interval(SERVICE.policy.host) == pytest.approx(0.36)


def test_retry_after_as_an_http_date(clock):
    from email.utils import formatdate

    server = Server(status(503, formatdate(clock.now + 12, usegmt=True)), ok())
    http = client(server, clock)
    t0 = clock.now
    http.get_json("x")
    assert clock.now - t0 == pytest.approx(12, abs=1.01)


def test_a_retry_after_beyond_the_cap_is_an_error_not_a_wait(clock):
    server = Server(status(429, "3600"), ok())
    http = client(server, clock)
    with pytest.raises(
        ProviderRateLimited, match=r"^Beatport asked to wait 3600 s \(rate limit\); try later$"
    ):
        http.get_json("x")
    assert clock.sleeps == []
    # the host is held for everyone: the next request fails at once, without asking
    with pytest.raises(ProviderRateLimited, match="asked to wait 3600 s"):
        http.get_json("y")
    assert len(server.requests) == 1


def test_persistent_429_gives_up_after_the_attempts(clock):
    server = Server(status(429))
    http = client(server, clock, retry=RetryPolicy(attempts=3))
    with pytest.raises(ProviderRateLimited, match="kept answering 'too many requests'"):
        http.get_json("x")
    assert len(server.requests) == 3
    assert http.counters.extra["http_throttled"] == 3


def test_a_503_storm_ends_in_a_clear_error(clock):
    http = client(Server(status(503)), clock)
    with pytest.raises(
        ProviderUnavailable, match=r"^Beatport is having trouble \(503 after 4 tries\)"
    ):
        http.get_json("x")


@pytest.mark.parametrize(
    ("error", "text"),
    [
        pytest.param(httpx.ReadTimeout, "no answer within 15 s", id="timeout"),
        pytest.param(httpx.ConnectError, "cannot connect (boom)", id="refused"),
        pytest.param(
            httpx.RemoteProtocolError, "the connection closed in the middle of an answer", id="cut"
        ),
        pytest.param(httpx.ReadError, "the connection broke (boom)", id="reset"),
    ],
)
def test_network_failures_are_retried_then_reported(clock, error, text):
    server = Server(fail(error))
    http = client(server, clock)
    with pytest.raises(ProviderUnavailable) as caught:
        http.get_json("x")
    assert str(caught.value) == f"Beatport is unreachable: {text} (4 tries)"
    assert len(server.requests) == 4
    assert http.counters.http_retries == 3


def test_after_giving_up_the_client_fails_fast_for_a_while(clock):
    server = Server(fail(httpx.ConnectError))
    http = client(server, clock)
    with pytest.raises(ProviderUnavailable):
        http.get_json("x")
    with pytest.raises(ProviderUnavailable, match="unreachable"):
        http.get_json("y")
    assert len(server.requests) == 4  # the second call asked nothing
    clock.advance(31)
    server.replies = [ok()]
    assert http.get_json("y") == OK


def test_a_timeout_then_success_counts_one_retry(clock):
    server = Server(fail(httpx.ReadTimeout), ok())
    http = client(server, clock)
    assert http.get_json("x") == OK
    assert (http.counters.http_requests, http.counters.http_retries) == (2, 1)


@pytest.mark.parametrize("code", [401, 403])
def test_a_rejected_token_stops_asking(clock, code):
    server = Server(status(code))
    http = client(server, clock)
    message = (
        f"Beatport rejected the token ({code}): set it in Settings or CRATEMATCH_BEATPORT_TOKEN"
    )
    for path in ("x", "y"):
        with pytest.raises(ProviderAuthError) as caught:
            http.get_json(path)
        assert str(caught.value) == message
    assert len(server.requests) == 1


def test_malformed_json_is_an_error_and_is_not_cached(clock):
    server = Server(httpx.Response(200, content=b"{not json"), ok())
    http = client(server, clock)
    with pytest.raises(ProviderResponseError, match="malformed answer"):
        http.get_json("x")
    assert http.get_json("x") == OK
    assert len(server.requests) == 2


def test_not_found_is_an_answer_where_asked_and_is_cached(clock):
    server = Server(status(404))
    http = client(server, clock)
    assert http.get_json("catalog/tracks/9/", not_found_ok=True) is None
    assert http.get_json("catalog/tracks/9/", not_found_ok=True) is None
    assert len(server.requests) == 1
    with pytest.raises(ProviderResponseError, match=r"refused the request \(404 Not Found\)"):
        http.get_json("elsewhere")


def test_messages_never_carry_the_token(clock):
    def leak(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"proxy said: bad header Bearer {TOKEN}", request=request)

    http = client(Server(leak), clock)
    with pytest.raises(ProviderUnavailable) as caught:
        http.get_json("x")
    assert TOKEN not in str(caught.value)
    assert "***" in str(caught.value)


def test_cache_keys_do_not_contain_the_token(clock):
    http = client(Server(ok()), clock)
    http.get_json("x", {"q": "a"})
    rows = http.cache._conn.execute("SELECT key, headers FROM entries").fetchall()
    assert rows and all(TOKEN not in json.dumps(row) for row in rows)


def test_pacing_holds_the_host(clock):
    server = Server(httpx.Response(200, json=OK, headers={"X-Left": "0"}))
    http = client(server, clock, pacing=lambda h: 5.0 if h.get("X-Left") == "0" else None)
    http.get_json("a")
    t0 = clock.now
    http.get_json("b")
    assert clock.now - t0 == pytest.approx(5.0)


def test_each_request_has_a_timeout(clock):
    http = client(Server(ok()), clock, timeout_s=2.5)
    timeout = http._http.timeout
    assert (timeout.read, timeout.connect, timeout.write) == (2.5, 2.5, 2.5)
