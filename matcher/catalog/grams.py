"""The character index: candidates that survive a typo in the title or the artist.

The word index (`fts`) finds a row only through whole words, so "Wtihout You" never
reaches "Without You". Beside it the catalog keeps a trigram index over the same folded
text, one column per row:

    grams      FTS5, tokenize 'trigram', contentless, rowid = tracks.rowid
                 text   fts.artists || ' ' || fts.title   (folded artists, remixers, title)
    grams_df   term -> rows holding it, copied from fts5vocab after each import

A query is a handful of four-letter pieces of the entry's words ("wtih", "ihou", "hout"),
each an FTS5 phrase of two trigrams. A typo breaks the pieces it falls in and leaves the
others, so the right row still holds most of them. Rows are ranked inside SQLite, with a
LIMIT, by the summed weight of the pieces they hold (one phrase query per piece, UNION ALL,
GROUP BY row), a piece weighing log(1 + rows / rows holding it), as an idf would, and a
row needing `MIN_SHARE` of the query's weight to count. bm25
would rank alike, but decodes every hit's positions and walks each phrase twice: four
times the cost of matching, against two for the grouping (same recall on the devset).

Cost is bounded before the query runs: pieces are taken rarest first (by their rarest
trigram's row count in `grams_df`, an upper bound on how many rows the phrase can touch)
until a budget of rows is spent, so a query never walks the posting lists of common
trigrams such as "the" or "ove".

Contentless, because the text is already stored in `fts`: the index costs its postings
only. A contentless FTS5 table forgets what it indexed, so a row is removed with the
'delete' command and its old text, which `fts` still holds until the row is rewritten.
`grams_df` is a plain table because fts5vocab counts rows by walking the posting lists:
about 25 ms per query at a million rows, against microseconds for a primary-key look-up.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Mapping

__all__ = [
    "DELETE_OLD",
    "INSERT_NEW",
    "MAX_PIECES",
    "MIN_SHARE",
    "PIECE",
    "SCHEMA",
    "budget",
    "build",
    "choose",
    "parameters",
    "pieces",
    "ranked",
    "recount",
    "trigrams",
]

SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS grams USING fts5(
    text, tokenize = 'trigram', content = '', detail = full
);
CREATE VIRTUAL TABLE IF NOT EXISTS grams_vocab USING fts5vocab(grams, 'row');
CREATE TABLE IF NOT EXISTS grams_df (term TEXT PRIMARY KEY, doc INTEGER NOT NULL) WITHOUT ROWID;
"""
_TEXT = "f.artists || ' ' || f.title"
_FILL = f"INSERT INTO grams (rowid, text) SELECT f.rowid, {_TEXT} FROM fts AS f"
# Per catalog id, before the row is rewritten (nothing when the row is new) ...
DELETE_OLD = (
    f"INSERT INTO grams (grams, rowid, text) SELECT 'delete', f.rowid, {_TEXT} "
    "FROM tracks AS t JOIN fts AS f ON f.rowid = t.rowid WHERE t.catalog_id = ?"
)
# ... and after: the index always holds exactly what `fts` holds.
INSERT_NEW = (
    f"INSERT INTO grams (rowid, text) SELECT f.rowid, {_TEXT} "
    "FROM tracks AS t JOIN fts AS f ON f.rowid = t.rowid WHERE t.catalog_id = ?"
)
_RECOUNT = (
    "DELETE FROM grams_df",
    "INSERT INTO grams_df (term, doc) SELECT term, doc FROM grams_vocab",
)

PIECE = 4  # letters per piece: two trigrams, so a piece is far rarer than either
_STRIDE = 2  # pieces overlap by two letters: one typo breaks at most two of a word's pieces
MAX_PIECES = 8  # pieces per query
# A row must hold this share of the pieces' weight: a typo breaks a piece or two, so the
# right row keeps most of it, while rows that share a piece by chance bring candidates
# that cost a score each (on the devset: the same typo recall, 40 % fewer candidates for
# entries the catalog does not have).
MIN_SHARE = 0.3
_MIN_BUDGET = 1_000  # rows a query may touch, at least (a small catalog: everything) ...
_MAX_BUDGET = 12_000  # ... and at most (a million rows: some 10 ms)


def build(conn: sqlite3.Connection) -> None:
    """Create and fill the trigram index from the word index's folded text: how a catalog
    written before the index existed gets it (inside the caller's transaction)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(_FILL)
    recount(conn)


def recount(conn: sqlite3.Connection) -> None:
    """Copy the trigrams' row counts out of fts5vocab (a few seconds for a million rows):
    after an import, so a query finds them with a primary-key look-up."""
    for statement in _RECOUNT:
        conn.execute(statement)


def budget(rows: int) -> int:
    """How many posting-list rows one query may touch in a catalog of `rows` tracks."""
    return max(_MIN_BUDGET, min(_MAX_BUDGET, rows // 30))


def pieces(words: Iterable[str]) -> list[str]:
    """The four-letter pieces of folded words, each word's in order ("without" gives
    "with", "thou", "hout"); a word of three or four letters is one piece; shorter
    words, which a trigram index cannot see, give none."""
    out: dict[str, None] = {}
    for word in words:
        if len(word) < 3:
            continue
        if len(word) <= PIECE:
            out[word] = None
            continue
        starts = list(range(0, len(word) - PIECE + 1, _STRIDE))
        if starts[-1] != len(word) - PIECE:
            starts.append(len(word) - PIECE)
        for start in starts:
            out[word[start : start + PIECE]] = None
    return list(out)


def trigrams(piece: str) -> list[str]:
    return [piece[i : i + 3] for i in range(len(piece) - 2)]


def choose(
    candidates: list[str], rows_with: Mapping[str, int], limit: int
) -> list[tuple[str, int]]:
    """The rarest pieces, each with the rows it can touch (its rarest trigram's count),
    adding up to at most `limit` rows (the first one always, so a query of common words
    still asks something). Pieces with a trigram no row holds cannot match."""
    costed = []
    for order, piece in enumerate(candidates):
        counts = [rows_with.get(g, 0) for g in trigrams(piece)]
        if counts and min(counts) > 0:
            costed.append((min(counts), order, piece))
    chosen: list[tuple[str, int]] = []
    spent = 0
    for cost, _order, piece in sorted(costed):
        if len(chosen) == MAX_PIECES or (chosen and spent + cost > limit):
            break
        chosen.append((piece, cost))
        spent += cost
    return chosen


_ONE = "SELECT rowid AS r, ? AS w FROM grams WHERE grams MATCH ?"


def ranked(columns: str, pieces: int) -> str:
    """The SQL for a query of `pieces` pieces: the tracks' `columns` (aliased `t`) of the
    rows holding the heaviest pieces, best first. Takes `parameters`."""
    union = " UNION ALL ".join([_ONE] * pieces)
    return (
        f"SELECT {columns} FROM (SELECT r, sum(w) AS s FROM ({union}) GROUP BY r "
        "HAVING s >= ? ORDER BY s DESC LIMIT ?) AS best JOIN tracks AS t ON t.rowid = best.r "
        "ORDER BY best.s DESC, t.rowid"
    )


def parameters(chosen: Iterable[tuple[str, int]], rows: int, limit: int) -> list[object]:
    """Each piece's weight and phrase, then the least weight a row must hold, then the
    limit."""
    out: list[object] = []
    for piece, cost in chosen:
        out += [math.log(1.0 + max(rows, cost) / cost), '"' + piece.replace('"', '""') + '"']
    return [*out, MIN_SHARE * sum(out[0::2]), limit]  # type: ignore[arg-type]
