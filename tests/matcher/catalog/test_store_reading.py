"""A read-only store's reading span: one read transaction over many lookups (a worker's
chunk), so SQLite locks the file once, not once per query, and lets writers in after."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from matcher.catalog.store import CatalogStore
from matcher.model import CatalogTrack

TRACKS = [
    CatalogTrack("101", "Lolita", "Original Mix", ("Boriqua Tribez",)),
    CatalogTrack("103", "Red Lights", "", ("Tiësto",)),
    CatalogTrack("105", "Adagio for Strings", "Original Mix", ("Tiësto",)),
]
TIESTO = 'artists:("tiesto")'


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.sqlite"
    with CatalogStore.open(path) as store:
        store.upsert_many(TRACKS)
    return path


def found(store: CatalogStore) -> list[str]:
    return sorted(t.catalog_id for t in store.search(TIESTO, 10))


def writes(db: Path) -> bool:
    """Whether another connection can write the file at once (no waiting)."""
    conn = sqlite3.connect(db, timeout=0)
    try:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('probe', '1')")
        conn.commit()
        return True
    except sqlite3.OperationalError as err:
        assert "locked" in str(err)
        return False
    finally:
        conn.close()


def test_a_span_sees_one_snapshot_and_nested_spans_keep_it(db: Path) -> None:
    """A catalog sync writing beside a running batch (WAL): a chunk's lookups all see the
    catalog as it was when the chunk began; the next chunk sees the new rows."""
    with CatalogStore.open(db) as writer, CatalogStore.open(db, readonly=True) as reader:
        with reader.reading():
            before = found(reader)
            writer.upsert_many([CatalogTrack("107", "Traffic", artists=("Tiësto",))])
            with reader.reading():  # already in one: the inner span neither starts nor ends it
                nested = found(reader)
            during = found(reader)
        after = found(reader)
    assert before == nested == during == ["103", "105"]
    assert after == ["103", "105", "107"]


def test_a_span_holds_the_file_only_while_it_lasts(db: Path) -> None:
    """A rollback-journal file, as read-only workers usually find it: a writer waits for
    the span, and only for the span."""
    with CatalogStore.open(db, readonly=True) as reader:
        assert writes(db)
        with reader.reading():
            assert found(reader) == ["103", "105"]
            assert not writes(db)
        assert writes(db)
        assert found(reader) == ["103", "105"]


def test_a_writable_store_has_no_span(db: Path) -> None:
    """A writer's statements stay their own transactions: a span must not swallow them."""
    with CatalogStore.open(db) as store, store.reading():
        store.upsert_many([CatalogTrack("107", "Traffic", artists=("Tiësto",))])
        assert not store._conn.in_transaction
    with CatalogStore.open(db, readonly=True) as reader:
        assert found(reader) == ["103", "105", "107"]


def test_a_store_closed_inside_its_span_closes_quietly(db: Path) -> None:
    reader = CatalogStore.open(db, readonly=True)
    with reader.reading():
        found(reader)
        reader.close()
    assert writes(db)
