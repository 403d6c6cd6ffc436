"""Elapsed time, speed and time left for the status bar. Pure: the clock is an argument.

A batch's figures are the engine's (`RunFigures`): the elapsed time and the tracks per
second of its latest MetricsSnapshot, worded by `matcher.format_metrics` exactly as the
dashboard words them, so the two never disagree, and a batch too quick for the window to
time still shows how long it took. A tag write has no snapshots: `ProgressClock` times
it here (pauses stop the clock; only files of this run count towards the speed).

The engine's `total_time` is wall time, pauses included, while its `tracks_per_second`
divides this run's tracks by the time it ran, pauses left out; and a resumed batch's
snapshots time and count only this run. So the elapsed time the window shows is the time
the batch ran (`run_time`: the wall time less `paused_seconds`, what the two figures leave
between them), the pause said apart: "Elapsed 4.9 s (+11 s paused) · 1,202 tracks/s", the
tracks at that speed took that time. The status bar and the dashboard's table both word
it with `run_time` (a tag write's ProgressClock leaves pauses out too), and a resumed
batch says its figures are this run's ("This run: 4,099 tracks in 6.8 s").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from matcher import format_metrics

__all__ = [
    "MIN_PAUSE_S",
    "ProgressClock",
    "ProgressLine",
    "RunFigures",
    "format_count",
    "format_duration",
    "format_left",
    "metric",
    "paused_seconds",
    "plural",
    "run_time",
    "starting_text",
]

MIN_RATE_S = 1.0  # below this much running time a speed is mostly start-up noise
MIN_PAUSE_S = 0.5  # a shorter pause is not worth a word (nor a mark on the chart)


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


def plural(n: int, word: str, words: str | None = None) -> str:
    """ "1 file", "2,000 files" """
    return f"{format_count(n)} {word if n == 1 else words or word + 's'}"


def metric(metrics: Mapping[str, float], key: str) -> float:
    """A snapshot's figure, 0 when it is missing, not a number, or not positive."""
    try:
        value = float(metrics.get(key, 0.0))
    except (TypeError, ValueError):
        return 0.0
    return value if math.isfinite(value) and value > 0 else 0.0


def paused_seconds(metrics: Mapping[str, float], already_done: int = 0) -> float:
    """How much of a snapshot's `total_time` the batch spent paused: the wall time less
    the time this run's tracks took at its `tracks_per_second` (which leaves pauses out).
    0 while nothing of this run is matched (no speed to tell it by). `already_done`: the
    tracks earlier runs of a resumed batch did (BatchStarted.already_done)."""
    rate = metric(metrics, "tracks_per_second")
    run = metric(metrics, "done_tracks") - max(0, already_done)
    if rate <= 0 or run <= 0:
        return 0.0
    return max(0.0, metric(metrics, "total_time") - run / rate)


def run_time(metrics: Mapping[str, float], paused_s: float) -> tuple[str, str]:
    """(elapsed, paused) of a snapshot in the dashboard's words: how long the batch ran,
    its pauses left out (the time its tracks per second divides by), and how long it was
    paused ("" below MIN_PAUSE_S: not worth a word). `paused_s`: `paused_seconds`."""
    elapsed = max(0.0, metric(metrics, "total_time") - paused_s)
    return _duration(elapsed), _duration(paused_s) if paused_s >= MIN_PAUSE_S else ""


def _duration(seconds: float) -> str:
    """A time in the dashboard's words ("11 s", "6.8 s")."""
    return dict(format_metrics({"total_time": seconds}))["Elapsed"]


def starting_text(new_engine: bool, provider: str) -> str:
    """What the status bar says between Start and BatchStarted. An engine started for this
    batch first prepares its catalog (a catalog file is imported, which takes seconds) and
    starts its workers; only then are the playlists read (quickly: they are read lazily)."""
    if not new_engine:
        return "Reading playlists…"
    return "Preparing the catalog…" if provider == "local" else "Starting workers…"


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

    def line(self, done: int, total: int, running: bool, already_done: int = 0) -> ProgressLine:
        """What the status bar says; the time left only while the batch runs.
        `already_done`: tracks done by earlier runs of a resumed batch (the figures are
        this run's, and say so)."""
        fraction = min(1.0, done / total) if total else 0.0
        tracks = f"{format_count(done)} of {format_count(total)} tracks · {fraction:.0%}"
        if not self.metrics:
            return ProgressLine(fraction, tracks, "")
        rows = dict(format_metrics(self.metrics))
        elapsed, paused = run_time(self.metrics, paused_seconds(self.metrics, already_done))
        if paused:
            elapsed += f" (+{paused} paused)"
        run = round(metric(self.metrics, "done_tracks")) - already_done
        if already_done > 0:  # a resumed batch: the engine timed and counted this run
            what = f"{format_count(run)} tracks in " if run > 0 else ""
            parts = [f"This run: {what}{elapsed}"]
        else:
            parts = [f"Elapsed {elapsed}"]
        rate = metric(self.metrics, "tracks_per_second")
        if running and rate > 0 and total > done:
            parts.append(format_left((total - done) / rate))
        if rate > 0:
            parts.append(f"{rows.get('Tracks/s', '')} tracks/s")
        return ProgressLine(fraction, tracks, " · ".join(parts))
