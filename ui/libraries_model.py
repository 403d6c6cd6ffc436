"""Which DJ libraries are on this computer, in lines for the Settings tab. No Tk here.

find_libraries()   {"Rekordbox": master.db, "Traktor": collection.nml,
                    "Serato": _Serato_} for those found (the engine knows where
                    each app keeps its library); it touches the disk, so the window
                    calls it off the Tk thread
library_lines()    one line per library, "Name: path", or "none found"
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from matcher import default_traktor_collection, found_libraries

__all__ = ["LIBRARY_ORDER", "NONE_FOUND", "find_libraries", "library_lines"]

LIBRARY_ORDER = ("Rekordbox", "Traktor", "Serato")
NONE_FOUND = "none found"


def find_libraries(home: Path | None = None) -> dict[str, Path]:
    """The DJ libraries found under `home` (the user's home folder by default), in
    LIBRARY_ORDER."""
    found = dict(found_libraries(home=home))
    traktor = default_traktor_collection(home)
    if traktor is not None:
        found["Traktor"] = traktor
    rank = {name: n for n, name in enumerate(LIBRARY_ORDER)}
    return dict(sorted(found.items(), key=lambda item: rank.get(item[0], len(rank))))


def library_lines(found: Mapping[str, Path]) -> list[str]:
    """ "Rekordbox: /path/master.db", one line per library; ["none found"] for none."""
    # a no-break space: a wrapped line breaks inside the path, never after the name
    return [f"{name}:\u00a0{path}" for name, path in found.items()] or [NONE_FOUND]
