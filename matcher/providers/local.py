"""The local catalog provider: SQLite FTS5, one read-only connection per process.

Word queries become FTS5 MATCH expressions over the word index (`fts_expression`),
bounded so that what one costs does not follow the catalog's size (`catalog/words.py`). A
"trigram" query goes to the character index instead (`CatalogStore.search_grams`), and
only when a word of it is unknown to the catalog: a typo makes a word no track holds, and
when every word is known the word queries before it have already asked for them. Those
queries also tell which words are known: the rows an AND found hold each of its words, so
only the others are looked up.
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path

from matcher.catalog.store import CatalogStore
from matcher.matching.provider import Provider, Query
from matcher.model import CatalogTrack

__all__ = ["GRAM_LIMIT", "LocalCatalog", "fts_expression"]

# Candidates a trigram query brings at most: the right row ranks near the top when the
# pieces find it at all, and every candidate costs a score.
GRAM_LIMIT = 10

# Strict answers kept, the oldest dropped first: an entry's plan may ask one AND twice
# (its "artist and any title word" query is its title-and-artist AND when one title word
# counts): 768 of the 15,252 strict queries of the devset stress playlist. The catalog
# does not change under a provider, so an answer stays right.
_FEW_KEPT = 8


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
    # what one entry's lookups cost is bounded by the plan (see words.py, grams.py); the
    # budget is a backstop, and wall time would make an entry's result depend on the load
    budget_clock = staticmethod(time.thread_time)

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.store = CatalogStore.open(path, readonly=True)
        self.accepts_store_ids = self.store.has_numeric_ids()
        self._few_kept: dict[tuple[str, int], list[CatalogTrack] | None] = {}

    def search(self, query: Query, limit: int) -> list[CatalogTrack]:
        if query.mode == "trigram":
            return self._search_grams(query, limit)
        expression = fts_expression(query)
        if not expression:
            return []
        self.counters.queries += 1
        if query.mode != "any":  # an AND matching few rows: all of them, without ranking
            few = self._few(query, expression, limit)
            if few is not None:
                return self._noted(query, few)
        bounded = self.store.words.bounded(query.title, query.artists, query.mode)
        if bounded is None:
            return []
        asked = replace(query, title=bounded[0], artists=bounded[1])
        return self._noted(asked, self.store.search(fts_expression(asked), limit))

    def _few(self, query: Query, expression: str, limit: int) -> list[CatalogTrack] | None:
        """Every row of a strict query when there are at most `limit`; its common words
        are checked in the rows its rare ones find (see `words.narrowing`), which gives
        the same rows; an answer given a moment ago is given again."""
        key = (expression, limit)
        kept = self._few_kept
        if key in kept:
            return kept[key]
        if len(kept) >= _FEW_KEPT:
            del kept[next(iter(kept))]
        kept[key] = answer = self._few_asked(query, expression, limit)
        return answer

    def _few_asked(self, query: Query, expression: str, limit: int) -> list[CatalogTrack] | None:
        words = self.store.words
        split = words.narrowed(query.title, query.artists) if query.mode == "all" else None
        if split is None:
            return self.store.search_few(expression, limit)
        rare = fts_expression(replace(query, title=split.asked[0], artists=split.asked[1]))
        return self.store.search_few_narrowed(expression, rare, split.checked, limit)

    def _noted(self, query: Query, tracks: list[CatalogTrack]) -> list[CatalogTrack]:
        """`tracks`, the answer to `query`, after telling the store the words every one
        of them holds (all of an AND's, an "artist+any" query's artists), which a
        trigram query then knows without asking."""
        if tracks and query.mode != "any":
            held = query.artists if query.mode == "artist+any" else query.title + query.artists
            self.store.words.note_known(held)
        return tracks

    def _search_grams(self, query: Query, limit: int) -> list[CatalogTrack]:
        words = [w for w in query.title + query.artists if w]
        long_words = [w for w in words if len(w) >= 3]  # what a trigram index can see
        if not self.store.has_trigrams or not long_words:
            return []
        self.counters.queries += 1  # asked, if only whether the words are known
        if not set(long_words) - self.store.words.known(long_words):
            return []
        return self.store.search_grams(words, min(limit, GRAM_LIMIT))

    def by_id(self, catalog_id: str) -> CatalogTrack | None:
        self.counters.queries += 1
        return self.store.by_id(catalog_id)

    def by_isrc(self, isrc: str) -> list[CatalogTrack]:
        self.counters.queries += 1
        return self.store.by_isrc(isrc)

    def reading(self) -> AbstractContextManager[None]:
        return self.store.reading()

    def close(self) -> None:
        self.store.close()
