"""Serato's tagged binary files: crates (`_Serato_/Subcrates/*.crate`) and the library
(`_Serato_/database V2`), which share one layout:

    field    4 ASCII bytes (the tag) | u32 big-endian length | that many bytes
    value    by the tag's first letter: o, r  fields nested inside
                                        t, p  UTF-16BE text (p: a path)
                                        u     u32 BE,  s  u16 BE,  b  one byte
             and "vrsn", the file's version text
    crate    vrsn "1.0/Serato ScratchLive Crate", osrt/ovct (sort and columns),
             then one otrk per track holding ptrk, its path
    library  vrsn "2.0/Serato Scratch LIVE Database", then one otrk per track holding
             pfil (path), tsng (title), tart (artist), talb, tgen, tbpm, tkey, tlen,
             ttyr, tlbl, tcom ...

Paths are written from the root of the drive the `_Serato_` folder belongs to, without
a leading slash. Read here from the format's description (serato-tools' reader agrees:
tests check both on the same files). Ours checks every length against the bytes left
and bounds the nesting, so a damaged file ends in LibraryDamaged, not a crash.
"""

from __future__ import annotations

import struct
from pathlib import Path

from matcher.playlists.library_errors import LibraryDamaged, NotALibrary
from matcher.playlists.sources import file_error

__all__ = ["MAX_FILE", "Field", "Value", "parse_fields", "read_fields", "text_of", "version"]

MAX_FILE = 512 << 20  # a 100,000-track database V2 is well under this
_MAX_DEPTH = 8
Value = str | int | bool | bytes | list["Field"]
Field = tuple[str, Value]


def _value(tag: str, body: bytes, name: str, depth: int) -> Value:
    kind = "t" if tag == "vrsn" else tag[0]
    if kind in "or":
        return parse_fields(body, name, depth + 1)
    if kind in "tp":
        return body.decode("utf-16-be", "replace").rstrip("\x00")
    if kind == "u" and len(body) == 4:
        return struct.unpack(">I", body)[0]
    if kind == "s" and len(body) == 2:
        return struct.unpack(">H", body)[0]
    if kind == "b" and len(body) == 1:
        return body != b"\x00"
    return body  # a type we do not use: kept as bytes


def parse_fields(data: bytes, name: str, depth: int = 0) -> list[Field]:
    """The fields in `data` (a whole file or a nested value), in order."""
    if depth > _MAX_DEPTH:
        raise LibraryDamaged(f"{name}: the Serato file is damaged (nested too deeply)")
    fields: list[Field] = []
    at = 0
    while at < len(data):
        if at + 8 > len(data):
            raise LibraryDamaged(f"{name}: the Serato file is damaged (cut short at {at})")
        raw_tag, length = struct.unpack_from(">4sI", data, at)
        if not raw_tag.isascii() or not raw_tag.isalnum():
            raise LibraryDamaged(f"{name}: the Serato file is damaged (no field at {at})")
        if at + 8 + length > len(data):
            raise LibraryDamaged(f"{name}: the Serato file is damaged (cut short at {at})")
        tag = raw_tag.decode("ascii")
        fields.append((tag, _value(tag, data[at + 8 : at + 8 + length], name, depth)))
        at += 8 + length
    return fields


def read_fields(path: Path) -> list[Field]:
    """The top-level fields of a Serato file; InputError family for anything else."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise NotALibrary(f"{path.name}: too large for a Serato file ({size} bytes)")
        data = path.read_bytes()
    except OSError as err:
        raise file_error(path, err) from None
    if not data.startswith(b"vrsn"):
        raise NotALibrary(f"{path.name}: not a Serato crate or database")
    return parse_fields(data, path.name)


def version(fields: list[Field]) -> str:
    """The file's "vrsn" text ("1.0/Serato ScratchLive Crate"), "" when absent."""
    return next((str(v) for tag, v in fields if tag == "vrsn"), "")


def text_of(fields: list[Field], tag: str) -> str:
    """The first `tag` value among `fields` as text ("" when absent)."""
    for name, value in fields:
        if name == tag and not isinstance(value, list | bytes):
            return str(value).strip()
    return ""
