"""Cleaning the strings DJ libraries hold, before they are compared.

Real titles carry junk around the song: track numbers (`03.`, `A1`), Mixed In Key
prefixes and suffixes (`8A - `, ` - 6A`), download-site tags (`www.0dayrelease.com`,
`[Free Download]`), record labels in brackets, featured artists in the title. Artist
fields join names with `&`, `,`, `/`, `;`, ` x `, `vs`, `and`, `feat.`.

Every function here is pure and works on one string; `entry_view.py` composes them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from matcher.matching.junk import strip_junk
from matcher.matching.text import fold
from matcher.matching.versions import is_version_text

__all__ = [
    "GENERIC_ARTISTS",
    "clean_title",
    "split_artists",
    "split_feat",
    "strip_key_marks",
    "strip_track_number",
    "title_variants",
]

# Artist fields that name no artist.
GENERIC_ARTISTS = frozenset(
    {"", "various", "various artists", "va", "v a", "unknown", "unknown artist",
     "compilation", "artist", "none", "null", "n a", "na", "various artist"}
)  # fmt: skip

_CAMELOT = r"(?:1[0-2]|0?[1-9])[ABab]"
# one key, or two Camelot keys for a track that moves ("7A/8A")
_KEY = rf"{_CAMELOT}(?:\s*/\s*{_CAMELOT})?|(?:1[0-2]|0?[1-9])[dm]|[A-G][#b]?m?"
_KEY_PREFIX = re.compile(rf"^\s*(?:{_KEY})\s*[-–|]\s*(?:\d{{2,3}}(?:\.\d+)?\s*[-–|]\s*)?")
_KEY_SUFFIX = re.compile(rf"\s*[-–|]\s*(?:{_KEY})\s*$|\s*[(\[](?:{_KEY})[)\]]\s*$")
_KEY_LAST = frozenset("ABCDEFGabdm#")  # the last character of every notation in _KEY
_BPM_KEY_PREFIX = re.compile(rf"^\s*\d{{2,3}}\s*[-–|]\s*(?:{_KEY})\s*[-–|]\s*")
# "03 ", "03. ", "1-03 ", "A1 ", "B2. ", "07 - " at the start of a title.
_TRACK_NUMBER = re.compile(r"^\s*(?:\d{1,2}-\d{1,3}|[A-D][1-9]|\d{1,3})(?:\s*[.)_-]\s*|\s+)(?=\S)")
_LETTER = re.compile(r"[^\W\d_]")
_FEAT_IN_TITLE = re.compile(
    r"\s*[(\[]\s*(?:feat\.?|ft\.?|featuring|with)\s+([^()\[\]]+)[)\]]"
    r"|\s+(?:feat\.?|ft\.?|featuring)\s+(.+?)(?=\s*[(\[]|\s+-\s+|$)",
    re.I,
)
_FEAT_IN_ARTIST = re.compile(r"\s*(?:\(|\[)?\s*\b(?:feat\.?|ft\.?|featuring|feat)\s+", re.I)
_FEAT_WORD = re.compile(r"(?i)\s*(feat|ft|featuring|with)\b")
_ARTIST_SEP = re.compile(
    r"\s*(?:,|;|/|\+|&|\|)\s*"
    r"|\s+(?:and|x|vs\.?|versus|with|meets|pres\.?|presents)\s+",
    re.I,
)
_TRAILING_BRACKET = re.compile(r"\s*\[[^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)?\]\s*$")
_UNCLOSED = re.compile(r"\s*[(\[][^()\[\]]*$")
_TRAILING_DASH = re.compile(r"\s*[-–]\s*$")


def strip_key_marks(title: str) -> str:
    """Drop Mixed In Key marks: `8A - Title`, `8A - 128 - Title`, `Title - 6A`, `Title (8A)`."""
    t = title
    if "-" in t or "–" in t or "|" in t:  # a prefix is set off by one of them
        if m := _BPM_KEY_PREFIX.match(t):
            t = t[m.end() :]
        if (m := _KEY_PREFIX.match(t)) and m.end() < len(t):  # a title must remain
            t = t[m.end() :]
    if not _may_end_in_key(t):
        return t
    stripped = _KEY_SUFFIX.sub("", t)
    return stripped if stripped.strip() else t


def _may_end_in_key(title: str) -> bool:
    """Whether _KEY_SUFFIX can match: the title ends in a key's last character, or in a
    bracket closing on one (most titles do not, and their search is skipped)."""
    end = title.rstrip()
    if end.endswith((")", "]")):
        end = end[:-1]
    return end[-1:] in _KEY_LAST


def strip_track_number(title: str) -> str:
    """Drop a leading track number (`03.`, `1-03`, `A1`) when a title remains after it."""
    m = _TRACK_NUMBER.match(title)
    if not m:
        return title
    rest = title[m.end() :]
    words = rest.split("(", 1)[0].split("[", 1)[0]  # "20 20 (Original Mix)": 20 20 is the title
    return rest if _LETTER.search(words) else title


@lru_cache(maxsize=32768)
def clean_title(title: str, *, label: str = "") -> str:
    """The title without junk, key marks, track number, label in brackets or an unclosed
    bracket left by truncation. Featured artists and the version stay."""
    t = " ".join(title.replace("_", " ").split())  # whitespace runs to one space
    t = strip_junk(t)
    t = strip_key_marks(t)
    t = strip_track_number(t)
    t = strip_key_marks(t)
    t = _strip_label_bracket(t, label)
    if max(t.rfind("("), t.rfind("[")) > max(t.rfind(")"), t.rfind("]")):
        t = _UNCLOSED.sub("", t) or t  # the last bracket opens: it may be unclosed
    if t.rstrip().endswith(("-", "–")):
        t = _TRAILING_DASH.sub("", t)
    return " ".join(t.split()) or title.strip()


def _strip_label_bracket(title: str, label: str) -> str:
    """A trailing `[...]` that is not a version or featured artists is a label or junk."""
    if not title.rstrip().endswith("]"):
        return title
    m = _TRAILING_BRACKET.search(title)
    if not m:
        return title
    inner = m.group(0).strip()[1:-1]
    if is_version_text(inner) or _FEAT_WORD.match(inner):
        return title
    rest = title[: m.start()].rstrip()
    return rest if rest else title


@lru_cache(maxsize=32768)
def split_feat(text: str) -> tuple[str, tuple[str, ...]]:
    """Split featured artists out of a title: ("Song (feat. A & B)") -> ("Song", ("A", "B"))."""
    if not _may_name_featured(text):
        return (text.strip() or text, ())
    featured: list[str] = []

    def take(m: re.Match[str]) -> str:
        names = m.group(1) or m.group(2) or ""
        featured.extend(split_artists(names))
        return ""

    rest = _FEAT_IN_TITLE.sub(take, text).strip()
    return (rest or text, tuple(featured))


def _may_name_featured(text: str) -> bool:
    """Whether _FEAT_IN_TITLE can match: it needs "feat" or "ft", or "with" in a bracket
    ("th" is checked: IGNORECASE reads "ı" and "İ" as "i", which lower() keeps)."""
    lowered = text.lower()
    return _says_feat(lowered) or (("(" in text or "[" in text) and "th" in lowered)


def _says_feat(lowered: str) -> bool:
    """Whether lower-cased text holds "feat" or "ft", which every featured-artist pattern
    needs (no letter of them has another case IGNORECASE would read as it)."""
    return "ft" in lowered or "feat" in lowered


@lru_cache(maxsize=32768)
def split_artists(text: str) -> tuple[str, ...]:
    """Artist names in a field, split on every separator DJ libraries use.

    Both sides of a comparison are split the same way, so a group name with `&` in it
    ("Above & Beyond") becomes the same parts on both sides and still compares equal.
    """
    if not text:
        return ()
    t = _FEAT_IN_ARTIST.sub(", ", text) if _says_feat(text.lower()) else text
    t = t.replace("(", ", ").replace(")", " ").replace("[", ", ").replace("]", " ")
    parts = [p.strip(" .-") for p in _ARTIST_SEP.split(t)]
    return tuple(p for p in parts if p and fold(p))


def title_variants(title: str) -> tuple[str, ...]:
    """Readings of a title that differ by how much junk was removed (original first)."""
    seen: list[str] = []
    for t in (title, clean_title(title)):
        if t and t not in seen:
            seen.append(t)
    return tuple(seen)
