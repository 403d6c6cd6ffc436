"""The pure string work behind an entry's and a track's reading, each piece cached: the
same artist field, title and label come back entry after entry and track after track.

`readings.py` composes these; they know nothing of readings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import fields, replace
from functools import lru_cache
from operator import attrgetter
from typing import TypeVar

from matcher.matching.normalize import clean_title, split_artists, split_feat
from matcher.matching.text import fold
from matcher.matching.versions import is_version_text, split_version
from matcher.model import CatalogTrack, PlaylistEntry

__all__ = [
    "MAX_NAMES",
    "MAX_TEXT",
    "artist_names",
    "capped",
    "capped_value",
    "in_bounds",
    "norm_isrc",
    "split_dash",
    "surface_form",
    "title_and_version",
]

# Characters of any one text field that matching reads. No real title or artist list comes
# near it, and some normalising patterns take quadratic time: a 10 MB "title" from a
# hostile file would hold a worker for hours.
MAX_TEXT = 1000
MAX_NAMES = 50  # artists or remixers of a catalog track

_DASH = re.compile(r"\s+[-–—]+\s+")
_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")
_ISRC_NOISE = re.compile(r"[\s-]")


def surface_form(text: str) -> str:
    return " ".join(text.casefold().split())


@lru_cache(maxsize=32768)
def artist_names(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(filter(None, map(fold, split_artists(text)))))


def norm_isrc(text: str) -> str:
    if not text:
        return ""
    isrc = _ISRC_NOISE.sub("", text).upper()
    return isrc if _ISRC.match(isrc) else ""


def split_dash(title: str) -> tuple[str, str] | None:
    if "-" not in title and "–" not in title and "—" not in title:
        return None  # most titles: no search needed
    m = _DASH.search(title)
    if not m:
        return None
    left, right = title[: m.start()].strip(), title[m.end() :].strip()
    return (left, right) if left and right else None


@lru_cache(maxsize=16384)
def title_and_version(raw: str, label: str) -> tuple[str, str, tuple[str, ...]]:
    """(core title, version text, featured artists) of a raw title."""
    head, sep, tail = raw.rpartition("_")
    if sep and head.strip() and " - " not in tail and is_version_text(tail):
        # "Purple Sky_Lomax Rmx": the underscore says where the version starts, which
        # cleaning (underscores to spaces) would hide from split_version
        core, featured = split_feat(clean_title(head, label=label))
        return clean_title(core, label=label), tail.strip(), featured
    cleaned = clean_title(raw, label=label)
    core, featured = split_feat(cleaned)
    core, version = split_version(clean_title(core, label=label))
    core = clean_title(core, label=label)
    return core, version, featured


Record = TypeVar("Record", PlaylistEntry, CatalogTrack)


@lru_cache(maxsize=8)
def _field_names(kind: type) -> tuple[tuple[str, ...], Callable[[object], tuple]]:
    """A record type's field names, and a getter of all their values at once."""
    names = tuple(f.name for f in fields(kind))
    if len(names) == 1:  # attrgetter of one name gives the value, not a tuple
        return names, lambda record: (getattr(record, names[0]),)
    return names, attrgetter(*names)


def capped(record: Record) -> Record:
    """`record` with over-long text cut to MAX_TEXT (and name lists to MAX_NAMES)."""
    names, values = _field_names(type(record))
    before = values(record)
    if in_bounds(before):  # nearly always
        return record
    after = tuple(map(capped_value, before))
    changes = {
        n: cut for n, cut, value in zip(names, after, before, strict=True) if cut is not value
    }
    return replace(record, **changes)


def capped_value(value: object) -> object:
    """A field's value as `capped` leaves it: the same object when nothing is cut."""
    if in_bounds((value,)):
        return value
    if type(value) is str:
        return value[:MAX_TEXT]
    return tuple(v[:MAX_TEXT] for v in value[:MAX_NAMES])  # a list of names


def in_bounds(values: Iterable[object]) -> bool:
    """Whether `capped_value` leaves every one of `values` as it is: over-long text, or
    a list of names too long or holding an over-long name, is cut. One loop over a
    record's fields, not a call per field: they are nearly always within bounds, and
    entries and catalog tracks are read by the hundred thousand."""
    for value in values:
        if type(value) is str:
            if len(value) > MAX_TEXT:
                return False
        elif (
            type(value) is tuple
            and value
            and isinstance(value[0], str)
            and (len(value) > MAX_NAMES or max(map(len, value)) > MAX_TEXT)
        ):
            return False
    return True
