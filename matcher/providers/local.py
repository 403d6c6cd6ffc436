"""The local catalog provider: SQLite FTS5, one read-only connection per process."""

from __future__ import annotations

from pathlib import Path

from matcher.catalog.store import CatalogStore
from matcher.matching.provider import Provider, Query
from matcher.model import CatalogTrack

__all__ = ["LocalCatalog", "fts_expression"]


def _quoted(words: tuple[str, ...]) -> list[str]:
    return ['"' + w.replace('"', '""') + '"' for w in words if w]


def fts_expression(query: Query) -> str:
    """The FTS5 MATCH expression for a query (columns title, artists, mix)."""
    title, artists = _quoted(query.title), _quoted(query.artists)
    if query.mode == "any":
        words = title + artists
        return "{title artists} : (" + " OR ".join(words) + ")" if words else ""
    parts = []
    if title:
        joiner = " OR " if query.mode == "artist+any" else " "
        parts.append("title : (" + joiner.join(title) + ")")
    if artists:
        parts.append("artists : (" + " ".join(artists) + ")")
    return " AND ".join(parts)


class LocalCatalog(Provider):
    name = "local"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.store = CatalogStore.open(path, readonly=True)
        self.accepts_store_ids = self.store.has_numeric_ids()

    def search(self, query: Query, limit: int) -> list[CatalogTrack]:
        expression = fts_expression(query)
        if not expression:
            return []
        self.counters.queries += 1
        return self.store.search(expression, limit)

    def by_id(self, catalog_id: str) -> CatalogTrack | None:
        self.counters.queries += 1
        return self.store.by_id(catalog_id)

    def by_isrc(self, isrc: str) -> list[CatalogTrack]:
        self.counters.queries += 1
        return self.store.by_isrc(isrc)

    def close(self) -> None:
        self.store.close()
