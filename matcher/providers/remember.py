"""Keep what online catalogs found: matched online tracks go into the local catalog, so
later runs and "find what I own" can use them offline."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from matcher.catalog.store import CatalogStore
from matcher.model import CatalogTrack

__all__ = ["remember_tracks"]


def remember_tracks(tracks: Iterable[CatalogTrack], catalog: Path, *, source: str) -> int:
    """Upsert `tracks` into the catalog database at `catalog` (created when new), tagged
    with `source` (the provider's name). Returns how many were written; duplicates within
    `tracks` count once. Raises CatalogError when the file is not a usable catalog."""
    unique = {t.catalog_id: t for t in tracks if t.catalog_id}
    if not unique:
        return 0
    with CatalogStore.open(Path(catalog)) as store:
        return store.upsert_many(unique.values(), source=source)
