"""Query planning: most specific first, capped by the preset, stopwords only out of OR queries."""

from __future__ import annotations

from dataclasses import replace

import pytest

from matcher.matching.presets import PRESETS
from matcher.matching.provider import Query
from matcher.matching.query import TYPO_QUERY_FROM, plan
from matcher.matching.readings import read_entry
from matcher.model import PlaylistEntry


def planned(preset: str = "thorough", **fields: object) -> tuple[Query, ...]:
    entry = PlaylistEntry("set.m3u8", "set", 0, **fields)  # type: ignore[arg-type]
    return plan(read_entry(entry), PRESETS[preset])


def test_order_for_a_clean_entry() -> None:
    assert planned(title="Glass Tide", artist="Nova Reyes") == (
        Query("title+artist", ("glass", "tide"), ("nova", "reyes")),
        Query("title", ("glass", "tide")),
        Query("artist+any-title", ("glass", "tide"), ("nova", "reyes"), mode="artist+any"),
        Query("any-word", ("glass", "tide", "nova", "reyes"), mode="any"),
        Query("trigram", ("glass", "tide"), ("nova", "reyes"), mode="trigram"),
    )


@pytest.mark.parametrize(
    ("preset", "kinds"),
    [
        pytest.param("fast", ["title+artist", "title+artist"], id="fast"),
        pytest.param(
            "balanced",
            ["title+artist", "title+artist", "title", "artist+any-title", "trigram"],
            id="balanced",
        ),
        pytest.param(
            "thorough",
            [
                "title+artist",
                "title+artist",
                "title",
                "artist+any-title",
                "title",
                "any-word",
                "trigram",
            ],
            id="thorough",
        ),  # fmt: skip
    ],
)
def test_cap_per_preset(preset: str, kinds: list[str]) -> None:
    """`max_queries` caps the word queries; the trigram query comes after them, for every
    preset that allows at least TYPO_QUERY_FROM (not `fast`)."""
    queries = planned(preset, title="Glass Tide - Night Part", artist="Nova Reyes")
    assert [q.kind for q in queries] == kinds
    words = [q for q in queries if q.mode != "trigram"]
    assert len(words) <= PRESETS[preset].max_queries


def test_trigram_query_takes_the_primary_title_and_two_artists() -> None:
    queries = planned(title="Glass Tdie (Extended Mix)", artist="Nova Reyes, Mira Solen & Ivo")
    assert queries[-1] == Query(
        "trigram", ("glass", "tdie"), ("nova", "reyes", "mira", "solen"), mode="trigram"
    )
    assert queries[-1].describe() == "title=glass tdie artist=nova reyes mira solen [trigram]"


def test_no_trigram_query_below_its_preset_size() -> None:
    entry = read_entry(PlaylistEntry("s", "s", 0, title="Glass Tide", artist="Nova Reyes"))
    two = replace(PRESETS["thorough"], max_queries=TYPO_QUERY_FROM - 1)
    three = replace(PRESETS["thorough"], max_queries=TYPO_QUERY_FROM)
    assert all(q.mode != "trigram" for q in plan(entry, two))
    assert plan(entry, three)[-1].mode == "trigram"


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"title": "Glass Tide", "artist": "Nova Reyes"}, id="clean"),
        pytest.param({"title": "Nova Reyes - Glass Tide"}, id="artist-in-title"),
        pytest.param({"title": "8A - Glass Tide - Night Part", "artist": "Nova Reyes"}, id="messy"),
        pytest.param({"title": "Glass Tide"}, id="no-artist"),
    ],
)
def test_smaller_presets_run_a_prefix_of_the_larger_plans(fields: dict[str, object]) -> None:
    fast, balanced, thorough = (
        [q for q in planned(p, **fields) if q.mode != "trigram"]
        for p in ("fast", "balanced", "thorough")
    )
    assert balanced[: len(fast)] == fast
    assert thorough[: len(balanced)] == balanced
    assert len(set(thorough)) == len(thorough)  # no query twice


def test_max_queries_is_the_only_cap() -> None:
    entry = read_entry(PlaylistEntry("s", "s", 0, title="Glass Tide", artist="Nova Reyes"))
    one = replace(PRESETS["thorough"], max_queries=1)
    none = replace(PRESETS["thorough"], max_queries=0)
    assert plan(entry, one) == (Query("title+artist", ("glass", "tide"), ("nova", "reyes")),)
    assert plan(entry, none) == ()


def test_stopwords_dropped_only_from_or_queries() -> None:
    queries = {q.kind: q for q in planned(title="The Road of Ash", artist="Nova Reyes")}
    assert queries["title+artist"].title == ("the", "road", "of", "ash")
    assert queries["title"].title == ("the", "road", "of", "ash")
    assert queries["artist+any-title"].title == ("road", "ash")
    assert queries["any-word"].title == ("road", "ash", "nova", "reyes")


def test_a_title_of_stopwords_keeps_its_words() -> None:
    queries = {q.kind: q for q in planned(title="Me And You", artist="Nova Reyes")}
    assert queries["artist+any-title"].title == ("me", "and", "you")


def test_single_letters_dropped_but_digits_kept_in_or_queries() -> None:
    queries = {q.kind: q for q in planned(title="Glass Tide 2 Q", artist="Nova Reyes")}
    assert queries["artist+any-title"].title == ("glass", "tide", "2")
    assert queries["title"].title == ("glass", "tide", "2", "q")


def test_artist_less_entry_gets_no_artist_queries() -> None:
    queries = planned(title="Glass Tide")
    assert queries == (
        Query("title", ("glass", "tide")),
        Query("any-word", ("glass", "tide"), mode="any"),
        Query("trigram", ("glass", "tide"), mode="trigram"),
    )
    assert all(not q.artists for q in queries)


@pytest.mark.parametrize("preset", ["fast", "balanced", "thorough"])
def test_generic_artist_still_gets_a_title_only_query(preset: str) -> None:
    """The as-written reading keeps "Various Artists" (catalogs built from the same files
    keep it too), but the title alone is always searched and no OR query holds it."""
    queries = planned(preset, title="Glass Tide", artist="Various Artists")
    assert Query("title", ("glass", "tide")) in queries
    assert all("various" not in q.title for q in queries)
    assert all(not q.artists for q in queries if q.kind != "title+artist")


def test_artist_from_the_title_is_queried_as_artist() -> None:
    first = planned(title="Nova Reyes - Glass Tide")[0]
    assert first == Query("title+artist", ("glass", "tide"), ("nova", "reyes"))


def test_any_word_query_takes_two_artists() -> None:
    queries = {
        q.kind: q for q in planned(title="Glass Tide", artist="Nova Reyes, Mira Solen & Ivo Pratt")
    }
    assert queries["title+artist"].artists == ("nova", "reyes")
    assert queries["any-word"].title == ("glass", "tide", "nova", "reyes", "mira", "solen")


def test_empty_entry_plans_nothing() -> None:
    assert planned() == ()


def test_describe() -> None:
    query = Query("title+artist", ("glass", "tide"), ("nova", "reyes"))
    assert query.describe() == "title=glass tide artist=nova reyes [all]"
    assert Query("any-word", ("glass",), mode="any").describe() == "title=glass [any]"
