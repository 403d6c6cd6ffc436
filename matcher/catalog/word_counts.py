"""What one catalog connection knows of its index's words, asked of SQLite once and then
remembered: how many rows hold a word or a trigram, and which words some row holds.

Queries come entry after entry with the same artists' names and the same common title
words; a lookup per word per query would cost more than the searches. Each memo is
bounded (`MEMO` keys, some 2 MB) and forgotten whole when full, and all of them when the
catalog is written to (`forget`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from matcher.catalog import words as word_df
from matcher.catalog.schema import PROBE

__all__ = ["MEMO", "WordCounts"]

MEMO = 20_000  # words, counts or trigrams remembered per connection (some 2 MB each)

Run = Callable[[str, Sequence[object]], list[tuple]]


class WordCounts:
    """The word knowledge of one connection; `run` runs a statement on it."""

    def __init__(self, run: Run) -> None:
        self._run = run
        self.counted = False  # whether the catalog keeps words_df (schema 3 and later)
        self._held: dict[str, int] = {}  # word -> 1 when a track holds it
        self._grams: dict[str, int] = {}  # trigram -> rows holding it
        self._df: dict[str, int] = {}  # word -> rows holding it
        self._top: int | None = None  # the most rows a word is held by

    def forget(self) -> None:
        """Drop what is remembered: the catalog has changed."""
        self._held.clear()
        self._grams.clear()
        self._df.clear()
        self._top = None

    def frequencies(self, words: Iterable[str]) -> dict[str, int]:
        """How many tracks each folded word occurs in (any column); 0 when it occurs in
        none. Lets a query planner drop words so common that an OR over them would rank
        thousands of rows."""
        wanted = list(dict.fromkeys(words))
        return {**dict.fromkeys(wanted, 0), **self._counts("fts_vocab", wanted)}

    def bounded(
        self, title: tuple[str, ...], artists: tuple[str, ...], mode: str
    ) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """The words of a query worth asking for, so that its cost does not grow with the
        catalog, or None when it is too unspecific to rank (see words.py); all of them
        when the catalog keeps no word counts."""
        if not self.counted:
            return title, artists
        return word_df.bounded(title, artists, mode, self._word_rows(title + artists))

    def narrowed(self, title: tuple[str, ...], artists: tuple[str, ...]) -> word_df.Narrowed | None:
        """A strict query's words split into those to ask the index for and those better
        checked in the rows (`words.narrowing`); None when the catalog keeps no word
        counts or no word of it is that common (then no query is narrowed, and none pays
        for asking)."""
        if not self.counted:
            return None
        if self._top is None:
            self._top = self._run("SELECT coalesce(max(doc), 0) FROM words_df", ())[0][0]
        if self._top <= word_df.NARROW:
            return None
        return word_df.narrowing(title, artists, self._word_rows(title + artists))

    def known(self, words: Iterable[str]) -> set[str]:
        """The folded words that some track holds (in any column of the word index). One
        index probe per word however common (cheaper than counting with fts_vocab), and
        remembered: artists' names come back entry after entry."""
        found = _memo(self._held, [w for w in dict.fromkeys(words) if w], self._probe)
        return {w for w, known in found.items() if known}

    def note_known(self, words: Iterable[str]) -> None:
        """Remember `words` as held by some track, as a search that found rows holding
        each of them shows, so that `known` need not probe for them. Plain ASCII words
        only: the index surely makes a token of those (of a word it made no token of, an
        AND would leave the phrase out, and its rows would say nothing)."""
        held = self._held
        if len(held) > MEMO:
            held.clear()
        for w in words:
            if w.isascii() and w.isalnum():
                held[w] = 1

    def gram_rows(self, trigrams: list[str]) -> dict[str, int]:
        """How many rows hold each trigram (0 for none)."""
        return _memo(self._grams, trigrams, self._gram_counts)

    def _word_rows(self, words: tuple[str, ...]) -> dict[str, int]:
        asked = [w for w in dict.fromkeys(words) if w]
        return _memo(self._df, asked, lambda found: self._counts("words_df", found))

    def _probe(self, words: list[str]) -> dict[str, int]:
        return {w: int(bool(self._run(PROBE, ('"' + w.replace('"', '""') + '"',)))) for w in words}

    def _gram_counts(self, trigrams: list[str]) -> dict[str, int]:
        counts = self._counts("grams_df", trigrams)
        # new since the last import's recount, or in no row: ask the index itself
        return {**counts, **self._counts("grams_vocab", [g for g in trigrams if g not in counts])}

    def _counts(self, table: str, terms: list[str]) -> dict[str, int]:
        """term -> doc from a vocabulary table, for the terms it holds."""
        counts: dict[str, int] = {}
        for start in range(0, len(terms), 500):
            chunk = terms[start : start + 500]
            sql = f"SELECT term, doc FROM {table} WHERE term IN ({', '.join('?' * len(chunk))})"
            counts.update(dict(self._run(sql, chunk)))
        return counts


def _memo(
    seen: dict[str, int], keys: list[str], fetch: Callable[[list[str]], dict[str, int]]
) -> dict[str, int]:
    missing = [k for k in keys if k not in seen]
    if not missing:
        return {k: seen[k] for k in keys}
    found = fetch(missing)
    answer = {k: seen[k] if k in seen else found.get(k, 0) for k in keys}
    if len(seen) > MEMO:  # forget only after the answer holds what it knew
        seen.clear()
    seen.update((k, answer[k]) for k in missing)
    return answer
