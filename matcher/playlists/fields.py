"""Decoding field values the way every reader needs them.

Readers do no cleaning: these helpers only strip surrounding whitespace, parse numbers,
turn the "unknown" values tools write (`0`, `0.00`, `-1`) into None or "", and decode
file URLs into local paths.
"""

from __future__ import annotations

import codecs
import math
import re
from urllib.parse import unquote, unquote_to_bytes

__all__ = [
    "byte_size",
    "decode_location",
    "duration",
    "is_absolute",
    "number",
    "percent_decoded",
    "text",
    "year",
]

# bytes from text holding backslash escapes, as Python reads b"..." literals (C code;
# CPython's, not documented: a Python without it decodes with urllib)
_escape_decode = getattr(codecs, "escape_decode", None)
_DRIVE = re.compile(r"^/?([A-Za-z]:[/\\].*)$", re.S)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # two letters at least: "C:" is a drive
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,3}):(\d{1,2}(?:\.\d+)?)$")


def text(value: str | None) -> str:
    return value.strip() if value else ""


def number(value: str | float | int | None) -> float | None:
    """A positive finite number, or None for empty, zero, negative or unreadable values."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        if value.count(",") == 1 and "." not in value:  # "128,5" from a European locale
            value = value.replace(",", ".")
        if not value:
            return None
    try:
        result = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(result) or result <= 0:
        return None
    return result


def byte_size(value: str | float | int | None, unit: int = 1) -> int | None:
    """A file size in bytes from a count of `unit`s (Traktor writes kilobytes), or None."""
    n = number(value)
    return int(n * unit) if n is not None and n < 2**50 else None


def duration(value: str | None, unit: str = "s") -> float | None:
    """Seconds from `m:ss`, `h:mm:ss`, seconds or milliseconds (`unit="ms"`).

    With `unit=""` (unknown) a bare number above ten hours is read as milliseconds.
    """
    raw = text(value)
    if not raw:
        return None
    if clock := _CLOCK.match(raw):
        hours, minutes, seconds = clock.groups()
        return number(int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds))
    seconds = number(raw)
    if seconds is None:
        return None
    if unit == "ms" or (unit == "" and seconds > 36000):
        return seconds / 1000
    return seconds


def percent_decoded(text: str) -> str:
    """What `urllib.parse.unquote(text)` gives (UTF-8, bad bytes replaced), in a quarter
    of the time for the ASCII text file URLs are: the escapes become `\\x` escapes that
    the C codec of Python string literals decodes (every backslash doubled first, so
    that only those are escapes); a '%' not followed by two hex digits makes that codec
    refuse, and urllib decodes the text instead. A collection's worth of locations is
    decoded when its playlists are read and again when their outputs are written. Other
    text (a lone surrogate cannot be encoded) goes the slow way."""
    if "%" not in text:
        return text
    if text.isascii() and _escape_decode is not None:
        try:
            raw = _escape_decode(text.replace("\\", "\\\\").replace("%", "\\x"))[0]
        except ValueError:
            raw = unquote_to_bytes(text)
        return raw.decode("utf-8", "replace")
    return unquote(text, encoding="utf-8", errors="replace")


def year(value: str | None) -> str:
    """The year or date as written; "" for the `0` tools write when they do not know it."""
    raw = text(value)
    return "" if raw in ("0", "0000") else raw


def is_absolute(path: str) -> bool:
    """True for absolute POSIX or Windows paths (on any OS) and for URLs."""
    return (
        path.startswith(("/", "\\\\", "~"))
        or bool(_DRIVE.match(path) and path[1:2] == ":")
        or bool(_SCHEME.match(path))
    )


def decode_location(location: str | None) -> str:
    """A local path from a `file://` URL; anything else is returned as written.

    Handles `file://localhost/Users/x.mp3`, `file://localhost/D:/x.mp3` and the
    `file://localhostD:/x.mp3` form, `file:///x`, UNC `file://server/share/x` and
    percent-escapes (lower or upper case). Windows paths keep forward slashes
    (`D:/Music/x.mp3`). Streaming entries (`file://localhost/soundcloud:tracks:1`) and
    template placeholders are not local files and stay as written.
    """
    raw = text(location)
    if not raw.lower().startswith("file:"):
        return raw
    rest = raw[5:]
    if rest.startswith("//localhost"):
        rest = rest[len("//localhost") :]
    elif rest.startswith("///"):
        rest = rest[2:]
    elif rest.startswith("//"):  # file://server/share/x: a UNC path
        rest = "//" + rest[2:]
    path = percent_decoded(rest)
    if drive := _DRIVE.match(path):
        return drive.group(1)
    if not path.startswith("/") or _SCHEME.match(path.lstrip("/")):
        return raw
    return path
