"""How many tracks to send a worker at once, and which chunks a batch has out.

A chunk should take about a quarter of a second: long enough that the per-message cost
(pickling, queue hops, a journal transaction) stays small, short enough that pause and
cancel act quickly and the first results arrive soon. The sizer starts small, then
follows a moving average of the measured time per track.

`ChunkBook` keeps a batch's chunks matched by id: those out at a worker, and those to
send again (first) because their worker died. A chunk is sent MAX_ATTEMPTS times at
most; then the batch turns it into error rows.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MAX_ATTEMPTS", "ChunkBook", "ChunkSizer", "OpenChunk"]

MAX_ATTEMPTS = 2  # a chunk whose worker died is sent once more, then becomes error rows


@dataclass(slots=True)
class ChunkSizer:
    target_s: float = 0.25  # aim for chunks of this many seconds of work
    first: int = 4  # the first chunks, before anything is measured
    minimum: int = 1
    maximum: int = 500
    smoothing: float = 0.3  # weight of the newest measurement
    per_track_s: float | None = None  # the moving average

    def observe(self, tracks: int, busy_s: float) -> None:
        """Record that `tracks` took `busy_s` seconds of a worker's time."""
        if tracks <= 0 or busy_s <= 0:
            return
        sample = busy_s / tracks
        if self.per_track_s is None:
            self.per_track_s = sample
        else:
            # A chunk of a few tracks says less than a full one (weigh it by its size),
            # and one slow moment must not collapse the size (cap the jump at 3x).
            weight = self.smoothing * min(1.0, tracks / max(1, self.next_size()))
            sample = min(sample, 3 * self.per_track_s)
            self.per_track_s += weight * (sample - self.per_track_s)

    def next_size(self) -> int:
        if self.per_track_s is None:
            return self.first
        size = round(self.target_s / self.per_track_s)
        return max(self.minimum, min(self.maximum, size))

    def share(self, remaining: int, workers: int) -> int:
        """`next_size`, cut near the end so the last `remaining` entries spread over all
        `workers`: a batch then ends with every worker busy, not one finishing a full
        chunk while the others wait (never below `first`, so the end is not a burst of
        tiny chunks)."""
        size = self.next_size()
        if workers > 1 and remaining > 0:
            size = min(size, max(self.first, -(-remaining // workers)))
        return size


@dataclass(slots=True)
class OpenChunk:
    """A chunk of one playlist's work (its entries, or its files) that has no result yet."""

    chunk_id: int
    playlist_id: int
    items: list[Any]
    attempt: int = 0  # how many of its workers died


@dataclass(slots=True)
class ChunkBook:
    """A batch's chunks without results: out at a worker (by id), or to send again."""

    in_flight: dict[int, OpenChunk] = field(default_factory=dict)
    retry: deque[OpenChunk] = field(default_factory=deque)
    last_id: int = 0

    def new(self, playlist_id: int, items: list[Any]) -> OpenChunk:
        self.last_id += 1
        return OpenChunk(self.last_id, playlist_id, items)

    def sent(self, chunk: OpenChunk) -> None:
        self.in_flight[chunk.chunk_id] = chunk

    def send_again(self, chunk: OpenChunk) -> None:
        """Send `chunk` before any new one (its worker died, or could not take it)."""
        self.retry.appendleft(chunk)

    def to_send_again(self) -> OpenChunk | None:
        """The next chunk waiting to go out again, if any."""
        return self.retry.popleft() if self.retry else None

    @property
    def unanswered(self) -> bool:
        """Whether any chunk has no result yet (out, or waiting to go out again)."""
        return bool(self.in_flight or self.retry)

    def back(self, chunk_id: int) -> OpenChunk | None:
        """The chunk a result answers; None for one no longer awaited (cancelled)."""
        return self.in_flight.pop(chunk_id, None)

    def lost(self, chunk_id: int | None) -> OpenChunk | None:
        """The worker holding `chunk_id` died: the chunk goes out again, or, once it has
        had MAX_ATTEMPTS, is returned to become error rows."""
        chunk = self.in_flight.pop(chunk_id, None) if chunk_id is not None else None
        if chunk is None:
            return None
        chunk.attempt += 1
        if chunk.attempt < MAX_ATTEMPTS:
            self.send_again(chunk)
            return None
        return chunk

    def holds(self, playlist_id: int) -> bool:
        """Whether any chunk of the playlist still has no result."""
        return any(c.playlist_id == playlist_id for c in (*self.in_flight.values(), *self.retry))

    def clear(self) -> None:
        self.in_flight.clear()
        self.retry.clear()
