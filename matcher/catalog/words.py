"""What a word query may cost: bounded, whatever the catalog's size.

A ranked FTS5 query (by bm25, `LIMIT n`) ranks every row the expression matches, and bm25 first
counts the rows holding each of the expression's words by walking that word's whole
posting list. Both grow with the catalog: at a million rows "the" is in 150,000 rows and
"mix" in 680,000, "love" in 23,000; one query holding such a word takes 10-70 ms, against
a tenth of a millisecond for rare words.

So the catalog keeps each word's row count (`words_df`, copied from fts5vocab after each
import, as `grams_df` is for trigrams: fts5vocab itself walks the posting list to count),
and a query is bounded before it runs (the provider, `providers/local.py`):

1. A strict query (every word) that matches at most `limit` rows gets them all unranked
   (`CatalogStore.search_few`): finding the rows that hold every word skips through the
   posting lists, and the set is the one the ranked query would give. Its words held by
   more than `NARROW` rows are left out of what the index is asked and checked in the
   rows the others find (`narrowing`, `CatalogStore.search_few_narrowed`): a skip
   through a long list costs one index page, so a common word cost its whole list.
2. Otherwise `bounded` picks the words to rank with:
       all words (AND)   a part's words held by more than `COMMON` rows are left out, but
                         each part (title, artists) keeps its `KEEP` rarest
       any word (OR)     the rarest first while their rows add up to `BUDGET` (the rarest
                         always): an OR matches every row of every word
   Leaving a word out of an AND only widens what matches, so the right row still
   matches, and common words weigh little in bm25.
3. A query whose rarest words still leave more than `CEILING` rows to rank is not run: a
   title of one common word and no artist cannot pick one track out of thousands.

The numbers were chosen on the devset (`tests/bench/retrieval.py --pad`): against its own
32,781 rows every query finds the rows it found before and the devset scores the same;
padded to a million rows, the full plan misses one more of the 2,088 rows it should find
(an OR whose second-rarest word fell outside the budget), and a CEILING of 1,000 would
miss three.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "BUDGET", "CEILING", "COMMON", "KEEP", "NARROW", "SCHEMA", "Narrowed", "bounded", "build",
    "narrowing", "recount",
]  # fmt: skip

SCHEMA = """
CREATE TABLE IF NOT EXISTS words_df (term TEXT PRIMARY KEY, doc INTEGER NOT NULL) WITHOUT ROWID;
"""
_RECOUNT = (
    "DELETE FROM words_df",
    "INSERT INTO words_df (term, doc) SELECT term, doc FROM fts_vocab",
)

COMMON = 5_000  # rows: a word held by more is left out when rarer words can stand for it
KEEP = 2  # words an AND part keeps however common (its rarest)
# rows an OR may match, summed over its words (its rarest word: up to CEILING). bm25 ranks
# every row an OR matches: at a million rows 250 made the median any-word query 0.59 ->
# 0.46 ms against 500, with every devset recall figure the same; 100 lost a row
BUDGET = 250
CEILING = 2_000  # rows to rank at most: a query matching more is too unspecific to run
# rows: a strict query's word held by more is checked in the rows found. At a million rows
# 1,000 made matching 5 % slower and 5,000 was no faster than this; at 32,781 rows 5,000
# narrowed queries on "mix" and "original", which the index answers as cheaply (5 % slower)
NARROW = 20_000


def build(conn: sqlite3.Connection) -> None:
    """Create and fill the word counts (inside the caller's transaction): how a catalog
    written before they existed gets them (half a second for a million rows)."""
    conn.execute(SCHEMA)
    recount(conn)


def recount(conn: sqlite3.Connection) -> None:
    """Copy the words' row counts out of fts5vocab, after an import."""
    for statement in _RECOUNT:
        conn.execute(statement)


def _all(words: tuple[str, ...], rows_with: Mapping[str, int]) -> tuple[str, ...]:
    """The words of an AND part worth asking for, in their order."""
    held = sorted((rows_with.get(w, 0), w) for w in dict.fromkeys(words) if rows_with.get(w, 0))
    dropped = {w for n, w in held[KEEP:] if n > COMMON}
    return tuple(w for w in words if w not in dropped)


def _any(words: tuple[str, ...], rows_with: Mapping[str, int]) -> tuple[str, ...]:
    """The words of an OR worth asking for, in their order: the rarest that some row
    holds and the next rarest within the budget (a word no row holds costs nothing)."""
    kept: set[str] = set()
    spent = 0
    for cost, word in sorted((rows_with.get(w, 0), w) for w in dict.fromkeys(words)):
        if spent and spent + cost > BUDGET:
            break
        kept.add(word)
        spent += cost
    return tuple(w for w in words if w in kept)


@dataclass(frozen=True, slots=True)
class Narrowed:
    """A strict query's words in two, each as (title words, artist words): those the index
    is asked for, and the common ones checked in the rows it finds."""

    asked: tuple[tuple[str, ...], tuple[str, ...]]
    checked: tuple[tuple[str, ...], tuple[str, ...]]


def narrowing(
    title: tuple[str, ...], artists: tuple[str, ...], rows_with: Mapping[str, int]
) -> Narrowed | None:
    """A strict query (every word, in its part) split: its words held by more than
    `NARROW` rows are left out of what the index is asked and checked in the rows it
    finds instead. Finding the rows that hold every word skips through each
    word's posting list one index page at a time, so a common word costs a walk of its
    list ("the" and "olav": 350 µs at a million rows, "olav" alone 15 µs). None when the
    query is best asked whole: no word is common, every word is, or a common word is not
    plain ASCII (which rows hold one is for the index's tokenizer to say)."""
    common = {w for w in title + artists if rows_with.get(w, 0) > NARROW}
    if not common or not all(w.isascii() and w.isalnum() for w in common):
        return None
    if all(w in common for w in title + artists):
        return None
    return Narrowed(
        asked=(tuple(w for w in title if w not in common),
               tuple(w for w in artists if w not in common)),
        checked=(tuple(w for w in title if w in common),
                 tuple(w for w in artists if w in common)),
    )  # fmt: skip


def bounded(
    title: tuple[str, ...], artists: tuple[str, ...], mode: str, rows_with: Mapping[str, int]
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The (title, artists) words a query of `mode` ("all", "artist+any", "any") keeps,
    given how many rows hold each word (a word missing from `rows_with` is in none, and
    costs nothing); None when even its rarest words would leave more than `CEILING` rows
    to rank: too unspecific to find one track among them."""
    if mode == "any":
        kept = set(_any(title + artists, rows_with))
        title = tuple(w for w in title if w in kept)
        artists = tuple(w for w in artists if w in kept)
        rows = sum(rows_with.get(w, 0) for w in kept)
    else:
        title = _any(title, rows_with) if mode == "artist+any" else _all(title, rows_with)
        artists = _all(artists, rows_with)
        strict = artists if mode == "artist+any" else title + artists
        bounds = [n for n in (rows_with.get(w, 0) for w in strict) if n]  # an AND's least
        if mode == "artist+any":
            bounds.append(sum(rows_with.get(w, 0) for w in title))  # an OR's sum
        rows = min(bounds, default=0)
    return None if rows > CEILING else (title, artists)
