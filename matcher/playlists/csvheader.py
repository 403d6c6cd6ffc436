"""Finding and naming the columns of a playlist CSV.

CSV playlists come from Exportify (several column generations), TuneMyMusic, Serato
history exports, YouTube playlist exporters and spreadsheets. Header cells are matched
by name (case, stray whitespace/tabs and `_` ignored) against the spellings below; the
first recognised spelling of a field wins. The header is the first of the first 20 rows
with at least two recognised columns including a title, so preamble lines
("Playlist URL","...") before it are skipped. The delimiter (`,` `;` TAB `|`) is the one
whose header row recognises the most columns.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["DELIMITERS", "Column", "Header", "find_header", "header_name", "recognise"]

DELIMITERS = (",", ";", "\t", "|")
HEADER_SCAN_ROWS = 20
_SCAN_CHARS = 65536

# field -> header spellings, best first; a unit for durations ("ms", "s", "" = guess).
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "title": (
        "title", "track name", "track title", "song", "song name", "song title", "name",
        "title name", "track",
    ),
    "artist": (
        "artist", "artist name(s)", "artist name", "artists", "artist names", "artist(s)",
        "track artist", "track artists", "performer", "channel",
    ),
    "album": ("album", "album name", "album title", "release", "release name", "release title"),
    "label": ("label", "record label", "publisher", "label name"),
    "isrc": ("isrc", "isrc code"),
    "duration": (
        "track duration (ms)", "duration (ms)", "duration ms", "length (ms)", "time (ms)",
        "duration", "length", "time", "duration (s)", "length (s)", "track duration",
    ),
    "bpm": ("bpm", "tempo", "beats per minute"),
    "key": ("key", "initial key", "musical key", "camelot", "key (camelot)"),
    "mode": ("mode",),
    "year": (
        "year", "release date", "album release date", "date", "release year",
        "original release date",
    ),
    "genre": ("genre", "genres", "artist genres"),
    "remixer": ("remixer", "remixers", "remixed by", "remix artist"),
    "mix": ("mix", "version", "mix name", "mix type"),
    "comments": ("comment", "comments", "notes", "note", "description"),
    "location": ("location", "path", "file", "file path", "filepath", "filename", "file name"),
    "source_id": (
        "track uri", "spotify uri", "spotify id", "track id", "spotify - id", "video id",
        "uri", "id", "beatport id", "spotify track id",
    ),
    "playlist": ("playlist name", "playlist"),
    "playtime": ("playtime", "play time"),
}  # fmt: skip
_UNITS = {"ms": ("(ms)", " ms"), "s": ("(s)",)}
_LOOKUP = {
    spelling: (field, rank)
    for field, spellings in _SPELLINGS.items()
    for rank, spelling in enumerate(spellings)
}
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    unit: str = ""  # durations: "ms", "s" or "" (guess from the value)


@dataclass(frozen=True, slots=True)
class Header:
    delimiter: str
    row_index: int  # 0-based row (as the csv module counts rows) of the header
    columns: dict[str, Column]


def header_name(cell: str) -> str:
    """A header cell in comparable form: "\\t\\tArtist_Name(s) " -> "artist name(s)"."""
    return _SPACE.sub(" ", cell.replace("\ufeff", "").replace("_", " ")).strip().lower()


def _unit(name: str) -> str:
    for unit, marks in _UNITS.items():
        if any(name.endswith(mark) for mark in marks):
            return unit
    return ""


def recognise(row: Sequence[str]) -> dict[str, Column]:
    """The fields a header row names, each with its best-ranked column."""
    best: dict[str, tuple[int, Column]] = {}
    for index, cell in enumerate(row):
        name = header_name(cell)
        if name not in _LOOKUP:
            continue
        field, rank = _LOOKUP[name]
        if field not in best or rank < best[field][0]:
            best[field] = (rank, Column(index, _unit(name)))
    return {field: column for field, (_, column) in best.items()}


def _scan(text: str, delimiter: str) -> Header | None:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row_index, row in enumerate(reader):
            if row_index >= HEADER_SCAN_ROWS:
                break
            columns = recognise(row)
            if "title" in columns and len(columns) >= 2:
                return Header(delimiter, row_index, columns)
    except csv.Error:
        return None
    return None


def find_header(text: str) -> Header | None:
    """The header row of a CSV playlist, or None when there is none in the first rows."""
    head = text[:_SCAN_CHARS]
    found = [h for d in DELIMITERS if (h := _scan(head, d))]
    if not found:
        return None
    return max(found, key=lambda h: (len(h.columns), -h.row_index))
