"""The Discogs provider against a real HTTP server on 127.0.0.1: release search, then a
tracklist scan; token header; quota headers."""

from __future__ import annotations

import httpx
import pytest

from matcher.matching.match import match_entry
from matcher.matching.presets import PRESETS
from matcher.model import MatchStatus
from matcher.providers.discogs import discogs_pacing, releases_per_search
from tests.matcher.http.stand_in import StandIn
from tests.matcher.providers.online_fixtures import (
    LANTERN,
    TOKEN,
    no_keyring,  # noqa: F401 - autouse fixture
    open_online,
    server,  # noqa: F401 - fixture
)

FAST = PRESETS["fast"]


@pytest.fixture(autouse=True)
def discogs_env(monkeypatch, server: StandIn):  # noqa: F811
    monkeypatch.setenv("CRATEMATCH_DISCOGS_URL", server.url)
    monkeypatch.setenv("CRATEMATCH_DISCOGS_TOKEN", TOKEN)


def test_search_then_tracklist_scan(server):  # noqa: F811
    with open_online("discogs") as provider:
        result = match_entry(LANTERN, provider, FAST)
    assert result.status is MatchStatus.MATCHED
    assert result.best.track.catalog_id == "discogs:30009:A1"
    assert [h.path.split("?")[0] for h in server.hits] == ["/database/search", "/releases/30009"]
    assert "track=lantern+field" in server.hits[0].path
    assert "artist=sela+marrow" in server.hits[0].path
    # 60 a minute: a second apart (less a few ms: the first request also opened the connection)
    assert server.hits[1].at - server.hits[0].at >= 0.98


def test_by_id_reads_the_release(server):  # noqa: F811
    with open_online("discogs") as provider:
        track = provider.by_id("discogs:30009:A1")
        assert provider.by_id("not-a-discogs-id") is None
    assert track is not None and track.artists == ("Sela Marrow", "Ivo Pratt")


def test_a_missing_token_is_an_error_row(server, monkeypatch):  # noqa: F811
    monkeypatch.delenv("CRATEMATCH_DISCOGS_TOKEN")
    with open_online("discogs") as provider:
        result = match_entry(LANTERN, provider, FAST)
    assert result.reason == (
        "provider error: Discogs needs a token: set it in Settings or CRATEMATCH_DISCOGS_TOKEN"
    )
    assert server.hits == []


def test_a_rejected_token(server, monkeypatch):  # noqa: F811
    monkeypatch.setenv("CRATEMATCH_DISCOGS_TOKEN", "wrong-token")
    with open_online("discogs") as provider:
        result = match_entry(LANTERN, provider, FAST)
    assert result.reason == (
        "provider error: Discogs rejected the token (401): "
        "set it in Settings or CRATEMATCH_DISCOGS_TOKEN"
    )


@pytest.mark.parametrize(
    ("limit", "remaining", "hold"),
    [
        pytest.param("60", "59", None, id="plenty-left"),
        pytest.param("60", "6", 60 / 7, id="low-spread-over-window"),
        pytest.param("60", "0", 60.0, id="none-left-wait-the-window"),
        pytest.param("25", "2", 20.0, id="unauthenticated-quota"),
        pytest.param("", "", None, id="no-headers"),
        pytest.param("sixty", "1", None, id="garbage"),
    ],
)
def test_quota_headers_pace_the_host(limit, remaining, hold):
    headers = httpx.Headers(
        {"X-Discogs-Ratelimit": limit, "X-Discogs-Ratelimit-Remaining": remaining}
    )
    assert discogs_pacing(headers) == (pytest.approx(hold) if hold else None)


@pytest.mark.parametrize(("limit", "releases"), [(10, 1), (20, 2), (40, 3), (5, 1)])
def test_releases_opened_per_search(limit, releases):
    assert releases_per_search(limit) == releases
