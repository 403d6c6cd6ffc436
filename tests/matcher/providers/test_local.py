"""The local catalog provider over a real SQLite FTS5 catalog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.catalog.store import CatalogStore
from matcher.errors import CatalogError
from matcher.matching.provider import Query
from matcher.model import CatalogTrack
from matcher.providers import open_provider
from matcher.providers.local import GRAM_LIMIT, LocalCatalog, fts_expression

TRACKS = [
    CatalogTrack("40001", "Glass Tide", mix="Original Mix", artists=("Nova Reyes",),
                 isrc="USABC1234567"),
    CatalogTrack("40002", "Glass Tide", mix="Kaito Brenn Remix", artists=("Nova Reyes",),
                 remixers=("Kaito Brenn",)),
    CatalogTrack("40003", "Amber Road", artists=("Glass Harbour",)),
    CatalogTrack("40004", "Or Not Near", artists=("And Band",)),
    CatalogTrack("40005", "Glass Tide", mix="Original Mix", artists=("Corin Adebayo",),
                 isrc="USABC1234567"),
    CatalogTrack("40006", "Déjà Blue", artists=("Mira Solen",)),
]  # fmt: skip


def build(path: Path, tracks: list[CatalogTrack]) -> Path:
    with CatalogStore.open(path) as store:
        store.upsert_many(tracks)
    return path


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[LocalCatalog]:
    with LocalCatalog(build(tmp_path / "catalog.db", TRACKS)) as provider:
        yield provider


def ids(tracks: list[CatalogTrack]) -> list[str]:
    return [t.catalog_id for t in tracks]


# -- expressions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expression"),
    [
        pytest.param(
            Query("title+artist", ("glass", "tide"), ("nova", "reyes")),
            'title : ("glass" "tide") AND artists : ("nova" "reyes")',
            id="all",
        ),
        pytest.param(Query("title", ("glass", "tide")), 'title : ("glass" "tide")', id="title"),
        pytest.param(
            Query("artist+any-title", ("glass", "tide"), ("nova",), mode="artist+any"),
            'title : ("glass" OR "tide") AND artists : ("nova")',
            id="artist+any",
        ),
        pytest.param(
            Query("any-word", ("glass", "tide"), ("nova",), mode="any"),
            '{title artists} : ("glass" OR "tide" OR "nova")',
            id="any",
        ),
        pytest.param(Query("title"), "", id="empty"),
        pytest.param(
            Query("title", ("or", "not", "near"), ("and",)),
            'title : ("or" "not" "near") AND artists : ("and")',
            id="fts-keywords-quoted",
        ),
        pytest.param(Query("title", ('a"b',)), 'title : ("a""b")', id="quote-doubled"),
        pytest.param(Query("title", ("", "glass")), 'title : ("glass")', id="empty-word-skipped"),
        pytest.param(Query("title", ("tide*",)), 'title : ("tide*")', id="star-is-literal"),
    ],
)
def test_fts_expression(query: Query, expression: str) -> None:
    assert fts_expression(query) == expression


# -- searching -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(
            Query("title+artist", ("glass", "tide"), ("nova", "reyes")),
            {"40001", "40002"},
            id="title-and-artist",
        ),
        pytest.param(Query("title", ("glass", "tide")), {"40001", "40002", "40005"}, id="title"),
        pytest.param(Query("title", ("brenn",)), set(), id="title-column-only"),
        pytest.param(
            Query("title+artist", ("glass",), ("brenn",)), {"40002"}, id="remixer-is-an-artist"
        ),
        pytest.param(
            Query("artist+any-title", ("glas", "tide"), ("nova",), mode="artist+any"),
            {"40001", "40002"},
            id="typo-survives-artist+any",
        ),
        pytest.param(
            Query("any-word", ("harbour",), mode="any"), {"40003"}, id="any-finds-artist-word"
        ),
        pytest.param(
            Query("title+artist", ("or", "not", "near"), ("and",)), {"40004"}, id="fts-keywords"
        ),
        pytest.param(Query("title", ("deja", "blue")), {"40006"}, id="folded-index"),
        pytest.param(Query("title", ('a"b',)), set(), id="odd-token-no-error"),
    ],
)
def test_search(catalog: LocalCatalog, query: Query, expected: set[str]) -> None:
    assert set(ids(catalog.search(query, 10))) == expected


def test_title_hits_rank_above_artist_hits(catalog: LocalCatalog) -> None:
    found = ids(catalog.search(Query("any-word", ("glass",), mode="any"), 10))
    assert found[-1] == "40003"  # "glass" only in its artist
    assert set(found[:-1]) == {"40001", "40002", "40005"}


def test_search_respects_the_limit(catalog: LocalCatalog) -> None:
    assert len(catalog.search(Query("title", ("glass", "tide")), 2)) == 2
    assert catalog.search(Query("title", ("glass", "tide")), 0) == []


def test_search_returns_whole_tracks(catalog: LocalCatalog) -> None:
    (track,) = catalog.search(Query("title", ("glass",), ("brenn",)), 5)
    assert track == TRACKS[1]


def test_an_empty_any_query_finds_nothing(catalog: LocalCatalog) -> None:
    assert catalog.search(Query("any-word", mode="any"), 10) == []


# -- trigram queries -----------------------------------------------------------------------


def trigram(title: str, artists: str = "") -> Query:
    return Query("trigram", tuple(title.split()), tuple(artists.split()), mode="trigram")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(trigram("amber raod", "glass harbour"), "40003", id="typo-in-title"),
        pytest.param(trigram("amber road", "glass harbuor"), "40003", id="typo-in-artist"),
        pytest.param(trigram("deja bleu", "mira solen"), "40006", id="folded-text"),
    ],
)
def test_trigram_query_survives_a_typo(catalog: LocalCatalog, query: Query, expected: str) -> None:
    assert ids(catalog.search(query, 10))[0] == expected
    assert catalog.counters.queries == 1


def test_trigram_query_is_skipped_when_every_word_is_known(catalog: LocalCatalog) -> None:
    """The word queries before it asked for those words already: nothing to add."""
    assert catalog.search(trigram("amber road", "glass harbour"), 10) == []
    assert catalog.counters.queries == 1  # the look-ups that found every word known
    assert catalog.search(trigram("", "x"), 10) == []  # no word a trigram index can see
    assert catalog.counters.queries == 1


def probes(provider: LocalCatalog) -> list[str]:
    """The word look-ups the provider's connection runs from now on (a list that grows)."""
    seen: list[str] = []
    provider.store._conn.set_trace_callback(  # noqa: SLF001 - what reaches SQLite
        lambda sql: seen.append(sql) if sql.startswith("SELECT 1 FROM fts ") else None
    )
    return seen


def test_words_a_search_found_rows_for_need_no_look_up(catalog: LocalCatalog) -> None:
    """Rows holding every word of an AND show each word known; the trigram query after it
    knows them without asking, and answers as a provider that asks."""
    asked = probes(catalog)
    assert ids(catalog.search(Query("title+artist", ("amber", "road"), ("glass",)), 10)) == [
        "40003"
    ]
    assert catalog.search(trigram("amber road", "glass"), 10) == []
    assert asked == []
    assert catalog.search(trigram("amber road", "glass harbuor"), 10)[0].catalog_id == "40003"
    assert len(asked) == 1  # "harbuor" alone


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(Query("title", ("amber", "raod")), id="found-nothing"),
        pytest.param(Query("any", ("amber", "raod"), mode="any"), id="any-word"),
        pytest.param(
            Query("artist+any-title", ("amber", "raod"), ("glass",), mode="artist+any"),
            id="any-title-word",
        ),
    ],
)
def test_words_a_row_need_not_hold_are_still_looked_up(catalog: LocalCatalog, query: Query) -> None:
    catalog.search(query, 10)
    asked = probes(catalog)
    assert catalog.search(trigram("amber raod"), 10)[0].catalog_id == "40003"
    assert asked  # "raod" at least: no row holds it, though a row answered the query


def test_an_and_asked_again_is_answered_without_the_index(catalog: LocalCatalog) -> None:
    """An entry's "artist and any title word" query is its title-and-artist AND when the
    title has one word: the second asking reuses the first answer, and still counts."""
    searches: list[str] = []
    catalog.store._conn.set_trace_callback(  # noqa: SLF001 - what reaches SQLite
        lambda sql: searches.append(sql) if "MATCH" in sql else None
    )
    strict = Query("title+artist", ("amber",), ("glass", "harbour"))
    any_title = Query("artist+any-title", ("amber",), ("glass", "harbour"), mode="artist+any")
    assert fts_expression(strict) == fts_expression(any_title)
    first = catalog.search(strict, 10)
    again = catalog.search(any_title, 10)
    assert ids(first) == ids(again) == ["40003"]
    assert len(searches) == 1 and catalog.counters.queries == 2
    catalog.search(Query("title", ("amber",)), 10)  # another expression: asked
    assert len(searches) == 2
    for n in range(20):  # a few answers are kept, not every one
        catalog.search(Query("title", (f"word{n}",)), 10)
    catalog.search(strict, 10)
    assert len(searches) == 23


def test_only_plain_words_are_noted_known(catalog: LocalCatalog) -> None:
    """A word the index makes no token of would not show in an AND's rows."""
    catalog.store.words.note_known(["amber", "日本", "a-b", ""])
    assert catalog.store.words.known(["amber", "日本", "a-b"]) == {"amber"}


def test_trigram_query_brings_few_candidates(tmp_path: Path) -> None:
    rows = [CatalogTrack(str(i), f"Harbour Lights {i}", artists=("Nova",)) for i in range(40)]
    with LocalCatalog(build(tmp_path / "c.db", rows)) as provider:
        assert len(provider.search(trigram("harbuor lights"), 40)) == GRAM_LIMIT


def test_catalog_without_trigram_index_answers_nothing(tmp_path: Path) -> None:
    path = build(tmp_path / "c.db", TRACKS)
    with LocalCatalog(path) as provider:
        provider.store.has_trigrams = False  # as a read-only catalog of schema 1 opens
        assert provider.search(trigram("amber raod"), 10) == []
        assert provider.counters.queries == 0


# -- identifiers ---------------------------------------------------------------------------


def test_by_id(catalog: LocalCatalog) -> None:
    assert catalog.by_id("40002") == TRACKS[1]
    assert catalog.by_id("99999999") is None


@pytest.mark.parametrize(
    ("isrc", "expected"),
    [
        pytest.param("USABC1234567", ["40001", "40005"], id="bare"),
        pytest.param("us-abc-12-34567", ["40001", "40005"], id="written-loosely"),
        pytest.param("GBXYZ0000000", [], id="unknown"),
        pytest.param("", [], id="empty"),
    ],
)
def test_by_isrc(catalog: LocalCatalog, isrc: str, expected: list[str]) -> None:
    assert ids(catalog.by_isrc(isrc)) == expected


@pytest.mark.parametrize(
    ("catalog_ids", "accepts"),
    [
        pytest.param(["40001", "40002"], True, id="numeric"),
        pytest.param(["nr-glass-tide", "40002"], False, id="text"),
    ],
)
def test_accepts_store_ids(tmp_path: Path, catalog_ids: list[str], accepts: bool) -> None:
    path = build(tmp_path / "c.db", [CatalogTrack(i, "Glass Tide") for i in catalog_ids])
    with LocalCatalog(path) as provider:
        assert provider.accepts_store_ids is accepts


# -- counters, lifecycle -------------------------------------------------------------------


def test_every_lookup_counts_a_query(catalog: LocalCatalog) -> None:
    catalog.search(Query("title", ("glass",)), 5)
    catalog.search(Query("title"), 5)  # nothing to ask: not a query
    catalog.by_id("40001")
    catalog.by_isrc("USABC1234567")
    assert catalog.counters.queries == 3
    taken = catalog.counters.take()
    assert taken["queries_executed"] == 3
    assert catalog.counters.queries == 0


def test_name_and_open_provider(tmp_path: Path) -> None:
    path = build(tmp_path / "c.db", TRACKS)
    with open_provider("local", path) as provider:
        assert isinstance(provider, LocalCatalog)
        assert provider.name == "local"
        assert provider.by_id("40003") == TRACKS[2]


def test_missing_catalog_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="not found"):
        LocalCatalog(tmp_path / "absent.db")


def test_closed_provider_refuses_searches(tmp_path: Path) -> None:
    provider = LocalCatalog(build(tmp_path / "c.db", TRACKS))
    provider.close()
    with pytest.raises(CatalogError, match="closed"):
        provider.search(Query("title", ("glass",)), 5)


def test_provider_opens_read_only(catalog: LocalCatalog) -> None:
    with pytest.raises(CatalogError, match="read-only"):
        catalog.store.upsert_many([CatalogTrack("1", "x")])
