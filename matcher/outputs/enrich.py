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
from collections.abc import Mapping

from matcher.matching.keys import format_key, parse_key
from matcher.model import CatalogTrack

__all__ = ["ENRICHED_FIELDS", "fill_fields", "format_bpm", "year_of"]

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


def fill_fields(current: Mapping[str, str], track: CatalogTrack, notation: str) -> dict[str, str]:
    """The attributes to set on a TRACK whose attributes are `current`.

    Only fields that are empty in `current` and known in `track` appear in the result.
    """
    offered = (
        ("Name", track.title),
        ("Artist", ", ".join(track.artists)),
        ("Album", track.release),
        ("Label", track.label),
        ("Remixer", ", ".join(track.remixers)),
        ("Mix", track.mix),
        ("Genre", track.genre),
    )
    updates: dict[str, str] = {}
    for name, value in offered:
        if value and (value := value.strip()) and not (current.get(name) or "").strip():
            updates[name] = value
    key = parse_key(track.key)
    if key and _is_empty(current.get("Tonality")):
        updates["Tonality"] = format_key(key, notation)
    bpm = format_bpm(track.bpm)
    if bpm and _is_zero(current.get("AverageBpm")):
        updates["AverageBpm"] = bpm
    year = year_of(track.release_date)
    if year and (current.get("Year") or "").strip() in ("", "0"):
        updates["Year"] = year
    seconds = round(track.duration_s) if track.duration_s and track.duration_s > 0 else 0
    if seconds and _is_zero(current.get("TotalTime")):
        updates["TotalTime"] = str(seconds)
    return updates
