"""The local catalog: one SQLite file with an FTS5 index the matcher searches.

    tracks  one row per catalog track, keyed by `catalog_id` (rowid stays stable on update)
    fts     FTS5 over FOLDED text, rowid = tracks.rowid:
              title    fold(title without its version suffix)
              artists  fold(artists + remixers)
              mix      fold(mix + the version split off the title)
    grams   FTS5 trigram index over fold(artists + remixers) + fold(title), for typos
            (see grams.py), with grams_df, its trigrams' row counts
    words_df  the word index's words' row counts, so a query leaves out words too common
            to rank (see words.py)
    meta    key/value: schema version and import records

Schema versions: 1 had no trigram index; 2 adds it; 3 adds words_df. A writable open of
an older file builds what it lacks (the trigram index from the word index's folded text,
a second or so per 100,000 rows; the word counts in half a second for a million rows)
and records version 3; a read-only open leaves it as it is, and `has_trigrams` or
`has_word_counts` is False.

The word index keeps its own copy of the folded text (a few MB for 30k rows): folded text
is computed in Python, so SQLite could not rebuild it from `tracks`, and a plain FTS5 table
is updated with INSERT OR REPLACE by rowid without knowing the old values (the trigram
index, contentless, reads its old values from there). Writers use WAL; when the last writer
closes the file goes back to a rollback journal, so read-only openers (one `mode=ro`
connection per process) need no -wal/-shm files and work from read-only folders too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from itertools import islice
from pathlib import Path
from types import TracebackType

from matcher.catalog import grams
from matcher.catalog import words as word_df
from matcher.catalog.damaged import catalog_error, describe
from matcher.catalog.rows import COLUMNS as _COLUMNS
from matcher.catalog.rows import folded_fields, normalise_isrc, row_of, track_of
from matcher.catalog.schema import (
    ADD_FILE_SIZE,
    CACHE_KB,
    FTS_UPSERT,
    HOLDING,
    META,
    MMAP_BYTES,
    SCHEMA,
    SCHEMA_VERSION,
    SEARCH,
    SELECT,
    SIZELESS_VIEW,
    T_COLUMNS,
    UNRANKED,
    UPSERT,
    connect_readonly,
)
from matcher.catalog.word_counts import WordCounts
from matcher.errors import CatalogError
from matcher.model import CatalogTrack
from matcher.sqlite_wal import use_wal

__all__ = ["SCHEMA_VERSION", "CatalogStore", "folded_fields", "normalise_isrc"]

_BATCH = 4000  # rows per write transaction

_CHECKED = 32  # rows a narrowed query may find for their common words to be checked here


class CatalogStore:
    """A connection to one catalog file. Open one per process; close it (or use `with`)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self._conn = conn
        self._numeric_ids: bool | None = None
        self._rows: int | None = None
        self.words = WordCounts(self._run)  # what it knows of its index's words
        self.has_trigrams = False  # whether the trigram index is there (schema 2 and later)

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False) -> CatalogStore:
        """Open (and when writable and new, create) the catalog at `path`."""
        path = Path(path)
        if readonly and not path.is_file():
            raise CatalogError(f"catalog not found: {path}")
        if path.is_dir():
            raise CatalogError(f"catalog path is a folder, not a database: {path}")
        conn: sqlite3.Connection | None = None
        try:
            if readonly:
                conn = connect_readonly(path)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            store = cls(path, conn, readonly)
            store._prepare()
        except (sqlite3.Error, CatalogError, OSError) as err:
            if conn is not None:
                conn.close()
            if isinstance(err, CatalogError):
                raise
            if isinstance(err, OSError):
                raise CatalogError(f"cannot create catalog {path}: {err.strerror}") from None
            raise catalog_error(err, path, describe(err, path)) from None
        return store

    def _prepare(self) -> None:
        conn = self._conn
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        ours = {"tracks", "fts", "meta"} <= tables
        if not ours and (self.readonly or tables):
            raise CatalogError(f"not a CrateMatch catalog (no catalog tables): {self.path}")
        sizeless = ours and "file_size" not in {
            r[1] for r in conn.execute("PRAGMA table_info(tracks)")
        }
        if self.readonly:
            if sizeless:
                conn.execute(SIZELESS_VIEW)
            conn.execute("PRAGMA query_only = 1")
            conn.execute(f"PRAGMA cache_size = -{CACHE_KB}")
            conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        else:
            use_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -65536")
            if not ours:
                conn.executescript(f"BEGIN; {SCHEMA} COMMIT;")
                self.set_meta("schema_version", str(SCHEMA_VERSION))
        version = self.meta("schema_version")
        if version is None or not version.isdigit():
            raise CatalogError(f"not a CrateMatch catalog (no schema version): {self.path}")
        if int(version) > SCHEMA_VERSION:
            raise CatalogError(
                f"catalog {self.path} was written by a newer CrateMatch (schema {version})"
            )
        if int(version) < SCHEMA_VERSION and not self.readonly:  # what it lacks, at once
            steps: list[object] = [grams.build] if int(version) < 2 else []
            if int(version) < 3:
                steps.append(word_df.build)
            if sizeless:
                steps.append(lambda c: c.execute(ADD_FILE_SIZE))
            self._atomic(*steps, META, [("schema_version", str(SCHEMA_VERSION))])
        self.has_trigrams = int(version) >= 2 or not self.readonly
        self.words.counted = int(version) >= 3 or not self.readonly

    @property
    def has_word_counts(self) -> bool:
        """Whether words_df is there (schema 3 and later)."""
        return self.words.counted

    def close(self) -> None:
        """Close; a writer folds the WAL back into the file so readers need no -shm."""
        conn = self._conn
        if conn is None:
            return
        self._conn = None  # type: ignore[assignment]
        if not self.readonly:
            try:
                conn.execute("PRAGMA busy_timeout = 0")  # never wait on open readers
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.execute("PRAGMA journal_mode = DELETE")
            except sqlite3.Error:
                pass  # another connection still has it open: it stays in WAL, still readable
        conn.close()

    def __enter__(self) -> CatalogStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------

    def upsert_many(self, tracks: Iterable[CatalogTrack], *, source: str = "") -> int:
        """Insert or update tracks by catalog_id, a few thousand per transaction."""
        self._writable()
        written = 0
        rows = iter(tracks)
        while batch := list(islice(rows, _BATCH)):
            # one row per id (the last wins, as upserting them in turn would): the trigram
            # index is told what to forget per id, and must not be told twice
            unique = list({t.catalog_id: t for t in batch}.values())
            track_rows = [row_of(t, source) for t in unique]
            fts_rows = [(*folded_fields(t), t.catalog_id) for t in unique]
            self._write(track_rows, fts_rows)
            written += len(batch)
        self._numeric_ids = self._rows = None
        self.words.forget()
        return written

    def optimize(self) -> None:
        """Merge the FTS indexes into one segment each (searches get 2-3x faster) and
        recount the trigrams. Run once after a bulk import (some 0.3 s for 30k rows,
        7 s for a million), not after every batch."""
        self._writable()
        self._run("INSERT INTO fts(fts) VALUES ('optimize')")
        self._run("INSERT INTO grams(grams) VALUES ('optimize')")
        self._atomic(grams.recount, word_df.recount)
        self.words.forget()
        self._run("PRAGMA optimize")

    def _write(self, track_rows: list[tuple], fts_rows: list[tuple]) -> None:
        ids = [(row[0],) for row in track_rows]
        self._atomic(
            grams.DELETE_OLD, ids, UPSERT, track_rows, FTS_UPSERT, fts_rows, grams.INSERT_NEW, ids
        )

    def _atomic(self, *steps: object) -> None:
        """One write transaction: each step a function of the connection, or a statement
        followed by its parameter rows."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                todo = iter(steps)
                for step in todo:
                    if callable(step):
                        step(conn)
                    else:
                        conn.executemany(step, next(todo))  # type: ignore[call-overload]
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as err:
            raise CatalogError(f"could not write catalog {self.path}: {err}") from None

    def set_meta(self, key: str, value: str) -> None:
        self._writable()
        self._run(META, (key, value))

    def _writable(self) -> None:
        if self.readonly:
            raise CatalogError(f"catalog opened read-only: {self.path}")

    # -- reading -----------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Run the lookups inside one read transaction (a read-only store only). Outside
        one, every statement is its own transaction: SQLite takes and drops its file lock
        and looks for a hot journal each time, some 8 system calls a query, which came to a
        tenth of a worker's matching time. A writer to the file waits for the span's end,
        so spans are kept short: a worker holds one per chunk."""
        conn = self._conn
        if not self.readonly or conn is None or conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            yield
        finally:  # nothing to lose in a read transaction; closing the store ends it too
            with suppress(sqlite3.Error):
                if conn.in_transaction:  # an I/O error may have rolled it back already
                    conn.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        rows = self._run("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def meta_items(self, prefix: str) -> dict[str, str]:
        """Every meta entry whose key starts with `prefix` (import records, for listings)."""
        rows = self._run("SELECT key, value FROM meta WHERE substr(key, 1, ?) = ?",
                         (len(prefix), prefix))  # fmt: skip
        return dict(rows)

    def count(self) -> int:
        return self._run("SELECT count(*) FROM tracks")[0][0]

    def _row_count(self) -> int:
        if self._rows is None:
            self._rows = self._run("SELECT max(rowid) FROM tracks")[0][0] or 0
        return self._rows

    def by_id(self, catalog_id: str) -> CatalogTrack | None:
        rows = self._run(f"{SELECT} WHERE catalog_id = ?", (catalog_id,))
        return track_of(rows[0]) if rows else None

    def by_ids(self, ids: Sequence[str]) -> list[CatalogTrack]:
        """The tracks for `ids` that exist, in the order asked."""
        found: dict[str, CatalogTrack] = {}
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            sql = f"{SELECT} WHERE catalog_id IN ({', '.join('?' * len(chunk))})"
            for row in self._run(sql, chunk):
                found[row[0]] = track_of(row)
        return [found[i] for i in wanted if i in found]

    def by_isrc(self, isrc: str) -> list[CatalogTrack]:
        bare = normalise_isrc(isrc)
        if not bare:
            return []
        rows = self._run(f"{SELECT} WHERE isrc = ? AND isrc != '' ORDER BY rowid", (bare,))
        return [track_of(r) for r in rows]

    # -- searching ---------------------------------------------------------------------

    def search_grams(self, words: Sequence[str], limit: int) -> list[CatalogTrack]:
        """Tracks holding the most (and rarest) four-letter pieces of `words`, best first;
        a bounded number of index rows is touched (see grams.py). Empty when the catalog
        has no trigram index."""
        if not self.has_trigrams or limit <= 0:
            return []
        candidates = grams.pieces(words)
        needed = list(dict.fromkeys(g for p in candidates for g in grams.trigrams(p)))
        counts = self.words.gram_rows(needed)
        rows = self._row_count()
        chosen = grams.choose(candidates, counts, grams.budget(rows))
        if not chosen:
            return []
        sql = grams.ranked(T_COLUMNS, len(chosen))
        return [track_of(r) for r in self._run(sql, grams.parameters(chosen, rows, limit))]

    def search(self, match: str, limit: int) -> list[CatalogTrack]:
        """Tracks matching an FTS5 MATCH expression, best bm25 rank first."""
        return [track_of(r) for r in self._match(SEARCH, match, limit)]

    def search_few(self, match: str, limit: int) -> list[CatalogTrack] | None:
        """Every track matching `match` when there are at most `limit`, in rowid order;
        None when there are more. Ranking costs bm25 a walk over the posting list of each
        word, however few rows match ("the": 150,000 rows at a million); finding the rows
        that hold all the words does not, so a strict query that matches few rows gets
        them all this way, the same set the ranked query would give."""
        rows = self._match(UNRANKED, match, limit + 1)
        return None if len(rows) > limit else [track_of(r) for r in rows]

    def search_few_narrowed(
        self,
        match: str,
        narrowed: str,
        checked: tuple[tuple[str, ...], tuple[str, ...]],
        limit: int,
    ) -> list[CatalogTrack] | None:
        """`search_few(match, limit)`, with the index asked for `narrowed`: `match` without
        its `checked` (title, artists) words, which are checked in the rows it finds. The
        same rows, in the same order, when the index makes of a folded text the words its
        spaces divide, as it does of plain ASCII; `match` itself is asked when a row's text
        is not, or when the narrowed query finds more than `_CHECKED` rows."""
        rows = self._match(HOLDING, narrowed, _CHECKED + 1)
        if len(rows) > _CHECKED or not all(t.isascii() and a.isascii() for _, t, a in rows):
            return self.search_few(match, limit)
        in_title, in_artists = set(checked[0]), set(checked[1])
        kept = [
            rowid
            for rowid, title, artists in rows
            if in_title <= set(title.split()) and in_artists <= set(artists.split())
        ]
        if len(kept) > limit:
            return None
        if not kept:
            return []
        sql = f"{SELECT} WHERE rowid IN ({', '.join('?' * len(kept))}) ORDER BY rowid"
        return [track_of(r) for r in self._run(sql, kept)]

    def _match(self, sql: str, match: str, limit: int) -> list[tuple]:
        if limit <= 0:
            return []
        if self._conn is None:
            raise CatalogError(f"catalog is closed: {self.path}")
        try:
            return self._conn.execute(sql, (match, limit)).fetchall()
        except sqlite3.OperationalError as err:
            if "fts5" in str(err) or "no such column" in str(err):
                raise CatalogError(f"bad catalog search {match!r}: {err}") from None
            raise catalog_error(err, self.path, describe(err, self.path)) from None
        except sqlite3.DatabaseError as err:
            raise catalog_error(err, self.path, describe(err, self.path)) from None

    def iter_tracks(self) -> Iterator[CatalogTrack]:
        """Every track in rowid order (for exports and benchmarks)."""
        last = 0
        while rows := self._run(f"SELECT rowid, {_COLUMNS} FROM tracks WHERE rowid > ? "
                                "ORDER BY rowid LIMIT 2000", (last,)):  # fmt: skip
            last = rows[-1][0]
            yield from (track_of(r[1:]) for r in rows)

    def has_numeric_ids(self) -> bool:
        """Whether catalog ids look like store ids (nearly all digits, as Beatport's are)."""
        if self._numeric_ids is None:
            total, numeric = self._run(
                "SELECT count(*), total(catalog_id NOT GLOB '*[^0-9]*') FROM tracks"
            )[0]
            self._numeric_ids = bool(total) and numeric >= 0.95 * total
        return self._numeric_ids

    def _run(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Run one statement and fetch all its rows; SQLite errors become CatalogError."""
        if self._conn is None:
            raise CatalogError(f"catalog is closed: {self.path}")
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as err:
            raise catalog_error(err, self.path, describe(err, self.path)) from None
