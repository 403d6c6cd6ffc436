"""How many tracks to send a worker at once.

A chunk should take about a quarter of a second: long enough that the per-message cost
(pickling, queue hops, a journal transaction) stays small, short enough that pause and
cancel act quickly and the first results arrive soon. The sizer starts small, then
follows a moving average of the measured time per track.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ChunkSizer"]


@dataclass(slots=True)
class ChunkSizer:
    target_s: float = 0.25  # aim for chunks of this many seconds of work
    first: int = 8  # the first chunks, before anything is measured
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
