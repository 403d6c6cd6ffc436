"""Text that fits a width: a long name loses its middle ("rekordbox_ho…2024.xml"), never
its end, where the words that tell files apart usually are. Pure: the caller measures.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["ELLIPSIS", "elide_middle", "fit_parts"]

ELLIPSIS = "…"
Measure = Callable[[str], int]


def elide_middle(text: str, width: int, measure: Measure) -> str:
    """`text` if it fits in `width` pixels, else its start and end around "…" (as much of
    both as fits; "…" alone when nothing does)."""
    if measure(text) <= width:
        return text
    low, high = 0, len(text) - 1  # characters kept, at most
    while low < high:
        keep = (low + high + 1) // 2
        if measure(_cut(text, keep)) <= width:
            low = keep
        else:
            high = keep - 1
    return _cut(text, low)


def _cut(text: str, keep: int) -> str:
    head = (keep + 1) // 2
    tail = keep - head
    return text[:head].rstrip() + ELLIPSIS + (text[len(text) - tail :].lstrip() if tail else "")


def fit_parts(first: str, last: str, width: int, measure: Measure, sep: str = " · ") -> str:
    """ "first · last" in `width`: `last` (a count, say) stays whole, `first` gives way."""
    whole = f"{first}{sep}{last}" if first else last
    if measure(whole) <= width or not first:
        return whole
    room = width - measure(sep + last)
    return elide_middle(first, room, measure) + sep + last
