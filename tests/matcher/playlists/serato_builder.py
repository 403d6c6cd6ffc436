"""Serato's tagged binary fields, written the way Serato writes them, for the tests that
build crates and databases by hand (the playlist readers' and the window's)."""

from __future__ import annotations

import struct
from pathlib import Path

__all__ = ["CRATE_HEAD", "crate", "field"]

CRATE_HEAD = [
    ("vrsn", "1.0/Serato ScratchLive Crate"),
    ("osrt", [("tvcn", "key"), ("brev", False)]),
    ("ovct", [("tvcn", "song"), ("tvcw", "0")]),
]


def field(tag: str, value: object) -> bytes:
    """One tagged field: a list nests fields, text is UTF-16 BE, a bool one byte."""
    if isinstance(value, list):
        body = b"".join(field(t, v) for t, v in value)
    elif isinstance(value, str):
        body = value.encode("utf-16-be")
    elif isinstance(value, bool):
        body = bytes([value])
    else:
        body = struct.pack(">I", value)
    return tag.encode("ascii") + struct.pack(">I", len(body)) + body


def crate(path: Path, tracks: list[str]) -> Path:
    """A crate at `path` listing `tracks` (paths as Serato stores them)."""
    fields = CRATE_HEAD + [("otrk", [("ptrk", t)]) for t in tracks]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(field(tag, value) for tag, value in fields))
    return path
