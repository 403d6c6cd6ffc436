"""Word queries whose cost does not grow with the catalog: words too common to rank are
left out, a strict query matching few rows skips ranking, and the right row is still
found among many rows sharing a common word."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from matcher.catalog import prepare_catalog, words
from matcher.catalog.store import SCHEMA_VERSION, CatalogStore
from matcher.matching.provider import Query
from matcher.model import CatalogTrack
from matcher.providers.local import LocalCatalog, fts_expression

CROWD = 600  # rows sharing the common words


def _crowd() -> list[CatalogTrack]:
    """Many tracks holding "love" and "night", each with a rare word of its own, and the
    one the queries look for."""
    rows = [
        CatalogTrack(str(n), f"Love Night {_name(n)}", "Original Mix", (f"Dj {_name(n + 7)}",))
        for n in range(CROWD)
    ]
    return [*rows, CatalogTrack("target", "Love Night Zorblax", "Extended Mix", ("Quentin Vey",))]


def _name(n: int) -> str:
    """A made-up word per number: "ba", "be", ..., then two syllables and more."""
    out = ""
    while True:
        out += "bdfgklmnprstvz"[n % 14] + "aeiou"[(n // 14) % 5]
        n //= 70
        if not n:
            return out.capitalize()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.sqlite"
    with CatalogStore.open(path) as store:
        store.upsert_many(_crowd())
        store.optimize()
    return path


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A budget a few hundred rows can overrun (a real one is sized for a million)."""
    monkeypatch.setattr(words, "COMMON", 50)
    monkeypatch.setattr(words, "BUDGET", 50)
    monkeypatch.setattr(words, "NARROW", 50)


def _matched(db: Path, expression: str) -> int:
    """How many rows an expression matches: the rows a ranked query ranks."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (expression,)).fetchone()[
            0
        ]
    finally:
        conn.close()


def _bounded(provider: LocalCatalog, query: Query) -> str:
    title, artists = provider.store.words.bounded(query.title, query.artists, query.mode)
    return fts_expression(Query(query.kind, title, artists, query.mode))


# -- the pure choice -------------------------------------------------------------------


def test_an_or_keeps_the_rarest_words_within_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(words, "BUDGET", 1000)
    rows_with = {"love": 9000, "night": 4000, "zorblax": 1, "quentin": 30, "vey": 900}
    title, artists = words.bounded(
        ("love", "night", "zorblax"), ("quentin", "vey"), "any", rows_with
    )
    assert (title, artists) == (("zorblax",), ("quentin", "vey"))  # 931 rows; "night" overruns


def test_an_or_always_keeps_a_word_some_row_holds() -> None:
    rows_with = {"love": 9000, "night": 1500}
    assert words.bounded(("love", "night", "lvoe"), (), "any", rows_with) == (
        ("night", "lvoe"),  # the typo costs nothing; the rarest real word stays
        (),
    )


def test_a_query_of_only_common_words_is_not_run() -> None:
    """Even its rarest word would leave more than CEILING rows to rank."""
    rows_with = {"love": 23_000, "you": 31_000, "dj": 45_000}
    assert words.bounded(("love", "you"), (), "all", rows_with) is None
    assert words.bounded(("love", "you"), ("dj",), "any", rows_with) is None
    assert words.bounded(("love", "you"), ("dj",), "artist+any", rows_with) is None
    rows_with["zed"] = 3  # one rare word is enough
    assert words.bounded(("love", "you"), ("dj", "zed"), "all", rows_with) is not None
    assert words.bounded(("love", "you"), ("zed",), "artist+any", rows_with) is not None


def test_an_and_part_keeps_its_rarest_words_however_common() -> None:
    rows_with = {"the": 150_000, "love": 23_000, "you": 31_000, "got": 8_000, "zed": 3}
    assert words.bounded(("you", "got", "the", "love"), ("zed",), "all", rows_with) == (
        ("got", "love"),
        ("zed",),
    )
    # words under the threshold all stay: a 30,000-row catalog is searched as before
    rare = dict.fromkeys(["you", "got", "the", "love"], 900)
    assert words.bounded(("you", "got", "the", "love"), (), "all", rare)[0] == (
        "you", "got", "the", "love",
    )  # fmt: skip


# -- against a real catalog ------------------------------------------------------------


@pytest.mark.usefixtures("small_budget")
def test_a_loose_query_finds_the_row_while_the_rows_it_ranks_stay_capped(db: Path) -> None:
    query = Query("any-word", ("love", "night", "zorblax"), ("quentin", "vey"), mode="any")
    with LocalCatalog(db) as provider:
        found = provider.search(query, 5)
        assert found[0].catalog_id == "target"
        assert _matched(db, fts_expression(query)) == CROWD + 1  # what it ranked before
        assert _matched(db, _bounded(provider, query)) <= words.BUDGET


@pytest.mark.usefixtures("small_budget")
def test_a_strict_query_with_one_rare_word_finds_the_row_unranked(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "love night" matches every row: more than CEILING to rank, so it is not run; with
    "zorblax" it matches one row, which comes back without ranking."""
    monkeypatch.setattr(words, "CEILING", 100)
    with LocalCatalog(db) as provider:
        common = Query("title", ("love", "night"))
        assert _matched(db, fts_expression(common)) == CROWD + 1
        assert provider.search(common, 20) == []
        strict = Query("title", ("love", "night", "zorblax"))
        assert provider.store.search_few(fts_expression(strict), 20) is not None
        assert [t.catalog_id for t in provider.search(strict, 20)] == ["target"]
        both = Query("title+artist", ("love", "night"), ("quentin", "vey"))
        assert [t.catalog_id for t in provider.search(both, 20)] == ["target"]


def test_search_few_gives_every_row_or_none(db: Path) -> None:
    with CatalogStore.open(db, readonly=True) as store:
        everyone = 'title : ("love" "night")'
        assert store.search_few(everyone, 20) is None
        assert store.search_few(everyone, CROWD + 1) is not None
        few = 'title : ("zorblax")'
        assert [t.catalog_id for t in store.search_few(few, 20) or []] == ["target"]
        assert {t.catalog_id for t in store.search(everyone, CROWD + 1)} == {
            t.catalog_id for t in store.search_few(everyone, CROWD + 1) or []
        }


@pytest.mark.usefixtures("small_budget")
def test_word_counts_follow_imports(db: Path) -> None:
    with CatalogStore.open(db, readonly=True) as store:
        assert store.has_word_counts
        assert store.words.bounded(("zorblax",), ("quentin",), "any") == (
            ("zorblax",),
            ("quentin",),
        )
    with CatalogStore.open(db) as store:
        store.upsert_many([CatalogTrack(f"z{n}", f"Zorblax {n}") for n in range(words.BUDGET)])
        store.optimize()
    with CatalogStore.open(db, readonly=True) as store:  # "zorblax" is common now
        assert store.words.bounded(("zorblax",), ("quentin",), "any") == ((), ("quentin",))


def _downgrade(path: Path) -> None:
    """Make `path` what schema 2 wrote: the same file without the word counts and sizes."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE words_df")
    conn.execute("ALTER TABLE tracks DROP COLUMN file_size")
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()


@pytest.mark.usefixtures("small_budget")
def test_an_older_catalog_is_searched_as_before_until_opened_for_writing(db: Path) -> None:
    _downgrade(db)
    query = Query("any-word", ("love", "night", "zorblax"), ("quentin", "vey"), mode="any")
    with LocalCatalog(db) as provider:
        assert not provider.store.has_word_counts
        assert provider.search(query, 1)[0].catalog_id == "target"
        assert _matched(db, _bounded(provider, query)) == CROWD + 1  # every word kept
    with CatalogStore.open(db) as store:
        assert store.meta("schema_version") == str(SCHEMA_VERSION)
    with LocalCatalog(db) as provider:
        assert provider.store.has_word_counts
        assert _matched(db, _bounded(provider, query)) < CROWD + 1


def test_a_repeated_common_word_is_kept_once_not_dropped() -> None:
    rows_with = {"yeah": 90_000, "zed": 3}
    assert words.bounded(("yeah", "yeah", "yeah"), ("zed",), "all", rows_with) == (
        ("yeah", "yeah", "yeah"),
        ("zed",),
    )


def test_a_batch_brings_an_older_catalog_up_to_date(db: Path) -> None:
    """prepare_catalog (what `cratematch match` runs first) adds the word counts."""
    _downgrade(db)
    assert prepare_catalog(db) == db
    with CatalogStore.open(db, readonly=True) as store:
        assert store.has_word_counts
        assert store.meta("schema_version") == str(SCHEMA_VERSION)


# -- a strict query's common words, checked in the rows its rare words find -------------


def test_narrowing_leaves_out_the_common_words_of_each_part() -> None:
    rows_with = {"the": 150_000, "love": 900, "dj": 40_000, "zed": 3}
    assert words.narrowing(("the", "love"), ("dj", "zed"), rows_with) == words.Narrowed(
        asked=(("love",), ("zed",)), checked=(("the",), ("dj",))
    )
    assert words.narrowing(("love",), ("zed",), rows_with) is None  # nothing common
    assert words.narrowing(("the",), ("dj",), rows_with) is None  # nothing rare to ask
    rows_with["ночь"] = 9_000  # the index's tokenizer says which rows hold such a word
    assert words.narrowing(("ночь", "love"), (), rows_with) is None


ODD = [  # beside the crowd: rows the rare words find that a strict query must not return
    CatalogTrack("no-night", "Love Zorblax", "", ("Quentin Vey",)),  # lacks "night"
    CatalogTrack("no-dj", "Love Night Wubbo", "", ("Quentin Vey",)),
    CatalogTrack("dj-wubbo", "Love Night Wubbo", "", ("Dj Quentin",)),
    CatalogTrack("cyrillic", "Love Night Ночь Yelto", "", ("Quentin Vey",)),  # not ASCII
    # a letter newer than the index's Unicode tables: to it a break, to a split() a letter
    CatalogTrack("tai-lue", "Love Night\u19b0 Yelto", "", ("Quentin Vey",)),
    CatalogTrack("plain", "Love Night Yelto", "", ("Quentin Vey",)),
]


@pytest.fixture
def odd_db(tmp_path: Path) -> Path:
    path = tmp_path / "odd.sqlite"
    with CatalogStore.open(path) as store:
        store.upsert_many([*_crowd(), *ODD])
        store.optimize()
    return path


@pytest.mark.parametrize(
    "title, artists",
    [
        (("love", "night", "zorblax"), ()),  # "no-night" holds zorblax, not night
        (("love", "night", "zorblax"), ("quentin", "vey")),
        (("love", "night", "wubbo"), ("dj", "quentin")),  # a common artist word
        (("love", "night", "wubbo"), ()),  # two rows
        (("love", "night", "yelto"), ()),  # a row not in ASCII: the index is asked whole
        (("night", "love", "nowhere"), ()),  # a word no row holds
    ],
)
@pytest.mark.usefixtures("small_budget")
def test_a_narrowed_strict_query_finds_the_rows_the_whole_one_finds(
    odd_db: Path, title: tuple[str, ...], artists: tuple[str, ...]
) -> None:
    query = Query("title+artist", title, artists)
    with LocalCatalog(odd_db) as provider:
        assert provider.store.words.narrowed(title, artists) is not None  # it is narrowed
        whole = provider.store.search_few(fts_expression(query), 20)
        assert whole is not None
        assert provider.search(query, 20) == whole
    if title[-1] == "yelto":  # the index holds "night" in every one of them
        assert [t.catalog_id for t in whole] == ["cyrillic", "tai-lue", "plain"]


@pytest.mark.usefixtures("small_budget")
def test_a_narrowed_query_finding_many_rows_asks_the_whole_one(
    odd_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("matcher.catalog.store._CHECKED", 1)
    query = Query("title", ("love", "night", "wubbo"))  # "wubbo" is in two rows
    whole = fts_expression(query)
    narrowed = fts_expression(Query("title", ("wubbo",)))
    with CatalogStore.open(odd_db, readonly=True) as store:
        common = (("love", "night"), ())
        found = store.search_few_narrowed(whole, narrowed, common, 20)
        assert [t.catalog_id for t in found or []] == ["no-dj", "dj-wubbo"]
        assert store.search_few_narrowed(whole, narrowed, common, 1) is None  # over limit
        monkeypatch.setattr("matcher.catalog.store._CHECKED", 32)
        assert store.search_few_narrowed(whole, narrowed, common, 1) is None


def test_no_query_is_narrowed_where_no_word_is_that_common(odd_db: Path) -> None:
    """The real threshold against the crowd's 600 rows: nothing to narrow, nothing asked."""
    with CatalogStore.open(odd_db, readonly=True) as store:
        assert store.words.narrowed(("love", "night", "wubbo"), ("dj",)) is None
        assert store.words._df == {}  # noqa: SLF001 - no word was counted for it
