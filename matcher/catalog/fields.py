"""Cleaning single values on their way into the catalog, shared by every importer.

Each source writes numbers, keys, artist lists and versions its own way; these turn them
into the catalog CSV's terms (DESIGN.md) so the store holds one notation. A value that
cannot be read becomes empty rather than failing the import: one bad cell must not cost
a 30,000-row catalog.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field

from matcher.matching.keys import parse_key
from matcher.matching.text import fold
from matcher.matching.versions import split_version

__all__ = [
    "ReadStats",
    "parse_duration",
    "parse_number",
    "short_hash",
    "split_artists",
    "title_and_mix",
    "tidy_date",
    "tidy_key",
]

# Featured artists in brackets become a plain list item: "A (feat. B)" -> "A, B".
_BRACKET_FEAT = re.compile(r"\s*[(\[]\s*(?:feat|ft|featuring)\.?\s+([^)\]]+)[)\]]", re.I)
# ", " and "; " separate artists; so do feat./ft./featuring (featured artists stay in).
# "&", "and", "x" and "vs" are left alone: they are often part of one act's name.
_ARTIST_SPLIT = re.compile(r"\s*;\s*|,\s+|\s+(?:feat|ft)\.?\s+|\s+featuring\s+", re.I)
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$")
_DATE = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_MAX_PROBLEMS = 20


@dataclass(slots=True)
class ReadStats:
    """Counts an importer keeps while it streams a source (mutable on purpose: the reader
    is a generator, and its caller reads the counts once it is exhausted)."""

    rows_read: int = 0  # rows, collection entries or audio files looked at
    rows_skipped: int = 0  # of those, how many gave no track (no id, no title, unreadable)
    bad_cells: int = 0  # values that could not be read and were left empty
    problems: list[str] = field(default_factory=list)  # the first few, for the report

    def note(self, problem: str) -> None:
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(problem)


def parse_number(text: str, stats: ReadStats | None = None, what: str = "") -> float | None:
    """A positive finite number ("125", "124.98", "125,5"), else None (counted as bad)."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = math.nan
    if math.isfinite(value) and value > 0:
        return value
    if stats is not None:
        stats.bad_cells += 1
        stats.note(f"bad {what or 'number'}: {text!r}")
    return None


def parse_duration(
    text: str, stats: ReadStats | None = None, what: str = "duration"
) -> float | None:
    """Seconds, from "373", "373.5" or a clock "6:13" / "1:02:03"."""
    if m := _CLOCK.match(text.strip()):
        hours, minutes, seconds = m.groups()
        value = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
        return value or None
    return parse_number(text, stats, what)


def tidy_key(text: str) -> str:
    """The catalog notation ("A Minor") when the key reads as one, else the text as given."""
    key = parse_key(text.strip())
    return key.musical if key else text.strip()


def tidy_date(text: str) -> str:
    """ISO style for the dates collections write ("2014/1/1" -> "2014-01-01"); a year stays
    a year, and anything else is kept as written."""
    text = text.strip()
    m = _DATE.match(text)
    if not m:
        return text
    year, month, day = m.groups()
    parts = [year, *(f"{int(p):02d}" for p in (month, day) if p)]
    return "-".join(parts)


def split_artists(text: str) -> tuple[str, ...]:
    """Artists of a credit, conservatively: split on ", ", ";" and feat./ft."""
    text = _BRACKET_FEAT.sub(lambda m: ", " + m.group(1), text.strip())
    names = (name.strip(" ,") for name in _ARTIST_SPLIT.split(text))
    return tuple(dict.fromkeys(name for name in names if name))


def title_and_mix(title: str, mix: str) -> tuple[str, str]:
    """The catalog's (title, mix): a version written in the title moves to `mix` unless
    the source has a different mix of its own, which then wins and the title stays whole."""
    title, mix = title.strip(), mix.strip()
    core, version = split_version(title)
    if not version:
        return title, mix
    if not mix:
        return core, version
    return (core, mix) if fold(version) == fold(mix) else (title, mix)


def short_hash(text: str) -> str:
    """A stable 16-hex-digit id for a path or a text (same input, same id, any machine)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
