"""A worker's provider, with each lookup's cache hits and misses put down to its query
kind (the dashboard's per-kind cache hit rate).

The provider counts cache hits and misses for the whole chunk (`ProviderCounters`); which
query caused them is known only at the call. So the worker hands the matcher this thin
wrapper: it reads the two counters before and after each `search`, `by_isrc` and
`by_id`, and adds the difference to the call's kind. Everything else is the wrapped
provider's, counters included. A local catalog has no cache, so its kinds get no
lookups at all: "not applicable", never 0 %.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, TypeVar

from matcher.matching.provider import Provider, Query
from matcher.model import CatalogTrack

if TYPE_CHECKING:
    from matcher.matching.presets import Preset
    from matcher.matching.readings import EntryReading

__all__ = ["MeteredProvider"]

_T = TypeVar("_T")


class MeteredProvider(Provider):
    def __init__(self, inner: Provider) -> None:  # no super().__init__: the counters are inner's
        self.inner = inner
        self.name = inner.name
        self.accepts_store_ids = inner.accepts_store_ids
        self.budget_clock = inner.budget_clock
        self.counters = inner.counters
        self._cache: dict[str, list[int]] = {}  # kind -> [hits, misses]

    def take_cache(self) -> dict[str, tuple[int, int]]:
        """(hits, misses) per kind since the last call, and start again."""
        taken = {kind: (hits, misses) for kind, (hits, misses) in self._cache.items()}
        self._cache = {}
        return taken

    def _metered(self, kind: str, call: Callable[[], _T]) -> _T:
        counters = self.counters
        hits, misses = counters.cache_hits, counters.cache_misses
        try:
            return call()
        finally:
            new_hits, new_misses = counters.cache_hits - hits, counters.cache_misses - misses
            if new_hits > 0 or new_misses > 0:
                row = self._cache.setdefault(kind, [0, 0])
                row[0] += max(0, new_hits)
                row[1] += max(0, new_misses)

    def search(self, query: Query, limit: int) -> list[CatalogTrack]:
        return self._metered(query.kind, lambda: self.inner.search(query, limit))

    def by_isrc(self, isrc: str) -> list[CatalogTrack]:
        return self._metered("isrc", lambda: self.inner.by_isrc(isrc))

    def by_id(self, catalog_id: str) -> CatalogTrack | None:
        return self._metered("store-id", lambda: self.inner.by_id(catalog_id))

    def plan(self, reading: EntryReading, preset: Preset) -> Iterable[Query]:
        return self.inner.plan(reading, preset)

    def reading(self) -> AbstractContextManager[None]:
        return self.inner.reading()

    def close(self) -> None:
        self.inner.close()
