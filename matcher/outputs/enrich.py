"""Which Rekordbox TRACK fields a matched catalog track may fill, and how.

The rule users rely on: a field they filled is never overwritten; only empty fields
(and Rekordbox's "0" placeholders for year, BPM and length) take the catalog's value.
Every field the catalog knows and Rekordbox's XML can hold is offered: title, artists,
release (Album), label, remixers, mix, genre, key, BPM, year and length (ISRC has no
place in Rekordbox's XML). Keys are written in the notation the user's file already
uses, so a Camelot library stays Camelot.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from matcher.matching.keys import format_key, parse_key
from matcher.model import CatalogTrack

__all__ = ["ENRICHED_FIELDS", "fill_fields", "fillable", "format_bpm", "year_of"]

ENRICHED_FIELDS = (
    "Name", "Artist", "Album", "Label", "Remixer", "Mix", "Genre", "Tonality", "AverageBpm",
    "Year", "TotalTime",
)  # fmt: skip

_YEAR = re.compile(r"^\s*(\d{4})")


def year_of(date: str) -> str:
    """The year of "2019-05-01", "2019" or "2019-05"; "" when there is none."""
    m = _YEAR.match(date or "")
    return m.group(1) if m and m.group(1) != "0000" else ""


def format_bpm(bpm: float | None) -> str:
    return f"{bpm:.2f}" if bpm and bpm > 0 else ""


def _is_empty(value: str | None) -> bool:
    return not (value or "").strip()


def _is_zero(value: str | None) -> bool:
    text = (value or "").strip()
    if not text:
        return True
    try:
        return float(text) == 0
    except ValueError:
        return False


def fillable(name: str, value: str | None) -> bool:
    """Whether `fill_fields` may fill the field `name` of a TRACK that holds `value` in
    it (None: it has no such attribute): when empty, or for a year "0", for BPM and
    length a zero (Rekordbox's placeholders)."""
    if name in ("AverageBpm", "TotalTime"):
        return _is_zero(value)
    if name == "Year":
        return (value or "").strip() in ("", "0")
    return _is_empty(value)


# The text fields a catalog track offers, in the order they are set (a new attribute
# goes at the end of the TRACK, so the order is what the file shows).
_OFFERED: tuple[tuple[str, Callable[[CatalogTrack], str]], ...] = (
    ("Name", lambda t: t.title),
    ("Artist", lambda t: ", ".join(t.artists)),
    ("Album", lambda t: t.release),
    ("Label", lambda t: t.label),
    ("Remixer", lambda t: ", ".join(t.remixers)),
    ("Mix", lambda t: t.mix),
    ("Genre", lambda t: t.genre),
)


def fill_fields(current: Mapping[str, str], track: CatalogTrack, notation: str) -> dict[str, str]:
    """The attributes to set on a TRACK whose attributes are `current`.

    Only fields that are empty in `current` and known in `track` appear in the result.
    A field the TRACK has filled is not worked out at all (most are, in a tagged
    library: the key parsed and the artists joined for nothing took most of the time).
    """
    updates: dict[str, str] = {}
    get = current.get
    for name, offered in _OFFERED:
        if _is_empty(get(name)):
            value = offered(track)
            if value and (value := value.strip()):
                updates[name] = value
    if fillable("Tonality", get("Tonality")) and (key := parse_key(track.key)):
        updates["Tonality"] = format_key(key, notation)
    if fillable("AverageBpm", get("AverageBpm")) and (bpm := format_bpm(track.bpm)):
        updates["AverageBpm"] = bpm
    if fillable("Year", get("Year")) and (year := year_of(track.release_date)):
        updates["Year"] = year
    length = track.duration_s
    seconds = round(length) if length and length > 0 else 0
    if seconds and fillable("TotalTime", get("TotalTime")):
        updates["TotalTime"] = str(seconds)
    return updates
