"""Rekordbox device libraries (`PIONEER/rekordbox/export.pdb`, "DeviceSQL"): tables,
pages, rows and strings. What the rows mean is `rekordbox_usb.py`'s business.

Read from the format as Deep Symmetry's reverse-engineering notes describe it
(djl-analysis, "Database Exports"); every integer is little-endian:

    page 0      u32 0 | u32 page size | u32 table count | u32 next unused page | u32 ?
                | u32 sequence | u32 0 | per table: u32 type, u32 empty candidate,
                u32 first page, u32 last page
    a page      0x00 u32 0 | 0x04 u32 its index | 0x08 u32 table type | 0x0c u32 next page
                0x18 u24: row offsets written (low 13 bits), rows alive (high 11 bits)
                0x1b u8 flags (0x40 set: an index page, no rows)
                0x28 the heap: rows, addressed by offsets from here
                the page's end, backwards: groups of 16 rows, 0x24 bytes each:
                  u16 ?, u16 presence flags (bit j: row j is alive),
                  then 16 u16 heap offsets (row 0 nearest the flags)
    a string    first byte k: k odd -> ASCII, (k >> 1) bytes with k itself;
                k 0x40 -> u16 length (with the 4-byte head), u8 pad, ASCII;
                k 0x90 -> the same head, UTF-16LE (an ISRC: 0x03, ASCII, NUL)

A table is a chain of pages from its first page to its last (following "next page").
Rows whose presence bit is clear were deleted or rewritten: Rekordbox leaves the old
bytes behind, so counting offsets would count ghosts. Every read is bounds-checked and
page chains are followed once, so a damaged or hostile file ends in LibraryDamaged,
never an IndexError or an endless loop.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from matcher.playlists.library_errors import LibraryDamaged, NotALibrary
from matcher.playlists.sources import file_error

__all__ = ["DeviceLibrary", "PageCounts", "looks_like_pdb"]

MAX_FILE = 1 << 30  # a 100,000-track export is far below 1 GB
_PAGE_HEAD = 0x28
_GROUP = 0x24
_INDEX_PAGE = 0x40
_TABLES_AT = 0x1C


def looks_like_pdb(head: bytes) -> bool:
    """True when `head` starts like a DeviceSQL file: a zero word, a power-of-two page
    size, a plausible table count."""
    if len(head) < _TABLES_AT + 16:
        return False
    zero, page_size, tables = struct.unpack_from("<III", head)
    plausible_size = 512 <= page_size <= 65536 and page_size & (page_size - 1) == 0
    return zero == 0 and plausible_size and 1 <= tables <= 64


@dataclass(frozen=True, slots=True)
class PageCounts:
    """What a data page's header says: row offsets written and rows alive (the raw
    count a second reading can be checked against)."""

    page: int
    offsets: int
    alive: int


class DeviceLibrary:
    """An export.pdb held in memory (tens of MB at most), read table by table."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data = data
        self.name = name
        if not looks_like_pdb(data):
            raise NotALibrary(f"{name}: not a Rekordbox device library (export.pdb)")
        _, self.page_size, count = struct.unpack_from("<III", data)
        if len(data) < self.page_size or len(data) < _TABLES_AT + 16 * count:
            raise LibraryDamaged(f"{name}: the device library is cut short")
        self.tables: dict[int, tuple[int, int]] = {}
        for i in range(count):
            kind, _, first, last = struct.unpack_from("<IIII", data, _TABLES_AT + 16 * i)
            self.tables.setdefault(kind, (first, last))

    @classmethod
    def open(cls, path: Path) -> DeviceLibrary:
        """Read the file at `path`; InputError family for anything that is not one."""
        try:
            size = path.stat().st_size
            if size > MAX_FILE:
                raise NotALibrary(f"{path.name}: too large for a device library ({size} bytes)")
            data = path.read_bytes()
        except OSError as err:
            raise file_error(path, err) from None
        return cls(data, path.name)

    def damaged(self, what: str) -> LibraryDamaged:
        return LibraryDamaged(f"{self.name}: the device library is damaged ({what})")

    # -- raw values, bounds-checked -------------------------------------------------

    def u8(self, at: int) -> int:
        if not 0 <= at < len(self.data):
            raise self.damaged(f"a value past the end at {at}")
        return self.data[at]

    def u16(self, at: int) -> int:
        return self._unpack("<H", at)

    def u32(self, at: int) -> int:
        return self._unpack("<I", at)

    def _unpack(self, fmt: str, at: int) -> int:
        if at < 0 or at + struct.calcsize(fmt) > len(self.data):
            raise self.damaged(f"a value past the end at {at}")
        return struct.unpack_from(fmt, self.data, at)[0]

    def string(self, at: int) -> str:
        """The DeviceSQL string at byte `at`."""
        kind = self.u8(at)
        if kind & 1:
            return self._slice(at + 1, (kind >> 1) - 1).decode("ascii", "replace")
        length = self.u16(at + 1) - 4
        if kind == 0x40:
            return self._slice(at + 4, length).decode("ascii", "replace").rstrip("\x00")
        if kind == 0x90:
            body = self._slice(at + 4, length)
            if body[:1] == b"\x03":  # an ISRC: ASCII between a 0x03 and a NUL
                return body[1:].split(b"\x00", 1)[0].decode("ascii", "replace")
            return body.decode("utf-16-le", "replace").rstrip("\x00")
        raise self.damaged(f"a string of unknown kind 0x{kind:02x} at {at}")

    def _slice(self, at: int, length: int) -> bytes:
        if length < 0 or at + length > len(self.data):
            raise self.damaged(f"a string past the end at {at}")
        return self.data[at : at + length]

    # -- pages and rows ---------------------------------------------------------------

    def pages(self, kind: int) -> Iterator[int]:
        """The byte offsets of the data pages of table `kind`, in chain order."""
        if kind not in self.tables:
            return
        page, last = self.tables[kind]
        seen: set[int] = set()
        total = len(self.data) // self.page_size
        while True:
            if page in seen:
                raise self.damaged(f"the pages of table {kind} run in a loop")
            if not 0 < page < total:
                raise self.damaged(f"a page {page} outside the file")
            seen.add(page)
            start = page * self.page_size
            if self.u32(start + 8) != kind:
                raise self.damaged(f"page {page} does not belong to table {kind}")
            if not self.u8(start + 0x1B) & _INDEX_PAGE:
                yield start
            if page == last:
                return
            page = self.u32(start + 12)

    def counts(self, kind: int) -> list[PageCounts]:
        """The header counts of each data page of table `kind`."""
        result = []
        for start in self.pages(kind):
            packed = self.u16(start + 0x18) | self.u8(start + 0x1A) << 16
            result.append(PageCounts(start // self.page_size, packed & 0x1FFF, packed >> 13))
        return result

    def rows(self, kind: int) -> Iterator[int]:
        """The byte offset of each live row of table `kind`, in page and row order."""
        for start in self.pages(kind):
            offsets = (self.u16(start + 0x18) | self.u8(start + 0x1A) << 16) & 0x1FFF
            heap_end = start + self.page_size
            for group in range((offsets + 15) // 16):
                end = heap_end - group * _GROUP
                if end - _GROUP < start + _PAGE_HEAD:
                    raise self.damaged(f"page {start // self.page_size} has too many rows")
                present = self.u16(end - 4)
                for j in range(min(16, offsets - 16 * group)):
                    if present >> j & 1:
                        row = start + _PAGE_HEAD + self.u16(end - 6 - 2 * j)
                        if row >= heap_end:
                            raise self.damaged(f"a row outside page {start // self.page_size}")
                        yield row
