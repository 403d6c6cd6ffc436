"""The dashboard chart's data, without Tk or matplotlib: series, history cap, redraw pacing.

    MetricsSnapshot.metrics ──add()──▶ points (t, tracks/s, match rate, cache hit rate)
                                       + the latest time breakdown (parse/search/score/write)
    view: if model.redraw_due(now): draw(model.series()); model.drawn(now)

Snapshots arrive every 250 ms for as long as a batch runs, so the history is capped: past
`max_points` every other older point is dropped (the line keeps its shape, drawing stays
cheap). Redraws are paced here, not per event: a matplotlib redraw costs tens of
milliseconds of the Tk thread, so at most one per `min_interval_s`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["BREAKDOWN", "ChartModel", "ChartPoint", "ChartSeries"]

# (metric key, label) of the time breakdown panel, in pipeline order
BREAKDOWN: tuple[tuple[str, str], ...] = (
    ("time_parse", "Reading"),
    ("time_search", "Searching"),
    ("time_score", "Scoring"),
    ("time_write", "Writing"),
)


@dataclass(frozen=True, slots=True)
class ChartPoint:
    t: float  # seconds since the batch began
    tracks_per_second: float
    match_rate: float  # percent
    cache_hit_rate: float  # percent


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """What the chart draws: columns of the history plus the latest breakdown."""

    t: tuple[float, ...]
    tracks_per_second: tuple[float, ...]
    match_rate: tuple[float, ...]
    cache_hit_rate: tuple[float, ...]
    breakdown: tuple[tuple[str, float], ...]  # (label, seconds), BREAKDOWN order

    def __len__(self) -> int:
        return len(self.t)


def _number(metrics: Mapping[str, float], key: str) -> float:
    try:
        value = float(metrics.get(key, 0.0))
    except (TypeError, ValueError):
        return 0.0
    return value if math.isfinite(value) and value > 0 else 0.0


class ChartModel:
    def __init__(self, max_points: int = 400, min_interval_s: float = 0.4) -> None:
        if max_points < 4:
            raise ValueError("max_points must be at least 4")
        self.max_points = max_points
        self.min_interval_s = min_interval_s
        self._points: list[ChartPoint] = []
        self._breakdown: tuple[tuple[str, float], ...] = tuple((lbl, 0.0) for _k, lbl in BREAKDOWN)
        self._dirty = False
        self._last_draw = -math.inf

    def __len__(self) -> int:
        return len(self._points)

    def reset(self) -> None:
        """A new batch: empty history (drawn at once, so the old run disappears)."""
        self._points.clear()
        self._breakdown = tuple((label, 0.0) for _key, label in BREAKDOWN)
        self._dirty = True
        self._last_draw = -math.inf

    def add(self, metrics: Mapping[str, float]) -> None:
        point = ChartPoint(
            t=_number(metrics, "total_time"),
            tracks_per_second=_number(metrics, "tracks_per_second"),
            match_rate=100 * min(1.0, _number(metrics, "match_rate")),
            cache_hit_rate=100 * min(1.0, _number(metrics, "cache_hit_rate")),
        )
        if self._points and point.t < self._points[-1].t:  # the clock went back: a new run
            self.reset()
        if self._points and point.t == self._points[-1].t:
            self._points[-1] = point
        else:
            self._points.append(point)
        if len(self._points) > self.max_points:
            self._points = self._downsampled()
        self._breakdown = tuple((label, _number(metrics, key)) for key, label in BREAKDOWN)
        self._dirty = True

    def _downsampled(self) -> list[ChartPoint]:
        """Every other point, always keeping the first and the latest."""
        older = self._points[:-1]
        return [*older[::2], self._points[-1]]

    def series(self) -> ChartSeries:
        points = self._points
        return ChartSeries(
            t=tuple(p.t for p in points),
            tracks_per_second=tuple(p.tracks_per_second for p in points),
            match_rate=tuple(p.match_rate for p in points),
            cache_hit_rate=tuple(p.cache_hit_rate for p in points),
            breakdown=self._breakdown,
        )

    # -- pacing --------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self._dirty

    def redraw_due(self, now: float) -> bool:
        return self._dirty and now - self._last_draw >= self.min_interval_s

    def wait_s(self, now: float) -> float:
        """Seconds until a pending redraw may happen (0 when due)."""
        return max(0.0, self.min_interval_s - (now - self._last_draw))

    def drawn(self, now: float) -> None:
        self._dirty = False
        self._last_draw = now
