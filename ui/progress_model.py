"""Elapsed time, speed and time left for the status bar. Pure: the clock is an argument.

A batch's figures are the engine's (`RunFigures`): the elapsed time and the tracks per
second of its latest MetricsSnapshot, worded by `matcher.format_metrics` exactly as the
dashboard words them, so the two never disagree, and a batch too quick for the window to
time still shows how long it took. A tag write has no snapshots: `ProgressClock` times
it here (pauses stop the clock; only files of this run count towards the speed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from matcher import format_metrics

__all__ = [
    "ProgressClock",
    "ProgressLine",
    "RunFigures",
    "format_count",
    "format_duration",
    "format_left",
]

MIN_RATE_S = 1.0  # below this much running time a speed is mostly start-up noise


def format_duration(seconds: float) -> str:
    """42 -> "0:42", 3725 -> "1:02:05"."""
    total = max(0, int(round(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_left(seconds: float) -> str:
    """Time left, in the dashboard's style: "about 8 s left", "about 2 min 05 s left"."""
    whole = max(1, round(seconds))
    if whole < 60:
        return f"about {whole} s left"
    if whole < 3600:
        return f"about {whole // 60} min {whole % 60:02d} s left"
    return f"about {whole // 3600} h {whole % 3600 // 60:02d} min left"


def format_count(n: int) -> str:
    return f"{n:,}"


@dataclass(frozen=True, slots=True)
class ProgressLine:
    """What the status bar shows, already worded."""

    fraction: float
    tracks: str  # "1,234 of 5,000 tracks · 25 %"
    timing: str  # "Elapsed 0:42 · ETA 2:10 · 118 tracks/s"


class ProgressClock:
    def __init__(self) -> None:
        self.start(None)

    def start(self, now: float | None, already_done: int = 0) -> None:
        """Begin timing a run at `now` (None: no run yet)."""
        self._started: float | None = now
        self._paused_at: float | None = None
        self._stopped_at: float | None = None
        self._paused_total = 0.0
        self._base_done = already_done  # tracks done before this run (a resumed batch)

    def pause(self, now: float) -> None:
        if self._started is not None and self._paused_at is None and self._stopped_at is None:
            self._paused_at = now

    def resume(self, now: float) -> None:
        if self._paused_at is not None:
            self._paused_total += now - self._paused_at
            self._paused_at = None

    def stop(self, now: float) -> None:
        if self._started is not None and self._stopped_at is None:
            self.resume(now)
            self._stopped_at = now

    @property
    def running(self) -> bool:
        return self._started is not None and self._stopped_at is None

    def elapsed(self, now: float) -> float:
        if self._started is None:
            return 0.0
        end = self._stopped_at if self._stopped_at is not None else now
        if self._paused_at is not None:
            end = self._paused_at
        return max(0.0, end - self._started - self._paused_total)

    def rate(self, done: int, now: float) -> float | None:
        """Tracks (or files) per second in this run, or None while too early to say."""
        elapsed = self.elapsed(now)
        matched = done - self._base_done
        if elapsed < MIN_RATE_S or matched <= 0:
            return None
        return matched / elapsed

    def eta(self, done: int, total: int, now: float) -> float | None:
        rate = self.rate(done, now)
        if rate is None or total <= done:
            return None
        return (total - done) / rate

    def line(self, done: int, total: int, now: float, noun: str = "tracks") -> ProgressLine:
        fraction = min(1.0, done / total) if total else 0.0
        if self._started is None:
            return ProgressLine(0.0, "No batch yet", "")
        tracks = f"{format_count(done)} of {format_count(total)} {noun} · {fraction:.0%}"
        parts = [f"Elapsed {format_duration(self.elapsed(now))}"]
        eta = self.eta(done, total, now) if self.running and self._paused_at is None else None
        if eta is not None:
            parts.append(f"ETA {format_duration(eta)}")
        rate = self.rate(done, now)
        if rate is not None:
            parts.append(f"{rate:,.0f} {noun}/s" if rate >= 10 else f"{rate:.1f} {noun}/s")
        return ProgressLine(fraction, tracks, " · ".join(parts))


class RunFigures:
    """The current batch's time and speed as the engine measured them: the figures of
    its latest MetricsSnapshot (the dashboard shows the same snapshot)."""

    def __init__(self) -> None:
        self.metrics: Mapping[str, float] = {}

    def reset(self) -> None:
        """A batch is starting: nothing measured yet."""
        self.metrics = {}

    def observe(self, metrics: Mapping[str, float]) -> None:
        self.metrics = metrics

    def line(self, done: int, total: int, running: bool) -> ProgressLine:
        """What the status bar says; the time left only while the batch runs."""
        fraction = min(1.0, done / total) if total else 0.0
        tracks = f"{format_count(done)} of {format_count(total)} tracks · {fraction:.0%}"
        if not self.metrics:
            return ProgressLine(fraction, tracks, "")
        rows = dict(format_metrics(self.metrics))
        parts = [f"Elapsed {rows.get('Elapsed', '')}"]
        rate = float(self.metrics.get("tracks_per_second", 0.0) or 0.0)
        if running and rate > 0 and total > done:
            parts.append(format_left((total - done) / rate))
        if rate > 0:
            parts.append(f"{rows.get('Tracks/s', '')} tracks/s")
        return ProgressLine(fraction, tracks, " · ".join(parts))
