"""The fields write-back can put into a file, and the values a catalog track gives them.

Pure: a catalog track in, strings out. The strings are what DJ software shows, so they
follow its habits: the key in the notation the user picked (Rekordbox shows "Am", "F#",
"Bbm" by default, which is `MusicalKey.short`), the BPM without trailing zeros, the year
alone. An empty value is never proposed: write-back adds knowledge, it never blanks a tag.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from matcher.matching.keys import MusicalKey, parse_key
from matcher.model import CatalogTrack
from matcher.writeback.errors import WriteError

__all__ = [
    "DEFAULT_FIELDS",
    "KEY_NOTATIONS",
    "WRITE_FIELDS",
    "bpm_number",
    "format_bpm",
    "format_key",
    "parse_fields",
    "proposed_values",
    "year_of",
]

WRITE_FIELDS: tuple[str, ...] = (
    "genre", "label", "key", "bpm", "year", "remixers", "mix", "isrc", "comment",
)  # fmt: skip
# The comment is the user's own notes in most libraries: only written when asked for.
DEFAULT_FIELDS: frozenset[str] = frozenset(WRITE_FIELDS) - {"comment"}
KEY_NOTATIONS: tuple[str, ...] = ("musical", "camelot", "openkey")

_YEAR = re.compile(r"^\s*(\d{4})(?!\d)")


def parse_fields(text: str | Iterable[str]) -> frozenset[str]:
    """`--fields genre,label,key` as a set; WriteError names an unknown field."""
    names = text.split(",") if isinstance(text, str) else list(text)
    fields = {n.strip().lower() for n in names if n.strip()}
    unknown = sorted(fields - set(WRITE_FIELDS))
    if unknown:
        raise WriteError(
            f"unknown field {', '.join(unknown)} (choose from {', '.join(WRITE_FIELDS)})"
        )
    if not fields:
        raise WriteError("no fields to write")
    return frozenset(fields)


def format_key(key: MusicalKey, notation: str) -> str:
    """A key in one of KEY_NOTATIONS: "Am" (musical), "8A" (camelot), "1m" (openkey)."""
    if notation == "musical":
        return key.short
    if notation == "camelot":
        return key.camelot
    if notation == "openkey":
        return key.open_key
    raise WriteError(f"unknown key notation {notation!r} (choose from {', '.join(KEY_NOTATIONS)})")


def bpm_number(text: str | float | None) -> float | None:
    """A BPM from a tag or the catalog; None when it is not a positive number."""
    if text is None:
        return None
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


def format_bpm(value: float | None) -> str:
    """128 -> "128", 124.5 -> "124.5", 126.256 -> "126.26": two decimals at most, none
    trailing, because taggers and DJ apps show what the tag says."""
    number = bpm_number(value)
    if number is None:
        return ""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "" if text in ("0", "") else text


def year_of(date: str) -> str:
    """The year of "2019-05-01", "2019" or "2019/05"; "" when there is none (or 0000)."""
    match = _YEAR.match(date or "")
    return match.group(1) if match and match.group(1) != "0000" else ""


def proposed_values(
    track: CatalogTrack, *, key_notation: str = "musical", provider: str
) -> dict[str, str]:
    """The values `track` gives each write field, empty ones left out."""
    if key_notation not in KEY_NOTATIONS:
        format_key(MusicalKey(0, False), key_notation)  # raises the one-line error
    key = parse_key(track.key) if track.key else None
    comment = f"CrateMatch: {provider} {track.catalog_id}".strip()
    if track.release:
        comment += f" ({track.release.strip()})"
    values = {
        "genre": track.genre.strip(),
        "label": track.label.strip(),
        "key": format_key(key, key_notation) if key else "",
        "bpm": format_bpm(track.bpm),
        "year": year_of(track.release_date),
        "remixers": ", ".join(r.strip() for r in track.remixers if r.strip()),
        "mix": track.mix.strip(),
        "isrc": track.isrc.strip().upper(),
        "comment": comment if track.catalog_id else "",
    }
    return {field: value for field, value in values.items() if value}
