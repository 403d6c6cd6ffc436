"""DeviceSQL files (export.pdb) written for tests, from the format's description: enough
to give the reader several pages per table, several row groups per page, deleted rows,
every kind of string and far-away names."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

TRACKS, GENRES, ARTISTS, ALBUMS, LABELS, KEYS, TREE, ENTRIES = 0, 1, 2, 3, 4, 5, 7, 8


def string(text: str) -> bytes:
    """A DeviceSQL string: short ASCII, long ASCII or UTF-16LE, as Rekordbox picks."""
    if text.isascii() and len(text) < 126:
        return bytes([((len(text) + 1) << 1) | 1]) + text.encode("ascii")
    if text.isascii():
        return b"\x40" + struct.pack("<H", len(text) + 4) + b"\x00" + text.encode("ascii")
    body = text.encode("utf-16-le")
    return b"\x90" + struct.pack("<H", len(body) + 4) + b"\x00" + body


def isrc(code: str) -> bytes:
    body = b"\x03" + code.encode("ascii") + b"\x00"
    return b"\x90" + struct.pack("<H", len(body) + 4) + b"\x00" + body


@dataclass
class UsbTrack:
    id: int
    title: str
    path: str
    artist: int = 0
    remixer: int = 0
    album: int = 0
    genre: int = 0
    label: int = 0
    key: int = 0
    bpm: float = 0.0
    seconds: int = 0
    year: int = 0
    mix: str = ""
    comment: str = ""
    isrc: str = ""


def track_row(t: UsbTrack) -> bytes:
    head = bytearray(0x5E + 21 * 2)
    struct.pack_into("<HH", head, 0, 0x24, 0)
    for at, value in ((0x20, t.key), (0x28, t.label), (0x2C, t.remixer),
                      (0x38, round(t.bpm * 100)), (0x3C, t.genre), (0x40, t.album),
                      (0x44, t.artist), (0x48, t.id)):  # fmt: skip
        struct.pack_into("<I", head, at, value)
    struct.pack_into("<HH", head, 0x50, t.year, 0)
    struct.pack_into("<H", head, 0x54, t.seconds)
    texts = {0: isrc(t.isrc) if t.isrc else string(""), 12: string(t.mix),
             16: string(t.comment), 17: string(t.title),
             19: string(t.path.rsplit("/", 1)[-1]), 20: string(t.path)}  # fmt: skip
    body = bytearray(head)
    for index in range(21):
        struct.pack_into("<H", body, 0x5E + 2 * index, len(body))
        body += texts.get(index, string(""))
    return bytes(body)


def named_row(row_id: int, name: str, name_at: int = 4) -> bytes:
    """Genres and labels (name at 4), keys (a second id, name at 8)."""
    ids = struct.pack("<I", row_id) + (struct.pack("<I", row_id) if name_at == 8 else b"")
    return ids + string(name)


def artist_row(row_id: int, name: str, far: bool = False) -> bytes:
    if far:
        return struct.pack("<HHIBBH", 0x64, 0, row_id, 3, 0, 12) + string(name)
    return struct.pack("<HHIBB", 0x60, 0, row_id, 3, 10) + string(name)


def album_row(row_id: int, name: str, far: bool = False) -> bytes:
    if far:
        return struct.pack("<HHIIIIBBH", 0x84, 0, 0, 0, row_id, 0, 3, 0, 24) + string(name)
    return struct.pack("<HHIIIIBB", 0x80, 0, 0, 0, row_id, 0, 3, 22) + string(name)


def tree_row(node_id: int, name: str, parent: int = 0, order: int = 0, folder: bool = False):
    return struct.pack("<IIIII", parent, 0, order, node_id, int(folder)) + string(name)


def entry_row(position: int, track: int, playlist: int) -> bytes:
    return struct.pack("<III", position, track, playlist)


@dataclass
class Table:
    kind: int
    rows: list[bytes | None] = field(default_factory=list)  # None: a deleted row


def _page(size: int, index: int, kind: int, following: int, rows: Sequence[bytes | None]):
    page = bytearray(size)
    heap = bytearray()
    offsets, present = [], []
    for row in rows:
        offsets.append(len(heap))
        present.append(row is not None)
        heap += row if row is not None else b"\xee" * 24  # a deleted row's old bytes
        heap += b"\x00" * (-len(heap) % 4)
    alive = sum(present)
    struct.pack_into("<IIII", page, 0, 0, index, kind, following)
    packed = len(rows) | alive << 13
    page[0x18:0x1B] = packed.to_bytes(3, "little")
    page[0x1B] = 0x24
    page[0x28 : 0x28 + len(heap)] = heap
    for group in range((len(rows) + 15) // 16):
        end = size - group * 0x24
        flags = sum(
            1 << j for j in range(16) if 16 * group + j < len(rows) and present[16 * group + j]
        )
        struct.pack_into("<HH", page, end - 4, flags, 0)
        for j in range(min(16, len(rows) - 16 * group)):
            struct.pack_into("<H", page, end - 6 - 2 * j, offsets[16 * group + j])
    assert 0x28 + len(heap) <= size - 0x24 * ((len(rows) + 15) // 16), "rows overflow a page"
    return bytes(page)


def build(tables: Sequence[Table], page_size: int = 8192, rows_per_page: int = 20) -> bytes:
    """The whole file: a header page, then per table an index page and data pages."""
    pages: list[bytes] = [b""]
    pointers = []
    for table in tables:
        chunks = [table.rows[i : i + rows_per_page]
                  for i in range(0, len(table.rows), rows_per_page)] or [[]]  # fmt: skip
        first = len(pages)
        index_page = bytearray(page_size)
        struct.pack_into("<IIII", index_page, 0, 0, first, table.kind, first + 1)
        index_page[0x1B] = 0x64
        pages.append(bytes(index_page))
        for n, chunk in enumerate(chunks):
            number = len(pages)
            last = n == len(chunks) - 1
            pages.append(_page(page_size, number, table.kind, 0 if last else number + 1, chunk))
        pointers.append((table.kind, 0, first, len(pages) - 1))
    header = bytearray(page_size)
    struct.pack_into("<IIIIIII", header, 0, 0, page_size, len(tables), len(pages), 0, 1, 0)
    for i, pointer in enumerate(pointers):
        struct.pack_into("<IIII", header, 0x1C + 16 * i, *pointer)
    pages[0] = bytes(header)
    return b"".join(pages)
