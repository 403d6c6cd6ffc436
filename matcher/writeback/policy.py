"""Which fields of a file change: the decision, apart from any file.

By default write-back only fills what is empty, because a value already in a file is
the DJ's own (often typed by hand); `overwrite` replaces values that differ. A value
that says the same thing in other words is not a change: a key in another notation
("Am", "A Minor", "8A"), a BPM with trailing zeros, a year inside a full date, text in
another case or spacing, an ISRC with hyphens. Writing those would churn files (and
trigger re-analysis in DJ apps) for nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from matcher.matching.keys import parse_key
from matcher.writeback.fields import WRITE_FIELDS, bpm_number, year_of
from matcher.writeback.tagmap import storable

__all__ = ["FieldChange", "WHY_EMPTY", "WHY_REPLACES", "is_empty", "plan_changes", "same_value"]

WHY_EMPTY = "empty in the file"
WHY_REPLACES = "replaces a different value"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one file: what it says now, what it will say, and why."""

    field: str
    old: str
    new: str
    why: str


def _text(value: str) -> str:
    return " ".join(value.split()).casefold()


def is_empty(field: str, value: str | None) -> bool:
    """Blank, or a zero BPM or year (what many taggers write for "unknown")."""
    text = (value or "").strip()
    if not text:
        return True
    if field == "bpm":
        return bpm_number(text) is None and text.strip("0.,") == ""
    if field == "year":
        return text.strip("0-/.: ") == ""
    return False


def same_value(field: str, a: str, b: str) -> bool:
    """Whether two values of `field` mean the same for a DJ."""
    if field == "key":
        ka, kb = parse_key(a), parse_key(b)
        if ka is not None and kb is not None:
            return ka == kb
    elif field == "bpm":
        na, nb = bpm_number(a), bpm_number(b)
        if na is not None and nb is not None:
            return abs(na - nb) < 0.005
    elif field == "year":
        ya, yb = year_of(a), year_of(b)
        if ya and yb:
            return ya == yb
    elif field == "isrc":
        return a.replace("-", "").strip().upper() == b.replace("-", "").strip().upper()
    return _text(a) == _text(b)


def plan_changes(
    current: Mapping[str, str],
    proposed: Mapping[str, str],
    *,
    fields: frozenset[str],
    overwrite: bool,
    container: str = "",
) -> tuple[FieldChange, ...]:
    """The changes for one file, in WRITE_FIELDS order.

    `current` is what the file says (tagfile.read_values), `proposed` what the catalog
    says (fields.proposed_values). With `container` ("id3", "mp4", "vorbis") the new
    values are given as that container stores them (an MP4 BPM is an integer).
    """
    changes = []
    for field in WRITE_FIELDS:
        new = (proposed.get(field) or "").strip()
        if field not in fields or not new:
            continue
        if container:
            new = storable(container, field, new)
        old = current.get(field) or ""
        if is_empty(field, old):
            changes.append(FieldChange(field, old, new, WHY_EMPTY))
        elif overwrite and not same_value(field, old, new):
            changes.append(FieldChange(field, old, new, WHY_REPLACES))
    return tuple(changes)
