"""The Beatport provider against a real HTTP server on 127.0.0.1 speaking API v4, with
faults injected: 429 + Retry-After, 503, timeouts, resets, malformed JSON, bad tokens."""

from __future__ import annotations

import socket
import time

import pytest

from matcher.matching.match import match_entry
from matcher.matching.presets import PRESETS
from matcher.model import MatchStatus
from tests.matcher.http.stand_in import StandIn
from tests.matcher.providers.online_fixtures import (
    GLASS_TIDE,
    LANTERN,
    TOKEN,
    entry,
    no_keyring,  # noqa: F401 - autouse fixture
    open_online,
    server,  # noqa: F401 - fixture
)

BALANCED = PRESETS["balanced"]
HINT = "set it in Settings or CRATEMATCH_BEATPORT_TOKEN"


@pytest.fixture(autouse=True)
def beatport_env(monkeypatch, server: StandIn):  # noqa: F811
    monkeypatch.setenv("CRATEMATCH_BEATPORT_URL", server.url + "/v4")
    monkeypatch.setenv("CRATEMATCH_BEATPORT_TOKEN", TOKEN)


def test_one_search_finds_the_track_with_all_its_fields(server):  # noqa: F811
    with open_online("beatport") as provider:
        result = match_entry(GLASS_TIDE, provider, BALANCED)
        counts = provider.counters.take()
    assert result.status is MatchStatus.MATCHED
    assert result.best is not None
    track = result.best.track
    assert (track.catalog_id, track.mix, track.label, track.key, track.bpm) == (
        "30001", "Original Mix", "Tidal Records", "A Minor", 124.0,
    )  # fmt: skip
    assert [h.path.split("?")[0] for h in server.hits] == ["/v4/catalog/search/"]
    assert "type=tracks" in server.hits[0].path and "per_page=20" in server.hits[0].path
    assert counts["http_requests"] == 1 and counts["cache_misses"] == 1


def test_a_store_id_in_the_file_name_is_looked_up_directly(server):  # noqa: F811
    e = entry(title="Harbour Lights", artist="Tomas Vey",
              location="/music/12345678_Harbour_Lights_(Extended_Mix).mp3")  # fmt: skip
    with open_online("beatport") as provider:
        result = match_entry(e, provider, BALANCED)
    assert result.status is MatchStatus.MATCHED and result.best.track.catalog_id == "12345678"
    assert [h.path for h in server.hits] == ["/v4/catalog/tracks/12345678/"]


def test_isrc_lookup(server):  # noqa: F811
    e = entry(title="Amber Road", artist="Mira Solen", isrc="GB-XYZ-21-00001")
    with open_online("beatport") as provider:
        result = match_entry(e, provider, BALANCED)
    assert result.status is MatchStatus.MATCHED and result.best.track.catalog_id == "30005"
    assert server.hits[0].path == "/v4/catalog/tracks/?isrc=GBXYZ2100001&per_page=10"


def test_a_warm_cache_answers_a_later_run_without_requests(server):  # noqa: F811
    with open_online("beatport") as provider:
        first = match_entry(GLASS_TIDE, provider, BALANCED)
    with open_online("beatport") as provider:  # a later run: a new process, same cache
        second = match_entry(GLASS_TIDE, provider, BALANCED)
        counts = provider.counters.take()
    assert second.best == first.best
    assert len(server.hits) == 1
    assert (counts["http_requests"], counts["cache_hits"]) == (0, 1)
    with open_online("beatport", cache=False) as provider:  # --no-cache
        match_entry(GLASS_TIDE, provider, BALANCED)
    assert len(server.hits) == 2


def test_429_with_retry_after_is_waited_out(server):  # noqa: F811
    server.then("429:1")
    with open_online("beatport") as provider:
        result = match_entry(GLASS_TIDE, provider, BALANCED)
        counts = provider.counters.take()
    assert result.status is MatchStatus.MATCHED
    first, second = server.times()
    assert second - first >= 0.99
    assert (counts["http_requests"], counts["http_retries"], counts["http_throttled"]) == (2, 1, 1)
    assert counts["throttle_wait_s"] >= 0.9


def test_a_503_storm_that_passes(server):  # noqa: F811
    server.then("503", "503", "502")
    with open_online("beatport", beatport_rate=20) as provider:
        result = match_entry(GLASS_TIDE, provider, BALANCED)
    assert result.status is MatchStatus.MATCHED
    assert [h.status for h in server.hits] == [503, 503, 502, 200]


def test_a_503_storm_that_does_not_pass_is_an_error_row_and_the_next_track_works(server):  # noqa: F811
    server.then("503", "503", "503", "503")
    with open_online("beatport", beatport_rate=20) as provider:
        failed = match_entry(GLASS_TIDE, provider, BALANCED)
        ok = match_entry(LANTERN, provider, BALANCED)
    assert failed.status is MatchStatus.ERROR
    assert (
        failed.reason == "provider error: Beatport is having trouble (503 after 4 tries); try later"
    )
    assert ok.status is MatchStatus.MATCHED


def test_a_slow_answer_times_out_and_is_retried(server):  # noqa: F811
    server.then("sleep:1.0")
    with open_online("beatport", timeout_s=0.3) as provider:
        t0 = time.monotonic()
        result = match_entry(GLASS_TIDE, provider, BALANCED)
        elapsed = time.monotonic() - t0
        counts = provider.counters.take()
    assert result.status is MatchStatus.MATCHED
    assert counts["http_retries"] == 1
    assert 0.3 <= elapsed < 1.0  # gave up on the slow answer, did not wait for it


def test_timeouts_every_time_end_in_an_error_row(server):  # noqa: F811
    server.then(*["sleep:0.5"] * 4)
    with open_online("beatport", timeout_s=0.15) as provider:
        result = match_entry(GLASS_TIDE, provider, BALANCED)
    assert result.status is MatchStatus.ERROR
    assert result.reason == (
        "provider error: Beatport is unreachable: no answer within 0.15 s (4 tries)"
    )


def test_a_connection_reset_mid_answer_is_retried(server):  # noqa: F811
    server.then("reset")
    with open_online("beatport") as provider:
        result = match_entry(GLASS_TIDE, provider, BALANCED)
    assert result.status is MatchStatus.MATCHED
    assert len(server.hits) == 2


def test_malformed_json_is_an_error_row(server):  # noqa: F811
    server.then("malformed")
    with open_online("beatport") as provider:
        result = match_entry(GLASS_TIDE, provider, BALANCED)
    assert result.status is MatchStatus.ERROR
    assert result.reason == (
        "provider error: Beatport sent a malformed answer (not JSON) for catalog/search/"
    )


def test_a_rejected_token_is_an_error_row_and_stops_the_requests(server, monkeypatch):  # noqa: F811
    monkeypatch.setenv("CRATEMATCH_BEATPORT_TOKEN", "expired-token-9999")
    with open_online("beatport") as provider:
        first = match_entry(GLASS_TIDE, provider, BALANCED)
        second = match_entry(LANTERN, provider, BALANCED)
    for result in (first, second):
        assert result.status is MatchStatus.ERROR
        assert result.reason == f"provider error: Beatport rejected the token (401): {HINT}"
        assert "expired-token-9999" not in result.reason
    assert len(server.hits) == 1


def test_a_missing_token_is_an_error_row_without_any_request(server, monkeypatch):  # noqa: F811
    monkeypatch.delenv("CRATEMATCH_BEATPORT_TOKEN")
    with open_online("beatport") as provider:
        result = match_entry(GLASS_TIDE, provider, BALANCED)
    assert result.status is MatchStatus.ERROR
    assert result.reason == f"provider error: Beatport needs a token: {HINT}"
    assert server.hits == []


def test_a_long_retry_after_is_an_error_row_and_holds_later_tracks(server):  # noqa: F811
    server.then("429:3600")
    with open_online("beatport") as provider:
        first = match_entry(GLASS_TIDE, provider, BALANCED)
        t0 = time.monotonic()
        second = match_entry(LANTERN, provider, BALANCED)
        assert time.monotonic() - t0 < 0.5
    assert first.reason == "provider error: Beatport asked to wait 3600 s (rate limit); try later"
    assert second.status is MatchStatus.ERROR and "3600 s" in second.reason
    assert len(server.hits) == 1


def test_an_unreachable_server_is_an_error_row_then_fails_fast(monkeypatch):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("CRATEMATCH_BEATPORT_URL", f"http://127.0.0.1:{port}/v4")
    with open_online("beatport") as provider:
        first = match_entry(GLASS_TIDE, provider, BALANCED)
        t0 = time.monotonic()
        second = match_entry(LANTERN, provider, BALANCED)
        assert time.monotonic() - t0 < 0.2
    assert first.status is MatchStatus.ERROR
    assert first.reason.startswith("provider error: Beatport is unreachable: cannot connect (")
    assert second.reason == first.reason


def test_latency_is_paid_once_then_the_cache_answers(server):  # noqa: F811
    server.latency_s = 0.15
    with open_online("beatport") as provider:
        slow = match_entry(GLASS_TIDE, provider, BALANCED)
        fast = match_entry(GLASS_TIDE, provider, BALANCED)
    assert slow.query_log[0].elapsed_ms >= 150
    assert fast.query_log[0].elapsed_ms < 50
    assert fast.best == slow.best and len(server.hits) == 1
