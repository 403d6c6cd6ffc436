"""The results table's logic, without Tk: rows, filters, sorting and the CSV export.

    TracksMatched ──add()──▶ rows keyed by (batch_id, playlist_id, entry_index)
    ResultEdited  ──edit()─▶ the same key, the same Treeview item id, new values
    FilesWritten  ──mark()─▶ the row's "File tags" cell (ui/written_rows.py says which)
    RowFilter + SortOrder ──visible()──▶ the rows the table shows, in order

Each row is built once, when its result arrives: display strings, the folded text the
search looks in, the numbers the numeric columns sort by and the export's strings. The
display strings are composed (NFC, as the review dialog shows them: an export's
decomposed "ホ゛" reads "ボ") and the confidence is worded as everywhere in the window
(`review_model.percent`: never rounded up past a threshold); the export's strings are the
results as they are.
Filtering and sorting then only read those, so re-filtering 10,000 rows costs a few
milliseconds and no new objects per row. Rows keep no MatchResult: a result is a dozen
objects the garbage collector would walk on every full collection (100+ ms with 10,000
of them), while a row of plain strings is one. The view (ui/views/results_view.py)
turns `visible()` into one Treeview call.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from matcher import MATCH_COLUMNS, MatchResult, fold
from ui.review_model import nfc, percent
from ui.written_rows import WRITTEN

__all__ = [
    "ALL",
    "COLUMNS",
    "STATUSES",
    "Column",
    "ResultRow",
    "ResultsModel",
    "RowFilter",
    "RowKey",
    "SortOrder",
    "export_csv",
    "filter_rows",
    "make_row",
    "sort_rows",
]

RowKey = tuple[str, int, int]  # (batch_id, playlist_id, entry_index)
STATUSES: tuple[str, ...] = ("matched", "review", "unmatched", "error")
ALL = "all"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    heading: str
    width: int  # at 96 dpi, before widget scaling
    numeric: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("index", "#", 52, numeric=True),
    Column("playlist", "Playlist", 120),
    Column("source_artist", "Artist", 140),
    Column("source_title", "Title", 170),
    Column("status", "Status", 84),
    Column("confidence", "Conf.", 60, numeric=True),
    Column("written", "File tags", 84),  # "✓ written" once write-back wrote the file
    Column("artists", "Matched artists", 140),
    Column("title", "Matched title", 170),
    Column("mix", "Mix", 110),
    Column("label", "Label", 110),
    Column("key", "Key", 76),
    Column("bpm", "BPM", 56, numeric=True),
    Column("reason", "Reason", 220),
)
_COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
_STATUS_ORDER = {s: i for i, s in enumerate(STATUSES)}


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One table row: what it shows and what filters and sorts read."""

    key: RowKey
    iid: str  # the Treeview item id, kept when an edit replaces the row
    source: tuple[str, str]  # (playlist file, playlist name) as the entry says
    values: tuple[str, ...]  # display strings, in COLUMNS order
    export: tuple[str, ...]  # the matches.csv row, in MATCH_COLUMNS order
    status: str
    confidence: float
    bpm: float | None
    haystack: str  # folded text the search looks in
    mark: str = ""  # the "File tags" cell: "✓ written", "undone", "refused" or ""

    @property
    def playlist_id(self) -> int:
        return self.key[1]

    @property
    def tag(self) -> str:
        """The Treeview tag that tints the row: its status, or "written"."""
        return "written" if self.mark == WRITTEN else self.status


@dataclass(frozen=True, slots=True)
class RowFilter:
    status: str = ALL  # ALL or one of STATUSES
    min_confidence: float = 0.0
    text: str = ""

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(fold(self.text).split())

    @property
    def is_open(self) -> bool:
        """True when every row passes (the view can then simply append new rows)."""
        return self.status == ALL and self.min_confidence <= 0 and not self.words


@dataclass(frozen=True, slots=True)
class SortOrder:
    column: str | None = None  # None: playlist order (batch, playlist, position)
    descending: bool = False

    def toggled(self, column: str) -> SortOrder:
        """Clicking a header: a new column sorts ascending, the same one flips."""
        if column == self.column:
            return SortOrder(column, not self.descending)
        return SortOrder(column, False)


def _bpm_text(bpm: float | None) -> str:
    if bpm is None:
        return ""
    return str(int(bpm)) if float(bpm).is_integer() else f"{bpm:.1f}"


def make_row(
    batch_id: str, playlist_id: int, result: MatchResult, iid: str, mark: str = ""
) -> ResultRow:
    """The row for one result: the best candidate is shown for `matched` and `review`;
    `mark` is what write-back did to the entry's file."""
    entry = result.entry
    shown = result.best.track if result.best is not None and result.catalog_id else None
    status = str(result.status)
    artists = ", ".join(shown.artists) if shown else ""
    values = (
        str(entry.entry_index + 1),
        nfc(entry.playlist),
        nfc(entry.artist),
        nfc(entry.title),
        status,
        percent(result.confidence),
        mark,
        nfc(artists),
        nfc(shown.title) if shown else "",
        nfc(shown.mix) if shown else "",
        nfc(shown.label) if shown else "",
        shown.key if shown else "",
        _bpm_text(shown.bpm) if shown else "",
        nfc(result.reason),
    )
    searched = (entry.artist, entry.title, entry.mix, entry.album, entry.playlist, artists)
    if shown:
        searched += (shown.title, shown.mix, shown.label, shown.catalog_id, shown.isrc)
    haystack = fold(" ".join(searched))  # one fold per row: rows arrive by the thousand
    if shown:
        haystack += " " + shown.catalog_id.casefold()  # ids like "BP-1234" unfolded too
    return ResultRow(
        key=(batch_id, playlist_id, entry.entry_index),
        iid=iid,
        source=(entry.playlist_file, entry.playlist),
        values=values,
        export=tuple(result.row().values()),
        status=status,
        confidence=result.confidence,
        bpm=shown.bpm if shown else None,
        haystack=haystack,
        mark=mark,
    )


def filter_rows(rows: Iterable[ResultRow], flt: RowFilter) -> list[ResultRow]:
    status, floor, words = flt.status, flt.min_confidence, flt.words
    out = []
    for row in rows:
        if status != ALL and row.status != status:
            continue
        if row.confidence < floor:
            continue
        if words and not all(word in row.haystack for word in words):
            continue
        out.append(row)
    return out


def _sort_value(row: ResultRow, column: str, position: int) -> object:
    """What `column` sorts by: numbers for numeric columns, None when empty."""
    if column == "index":
        return row.key[2]
    if column == "confidence":
        return row.confidence
    if column == "bpm":
        return row.bpm
    if column == "status":
        return _STATUS_ORDER.get(row.status, len(STATUSES))
    text = row.values[position]
    return text.casefold() if text else None


def sort_rows(rows: Sequence[ResultRow], order: SortOrder) -> list[ResultRow]:
    """Stable sort by one column; empty cells go last in both directions."""
    if order.column is None or order.column not in _COLUMN_INDEX:
        return sorted(rows, key=lambda row: row.key)
    position = _COLUMN_INDEX[order.column]
    keyed = [(_sort_value(row, order.column, position), row) for row in rows]
    filled = [pair for pair in keyed if pair[0] is not None]
    filled.sort(key=lambda pair: pair[0], reverse=order.descending)
    return [row for _value, row in filled] + [row for value, row in keyed if value is None]


def export_csv(rows: Iterable[ResultRow]) -> str:
    """The rows as CSV text in `matches.csv` columns (what the export writes)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MATCH_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(dict(zip(MATCH_COLUMNS, row.export, strict=True)))
    return buffer.getvalue()


class ResultsModel:
    """Every row the table has, plus the filter and the sort."""

    def __init__(self) -> None:
        self._rows: dict[RowKey, ResultRow] = {}
        self._by_iid: dict[str, RowKey] = {}
        self._next_iid = 0
        self._counts = dict.fromkeys(STATUSES, 0)
        # (batch_id, playlist_id) -> (file name, playlist name), and -> rows here
        self._identity_of: dict[tuple[str, int], tuple[str, str]] = {}
        self._rows_of: Counter[tuple[str, int]] = Counter()
        self._name_of: dict[tuple[str, int], str] = {}
        self._marks: dict[RowKey, str] = {}  # kept for rows not here yet, and across edits
        self.filter = RowFilter()
        self.order = SortOrder()

    def __len__(self) -> int:
        return len(self._rows)

    def rows(self) -> list[ResultRow]:
        return list(self._rows.values())

    def row(self, key: RowKey) -> ResultRow | None:
        return self._rows.get(key)

    def row_by_iid(self, iid: str) -> ResultRow | None:
        key = self._by_iid.get(iid)
        return self._rows.get(key) if key is not None else None

    def counts(self) -> dict[str, int]:
        """Rows per status (kept as rows come and go: the table asks after every insert)."""
        return dict(self._counts)

    def pairs(self) -> list[tuple[str, int]]:
        """The (batch_id, playlist_id) of every playlist with rows here."""
        return list(self._rows_of)

    def playlist_names(self) -> list[str]:
        """The names of the playlists with rows here, as the Playlist column shows them."""
        return [self._name_of.get(pair, "") for pair in self._rows_of]

    # -- changes -------------------------------------------------------------------

    def add(
        self, batch_id: str, playlist_id: int, results: Iterable[MatchResult]
    ) -> list[ResultRow]:
        """Add (or replace, for a key already present) rows; returns them."""
        return [self._put(batch_id, playlist_id, result) for result in results]

    def edit(self, batch_id: str, playlist_id: int, result: MatchResult) -> ResultRow:
        """A ResultEdited: the row under the same key now shows `result`."""
        return self._put(batch_id, playlist_id, result)

    def _put(self, batch_id: str, playlist_id: int, result: MatchResult) -> ResultRow:
        key = (batch_id, playlist_id, result.entry.entry_index)
        old = self._rows.get(key)
        if old is not None:
            iid = old.iid
        else:
            self._next_iid += 1
            iid = f"r{self._next_iid}"
            self._by_iid[iid] = key
        row = make_row(batch_id, playlist_id, result, iid, self._marks.get(key, ""))
        if old is not None:
            self._counts[old.status] -= 1
        else:
            self._rows_of[key[:2]] += 1
            self._name_of.setdefault(key[:2], row.values[_COLUMN_INDEX["playlist"]])
        self._counts[row.status] = self._counts.get(row.status, 0) + 1
        self._rows[key] = row
        return row

    def mark(self, key: RowKey, mark: str) -> ResultRow | None:
        """Write-back wrote (or undid, or refused) the row's file; the row, if present."""
        self._marks[key] = mark
        row = self._rows.get(key)
        if row is None or row.mark == mark:
            return None
        values = list(row.values)
        values[_COLUMN_INDEX["written"]] = mark
        self._rows[key] = row = replace(row, values=tuple(values), mark=mark)
        return row

    def start_batch(
        self, batch_id: str, playlists: Iterable[tuple[int, str, str, int]]
    ) -> list[ResultRow]:
        """A new batch replaces the rows of the same playlists (same file and name) from
        earlier batches; other playlists' rows stay. Returns the rows removed."""
        fresh = set()
        for playlist_id, file_name, name, _entries in playlists:
            self._identity_of[(batch_id, playlist_id)] = (file_name, name)
            fresh.add((file_name, name))
        stale = [
            row
            for row in self._rows.values()
            if row.key[0] != batch_id and self._identity(row) in fresh
        ]
        for row in stale:
            del self._rows[row.key]
            self._counts[row.status] -= 1
            del self._by_iid[row.iid]
            self._rows_of[row.key[:2]] -= 1
        self._rows_of += Counter()  # drops the playlists left without rows
        return stale

    def _identity(self, row: ResultRow) -> tuple[str, str]:
        known = self._identity_of.get(row.key[:2])
        if known is not None:
            return known
        return row.source

    def clear(self) -> None:
        self._rows.clear()
        self._counts = dict.fromkeys(STATUSES, 0)
        self._by_iid.clear()
        self._rows_of.clear()

    # -- what the table shows ------------------------------------------------------

    def accepts(self, row: ResultRow) -> bool:
        return bool(filter_rows((row,), self.filter))

    def visible(self) -> list[ResultRow]:
        rows: Iterable[ResultRow] = self._rows.values()
        if not self.filter.is_open:
            rows = filter_rows(rows, self.filter)
        return sort_rows(list(rows), self.order)

    def toggle_sort(self, column: str) -> SortOrder:
        self.order = self.order.toggled(column)
        return self.order

    @property
    def is_plain(self) -> bool:
        """True when the table shows every row in playlist order (chunks finish out of
        order, so the view places each new row by its key)."""
        return self.filter.is_open and self.order.column is None
