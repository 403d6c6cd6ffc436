"""The MusicBrainz provider against a real HTTP server on 127.0.0.1 speaking WS/2 JSON."""

from __future__ import annotations

import pytest

from matcher import __version__
from matcher.matching.match import match_entry
from matcher.matching.presets import PRESETS
from matcher.model import MatchStatus
from matcher.providers.musicbrainz import base_url
from tests.matcher.http.stand_in import StandIn
from tests.matcher.providers.online_fixtures import (
    GLASS_TIDE,
    entry,
    no_keyring,  # noqa: F401 - autouse fixture
    open_online,
    server,  # noqa: F401 - fixture
)

BALANCED = PRESETS["balanced"]


@pytest.fixture(autouse=True)
def musicbrainz_env(monkeypatch, server: StandIn):  # noqa: F811
    monkeypatch.setenv("CRATEMATCH_MUSICBRAINZ_URL", server.url)


def test_recording_search_with_a_lucene_query_and_a_meaningful_user_agent(server):  # noqa: F811
    with open_online("musicbrainz") as provider:
        result = match_entry(GLASS_TIDE, provider, BALANCED)
    assert result.status is MatchStatus.MATCHED
    assert (result.best.track.title, result.best.track.mix) == ("Glass Tide", "Original Mix")
    (hit,) = server.hits
    assert hit.path.startswith("/ws/2/recording?query=recording%3A%28%22glass%22+AND+%22tide")
    assert "fmt=json" in hit.path
    assert hit.user_agent == f"CrateMatch/{__version__} ( https://cratematch.app/contact )"


def test_isrc_lookup_then_an_unknown_isrc_is_a_404_answer(server):  # noqa: F811
    with open_online("musicbrainz") as provider:
        (track,) = provider.by_isrc("GBXYZ2100001")
        assert (track.title, track.isrc) == ("Amber Road", "GBXYZ2100001")
        assert provider.by_isrc("USXXX9900001") == []
    assert [h.status for h in server.hits] == [200, 404]
    assert server.hits[0].path == "/ws/2/isrc/GBXYZ2100001?inc=artists+releases&fmt=json"
    first, second = server.times()
    assert second - first >= 1.0  # one request a second


def test_an_isrc_match_needs_no_text_search(server):  # noqa: F811
    e = entry(title="Amber Road", artist="Mira Solen", isrc="GBXYZ2100001")
    with open_online("musicbrainz") as provider:
        result = match_entry(e, provider, PRESETS["fast"])
    assert result.status is MatchStatus.MATCHED
    assert [q.kind for q in result.query_log] == ["isrc"]
    assert len(server.hits) == 1


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        pytest.param("", "https://musicbrainz.org/ws/2", id="default"),
        pytest.param("http://mirror.local:5000", "http://mirror.local:5000/ws/2", id="root"),
        pytest.param("http://mirror.local/ws/2/", "http://mirror.local/ws/2", id="ws2"),
    ],
)
def test_base_url_override(override, expected):
    assert base_url({"CRATEMATCH_MUSICBRAINZ_URL": override}) == expected
