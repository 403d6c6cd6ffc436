"""A playlist's entries, each made the first time it is asked for.

The engine reads a playlist before its batch starts, and for a Rekordbox XML of 10,000
tracks making the entries (decoding every field, the dataclasses) is 40 % of that read,
for an M3U of 100,000 entries (a file to look for, its tags) 79 %: time the user waits
for the first result while the workers sit idle. With LazyEntries
the batch starts as soon as the file is parsed, and each entry is made when its chunk
goes out, while the workers match the chunks before it. It behaves as the tuple it
stands for: same length, items, equality and hash, and it pickles as that tuple.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

from matcher.model import PlaylistEntry

__all__ = ["LazyEntries"]

R = TypeVar("R")


class LazyEntries(Sequence[PlaylistEntry], Generic[R]):
    """`make(index, record)` for each of `records`, once, when first asked for."""

    __slots__ = ("_made", "_make", "_records")

    def __init__(self, records: Sequence[R], make: Callable[[int, R], PlaylistEntry]) -> None:
        self._records = records
        self._make = make
        self._made: list[PlaylistEntry | None] = [None] * len(records)

    def __len__(self) -> int:
        return len(self._records)

    @overload
    def __getitem__(self, index: int) -> PlaylistEntry: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[PlaylistEntry, ...]: ...

    def __getitem__(self, index: int | slice) -> PlaylistEntry | tuple[PlaylistEntry, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("playlist entry index out of range")
        entry = self._made[index]
        if entry is None:
            entry = self._made[index] = self._make(index, self._records[index])
        return entry

    def __iter__(self) -> Iterator[PlaylistEntry]:
        for index in range(len(self)):
            yield self[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyEntries | tuple):
            return len(self) == len(other) and tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"LazyEntries({len(self)} entries)"

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (tuple(self),))
