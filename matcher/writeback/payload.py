"""Where the audio sits in a file, so we can prove writing tags never changed it.

The payload is a list of byte ranges holding the encoded audio; everything else is the
"tag block" (tags, headers, padding, index tables):

    mp3        after the ID3v2 tag (and its footer), before APEv2 / Lyrics3v2 / ID3v1
    flac       after the last metadata block, before an ID3v1 tag
    mp4        the payload of each top-level mdat atom
    aiff, wav  the payload of the SSND / data chunk
    ogg, opus  the bodies of the pages after the header packets. mutagen renumbers the
               pages after the comment packet when it needs more or fewer pages, which
               changes their headers (sequence number, CRC) but not the packet data

`audio_digest` hashes the payload and `tag_digest` everything else, in one pass over
the file; the second is part of a file's stamp (did anything but the audio change
since the plan was made?), the first proves the audio did not change when we wrote.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from matcher.writeback.errors import FileRefused

__all__ = ["Digests", "audio_digest", "digests", "payload_ranges", "sniff", "tag_digest"]

_CHUNK = 1 << 20
Ranges = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Digests:
    audio: str  # sha256 of the payload bytes, in order
    tags: str  # sha256 of every byte outside the payload, in order
    format: str


class _Bad(ValueError):
    """The layout cannot be read: the file is damaged."""


def _read(f: BinaryIO, offset: int, size: int) -> bytes:
    f.seek(offset)
    data = f.read(size)
    if len(data) != size:
        raise _Bad(f"cut short at byte {offset}")
    return data


def _id3v2_end(f: BinaryIO, offset: int, size: int) -> int:
    """The offset after an ID3v2 tag at `offset` (the same offset if there is none)."""
    if size - offset < 10:
        return offset
    head = _read(f, offset, 10)
    if head[:3] != b"ID3" or any(b & 0x80 for b in head[6:10]):
        return offset
    length = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
    end = offset + 10 + length + (10 if head[5] & 0x10 else 0)
    if end > size:
        raise _Bad("ID3v2 tag longer than the file")
    return end


def _mp3(f: BinaryIO, size: int) -> Ranges:
    start = _id3v2_end(f, 0, size)
    end = size
    while True:  # the tail tags may come in any order: peel them off until none is left
        if end - start >= 128 and _read(f, end - 128, 3) == b"TAG":
            end -= 128
        elif end - start >= 15 and _read(f, end - 9, 9) == b"LYRICS200":
            digits = _read(f, end - 15, 6)
            if not digits.isdigit() or int(digits) + 15 > end - start:
                raise _Bad("bad Lyrics3v2 size")
            end -= int(digits) + 15
        elif end - start >= 32 and _read(f, end - 32, 8) == b"APETAGEX":
            footer = _read(f, end - 32, 32)
            length, _, flags = struct.unpack("<III", footer[12:24])
            length += 32 if flags & 0x80000000 else 0  # the header is not in the size
            if length > end - start:
                raise _Bad("bad APEv2 size")
            end -= length
        else:
            return ((start, end),)


def _flac(f: BinaryIO, size: int) -> Ranges:
    pos = _id3v2_end(f, 0, size)
    if _read(f, pos, 4) != b"fLaC":
        raise _Bad("no FLAC marker")
    pos += 4
    while True:
        head = _read(f, pos, 4)
        pos += 4 + int.from_bytes(head[1:4], "big")
        if head[0] & 0x80:
            break
    end = size - 128 if size - pos >= 128 and _read(f, size - 128, 3) == b"TAG" else size
    if pos > end:
        raise _Bad("metadata blocks longer than the file")
    return ((pos, end),)


def _mp4(f: BinaryIO, size: int) -> Ranges:
    ranges, pos = [], 0
    while pos + 8 <= size:
        length, kind = struct.unpack(">I4s", _read(f, pos, 8))
        header = 8
        if length == 1:
            length, header = struct.unpack(">Q", _read(f, pos + 8, 8))[0], 16
        elif length == 0:
            length = size - pos
        if kind == b"mdat" and pos + length > size >= pos + header:
            length = size - pos  # a file cut short in its audio: what is there is kept
        if length < header or pos + length > size:
            raise _Bad(f"bad {kind.decode('latin-1')!r} atom size")
        if kind == b"mdat":
            ranges.append((pos + header, pos + length))
        pos += length
    if not ranges:
        raise _Bad("no mdat atom")
    return tuple(ranges)


def _iff(f: BinaryIO, size: int, order: str, audio_id: bytes) -> Ranges:
    pos = 12
    while pos + 8 <= size:
        chunk_id, length = struct.unpack(f"{order}4sI", _read(f, pos, 8))
        if chunk_id == audio_id:
            return ((pos + 8, min(pos + 8 + length, size)),)
        pos += 8 + length + (length & 1)
    raise _Bad(f"no {audio_id.decode().strip()} chunk")


def _ogg(f: BinaryIO, size: int) -> Ranges:
    ranges: list[tuple[int, int]] = []
    headers_left: dict[bytes, int] = {}  # per stream serial: header packets still to come
    pos = 0
    while pos < size:
        head = _read(f, pos, 27)
        if head[:4] != b"OggS":
            raise _Bad(f"no Ogg page at byte {pos}")
        lacing = _read(f, pos + 27, head[26])
        body, length = pos + 27 + head[26], sum(lacing)
        serial = head[14:18]
        if serial not in headers_left:
            first = _read(f, body, min(length, 8))
            headers_left[serial] = 2 if first.startswith(b"OpusHead") else 3
        if headers_left[serial] > 0:
            headers_left[serial] -= sum(1 for v in lacing if v < 255)  # packets ending here
        elif length:
            ranges.append((body, body + length))
        pos = body + length
    if pos != size:
        raise _Bad("last Ogg page cut short")
    return tuple(ranges)


def sniff(f: BinaryIO, size: int) -> str:
    """The format by its magic bytes: "mp3", "flac", "mp4", "aiff", "wav" or "ogg"."""
    head = _read(f, 0, min(size, 12))
    if head[:4] == b"OggS":
        return "ogg"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    after_id3 = _id3v2_end(f, 0, size)
    return "flac" if _read(f, after_id3, min(4, size - after_id3)) == b"fLaC" else "mp3"


def _ranges(f: BinaryIO, size: int, fmt: str) -> Ranges:
    if fmt == "mp3":
        return _mp3(f, size)
    if fmt == "flac":
        return _flac(f, size)
    if fmt == "mp4":
        return _mp4(f, size)
    if fmt == "aiff":
        return _iff(f, size, ">", b"SSND")
    if fmt == "wav":
        return _iff(f, size, "<", b"data")
    if fmt in ("ogg", "opus"):
        return _ogg(f, size)
    raise _Bad(f"unknown format {fmt}")


def payload_ranges(path: str | Path, fmt: str | None = None) -> Ranges:
    """The audio payload's byte ranges; FileRefused ("damaged") when the layout is bad."""
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        try:
            return _ranges(f, size, fmt or sniff(f, size))
        except (_Bad, struct.error) as err:
            raise FileRefused(path, f"damaged ({err})") from None


def _spans(ranges: Ranges, size: int) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is_audio) covering the whole file in order."""
    pos = 0
    for start, end in ranges:
        if start > pos:
            yield pos, start, False
        yield start, end, True
        pos = end
    if pos < size:
        yield pos, size, False


def digests(path: str | Path, fmt: str | None = None) -> Digests:
    """Both digests of the file at `path`, in one pass."""
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        try:
            fmt = fmt or sniff(f, size)
            ranges = _ranges(f, size, fmt)
        except (_Bad, struct.error) as err:
            raise FileRefused(path, f"damaged ({err})") from None
        audio, tags = hashlib.sha256(), hashlib.sha256()
        for start, end, is_audio in _spans(ranges, size):
            target = audio if is_audio else tags
            f.seek(start)
            left = end - start
            while left:
                data = f.read(min(left, _CHUNK))
                if not data:
                    raise FileRefused(path, "changed while it was read")
                target.update(data)
                left -= len(data)
    return Digests(audio.hexdigest(), tags.hexdigest(), fmt)


def audio_digest(path: str | Path, fmt: str | None = None) -> str:
    return digests(path, fmt).audio


def tag_digest(path: str | Path, fmt: str | None = None) -> str:
    return digests(path, fmt).tags
