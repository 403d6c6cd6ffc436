"""CSV playlists: Exportify, TuneMyMusic, Serato history, YouTube exports, spreadsheets.

The header and delimiter are found by `csvheader`; each non-empty row after it is one
entry. Spotify's `Key` (pitch class 0-11, -1 unknown) with `Mode` (1 major, 0 minor)
becomes a musical key ("A Minor"); every other key is kept as written. A "Playlist name"
column (TuneMyMusic) splits the rows into several playlists, named by that column.
A Serato history export starts with a session summary row (no artist, a date for a name,
hours of play time): rows like that are skipped.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from matcher.errors import PlaylistParseError
from matcher.matching.keys import from_pitch_class
from matcher.model import Playlist, PlaylistEntry
from matcher.playlists.csvheader import Column, Header, find_header
from matcher.playlists.fields import decode_location, duration, number, year
from matcher.playlists.parsed import ParsedFile
from matcher.playlists.sources import decode_text, read_bytes

__all__ = ["parse_text", "scan"]

_TEXT_FIELDS = (
    "title", "artist", "remixer", "mix", "album", "label", "genre", "comments", "isrc",
    "source_id",
)  # fmt: skip
_DATE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$")
_SESSION_SECONDS = 1800  # a summary row's play time is the whole session
_PITCH_CLASS = re.compile(r"^-?\d{1,2}$")


class _Row:
    """One data row, read through the header's columns."""

    __slots__ = ("cells", "columns")

    def __init__(self, cells: list[str], columns: dict[str, Column]) -> None:
        self.cells = cells
        self.columns = columns

    def get(self, field: str) -> str:
        column = self.columns.get(field)
        if column is None or column.index >= len(self.cells):
            return ""
        return self.cells[column.index]

    def duration(self, field: str) -> float | None:
        column = self.columns.get(field)
        return duration(self.get(field), column.unit if column else "")


def _key(row: _Row) -> str:
    """Spotify's pitch class + mode as "A Minor"; any other notation as written."""
    raw = row.get("key")
    if "mode" not in row.columns or not _PITCH_CLASS.match(raw):
        return raw
    mode = row.get("mode")
    if mode not in ("0", "1"):
        return ""
    key = from_pitch_class(int(raw), minor=mode == "0")
    return key.musical if key else ""


def _is_session_summary(row: _Row) -> bool:
    if row.get("artist") or not _DATE.match(row.get("title")):
        return False
    longest = max(row.duration("playtime") or 0.0, row.duration("duration") or 0.0)
    return longest >= _SESSION_SECONDS


def _entry(row: _Row, file_name: str, playlist: str, index: int) -> PlaylistEntry:
    values = {field: row.get(field) for field in _TEXT_FIELDS}
    return PlaylistEntry(
        playlist_file=file_name,
        playlist=playlist,
        entry_index=index,
        year=year(row.get("year")),
        duration_s=row.duration("duration"),
        bpm=number(row.get("bpm")),
        key=_key(row),
        location=decode_location(row.get("location")),
        **values,
    )


def _rows(content: str, header: Header) -> list[list[str]]:
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=header.delimiter)
    rows = []
    for row_index, row in enumerate(reader):
        if row_index > header.row_index:
            rows.append([cell.strip() for cell in row])
    return rows


def parse_text(content: str, source: Path) -> list[Playlist]:
    """The playlists in CSV `content`, read as the file `source`."""
    header = find_header(content)
    if header is None:
        raise PlaylistParseError(
            f"{source.name}: no CSV header with a title column (such as Title, Name or "
            "Track Name) in its first 20 rows"
        )
    try:
        rows = _rows(content, header)
    except csv.Error as err:
        raise PlaylistParseError(f"{source.name}: broken CSV ({err})") from None
    groups: dict[str, list[PlaylistEntry]] = {}
    for cells in rows:
        if not any(cells):
            continue
        row = _Row(cells, header.columns)
        if _is_session_summary(row):
            continue
        name = row.get("playlist") or source.stem
        entries = groups.setdefault(name, [])
        entries.append(_entry(row, source.name, name, len(entries)))
    if not groups:
        groups[source.stem] = []
    return [
        Playlist(source=source, name=name, format="csv", entries=tuple(entries))
        for name, entries in groups.items()
    ]


def scan(path: Path) -> ParsedFile:
    return ParsedFile(tuple(parse_text(decode_text(read_bytes(path)), path)))
