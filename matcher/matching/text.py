"""Folding text to a comparable form: the one definition both the catalog index and the
matcher use, so a word indexed is the word searched.

`fold("Tiësto & Ke$ha - Don’t Stop (feat. A.C.E)")` gives
`"tiesto kesha dont stop feat ace"`: accents and case gone, apostrophes and dots
joined, `$` read as `s`, every other non-alphanumeric a word break.
"""

from __future__ import annotations

import re
import string
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
# The same folding for ASCII text in one pass, without a regex: join characters deleted,
# upper case lowered, "$" read as "s", every other non-alphanumeric a space (the spaces
# are then collapsed by split/join). Done on bytes: bytes.translate is several times
# faster than str.translate.
_ASCII_JOIN = b".'`!"
_ASCII_BREAKS = bytes(c for c in range(128) if not chr(c).isalnum() and c not in _ASCII_JOIN + b"$")
_ASCII_FOLD = bytes.maketrans(
    string.ascii_uppercase.encode() + b"$" + _ASCII_BREAKS,
    string.ascii_lowercase.encode() + b"s" + b" " * len(_ASCII_BREAKS),
)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lowercase, accent-free, punctuation-free words separated by single spaces."""
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        if not text.isascii() or "$" in text:  # a "$" from NFKD ("﹩") is a break
            return _BREAK.sub(" ", _JOIN.sub("", text.casefold())).strip()
    # most text (and accented text once its accents are gone): one pass, no regex
    folded = text.encode("ascii").translate(_ASCII_FOLD, _ASCII_JOIN).decode("ascii")
    return " ".join(folded.split())


def words(text: str) -> list[str]:
    """The folded words of `text`."""
    folded = fold(text)
    return folded.split() if folded else []
