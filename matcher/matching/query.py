"""Query planning: a short, ordered list of searches per entry, most specific first.

Identifiers are looked up before any text query (see `match.py`). Text queries go from
"title and first artist, every word" (finds the entry in one query most of the time)
through "title only" (the artist field is wrong or empty) and "the artist and any title
word" (a typo in the title) to "any word" (both are mangled); the preset caps how many
run. "Any word" runs only for an entry the queries before it found nothing for
(`match.py`): once they have brought rivals, its OR of every word only adds more of
them, and on a large catalog it was the dearest query (1.1 ms of 0.38 on average at a
million rows, a third of the query time, for 24 matches in 100,000 entries). Last comes
"trigram": four-letter pieces of the title and artist words, searched on the catalog's
character index, which finds the row through a typo in the title or in the
artist. The matcher stops early once a candidate is certain, so the later queries run
only for entries the first ones did not settle. A catalog without a character index
answers a trigram query with nothing; online catalogs take the first few word queries
(`providers/online.py`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from matcher.matching.normalize import GENERIC_ARTISTS
from matcher.matching.presets import Preset
from matcher.matching.provider import Query
from matcher.matching.readings import EntryReading

__all__ = ["TYPO_QUERY_FROM", "plan", "planned"]

# Presets allowing this many word queries also get the trigram query, after them (`fast`,
# which stops at two, goes without). It comes on top of `max_queries`, as identifier
# look-ups do: it runs only for entries the word queries left uncertain, and the local
# catalog skips it unless a word is unknown to the catalog (a typo), so it costs little.
TYPO_QUERY_FROM = 3

# Words too common to be worth an OR query (AND queries keep them: they cost nothing there).
_STOPWORDS = frozenset(
    """the a an of and in on to at for is it my me you your i we de la le el los las die der
    das und feat ft featuring vs x mix remix edit original extended version""".split()
)


def _significant(words: Sequence[str]) -> tuple[str, ...]:
    kept = tuple([w for w in words if w not in _STOPWORDS and (len(w) > 1 or w.isdigit())])
    return kept or tuple(words)


def plan(entry: EntryReading, preset: Preset) -> tuple[Query, ...]:
    """The text queries for an entry, in the order to run them: at most `max_queries`
    word queries, then the trigram query (see `TYPO_QUERY_FROM`)."""
    return tuple(planned(entry, preset))


def planned(entry: EntryReading, preset: Preset) -> Iterator[Query]:
    """`plan`, one query at a time: seven entries in ten of the stress playlist are
    settled by their first query, and building only that one costs 5 µs against 26 µs
    for the whole plan."""
    primary = entry.primary
    title_words = tuple(primary.title.split())
    artist_words = tuple([w for a in primary.artists[:2] for w in a.split()])
    seen: set[Query] = set()
    for query in _word_queries(entry, title_words, artist_words):
        if len(seen) >= preset.max_queries:
            break
        if query not in seen:
            seen.add(query)
            yield query
    if title_words and preset.max_queries >= TYPO_QUERY_FROM:
        yield Query("trigram", title_words, artist_words, mode="trigram")


def _word_queries(
    entry: EntryReading, title_words: tuple[str, ...], artist_words: tuple[str, ...]
) -> Iterator[Query]:
    primary = entry.primary
    for reading in entry.readings[:2]:
        if reading.artists and reading.title and reading.artists[0] not in GENERIC_ARTISTS:
            yield Query(
                "title+artist", tuple(reading.title.split()), tuple(reading.artists[0].split())
            )
    if title_words:
        yield Query("title", title_words)
    if primary.artists and title_words and primary.artists[0] not in GENERIC_ARTISTS:
        yield Query(
            "artist+any-title",
            _significant(title_words),
            tuple(primary.artists[0].split()),
            mode="artist+any",
        )
    for reading in entry.readings[1:2]:
        if reading.title and reading.title != primary.title:
            yield Query("title", tuple(reading.title.split()))
    loose = _significant(title_words + artist_words)
    if loose:
        yield Query("any-word", loose, mode="any")
