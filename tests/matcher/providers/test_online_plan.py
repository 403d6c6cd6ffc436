"""Online query plans: the local plan's most specific queries, one per distinct request,
within the preset's request budget; the local provider keeps the full plan."""

from __future__ import annotations

from dataclasses import replace

import pytest

from matcher.matching.presets import PRESETS
from matcher.matching.provider import Provider, Query
from matcher.matching.query import plan
from matcher.matching.readings import read_entry
from matcher.model import PlaylistEntry
from matcher.providers.beatport import BeatportProvider
from matcher.providers.discogs import DiscogsProvider
from matcher.providers.musicbrainz import MusicBrainzProvider, lucene_query
from matcher.providers.online import online_budget


def reading(**fields: object):
    return read_entry(PlaylistEntry("set.m3u8", "set", 0, **fields))  # type: ignore[arg-type]


CLEAN = reading(title="Glass Tide", artist="Nova Reyes")
DASHED = reading(title="Nova Reyes - Glass Tide (Extended Mix)", artist="Nova Reyes")


@pytest.mark.parametrize(("preset", "budget"), [("fast", 1), ("balanced", 1), ("thorough", 2)])
def test_budget_per_preset(preset, budget):
    assert online_budget(PRESETS[preset]) == budget


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        pytest.param("fast", ["glass tide nova reyes"], id="fast"),
        pytest.param("balanced", ["glass tide nova reyes"], id="balanced"),
        # the artist+any-title query sends the same words as title+artist: skipped
        pytest.param("thorough", ["glass tide nova reyes", "glass tide"], id="thorough"),
    ],
)
def test_beatport_plan_sends_each_text_once(preset, expected):
    provider = BeatportProvider(None)
    texts = [provider.request_text(q) for q in provider.plan(CLEAN, PRESETS[preset])]
    assert texts == expected


def test_duplicates_are_judged_by_what_each_provider_sends():
    roomy = replace(PRESETS["thorough"], max_queries=9)  # a budget of 3 requests
    # Beatport sends words: "artist and any title word" is the same text as title+artist
    beatport = BeatportProvider(None)
    assert [q.kind for q in beatport.plan(CLEAN, roomy)] == ["title+artist", "title"]
    # MusicBrainz sends Lucene, where OR differs from AND
    provider = MusicBrainzProvider(None)
    queries = provider.plan(CLEAN, roomy)
    assert [q.kind for q in queries] == ["title+artist", "title", "artist+any-title"]
    assert (
        lucene_query(queries[2]) == 'recording:("glass" OR "tide") AND artist:("nova" AND "reyes")'
    )


def test_plans_start_with_the_most_specific_query():
    for provider in (BeatportProvider(None), MusicBrainzProvider(None), DiscogsProvider(None)):
        first = provider.plan(DASHED, PRESETS["fast"])
        assert first == (Query("title+artist", ("glass", "tide"), ("nova", "reyes")),)


def test_the_default_plan_is_the_local_plan():
    class Plain(Provider):
        def search(self, query, limit):
            return []

        def by_id(self, catalog_id):
            return None

        def by_isrc(self, isrc):
            return []

    for preset in PRESETS.values():
        assert tuple(Plain().plan(DASHED, preset)) == plan(DASHED, preset)


@pytest.mark.parametrize(
    ("query", "lucene"),
    [
        pytest.param(
            Query("title+artist", ("glass", "tide"), ("nova",)),
            'recording:("glass" AND "tide") AND artist:("nova")',
            id="all",
        ),
        pytest.param(
            Query(
                "title",
                ("a+b", 'say"hi'),
            ),
            r'recording:("a\+b" AND "say\"hi")',
            id="escaped",
        ),
        pytest.param(
            Query("any-word", ("glass",), ("nova",), mode="any"),
            'recording:("glass") OR artist:("nova")',
            id="any",
        ),
        pytest.param(Query("title", ()), "", id="empty"),
    ],
)
def test_lucene_query(query, lucene):
    assert lucene_query(query) == lucene
