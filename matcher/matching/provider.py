"""The one interface every catalog sits behind.

The engine and the window only ever see a `Provider`: the local SQLite catalog and the
online services answer the same four questions. Queries come as `Query` records (words,
not a query language), so each provider turns them into what its backend understands.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from matcher.model import CatalogTrack

if TYPE_CHECKING:
    from matcher.matching.presets import Preset
    from matcher.matching.readings import EntryReading

__all__ = ["Provider", "ProviderCounters", "Query"]


@dataclass(frozen=True, slots=True)
class Query:
    """A text query: folded title words and artist words.

    `mode` says how strict it is: "all" (every word must match), "artist+any" (all artist
    words, any title word: survives a typo in the title), "any" (any word, ranked).
    """

    kind: str
    title: tuple[str, ...] = ()
    artists: tuple[str, ...] = ()
    mode: str = "all"

    def describe(self) -> str:
        parts = []
        if self.title:
            parts.append("title=" + " ".join(self.title))
        if self.artists:
            parts.append("artist=" + " ".join(self.artists))
        return f"{' '.join(parts)} [{self.mode}]"


@dataclass(slots=True)
class ProviderCounters:
    """What a provider did, for the metrics: deltas are read and reset per chunk."""

    queries: int = 0
    http_requests: int = 0
    http_retries: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    throttle_wait_s: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)

    def take(self) -> dict[str, float]:
        """Return the counts so far and reset them."""
        out = {
            "queries_executed": self.queries,
            "http_requests": self.http_requests,
            "http_retries": self.http_retries,
            "cache_hits": self.cache_hits,
            "cache_misses": self.cache_misses,
            "throttle_wait_s": self.throttle_wait_s,
            **self.extra,
        }
        self.queries = self.http_requests = self.http_retries = 0
        self.cache_hits = self.cache_misses = 0
        self.throttle_wait_s = 0.0
        self.extra = {}
        return out


class Provider(ABC):
    """A catalog to search. Implementations must be safe to create once per worker process."""

    name: str = "provider"
    #: whether catalog ids are store ids (so a numeric id in a file name can be looked up)
    accepts_store_ids: bool = False
    #: the clock a preset's time budget per track counts by (`match_entry`): wall time,
    #: since an online lookup costs its wait on the network; a local catalog counts its
    #: own work only (CPU time), so a loaded machine cannot cut a search short
    budget_clock: Callable[[], float] = staticmethod(time.perf_counter)

    def __init__(self) -> None:
        self.counters = ProviderCounters()

    @abstractmethod
    def search(self, query: Query, limit: int) -> list[CatalogTrack]: ...

    @abstractmethod
    def by_id(self, catalog_id: str) -> CatalogTrack | None: ...

    @abstractmethod
    def by_isrc(self, isrc: str) -> list[CatalogTrack]: ...

    def plan(self, reading: EntryReading, preset: Preset) -> Iterable[Query]:
        """The text queries to run for an entry, most specific first, built as they are
        asked for. Online catalogs override this: each request costs time and rate limit,
        so they ask less."""
        from matcher.matching.query import planned  # matcher.matching.query imports this module

        return planned(reading, preset)

    def reading(self) -> AbstractContextManager[None]:
        """A run of lookups (a worker's chunk) that may share one view of the catalog: a
        local catalog then locks its file once for the run instead of once per query."""
        return nullcontext()

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def __enter__(self) -> Provider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
