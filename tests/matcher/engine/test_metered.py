"""The worker's metered provider: each lookup's cache hits and misses go to its query kind,
against a real HTTP stand-in with the real on-disk cache; a local catalog makes none."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from matcher.catalog import prepare_catalog
from matcher.engine.metered import MeteredProvider
from matcher.matching.match import match_entry
from matcher.matching.presets import get_preset
from matcher.matching.provider import Query
from matcher.providers import open_provider
from tests.matcher.engine.engine_fixtures import write_catalog
from tests.matcher.http.stand_in import StandIn
from tests.matcher.providers.online_fixtures import (
    GLASS_TIDE,
    TOKEN,
    no_keyring,  # noqa: F401 - autouse fixture
    open_online,
    server,  # noqa: F401 - fixture
)


@pytest.fixture
def beatport(server: StandIn, monkeypatch: pytest.MonkeyPatch) -> MeteredProvider:  # noqa: F811
    monkeypatch.setenv("CRATEMATCH_BEATPORT_URL", server.url + "/v4")
    monkeypatch.setenv("CRATEMATCH_BEATPORT_TOKEN", TOKEN)
    return MeteredProvider(open_online("beatport"))


def test_cache_lookups_go_to_the_kind_that_made_them(beatport: MeteredProvider) -> None:
    query = Query("title+artist", ("glass", "tide"), ("nova", "reyes"))
    with beatport:
        first = beatport.search(query, 10)
        beatport.by_isrc("GBXYZ2100001")
        assert beatport.take_cache() == {"title+artist": (0, 1), "isrc": (0, 1)}
        assert beatport.search(query, 10) == first  # answered by the cache this time
        assert beatport.take_cache() == {"title+artist": (1, 0)}
        assert beatport.take_cache() == {}
        counted = beatport.counters.take()  # the provider's own totals are untouched
    assert (counted["cache_hits"], counted["cache_misses"]) == (1, 2)


def test_the_matcher_sees_the_wrapped_provider(beatport: MeteredProvider) -> None:
    with beatport:
        assert beatport.name == "beatport" and beatport.counters is beatport.inner.counters
        assert beatport.budget_clock is time.perf_counter  # its wait on the network counts
        result = match_entry(GLASS_TIDE, beatport, get_preset("balanced"))
        by_kind = beatport.take_cache()
    assert result.best is not None and result.best.track.catalog_id == "30001"
    assert sum(misses for _hits, misses in by_kind.values()) == len(result.query_log)
    assert set(by_kind) == {q.kind for q in result.query_log}


def test_a_local_catalog_makes_no_cache_lookups(tmp_path: Path) -> None:
    write_catalog(tmp_path / "catalog.csv")
    database = prepare_catalog(tmp_path / "catalog.csv")
    with MeteredProvider(open_provider("local", database)) as local:
        tracks = local.search(Query("title", ("brven",)), 10)
        local.by_isrc("QZINV2300000")
        assert local.take_cache() == {}  # "not applicable": no lookups, not 0 %
        assert local.budget_clock is time.thread_time  # its own work only, not the load
    assert isinstance(tracks, list)
