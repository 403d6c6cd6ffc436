"""Online tracks kept in the local catalog: searchable offline, store ids included."""

from __future__ import annotations

from dataclasses import replace

from matcher.catalog.store import CatalogStore
from matcher.matching.provider import Query
from matcher.model import CatalogTrack
from matcher.providers.local import LocalCatalog
from matcher.providers.remember import remember_tracks

FOUND = [
    CatalogTrack("17654321", "Glass Tide", mix="Kaito Brenn Remix", artists=("Nova Reyes",),
                 remixers=("Kaito Brenn",), label="Tidal Records", bpm=126.0, key="A Minor"),
    CatalogTrack("12345678", "Harbour Lights", mix="Extended Mix", artists=("Tomas Vey",)),
]  # fmt: skip


def test_remembered_tracks_are_found_offline(tmp_path):
    catalog = tmp_path / "data" / "catalog.sqlite"
    assert remember_tracks(FOUND + FOUND[:1], catalog, source="beatport") == 2
    with LocalCatalog(catalog) as local:
        assert local.by_id("12345678") == FOUND[1]
        hits = local.search(Query("title+artist", ("glass", "tide"), ("nova", "reyes")), 5)
        assert [t.catalog_id for t in hits] == ["17654321"]
        assert local.accepts_store_ids  # numeric Beatport ids: file-name ids work offline


def test_a_second_run_updates_instead_of_duplicating(tmp_path):
    catalog = tmp_path / "catalog.sqlite"
    remember_tracks(FOUND, catalog, source="beatport")
    newer = replace(FOUND[0], genre="Techno (Peak Time / Driving)")
    remember_tracks([newer], catalog, source="beatport")
    with CatalogStore.open(catalog, readonly=True) as store:
        assert store.count() == 2
        assert store.by_id("17654321") == newer


def test_nothing_to_remember_creates_nothing(tmp_path):
    catalog = tmp_path / "catalog.sqlite"
    assert remember_tracks([], catalog, source="musicbrainz") == 0
    assert not catalog.exists()
