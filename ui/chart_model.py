"""The dashboard chart's data, without Tk or matplotlib: series, history cap, redraw pacing.

    MetricsSnapshot.metrics ──add()──▶ points (t, tracks/s, match rate, cache hit rate)
                                       + the latest time breakdown (parse/search/score/write)
                                       + when results were being written (time_write grew)
    view: if model.redraw_due(now): draw(model.series()); model.drawn(now)

Writing a playlist's results files matches no tracks, so the tracks/s line falls while it
happens, mostly at the end: the chart shades those stretches, so the fall explains itself.
A paused batch sends no snapshots, and its clock (`total_time`) runs on: the stretch it
was paused for is marked too, and the lines break across it (`ChartSeries.broken`)
rather than draw a straight line through a time nothing was matched. How long it was
paused is the caller's to say (`add(metrics, paused_s)`: ui.progress_model.paused_seconds).

Snapshots arrive every 250 ms for as long as a batch runs, so the history is capped: past
`max_points` every other older point is dropped (the line keeps its shape, drawing stays
cheap). Redraws are paced here, not per event: a matplotlib redraw costs tens of
milliseconds of the Tk thread, so at most one per `min_interval_s`.

The previous run of the same playlists (matcher.previous_run) can lie under the line,
dashed: `set_previous` keeps it, `show_previous` turns it on and off, and while it shows
the axes take in the whole of it, so a faster or slower run reads at a glance.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ui.progress_model import MIN_PAUSE_S, metric

if TYPE_CHECKING:
    from matcher import RunSeries

__all__ = ["BREAKDOWN", "MAX_SPANS", "ChartModel", "ChartPoint", "ChartSeries", "nice_ceiling"]

Span = tuple[float, float]  # (from, to) seconds since the batch began

# (metric key, label) of the time breakdown panel, in pipeline order
BREAKDOWN: tuple[tuple[str, str], ...] = (
    ("time_parse", "Reading"),
    ("time_search", "Searching"),
    ("time_score", "Scoring"),
    ("time_write", "Writing"),
)
MAX_SPANS = 8  # writing (and paused) stretches kept; more are merged into the last one


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
    writing: tuple[Span, ...] = ()  # results being written
    previous_t: tuple[float, ...] = ()  # the previous run's line, when shown
    previous_tps: tuple[float, ...] = ()
    paused: tuple[Span, ...] = ()  # the batch was paused

    def __len__(self) -> int:
        return len(self.t)

    def broken(self, values: tuple[float, ...]) -> tuple[list[float], list[float]]:
        """(t, values) for a line that breaks (a NaN point) where the batch was paused
        between two points, so the line does not bridge the pause."""
        t_out: list[float] = []
        v_out: list[float] = []
        for n, (t, value) in enumerate(zip(self.t, values, strict=True)):
            if n and any(self.t[n - 1] <= start < t for start, _end in self.paused):
                t_out.append(math.nan)
                v_out.append(math.nan)
            t_out.append(t)
            v_out.append(value)
        return t_out, v_out

    def limits(self) -> tuple[float, float]:
        """Round (time, tracks/s) axis limits holding this run and the previous one."""
        end = max(self.t[-1] if self.t else 0.0, self.previous_t[-1] if self.previous_t else 0.0)
        top = max((*self.tracks_per_second, *self.previous_tps), default=0.0)
        return nice_ceiling(end * 1.05 if end else 1.0), nice_ceiling(top * 1.15)


class ChartModel:
    def __init__(self, max_points: int = 400, min_interval_s: float = 0.4) -> None:
        if max_points < 4:
            raise ValueError("max_points must be at least 4")
        self.max_points = max_points
        self.min_interval_s = min_interval_s
        self._points: list[ChartPoint] = []
        self._breakdown: tuple[tuple[str, float], ...] = tuple((lbl, 0.0) for _k, lbl in BREAKDOWN)
        self._writing: list[Span] = []
        self._written = 0.0  # time_write of the latest snapshot
        self._paused: list[Span] = []
        self._paused_s = 0.0  # how long the batch had been paused at the latest snapshot
        self._dirty = False
        self._last_draw = -math.inf
        self.previous: RunSeries | None = None
        self.show_previous = True

    def __len__(self) -> int:
        return len(self._points)

    def reset(self) -> None:
        """A new batch: empty history (drawn at once, so the old run disappears)."""
        self._points.clear()
        self._breakdown = tuple((label, 0.0) for _key, label in BREAKDOWN)
        self._writing = []
        self._written = 0.0
        self._paused = []
        self._paused_s = 0.0
        self._dirty = True
        self._last_draw = -math.inf

    @property
    def paused(self) -> tuple[Span, ...]:
        return tuple(self._paused)

    def add(self, metrics: Mapping[str, float], paused_s: float = 0.0) -> None:
        """A snapshot; `paused_s`: how long the batch had been paused by then, in all."""
        point = ChartPoint(
            t=metric(metrics, "total_time"),
            tracks_per_second=metric(metrics, "tracks_per_second"),
            match_rate=100 * min(1.0, metric(metrics, "match_rate")),
            cache_hit_rate=100 * min(1.0, metric(metrics, "cache_hit_rate")),
        )
        if self._points and point.t < self._points[-1].t:  # the clock went back: a new run
            self.reset()
        self._note_writing(point.t, metric(metrics, "time_write"))
        self._note_pause(point.t, paused_s)
        if self._points and point.t == self._points[-1].t:
            self._points[-1] = point
        else:
            self._points.append(point)
        if len(self._points) > self.max_points:
            self._points = self._downsampled()
        self._breakdown = tuple((label, metric(metrics, key)) for key, label in BREAKDOWN)
        self._dirty = True

    def set_previous(self, previous: RunSeries | None) -> None:
        """The previous run of the same playlists (None: there is none): kept across a
        reset, since a resumed run starts its clock again on the same playlists."""
        self.previous = previous
        self._dirty = True

    def set_show_previous(self, show: bool) -> None:
        if show != self.show_previous:
            self.show_previous = show
            self._dirty = True

    @property
    def previous_shown(self) -> bool:
        return self.show_previous and self.previous is not None and len(self.previous) > 0

    @property
    def previous_label(self) -> str:
        """The legend's words for the previous run ("average" when its report kept no
        series: a straight line from its start to its end). Short: the legend shares a
        narrow chart's width; the dashboard's checkbox names the run's preset."""
        previous = self.previous
        return (
            "Previous run (avg)" if previous is not None and previous.estimated else "Previous run"
        )

    def _note_writing(self, t: float, written: float) -> None:
        """Results were written since the previous snapshot: shade from it to this one."""
        if written <= self._written + 1e-9:
            return
        start = self._points[-1].t if self._points else max(0.0, t - (written - self._written))
        self._written = written
        _extend(self._writing, start, t)

    def _note_pause(self, t: float, paused_s: float) -> None:
        """The batch was paused since the previous snapshot (none come while it is): mark
        the stretch from that snapshot on, as long as the pause was."""
        grown = paused_s - self._paused_s
        self._paused_s = max(self._paused_s, paused_s)
        if grown < MIN_PAUSE_S:
            return
        start = self._points[-1].t if self._points else 0.0
        _extend(self._paused, start, min(t, start + grown))

    def _downsampled(self) -> list[ChartPoint]:
        """Every other point, always keeping the first and the latest."""
        older = self._points[:-1]
        return [*older[::2], self._points[-1]]

    def series(self) -> ChartSeries:
        points = self._points
        previous = self.previous if self.previous_shown else None
        return ChartSeries(
            t=tuple(p.t for p in points),
            tracks_per_second=tuple(p.tracks_per_second for p in points),
            match_rate=tuple(p.match_rate for p in points),
            cache_hit_rate=tuple(p.cache_hit_rate for p in points),
            breakdown=self._breakdown,
            writing=tuple(self._writing),
            paused=tuple(self._paused),
            previous_t=previous.t if previous is not None else (),
            previous_tps=previous.tracks_per_second if previous is not None else (),
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


def _extend(spans: list[Span], start: float, end: float) -> None:
    """Add a stretch, joined to the last one when they touch (or when MAX_SPANS are kept)."""
    if spans and (spans[-1][1] >= start or len(spans) >= MAX_SPANS):
        spans[-1] = (spans[-1][0], end)
    else:
        spans.append((start, end))


def nice_ceiling(value: float) -> float:
    """A round axis limit at or above `value` (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^n)."""
    if value <= 0:
        return 1.0
    step = 1.0
    while step * 10 <= value:
        step *= 10
    while step > value:
        step /= 10
    for factor in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * factor >= value:
            return step * factor
    return step * 10
