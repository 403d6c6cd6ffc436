"""A compact byte delta that rebuilds a file as it was from the file as written.

Undo must give the DJ's file back byte for byte, but keeping a copy of every 10-100 MB
file would double their library for a few hundred bytes of tags. Writing tags changes a
small tag block and at most shifts the audio, so the original is described as pieces:
"copy N bytes from offset X of the written file" or literal original bytes.

How the pieces are found, without ever holding both files in memory (both are mmapped):
1. the common prefix and suffix (usually the audio at one end, the tag at the other);
2. in what is left, an anchor: a window of the original found in the written file (the
   shift it is at is likely to be the audio's), grown backwards while bytes are equal and
   forwards across small differences (Ogg page headers renumbered by mutagen differ in
   8 bytes per page); then the same on each side of it;
3. literal bytes wherever no anchor is found (at worst the whole original).

Every copy is of bytes compared equal, and `apply_delta` checks the sha256 of the file
it starts from and of what it builds, so a delta can only rebuild the exact original.
"""

from __future__ import annotations

import hashlib
import itertools
import mmap
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from matcher.writeback.errors import FileRefused

__all__ = ["Copy", "Delta", "Literal", "apply_delta", "compute_delta", "file_sha256"]

_CHUNK = 1 << 16  # compared at once
_IO = 1 << 20  # read or written at once
_MIN_REGION = 64  # smaller regions are stored as literal bytes
_WINDOWS = (4096, 256, 32)  # anchor windows; the smaller fit between Ogg page headers, edits
_RESUME = 8  # equal bytes that end a small difference
_GAP = 256  # longest difference crossed while scanning at one shift
_MAX_DEPTH = 48
_MAGIC = b"CMD1"


@dataclass(frozen=True, slots=True)
class Copy:
    offset: int  # in the written file
    length: int


@dataclass(frozen=True, slots=True)
class Literal:
    data: bytes


@dataclass(frozen=True, slots=True)
class Delta:
    before_sha256: str
    after_sha256: str
    before_size: int
    after_size: int
    pieces: tuple[Copy | Literal, ...]

    @property
    def literal_bytes(self) -> int:
        return sum(len(p.data) for p in self.pieces if isinstance(p, Literal))

    def encode(self) -> bytes:
        out = bytearray(_MAGIC)
        out += bytes.fromhex(self.before_sha256) + bytes.fromhex(self.after_sha256)
        out += _varint(self.before_size) + _varint(self.after_size) + _varint(len(self.pieces))
        for piece in self.pieces:
            if isinstance(piece, Copy):
                out += b"\x00" + _varint(piece.offset) + _varint(piece.length)
            else:
                out += b"\x01" + _varint(len(piece.data)) + piece.data
        return bytes(out)

    @classmethod
    def decode(cls, data: bytes) -> Delta:
        """The delta `encode` gave; ValueError for anything else."""
        if data[:4] != _MAGIC or len(data) < 68:
            raise ValueError("not a CrateMatch delta")
        before, after = data[4:36].hex(), data[36:68].hex()
        pos = 68
        before_size, pos = _read_varint(data, pos)
        after_size, pos = _read_varint(data, pos)
        count, pos = _read_varint(data, pos)
        pieces: list[Copy | Literal] = []
        for _ in range(count):
            kind, pos = data[pos : pos + 1], pos + 1
            if kind == b"\x00":
                offset, pos = _read_varint(data, pos)
                length, pos = _read_varint(data, pos)
                if offset + length > after_size:
                    raise ValueError("delta copies beyond the file")
                pieces.append(Copy(offset, length))
            elif kind == b"\x01":
                length, pos = _read_varint(data, pos)
                if pos + length > len(data):
                    raise ValueError("delta cut short")
                pieces.append(Literal(data[pos : pos + length]))
                pos += length
            else:
                raise ValueError("bad delta piece")
        total = sum(p.length if isinstance(p, Copy) else len(p.data) for p in pieces)
        if pos != len(data) or total != before_size:
            raise ValueError("delta does not add up")
        return cls(before, after, before_size, after_size, tuple(pieces))


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("bad delta number")
        byte = data[pos]
        value |= (byte & 0x7F) << shift
        pos, shift = pos + 1, shift + 7
        if not byte & 0x80:
            return value, pos


@contextmanager
def _mapped(path: Path) -> Iterator[mmap.mmap | bytes]:
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            yield b""
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
            yield view


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while data := handle.read(_IO):
            digest.update(data)
    return digest.hexdigest()


class _Differ:
    """Builds the pieces that make `a` (the original) from `b` (the written file)."""

    def __init__(self, a: mmap.mmap | bytes, b: mmap.mmap | bytes) -> None:
        self.a, self.b = a, b
        self.pieces: list[Copy | Literal] = []

    def copy(self, offset: int, length: int) -> None:
        if length <= 0:
            return
        last = self.pieces[-1] if self.pieces else None
        if isinstance(last, Copy) and last.offset + last.length == offset:
            self.pieces[-1] = Copy(last.offset, last.length + length)
        else:
            self.pieces.append(Copy(offset, length))

    def literal(self, start: int, end: int) -> None:
        if end <= start:
            return
        data = bytes(self.a[start:end])
        last = self.pieces[-1] if self.pieces else None
        if isinstance(last, Literal):
            self.pieces[-1] = Literal(last.data + data)
        else:
            self.pieces.append(Literal(data))

    def run_forward(self, i: int, j: int, limit: int) -> int:
        """How many bytes a[i:] and b[j:] share, up to `limit`."""
        a, b, done = self.a, self.b, 0
        while done < limit:
            size = min(_CHUNK, limit - done)
            if a[i + done : i + done + size] == b[j + done : j + done + size]:
                done += size
                continue
            lo, hi = 0, size  # a[..lo] equal, the first difference is before hi
            while hi - lo > 16:
                mid = (lo + hi) // 2
                if a[i + done + lo : i + done + mid] == b[j + done + lo : j + done + mid]:
                    lo = mid
                else:
                    hi = mid
            while a[i + done + lo] == b[j + done + lo]:
                lo += 1
            return done + lo
        return done

    def run_backward(self, i: int, j: int, limit: int) -> int:
        """How many bytes a[:i] and b[:j] share at their ends, up to `limit`."""
        a, b, done = self.a, self.b, 0
        while done < limit:
            size = min(_CHUNK, limit - done)
            if a[i - done - size : i - done] == b[j - done - size : j - done]:
                done += size
                continue
            lo, hi = 0, size  # the last lo bytes are equal, the last hi are not
            while hi - lo > 16:
                mid = (lo + hi) // 2
                if a[i - done - mid : i - done - lo] == b[j - done - mid : j - done - lo]:
                    lo = mid
                else:
                    hi = mid
            while a[i - done - lo - 1] == b[j - done - lo - 1]:
                lo += 1
            return done + lo
        return done

    def anchor(self, a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> tuple[int, int] | None:
        """A window of a[a_lo:a_hi] found in b[b_lo:b_hi]: (a offset, b offset).

        The shifts that align the region's ends are tried before a search; when both
        fit (silence repeats), the one with the longer equal run wins."""
        size = a_hi - a_lo
        for width, fraction in itertools.product(_WINDOWS, (2, 4, 4 / 3)):
            width = max(16, min(width, size // 4))
            pos = min(a_lo + int(size / fraction), a_hi - width)
            window = self.a[pos : pos + width]
            shifts = [
                shift
                for shift in {b_hi - a_hi, b_lo - a_lo}
                if b_lo <= pos + shift <= b_hi - width
                and self.b[pos + shift : pos + shift + width] == window
            ]
            if not shifts:
                found = self.b.find(window, b_lo, b_hi)
                shifts = [found - pos] if found >= 0 else []
            if shifts:
                best = max(
                    shifts, key=lambda shift: self._extent(pos, shift, a_lo, a_hi, b_lo, b_hi)
                )
                return pos, pos + best
        return None

    def _extent(self, pos: int, shift: int, a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> int:
        j = pos + shift
        back = self.run_backward(pos, j, min(pos - a_lo, j - b_lo))
        return back + self.run_forward(pos, j, min(a_hi - pos, b_hi - j))

    def scan(self, start: int, shift: int, limit: int) -> int:
        """Copy from `start` at `shift` across differences of at most _GAP bytes, up to
        `limit` in a; returns where the copying stopped."""
        a, b, pos = self.a, self.b, start
        while pos < limit:
            run = self.run_forward(pos, pos + shift, limit - pos)
            self.copy(pos + shift, run)
            pos += run
            resume = next(
                (
                    r
                    for r in range(pos + 1, min(pos + _GAP, limit - _RESUME) + 1)
                    if a[r : r + _RESUME] == b[r + shift : r + shift + _RESUME]
                ),
                None,
            )
            if resume is None:
                return pos
            self.literal(pos, resume)
            pos = resume
        return pos

    def region(self, a_lo: int, a_hi: int, b_lo: int, b_hi: int, depth: int = 0) -> None:
        """Pieces for a[a_lo:a_hi], copying from b[b_lo:b_hi] where they share bytes."""
        if a_hi - a_lo < _MIN_REGION or b_hi - b_lo < _MIN_REGION or depth > _MAX_DEPTH:
            self.literal(a_lo, a_hi)
            return
        found = self.anchor(a_lo, a_hi, b_lo, b_hi)
        if found is None:
            self.literal(a_lo, a_hi)
            return
        ai, bi = found
        shift = bi - ai
        start = ai - self.run_backward(ai, bi, min(ai - a_lo, bi - b_lo))
        self.region(a_lo, start, b_lo, start + shift, depth + 1)
        self.copy(start + shift, ai - start)
        end = self.scan(ai, shift, min(a_hi, b_hi - shift))
        self.region(end, a_hi, end + shift, b_hi, depth + 1)


def compute_delta(before: str | Path, after: str | Path) -> Delta:
    """The delta that rebuilds the file `before` from the file `after`."""
    with _mapped(Path(before)) as a, _mapped(Path(after)) as b:
        n, m = len(a), len(b)
        differ = _Differ(a, b)
        prefix = differ.run_forward(0, 0, min(n, m))
        suffix = differ.run_backward(n, m, min(n, m) - prefix)
        differ.copy(0, prefix)
        differ.region(prefix, n - suffix, prefix, m - suffix)
        differ.copy(m - suffix, suffix)
        before_sha = hashlib.sha256(a).hexdigest()
        after_sha = hashlib.sha256(b).hexdigest()
        return Delta(before_sha, after_sha, n, m, tuple(differ.pieces))


def apply_delta(delta: Delta, current: str | Path, out: BinaryIO | None = None) -> None:
    """Write the original file to `out` (or only check it can be rebuilt, when None).

    FileRefused when `current` is not the file the delta was made from, or (which would
    be a bug) the bytes built are not the original.
    """
    current = Path(current)
    if os.path.getsize(current) != delta.after_size or file_sha256(current) != delta.after_sha256:
        raise FileRefused(current, "changed since the write")
    digest = hashlib.sha256()
    with _mapped(current) as b:
        for piece in delta.pieces:
            if isinstance(piece, Literal):
                chunks: Iterator[bytes] = iter((piece.data,))
            else:
                chunks = (
                    b[pos : min(pos + _IO, piece.offset + piece.length)]
                    for pos in range(piece.offset, piece.offset + piece.length, _IO)
                )
            for chunk in chunks:
                digest.update(chunk)
                if out is not None:
                    out.write(chunk)
    if digest.hexdigest() != delta.before_sha256:
        raise FileRefused(current, "the undo record does not rebuild the original")
