"""Folding text to a comparable form: the one definition both the catalog index and the
matcher use, so a word indexed is the word searched.

`fold("Tiësto & Ke$ha - Don’t Stop (feat. A.C.E)")` gives
`"tiesto kesha dont stop feat ace"`: accents and case gone, apostrophes and dots
joined, `$` read as `s`, every other non-alphanumeric a word break.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "words"]

# Letters NFKD does not decompose into ASCII.
_SPECIAL = str.maketrans(
    {
        "ø": "o", "Ø": "o", "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
        "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "ð": "d", "ı": "i",
        "$": "s", "€": "e",
    }
)  # fmt: skip
# Joined, not split: "Don't" -> "dont", "A.C.E" -> "ace", "LUM!X" -> "lumx".
_JOIN = re.compile(r"[.'’‘`´!]")
_BREAK = re.compile(r"[\W_]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lowercase, accent-free, punctuation-free words separated by single spaces."""
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    elif "$" in text:
        text = text.replace("$", "s")
    text = _JOIN.sub("", text.casefold())
    return _BREAK.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """The folded words of `text`."""
    folded = fold(text)
    return folded.split() if folded else []
