from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from matcher.catalog.store import SCHEMA_VERSION, CatalogStore, folded_fields
from matcher.errors import CatalogError
from matcher.model import CatalogTrack

TRACKS = [
    CatalogTrack("101", "Lolita", "Original Mix", ("Boriqua Tribez",), bpm=124.0,
                 key="A Minor", duration_s=402.5, isrc="GBABC1234567"),
    CatalogTrack("102", "Lolita", "Jamie Stevens Remix", ("Boriqua Tribez",),
                 ("Jamie Stevens",), label="Crosstown", release="Lolita EP",
                 release_date="2019-04-05"),
    CatalogTrack("103", "Red Lights", "", ("Tiësto",), isrc="US-RC1-13-00001"),
    CatalogTrack("104", "Song (Extended Mix)", "", ("Daft Punk", "Pharrell Williams")),
    CatalogTrack("105", "Adagio for Strings", "Original Mix", ("Tiësto",)),
    CatalogTrack("106", "Lost in Love", "", ("Ann Other",), isrc="USRC11300001"),
]  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.sqlite"
    with CatalogStore.open(path) as store:
        store.upsert_many(TRACKS, source="fixture")
    return path


@pytest.fixture
def store(db: Path):
    with CatalogStore.open(db, readonly=True) as opened:
        yield opened


def ids(tracks: list[CatalogTrack]) -> list[str]:
    return [t.catalog_id for t in tracks]


def test_new_catalog_has_schema_and_version(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.sqlite"
    with CatalogStore.open(path) as store:
        assert store.count() == 0
        assert store.meta("schema_version") == str(SCHEMA_VERSION)
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    columns = [r[1] for r in conn.execute("PRAGMA table_info(tracks)")]
    conn.close()
    assert {"tracks", "fts", "meta", "tracks_isrc"} <= tables
    assert columns == [
        "rowid", "catalog_id", "title", "mix", "artists", "remixers", "label", "release",
        "release_date", "bpm", "key", "genre", "duration_s", "isrc", "location", "source",
        "file_size",
    ]  # fmt: skip


def test_closed_writer_leaves_a_single_file(db: Path) -> None:
    assert not Path(f"{db}-wal").exists()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_rows_round_trip(store: CatalogStore) -> None:
    assert store.by_id("101") == TRACKS[0]
    assert store.by_id("102") == TRACKS[1]
    assert store.by_id("999") is None
    assert store.count() == len(TRACKS)


def test_upsert_twice_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with CatalogStore.open(path) as store:
        assert store.upsert_many(TRACKS) == len(TRACKS)
        first = [store.by_id(t.catalog_id) for t in TRACKS]
        assert store.upsert_many(TRACKS) == len(TRACKS)
        assert store.count() == len(TRACKS)
        assert [store.by_id(t.catalog_id) for t in TRACKS] == first
        fts_rows = store._conn.execute("SELECT count(*) FROM fts").fetchone()[0]
        assert fts_rows == len(TRACKS)


def test_replace_keeps_index_in_sync(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with CatalogStore.open(path) as store:
        store.upsert_many(TRACKS)
        store.upsert_many([CatalogTrack("101", "Mañana", "Dub", ("Someone Else",))])
        assert store.count() == len(TRACKS)
        assert ids(store.search('title:("lolita")', 10)) == ["102"]
        assert ids(store.search('title:("manana") AND artists:("someone")', 10)) == ["101"]
        assert store.by_id("101").title == "Mañana"


def test_batches_larger_than_one_transaction(tmp_path: Path) -> None:
    many = [CatalogTrack(str(i), f"Track {i}", artists=("A",)) for i in range(9001)]
    with CatalogStore.open(tmp_path / "c.sqlite") as store:
        assert store.upsert_many(iter(many)) == 9001
        assert store.count() == 9001
        assert ids(store.search('title:("9000")', 5)) == ["9000"]


@pytest.mark.parametrize(
    ("match", "expected"),
    [
        pytest.param(
            'title:("lolita") AND artists:("boriqua" "tribez")',
            {"101", "102"},
            id="title-and-artist",
        ),  # fmt: skip
        pytest.param('title:("lolita") AND mix:("jamie")', {"102"}, id="mix-column"),
        pytest.param('artists:("jamie" "stevens")', {"102"}, id="remixers-in-artists"),
        pytest.param('title:("jamie")', set(), id="column-filter"),
        pytest.param('title:("red" OR "adagio")', {"103", "105"}, id="or"),
        pytest.param('artists:("tiesto")', {"103", "105"}, id="folded-accent"),
        pytest.param('title:("song")', {"104"}, id="version-split-off-title"),
        pytest.param('title:("extended")', set(), id="version-not-in-title"),
        pytest.param('mix:("extended")', {"104"}, id="version-in-mix"),
        pytest.param('"lolita"', {"101", "102"}, id="any-column"),
        pytest.param('title:("lol"*)', {"101", "102"}, id="prefix"),
    ],
)
def test_search_semantics(store: CatalogStore, match: str, expected: set[str]) -> None:
    assert set(ids(store.search(match, 10))) == expected


def test_search_ranks_and_limits(store: CatalogStore) -> None:
    both = store.search('"lolita" OR "jamie"', 10)
    assert ids(both)[0] == "102"  # matches both words
    assert len(store.search('"lolita" OR "tiesto" OR "song"', 2)) == 2
    assert store.search('"lolita"', 0) == []


def test_title_weighs_more_than_artists(tmp_path: Path) -> None:
    rows = [CatalogTrack("1", "Other", artists=("Lolita",)), CatalogTrack("2", "Lolita")]
    with CatalogStore.open(tmp_path / "c.sqlite") as store:
        store.upsert_many(rows)
        assert ids(store.search('"lolita"', 10)) == ["2", "1"]


@pytest.mark.parametrize(
    "match",
    [
        pytest.param('title:("unclosed', id="unclosed-quote"),
        pytest.param("AND AND", id="bare-operator"),
        pytest.param('nosuchcolumn:("x")', id="unknown-column"),
    ],
)
def test_bad_fts_syntax_is_a_catalog_error(store: CatalogStore, match: str) -> None:
    with pytest.raises(CatalogError) as err:
        store.search(match, 10)
    assert "\n" not in str(err.value)


def test_folded_fields_use_shared_folding() -> None:
    track = CatalogTrack("1", "Don’t Stop (Extended Mix)", "Club Mix", ("Tiësto", "Ke$ha"),
                         ("A.C.E",))  # fmt: skip
    assert folded_fields(track) == ("dont stop", "tiesto kesha ace", "club mix extended mix")
    same = CatalogTrack("2", "Song (Extended Mix)", "Extended Mix")
    assert folded_fields(same) == ("song", "", "extended mix")


def test_by_ids_keeps_order_and_skips_missing(store: CatalogStore) -> None:
    assert ids(store.by_ids(["105", "nope", "101", "105"])) == ["105", "101"]
    assert store.by_ids([]) == []
    assert len(store.by_ids([f"x{i}" for i in range(2000)] + ["101"])) == 1


@pytest.mark.parametrize(
    ("isrc", "expected"),
    [
        pytest.param("GBABC1234567", ["101"], id="exact"),
        pytest.param("gb-abc-12-34567", ["101"], id="dashes-and-case"),
        pytest.param("USRC11300001", ["103", "106"], id="stored-with-dashes"),
        pytest.param("", [], id="empty"),
        pytest.param("XX0000000000", [], id="unknown"),
    ],
)
def test_by_isrc_normalises(store: CatalogStore, isrc: str, expected: list[str]) -> None:
    assert ids(store.by_isrc(isrc)) == expected


def test_has_numeric_ids(tmp_path: Path, store: CatalogStore) -> None:
    assert store.has_numeric_ids()
    with CatalogStore.open(tmp_path / "rb.sqlite") as other:
        assert not other.has_numeric_ids()  # empty
        other.upsert_many([CatalogTrack("rb:1", "A"), CatalogTrack("rb:2", "B")])
        assert not other.has_numeric_ids()


def test_meta(db: Path) -> None:
    with CatalogStore.open(db) as store:
        store.set_meta("import:x", "1")
        store.set_meta("import:x", "2")
        assert store.meta("import:x") == "2"
        assert store.meta("absent") is None
        assert store.meta_items("import:") == {"import:x": "2"}


def test_readonly_refuses_writes(store: CatalogStore) -> None:
    with pytest.raises(CatalogError, match="read-only"):
        store.upsert_many(TRACKS[:1])
    with pytest.raises(CatalogError, match="read-only"):
        store.set_meta("a", "b")


def test_iter_tracks_pages_through_everything(store: CatalogStore) -> None:
    assert ids(list(store.iter_tracks())) == [t.catalog_id for t in TRACKS]


# Runs in a spawned interpreter; passed to `exec` so the child needs nothing from this
# test module (which pytest's importlib mode makes unimportable by name).
_CHILD = """
from pathlib import Path
from matcher.catalog.store import CatalogStore
with CatalogStore.open(Path(path), readonly=True) as store:
    out.put(sorted(t.catalog_id for t in store.search('artists:("tiesto")', 10)))
"""


def test_readers_in_other_processes(db: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    with CatalogStore.open(db) as writer:
        writer.upsert_many([CatalogTrack("107", "Traffic", artists=("Tiësto",))])
        reader = CatalogStore.open(db, readonly=True)  # held open while the children read
        children = [
            ctx.Process(target=exec, args=(_CHILD, {"path": str(db), "out": out})) for _ in range(2)
        ]
        for child in children:
            child.start()
        results = [out.get(timeout=30) for _ in children]
        for child in children:
            child.join(timeout=10)
        assert [c.exitcode for c in children] == [0, 0]
        assert sorted(ids(reader.search('artists:("tiesto")', 10))) == ["103", "105", "107"]
        reader.close()
    assert results == [["103", "105", "107"]] * 2


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="needs folder permissions to bite"
)
def test_readonly_works_in_a_read_only_folder(db: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(db)  # a WAL-mode file, as a crashed writer would leave it
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    folder = tmp_path / "locked"
    folder.mkdir()
    shutil.copy(db, folder / "c.sqlite")
    folder.chmod(0o555)
    try:
        with CatalogStore.open(folder / "c.sqlite", readonly=True) as store:
            assert store.count() == len(TRACKS)
    finally:
        folder.chmod(0o755)


def _one_line(err: pytest.ExceptionInfo[CatalogError]) -> str:
    text = str(err.value)
    assert text and "\n" not in text
    return text


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as err:
        CatalogStore.open(tmp_path / "absent.sqlite", readonly=True)
    assert "not found" in _one_line(err)


@pytest.mark.parametrize("readonly", [True, False], ids=["readonly", "writable"])
def test_not_a_database(tmp_path: Path, readonly: bool) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("catalog_id,title\n" * 200)
    with pytest.raises(CatalogError) as err:
        CatalogStore.open(path, readonly=readonly)
    assert "not an SQLite database" in _one_line(err)
    assert path.read_text().startswith("catalog_id")  # not overwritten


@pytest.mark.parametrize("readonly", [True, False], ids=["readonly", "writable"])
def test_corrupt_database(db: Path, readonly: bool) -> None:
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # scribble over the schema page
    db.write_bytes(bytes(data))
    with pytest.raises(CatalogError) as err:
        CatalogStore.open(db, readonly=readonly)
    assert "corrupt" in _one_line(err)


@pytest.mark.parametrize("readonly", [True, False], ids=["readonly", "writable"])
def test_foreign_database(tmp_path: Path, readonly: bool) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(CatalogError) as err:
        CatalogStore.open(path, readonly=readonly)
    assert "not a CrateMatch catalog" in _one_line(err)


def test_newer_schema_is_refused(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(CatalogError, match="newer"):
        CatalogStore.open(db, readonly=True)


def test_folder_is_not_a_catalog(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="folder"):
        CatalogStore.open(tmp_path)


def test_closed_store_raises(db: Path) -> None:
    store = CatalogStore.open(db, readonly=True)
    store.close()
    store.close()  # twice is fine
    with pytest.raises(CatalogError, match="closed"):
        store.count()


def test_file_sizes_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "sizes.sqlite"
    sized = CatalogTrack("s1", "Glass Tide", location="/music/glass tide.mp3", file_size=9_000_000)
    with CatalogStore.open(path) as store:
        store.upsert_many([sized, CatalogTrack("s2", "Copper Sky")])
    with CatalogStore.open(path, readonly=True) as store:
        assert store.by_id("s1") == sized
        assert store.by_id("s2").file_size is None


def test_a_catalog_from_before_file_sizes_reads_and_upgrades(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with CatalogStore.open(path) as store:
        store.upsert_many([CatalogTrack("o1", "Glass Tide", location="/music/a.mp3")])
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE tracks DROP COLUMN file_size")
    conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    path.chmod(0o444)  # a reader that may not write sees the column, empty
    try:
        with CatalogStore.open(path, readonly=True) as store:
            assert store.by_id("o1") == CatalogTrack("o1", "Glass Tide", location="/music/a.mp3")
            assert [t.catalog_id for t in store.search('"glass"', 5)] == ["o1"]
    finally:
        path.chmod(0o644)
    with CatalogStore.open(path) as store:  # a writer adds it
        assert store.meta("schema_version") == str(SCHEMA_VERSION)
        store.upsert_many([CatalogTrack("o2", "Copper Sky", file_size=5_000_000)])
    with CatalogStore.open(path, readonly=True) as store:
        assert store.by_id("o2").file_size == 5_000_000


def test_a_full_memo_forgets_without_losing_the_answer(store, monkeypatch) -> None:
    """The memos of word and trigram counts are cleared when full; an answer asked for
    words some of which were remembered before the clearing still holds every word."""
    monkeypatch.setattr("matcher.catalog.word_counts.MEMO", 2)
    assert store.words.known(["lolita", "red", "lights"]) == {"lolita", "red", "lights"}
    # two remembered, one new: the memo (three words) is cleared while this is answered
    assert store.words.known(["lolita", "red", "strings"]) == {"lolita", "red", "strings"}
    assert store.words.known(["nowhere", "lolita"]) == {"lolita"}
    first = store.words.bounded(("lolita",), ("boriqua", "tribez"), "all")
    assert store.words.bounded(("lolita",), ("boriqua", "tiesto"), "all") is not None
    assert store.words.bounded(("lolita",), ("boriqua", "tribez"), "all") == first
    assert [t.catalog_id for t in store.search_grams(["lolitta"], 5)][:2] == ["101", "102"]
    assert [t.catalog_id for t in store.search_grams(["lolitta", "bouriqua"], 5)][:1] == ["101"]
