"""A batch's figures, what they mean, and what a window makes of them: advice and a table.

    engine: matcher.engine.accounting fills a MetricsSnapshot.metrics with every METRIC_KEYS
            key (chunk_stats in the workers, MetricsAccumulator in the host)
    window: format_metrics(metrics) → table rows, tips(metrics) → advice

Every value of a snapshot is a finite number ≥ 0 (`metric_value` makes any value one).
Everything here is pure: nothing is read from globals, no clock is read.

Two kinds of time appear in a snapshot. `total_time` is wall time since the batch began;
`time_search` and `time_score` add up the workers' time, so with several workers they can
exceed it. `avg_time_per_track` is worker time per track (what a preset changes), while
`tracks_per_second` is throughput (what more workers change).

`ChunkStats`, `MetricsAccumulator`, `chunk_stats` and `CHUNK_SIZE_WINDOW` live in
`matcher.engine.accounting` and can still be imported from here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from importlib import import_module
from typing import Any

__all__ = [
    "ERROR_TRACKS_MIN",
    "IDLE_MIN_SECONDS",
    "IDLE_MIN_WORKERS",
    "IDLE_UTILISATION",
    "LOW_CACHE_HIT_RATE",
    "MAX_TIPS",
    "METRIC_KEYS",
    "MIN_HTTP_REQUESTS",
    "MIN_TRACKS_FOR_TIPS",
    "PRESET_LEVELS",
    "REVIEW_SHARE",
    "RETRY_SHARE",
    "SLOW_TRACK_S",
    "THROTTLED_MIN",
    "THROTTLED_SHARE",
    "THROTTLE_WAIT_SHARE",
    "UNMATCHED_SHARE",
    "format_metrics",
    "metric_value",
    "ratio",
    "tips",
]

METRIC_KEYS: tuple[str, ...] = (
    "total_tracks", "matched_tracks", "unmatched_tracks", "review_tracks", "error_tracks",
    "done_tracks", "total_time", "avg_time_per_track", "tracks_per_second",
    "queries_executed", "candidates_evaluated", "cache_hits", "cache_misses",
    "cache_hit_rate", "http_requests", "http_retries", "http_throttled", "throttle_wait_s",
    "time_parse", "time_search", "time_score", "time_write", "workers",
    "worker_utilisation", "chunk_size", "chunks", "match_rate", "review_rate",
    "preset_level",
)  # fmt: skip

PRESET_LEVELS: dict[str, int] = {"fast": 0, "balanced": 1, "thorough": 2}

# Tip thresholds. Shares are fractions of done tracks (or of HTTP requests).
MIN_TRACKS_FOR_TIPS = 50  # below this, every figure is noise: no tips at all
MAX_TIPS = 5
ERROR_TRACKS_MIN = 1  # any error deserves a look
UNMATCHED_SHARE = 0.40
REVIEW_SHARE = 0.15
THROTTLED_MIN = 5  # 429 answers, and ...
THROTTLED_SHARE = 0.05  # ... at least this share of the requests
THROTTLE_WAIT_SHARE = 0.25  # or workers spent this share of their time waiting for the limit
MIN_HTTP_REQUESTS = 50  # cache and retry tips need this many requests to mean anything
RETRY_SHARE = 0.10
SLOW_TRACK_S = 0.050  # worker time per track above which the fast preset is worth a try
LOW_CACHE_HIT_RATE = 0.30
IDLE_UTILISATION = 0.60
IDLE_MIN_WORKERS = 2
IDLE_MIN_SECONDS = 10.0  # utilisation over a shorter run mostly measures worker start-up


def tips(metrics: Mapping[str, float]) -> list[str]:
    """Advice for the run so far, most important first; none until enough tracks are done."""
    m = _Reader(metrics)
    done = m["done_tracks"]
    if done < MIN_TRACKS_FOR_TIPS:
        return []
    found: list[str] = []
    workers = int(m["workers"])
    requests = m["http_requests"]

    errors = m["error_tracks"]
    if errors >= ERROR_TRACKS_MIN:
        found.append(
            f"{_int(errors)} {_plural(errors, 'track')} ended in error: read the reason column"
            " in the results and check the provider (connection, token or catalog file)."
        )
    unmatched = m["unmatched_tracks"]
    if unmatched / done > UNMATCHED_SHARE:
        found.append(
            f"{_pct(unmatched / done)} of tracks ({_int(unmatched)} of {_int(done)}) were not"
            " found: the catalog may not cover this playlist; import a bigger catalog or try"
            " an online provider."
        )
    review = m["review_tracks"]
    if review / done > REVIEW_SHARE:
        share = f"{_pct(review / done)} of tracks ({_int(review)} of {_int(done)}) need review"
        if m["preset_level"] >= PRESET_LEVELS["thorough"]:
            found.append(f"{share} even on the thorough preset: another catalog may fit better.")
        else:
            found.append(
                f"{share}: the thorough preset tries more searches per track, or another"
                " catalog may fit better."
            )
    throttled, waited = m["http_throttled"], m["throttle_wait_s"]
    wait_share = ratio(waited, workers * m["total_time"])
    many_429 = throttled >= THROTTLED_MIN and ratio(throttled, requests) >= THROTTLED_SHARE
    if workers > 1 and (many_429 or wait_share >= THROTTLE_WAIT_SHARE):
        said = f"said 'too many requests' {_int(throttled)} times and " if throttled else ""
        found.append(
            f"The service {said}kept workers waiting {_duration(waited)} in all: use fewer"
            f" workers ({max(1, workers // 2)} instead of {workers}); more cannot beat its"
            " rate limit."
        )
    retries = m["http_retries"]
    if requests >= MIN_HTTP_REQUESTS and retries / requests > RETRY_SHARE:
        found.append(
            f"{_int(retries)} retries for {_int(requests)} web requests"
            f" ({_pct(retries / requests)}): the service is struggling; use fewer workers"
            " or try again later."
        )
    per_track = m["avg_time_per_track"]
    if per_track > SLOW_TRACK_S and m["preset_level"] > PRESET_LEVELS["fast"]:
        found.append(
            f"Each track takes {_seconds(per_track)} to match: the fast preset runs fewer"
            " searches per track and finishes sooner."
        )
    hit_rate = m["cache_hit_rate"]
    if requests >= MIN_HTTP_REQUESTS and hit_rate < LOW_CACHE_HIT_RATE:
        if m["cache_hits"] + m["cache_misses"] == 0:
            found.append(
                f"The web cache is not in use ({_int(requests)} requests so far): turn it on"
                " so the next run does not ask the service again."
            )
        else:
            found.append(
                f"Only {_pct(hit_rate)} of lookups came from the cache ({_int(requests)} web"
                " requests): make the cache larger or keep entries longer."
            )
    use = m["worker_utilisation"]
    settled = m["total_time"] >= IDLE_MIN_SECONDS  # worker start-up looks idle at first
    if workers >= IDLE_MIN_WORKERS and settled and use < IDLE_UTILISATION:
        found.append(
            f"Workers are busy only {_pct(use)} of the time (chunks of"
            f" {_int(m['chunk_size'])} tracks): use larger chunks or fewer workers."
        )
    return found[:MAX_TIPS]


def format_metrics(metrics: Mapping[str, float]) -> list[tuple[str, str]]:
    """The snapshot as (label, value) rows; the same rows every time, so a table stays put."""
    m = _Reader(metrics)
    done = m["done_tracks"]

    def share(key: str) -> str:
        return f"{_int(m[key])} ({_pct(ratio(m[key], done))})"

    level = int(m["preset_level"])
    preset = next((name for name, n in PRESET_LEVELS.items() if n == level), "?")
    return [
        ("Tracks done", f"{_int(done)} of {_int(m['total_tracks'])}"),
        ("Matched", share("matched_tracks")),
        ("Review", share("review_tracks")),
        ("Unmatched", share("unmatched_tracks")),
        ("Errors", share("error_tracks")),
        ("Elapsed", _duration(m["total_time"])),
        ("Tracks/s", _rate(m["tracks_per_second"])),
        ("Avg time per track", _seconds(m["avg_time_per_track"])),
        ("Queries", _int(m["queries_executed"])),
        ("Candidates scored", _int(m["candidates_evaluated"])),
        ("Time: reading playlists", _duration(m["time_parse"])),
        ("Time: searching (all workers)", _duration(m["time_search"])),
        ("Time: scoring (all workers)", _duration(m["time_score"])),
        ("Time: writing outputs", _duration(m["time_write"])),
        ("Cache hit rate", _pct(m["cache_hit_rate"])),
        ("Cache hits / misses", f"{_int(m['cache_hits'])} / {_int(m['cache_misses'])}"),
        ("Web requests", _int(m["http_requests"])),
        ("Retries", _int(m["http_retries"])),
        ("Too many requests (429)", _int(m["http_throttled"])),
        ("Waiting for rate limit", _duration(m["throttle_wait_s"])),
        ("Workers", _int(m["workers"])),
        ("Worker utilisation", _pct(m["worker_utilisation"])),
        ("Chunk size", _int(m["chunk_size"])),
        ("Chunks", _int(m["chunks"])),
        ("Preset", preset),
    ]


class _Reader:
    """A metrics mapping read leniently: missing, negative or non-finite values are 0."""

    __slots__ = ("_metrics",)

    def __init__(self, metrics: Mapping[str, float]) -> None:
        self._metrics = metrics

    def __getitem__(self, key: str) -> float:
        return metric_value(self._metrics.get(key, 0.0))


def metric_value(value: object) -> float:
    """`value` as a metric: a finite number above 0, else 0.0 (missing, negative, NaN,
    infinite or not a number at all)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def ratio(part: float, whole: float) -> float:
    """`part / whole`, 0.0 when `whole` is not above 0."""
    return part / whole if whole > 0 else 0.0


def _plural(n: float, word: str) -> str:
    return word if n == 1 else word + "s"


def _int(value: float) -> str:
    return f"{round(value):,}"


def _pct(share: float) -> str:
    return f"{share * 100:.0f} %"


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _seconds(value: float) -> str:
    """A short time, such as a per-track cost: "0.8 ms", "120 ms", "1.5 s"."""
    ms = value * 1000
    if ms < 10:
        return f"{ms:.1f} ms"
    if ms < 1000:
        return f"{ms:.0f} ms"
    return _duration(value)


def _duration(value: float) -> str:
    """A longer time: "4.2 s", "38 s", "2 min 05 s", "1 h 02 min"."""
    if value < 10:
        return f"{value:.1f} s"
    whole = round(value)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600:,} h {whole % 3600 // 60:02d} min"


# moved to matcher.engine.accounting; loaded on first use (that module imports this one)
_MOVED = ("CHUNK_SIZE_WINDOW", "ChunkStats", "MetricsAccumulator", "chunk_stats")


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        return getattr(import_module("matcher.engine.accounting"), name)
    raise AttributeError(f"module 'matcher.metrics' has no attribute {name!r}")
