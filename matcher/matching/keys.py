"""Musical keys in every notation DJ software writes.

Libraries write the same key as `8A` (Camelot, Mixed In Key), `1m` (Open Key, Traktor),
`Am` / `A Minor` / `A min` (musical), `Bbm` or `A#m`, Spotify's pitch class plus mode, or
Traktor's 0-23 index. `parse_key` reads them all into one `MusicalKey`; the `to_*`
functions write it back in the notation a user's file already uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "MusicalKey",
    "detect_notation",
    "format_key",
    "from_pitch_class",
    "from_traktor_index",
    "key_similarity",
    "parse_key",
]

_SHARP_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_FLAT_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
# Names the catalog format and most DJ tools use (Beatport style).
_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_LETTER = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}
# Camelot number of each pitch class, for major (B) and minor (A) keys.
_CAMELOT_MAJOR = (8, 3, 10, 5, 12, 7, 2, 9, 4, 11, 6, 1)
_CAMELOT_MINOR = (5, 12, 7, 2, 9, 4, 11, 6, 1, 8, 3, 10)

_CAMELOT_RE = re.compile(r"^(1[0-2]|0?[1-9])\s*([ab])$", re.I)
_OPEN_KEY_RE = re.compile(r"^(1[0-2]|0?[1-9])\s*([dm])$", re.I)
_MUSICAL_RE = re.compile(
    r"^([a-g])\s*(#|♯|b|♭|sharp|flat)?\s*"
    r"(m|min|minor|moll|maj|major|dur|-)?$",
    re.I,
)


@dataclass(frozen=True, slots=True, order=True)
class MusicalKey:
    pitch: int  # 0 = C ... 11 = B
    minor: bool

    @property
    def camelot(self) -> str:
        table = _CAMELOT_MINOR if self.minor else _CAMELOT_MAJOR
        return f"{table[self.pitch]}{'A' if self.minor else 'B'}"

    @property
    def open_key(self) -> str:
        number = (int(self.camelot[:-1]) + 4) % 12 + 1
        return f"{number}{'m' if self.minor else 'd'}"

    @property
    def musical(self) -> str:
        """The catalog's notation: "A Minor", "F# Major"."""
        return f"{_NAMES[self.pitch]} {'Minor' if self.minor else 'Major'}"

    @property
    def short(self) -> str:
        """Rekordbox's own notation: "Am", "F#"."""
        return f"{_NAMES[self.pitch]}{'m' if self.minor else ''}"


def _from_camelot(number: int, minor: bool) -> MusicalKey:
    table = _CAMELOT_MINOR if minor else _CAMELOT_MAJOR
    return MusicalKey(table.index(number), minor)


def from_pitch_class(pitch: int, minor: bool) -> MusicalKey | None:
    """Spotify's `key` (0-11, -1 unknown) and `mode` (1 major, 0 minor)."""
    return MusicalKey(pitch, minor) if 0 <= pitch <= 11 else None


def from_traktor_index(index: int) -> MusicalKey | None:
    """Traktor's MUSICAL_KEY VALUE: 0-11 major from C, 12-23 minor from C."""
    return MusicalKey(index % 12, index >= 12) if 0 <= index <= 23 else None


@lru_cache(maxsize=4096)
def parse_key(text: str) -> MusicalKey | None:
    """Read a key in any common notation; None when it is not a key."""
    t = (text or "").strip().replace("\u266d", "b").replace("\u266f", "#")
    if not t:
        return None
    # "8A - Am" or "Am/8A": take the first part that reads as a key
    if "/" in t or " - " in t:
        for part in re.split(r"\s*/\s*|\s+-\s+", t):
            key = parse_key(part)
            if key:
                return key
        return None
    if m := _CAMELOT_RE.match(t):
        return _from_camelot(int(m.group(1)), m.group(2).lower() == "a")
    if m := _OPEN_KEY_RE.match(t):
        minor = m.group(2).lower() == "m"
        camelot = (int(m.group(1)) + 6) % 12 + 1
        return _from_camelot(camelot, minor)
    if m := _MUSICAL_RE.match(t):
        letter, accidental, mode = m.groups()
        pitch = _LETTER[letter.lower()]
        acc = (accidental or "").lower()
        if acc in ("#", "sharp"):
            pitch += 1
        elif acc in ("b", "flat"):
            pitch -= 1
        mode_l = (mode or "").lower()
        minor = mode_l in ("m", "min", "minor", "moll", "-")
        if mode == "M":  # "AM" style upper-case M is ambiguous; read as major only if spelled
            minor = False
        return MusicalKey(pitch % 12, minor)
    return None


def detect_notation(values: list[str]) -> str:
    """The notation most of `values` use: "camelot", "open_key", "musical" or "short"."""
    counts = {"camelot": 0, "open_key": 0, "musical": 0, "short": 0}
    for v in values:
        v = (v or "").strip()
        if not v:
            continue
        if _CAMELOT_RE.match(v):
            counts["camelot"] += 1
        elif _OPEN_KEY_RE.match(v):
            counts["open_key"] += 1
        elif " " in v and parse_key(v):
            counts["musical"] += 1
        elif parse_key(v):
            counts["short"] += 1
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else "short"


def format_key(key: MusicalKey, notation: str) -> str:
    return {
        "camelot": key.camelot,
        "open_key": key.open_key,
        "musical": key.musical,
    }.get(notation, key.short)


def key_similarity(a: MusicalKey, b: MusicalKey) -> float:
    """1 for the same key; 0.7 for neighbours on the Camelot wheel (analysers often disagree
    by a fifth or relative major/minor); 0.2 otherwise."""
    if a == b:
        return 1.0
    ca, cb = a.camelot, b.camelot
    na, nb = int(ca[:-1]), int(cb[:-1])
    if na == nb:  # relative major/minor
        return 0.7
    if ca[-1] == cb[-1] and min((na - nb) % 12, (nb - na) % 12) == 1:
        return 0.7
    return 0.2
