"""The trigram index: pieces, the rarest-first budget, and the index kept in step with
the rows through imports, replacements and the upgrade of an older catalog."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from matcher.catalog import grams
from matcher.catalog.store import SCHEMA_VERSION, CatalogStore
from matcher.model import CatalogTrack

TRACKS = [
    CatalogTrack("1", "Without You", artists=("Phex",)),
    CatalogTrack("2", "Without Me", artists=("Halsey",)),
    CatalogTrack("3", "Trafalgar", "Original Mix", ("The M Machine",)),
    CatalogTrack("4", "Angelfalls", "Radio Edit", ("Ayla",)),
    CatalogTrack("5", "Strobe", artists=("deadmau5",), remixers=("Kaskade",)),
    CatalogTrack("6", "Wechselbalg", artists=("ASP",)),
    CatalogTrack("7", "Nobody Seems To Care", "Original Mix", ("16 Bit Lolitas",)),
]  # fmt: skip


def ids(tracks: list[CatalogTrack]) -> list[str]:
    return [t.catalog_id for t in tracks]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.sqlite"
    with CatalogStore.open(path) as store:
        store.upsert_many(TRACKS)
        store.optimize()
    return path


# -- pieces and budget -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        pytest.param(["without"], ["with", "thou", "hout"], id="overlapping-by-two"),
        pytest.param(["angelfaalls"], ["ange", "gelf", "lfaa", "aall", "alls"], id="odd-length"),
        pytest.param(["asp", "ayla"], ["asp", "ayla"], id="short-words-whole"),
        pytest.param(["dj", "x", "16"], [], id="too-short-for-trigrams"),
        pytest.param(["phex", "phex"], ["phex"], id="no-repeats"),
    ],
)
def test_pieces(words: list[str], expected: list[str]) -> None:
    assert grams.pieces(words) == expected


def test_choose_takes_the_rarest_within_the_budget() -> None:
    rows_with = {"wit": 900, "ith": 950, "tho": 40, "hou": 300, "out": 700, "phe": 5, "hex": 9}
    chosen = grams.choose(["with", "thou", "hout", "phex"], rows_with, limit=400)
    assert chosen == [("phex", 5), ("thou", 40), ("hout", 300)]  # "with" (900) would overrun


def test_choose_always_asks_something_and_skips_impossible_pieces() -> None:
    rows_with = {"wti": 0, "tih": 3, "the": 90_000, "hem": 50_000}
    assert grams.choose(["wtih", "them"], rows_with, limit=100) == [("them", 50_000)]
    assert grams.choose(["wtih"], rows_with, limit=100) == []


def test_choose_caps_the_number_of_pieces() -> None:
    pieces = [f"a{c}b" for c in "cdefghijklmnop"]
    rows_with = {g: 1 for p in pieces for g in grams.trigrams(p)}
    assert len(grams.choose(pieces, rows_with, limit=10**6)) == grams.MAX_PIECES


@pytest.mark.parametrize(
    ("rows", "expected"),
    [(50, 1_000), (32_781, 1_092), (1_000_000, 12_000)],
    ids=["tiny", "devset", "million"],
)
def test_budget_grows_with_the_catalog_and_stops(rows: int, expected: int) -> None:
    assert grams.budget(rows) == expected


def test_parameters_weigh_rare_pieces_more_and_quote_them() -> None:
    params = grams.parameters([("with", 900), ('a"b', 9)], rows=1000, limit=10)
    assert params[1:4:2] == ['"with"', '"a""b"']
    assert params[2] > params[0] > 0
    assert params[-2:] == [pytest.approx(grams.MIN_SHARE * (params[0] + params[2])), 10]


def test_rows_sharing_a_piece_by_chance_are_left_out(tmp_path: Path) -> None:
    rows = [CatalogTrack("1", "Harbour Lights", artists=("Nova",)),
            CatalogTrack("2", "Harbinger", artists=("Someone Else",))]  # fmt: skip
    with CatalogStore.open(tmp_path / "c.sqlite") as store:
        store.upsert_many(rows)
        store.optimize()
        assert ids(store.search_grams(["harbuor", "lights", "nova"], 10)) == ["1"]


def test_rows_holding_more_and_rarer_pieces_rank_first(tmp_path: Path) -> None:
    rows = [
        CatalogTrack("1", "Harbour Lights", artists=("Nova",)),
        CatalogTrack("2", "Harbour Nights", artists=("Nova",)),
        CatalogTrack("3", "Lights Out", artists=("Rare Zephyr",)),
    ]
    with CatalogStore.open(tmp_path / "c.sqlite") as store:
        store.upsert_many(rows)
        store.optimize()
        assert ids(store.search_grams(["harbuor", "lights", "nova"], 10))[:2] == ["1", "2"]
        assert ids(store.search_grams(["lihgts", "zephyr"], 10))[0] == "3"


# -- the index in the store ------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        pytest.param(["phex", "wtihout", "you"], "1", id="typo-in-title"),
        pytest.param(["phx", "without", "you"], "1", id="typo-in-artist"),
        pytest.param(["the", "machine", "tafalgar"], "3", id="dropped-letter"),
        pytest.param(["ayla", "angelfaalls"], "4", id="doubled-letter"),
        pytest.param(["kaskade", "strboe"], "5", id="remixer-counts-as-artist"),
        pytest.param(["asp", "wechsellbalg"], "6", id="short-artist"),
    ],
)
def test_a_typo_still_finds_the_row_first(db: Path, words: list[str], expected: str) -> None:
    with CatalogStore.open(db, readonly=True) as store:
        assert store.has_trigrams
        assert ids(store.search_grams(words, 3))[0] == expected


def test_search_grams_limits_and_handles_nothing(db: Path) -> None:
    with CatalogStore.open(db, readonly=True) as store:
        assert len(store.search_grams(["without"], 1)) == 1
        assert store.search_grams(["without"], 0) == []
        assert store.search_grams(["qqq", "zz"], 5) == []
        assert store.search_grams([], 5) == []


def test_known_words(db: Path) -> None:
    with CatalogStore.open(db, readonly=True) as store:
        assert store.words.known(["phex", "wtihout", "machine", 'qu"ote', ""]) == {
            "phex",
            "machine",
        }


def _rows_for(store: CatalogStore, text: str) -> set[str]:
    return set(ids(store.search_grams(text.split(), 10)))


def test_replacing_a_row_replaces_its_pieces(db: Path) -> None:
    with CatalogStore.open(db) as store:
        store.upsert_many([CatalogTrack("1", "Quadrangle", artists=("Zyxwv",))])
        assert "1" not in _rows_for(store, "phex")
        assert _rows_for(store, "quadrangle zyxwv") == {"1"}


def test_an_id_twice_in_one_batch_keeps_the_last(tmp_path: Path) -> None:
    rows = [CatalogTrack("9", "Firstname"), CatalogTrack("9", "Lastone")]
    with CatalogStore.open(tmp_path / "c.sqlite") as store:
        assert store.upsert_many(rows) == 2
        assert store.by_id("9").title == "Lastone"
        assert _rows_for(store, "firstname") == set()
        store.upsert_many([CatalogTrack("9", "Other")])  # forgetting "lastone" must work
        assert _rows_for(store, "lastone") == set()
        assert _rows_for(store, "other") == {"9"}


def test_rows_added_after_the_last_recount_are_found(db: Path) -> None:
    """Trigram counts are copied after an import; rows upserted since (remembered online
    matches) have trigrams the copy lacks, which are counted from the index itself."""
    with CatalogStore.open(db) as store:
        store.upsert_many([CatalogTrack("8", "Xylokjuv", artists=("Qopwen",))])
        assert _rows_for(store, "xylokjuv qopwen") == {"8"}


def _downgrade(path: Path) -> None:
    """Make `path` what schema 1 wrote: the same file without the trigram index."""
    conn = sqlite3.connect(path)
    for table in ("grams", "grams_vocab", "grams_df"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()


def test_an_older_catalog_opens_read_only_without_the_index(db: Path) -> None:
    _downgrade(db)
    with CatalogStore.open(db, readonly=True) as store:
        assert not store.has_trigrams
        assert store.search_grams(["phex", "wtihout"], 5) == []
        assert store.count() == len(TRACKS)
        assert store.meta("schema_version") == "1"


def test_an_older_catalog_gets_the_index_when_opened_for_writing(db: Path) -> None:
    _downgrade(db)
    with CatalogStore.open(db) as store:
        assert store.meta("schema_version") == str(SCHEMA_VERSION)
    with CatalogStore.open(db, readonly=True) as store:
        assert store.has_trigrams
        assert ids(store.search_grams(["phex", "wtihout"], 1)) == ["1"]
    with CatalogStore.open(db) as store:  # and keeps it in step afterwards
        store.upsert_many([CatalogTrack("1", "Quadrangle", artists=("Zyxwv",))])
        assert "1" not in _rows_for(store, "phex wtihout")


def test_the_index_holds_no_copy_of_the_text(db: Path) -> None:
    conn = sqlite3.connect(db)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert {"grams", "grams_df", "grams_data"} <= tables
    assert "grams_content" not in tables  # contentless: the word index has the text


def test_what_a_connection_remembers_is_forgotten_on_write(db: Path) -> None:
    with CatalogStore.open(db) as store:
        assert store.words.known(["qopwen"]) == set()
        assert _rows_for(store, "xylokjuv qopwen") == set()
        store.upsert_many([CatalogTrack("8", "Xylokjuv", artists=("Qopwen",))])
        assert store.words.known(["qopwen"]) == {"qopwen"}
        assert _rows_for(store, "xylokjuv qopwen") == {"8"}
