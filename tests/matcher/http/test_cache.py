"""The HTTP cache on real SQLite files: keys, TTL, LRU eviction, sharing, failure."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from matcher.http.cache import CachedResponse, HttpCache, cache_key, normalise_url
from tests.matcher.http.clock import FakeClock

DAY = 86400.0


def answer(size: int = 10, status: int = 200) -> CachedResponse:
    return CachedResponse(status, b"x" * size, {"content-type": "application/json"})


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_same_request_written_differently_has_one_key():
    a = cache_key("get", "HTTPS://API.example.com/v4/search/?type=tracks", {"q": "a b"})
    b = cache_key("GET", "https://api.example.com/v4/search/", {"q": "a b", "type": "tracks"})
    assert a == b


@pytest.mark.parametrize(
    ("other",),
    [
        pytest.param(("GET", "https://h/x", {"q": "b"}, "s"), id="other-params"),
        pytest.param(("GET", "https://h/y", {"q": "a"}, "s"), id="other-path"),
        pytest.param(("POST", "https://h/x", {"q": "a"}, "s"), id="other-method"),
        pytest.param(("GET", "https://h/x", {"q": "a"}, "account-2"), id="other-auth-scope"),
    ],
)
def test_key_separates_requests(other):
    assert cache_key("GET", "https://h/x", {"q": "a"}, "s") != cache_key(*other)


def test_normalised_url_drops_none_and_sorts():
    assert normalise_url("https://h/p?b=2", {"a": 1, "c": None}) == "https://h/p?a=1&b=2"


def test_miss_then_hit_round_trips_status_headers_and_body(tmp_path, clock):
    cache = HttpCache(tmp_path / "http.sqlite", clock=clock)
    assert cache.get("k") is None
    cache.put("k", CachedResponse(404, b'{"detail": "Not found."}', {"content-type": "x"}))
    hit = cache.get("k")
    assert hit == CachedResponse(404, b'{"detail": "Not found."}', {"content-type": "x"})


def test_entries_expire_after_their_ttl(tmp_path, clock):
    cache = HttpCache(tmp_path / "http.sqlite", ttl_s=7 * DAY, clock=clock)
    cache.put("week", answer())
    cache.put("hour", answer(), ttl_s=3600)
    clock.advance(3599)
    assert cache.get("hour") is not None
    clock.advance(2)
    assert cache.get("hour") is None
    assert cache.get("week") is not None
    clock.advance(7 * DAY)
    assert cache.get("week") is None


def _entry_size(tmp_path: Path) -> int:
    probe = HttpCache(tmp_path / "probe.sqlite")
    probe.put("k0", answer(1000))
    return probe.stats()[1]


def test_size_cap_evicts_least_recently_used(tmp_path, clock):
    size = _entry_size(tmp_path)
    cap = size * 5 + size // 2  # room for five entries
    cache = HttpCache(tmp_path / "http.sqlite", max_bytes=cap, clock=clock)
    for n in range(5):
        cache.put(f"k{n}", answer(1000))
        clock.advance(1)
    cache.get("k0")  # used lately: survives
    clock.advance(1)
    cache.put("k5", answer(1000))
    entries, stored = cache.stats()
    assert stored <= cap * 0.9
    assert cache.get("k0") is not None and cache.get("k5") is not None
    assert cache.get("k1") is None  # the least recently used went first
    assert entries == 4  # evicted down to 90 % of the cap


def test_expired_entries_are_evicted_before_live_ones(tmp_path, clock):
    size = _entry_size(tmp_path)  # every key below has the probe's length
    cache = HttpCache(tmp_path / "http.sqlite", max_bytes=int(size * 5.8), clock=clock)
    for n in range(1, 5):
        cache.put(f"k{n}", answer(1000))
        clock.advance(1)
    cache.put("ks", answer(1000), ttl_s=10)  # the most recently used, but short-lived
    clock.advance(20)
    cache.put("kn", answer(1000))  # over the cap: the expired entry is enough to free
    assert all(cache.get(f"k{n}") is not None for n in range(1, 5))
    assert cache.get("kn") is not None
    assert cache.stats()[0] == 5


def test_replacing_an_entry_keeps_the_size_total_right(tmp_path, clock):
    cache = HttpCache(tmp_path / "http.sqlite", clock=clock)
    for _ in range(5):
        cache.put("same", answer(5000))
    entries, stored = cache.stats()
    conn = sqlite3.connect(tmp_path / "http.sqlite")
    (total,) = conn.execute("SELECT bytes FROM totals").fetchone()
    conn.close()
    assert entries == 1 and total == stored


def test_disabled_cache_stores_and_returns_nothing(tmp_path, clock):
    cache = HttpCache(tmp_path / "http.sqlite", enabled=False, clock=clock)
    cache.put("k", answer())
    assert cache.get("k") is None
    assert not cache.enabled
    assert not (tmp_path / "http.sqlite").exists()


def test_two_connections_share_one_file(tmp_path, clock):
    """Worker processes each open the file: what one stores, the other reads."""
    path = tmp_path / "cache" / "http.sqlite"
    writer, reader = HttpCache(path, clock=clock), HttpCache(path, clock=clock)
    writer.put("k", answer(42))
    assert reader.get("k") == answer(42)
    writer.close()
    reader.close()


def test_a_corrupt_file_turns_the_cache_off_instead_of_failing(tmp_path: Path, clock):
    path = tmp_path / "http.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = HttpCache(path, clock=clock)
    assert not cache.enabled
    assert "disabled" in cache.problem
    cache.put("k", answer())
    assert cache.get("k") is None


def test_a_huge_answer_is_not_cached(tmp_path, clock):
    cache = HttpCache(tmp_path / "http.sqlite", max_bytes=1000, clock=clock)
    cache.put("big", CachedResponse(200, bytes(range(256)) * 8))  # does not compress below 250
    assert cache.get("big") is None
