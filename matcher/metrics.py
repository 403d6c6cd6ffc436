"""Batch metrics: per-chunk deltas from workers, one running total in the host, advice.

    worker: results of a chunk ──chunk_stats()──▶ ChunkStats (small, picklable)
    host:   MetricsAccumulator.add_chunk / add_time / add_done
            MetricsAccumulator.snapshot(now) ──▶ MetricsSnapshot.metrics (every METRIC_KEYS key)
    window: format_metrics(metrics) → table rows, tips(metrics) → advice

Everything here is pure: the clock comes in as arguments, nothing is read from globals.

Two kinds of time appear in a snapshot. `total_time` is wall time since the batch began;
`time_search` and `time_score` add up the workers' time, so with several workers they can
exceed it. `avg_time_per_track` is worker time per track (what a preset changes), while
`tracks_per_second` is throughput (what more workers change).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matcher.errors import InputError
from matcher.model import MatchResult, MatchStatus

__all__ = [
    "CHUNK_SIZE_WINDOW",
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
    "ChunkStats",
    "MetricsAccumulator",
    "chunk_stats",
    "format_metrics",
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

#: how many recent chunks `chunk_size` averages over (sizes adapt during a batch)
CHUNK_SIZE_WINDOW = 20

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

_TIME_NAMES = ("parse", "write", "paused")


@dataclass(frozen=True, slots=True)
class ChunkStats:
    """What one worker reports for one chunk: counts and seconds, all deltas."""

    tracks: int
    matched: int
    review: int
    unmatched: int
    error: int
    queries: int
    candidates: int
    search_s: float
    score_s: float
    busy_s: float
    cache_hits: int = 0
    cache_misses: int = 0
    http_requests: int = 0
    http_retries: int = 0
    http_throttled: int = 0
    throttle_wait_s: float = 0.0


def chunk_stats(
    results: Sequence[MatchResult],
    busy_s: float,
    provider_counts: Mapping[str, float] | None = None,
) -> ChunkStats:
    """Summarise a matched chunk.

    Queries are counted from the results' query logs (the figure `matches.csv` shows), so
    the provider's own `queries_executed` is not used; its HTTP and cache counts are.
    """
    status = [r.status for r in results]
    search_s = sum(q.elapsed_ms for r in results for q in r.query_log) / 1000
    elapsed_s = sum(r.elapsed_ms for r in results) / 1000
    counts = provider_counts or {}

    def count(key: str) -> int:
        return int(_clean(counts.get(key, 0)))

    return ChunkStats(
        tracks=len(results),
        matched=status.count(MatchStatus.MATCHED),
        review=status.count(MatchStatus.REVIEW),
        unmatched=status.count(MatchStatus.UNMATCHED),
        error=status.count(MatchStatus.ERROR),
        queries=sum(len(r.query_log) for r in results),
        candidates=sum(max(r.candidates_evaluated, len(r.candidates)) for r in results),
        search_s=search_s,
        score_s=max(0.0, elapsed_s - search_s),
        busy_s=_clean(busy_s),
        cache_hits=count("cache_hits"),
        cache_misses=count("cache_misses"),
        http_requests=count("http_requests"),
        http_retries=count("http_retries"),
        http_throttled=count("http_throttled"),
        throttle_wait_s=_clean(counts.get("throttle_wait_s", 0.0)),
    )


class MetricsAccumulator:
    """The batch's running totals, kept by the engine host (its only user)."""

    def __init__(self, *, total_tracks: int, workers: int, preset: str, started: float) -> None:
        if preset not in PRESET_LEVELS:
            raise InputError(f"unknown preset {preset!r}; choose one of {', '.join(PRESET_LEVELS)}")
        self._total = max(0, total_tracks)
        self._workers = max(0, workers)
        self._preset_level = PRESET_LEVELS[preset]
        self._started = started
        self._prior = dict.fromkeys(("matched", "review", "unmatched", "error"), 0)
        self._sums: dict[str, float] = {}
        self._times = dict.fromkeys(_TIME_NAMES, 0.0)
        self._chunks = 0
        self._recent_sizes: deque[int] = deque(maxlen=CHUNK_SIZE_WINDOW)

    def add_chunk(self, stats: ChunkStats, chunk_size: int) -> None:
        for name in ChunkStats.__slots__:
            self._sums[name] = self._sums.get(name, 0) + getattr(stats, name)
        self._chunks += 1
        self._recent_sizes.append(max(0, chunk_size))

    def add_time(self, name: str, seconds: float) -> None:
        """Add host time: "parse", "write", or "paused" (left out of throughput and use)."""
        if name not in self._times:
            raise ValueError(f"unknown time {name!r}; expected one of {', '.join(_TIME_NAMES)}")
        self._times[name] += max(0.0, seconds)

    def add_done(self, counts: Mapping[str, int]) -> None:
        """Count results the journal already had (a resumed batch), keyed by status.

        They count toward done and the outcome shares, not toward speed. Keys other than
        the four statuses are ignored.
        """
        for status in self._prior:
            self._prior[status] += max(0, int(counts.get(status, 0)))

    def snapshot(self, now: float) -> dict[str, float]:
        s = self._sums.get
        run_tracks = s("tracks", 0)
        counts = {status: self._prior[status] + s(status, 0) for status in self._prior}
        done = sum(counts.values())
        wall = max(0.0, now - self._started)
        active = max(0.0, wall - self._times["paused"])
        could_work = max(0.0, active - self._times["parse"])
        busy = s("busy_s", 0.0)
        worker_time = busy if busy > 0 else s("search_s", 0.0) + s("score_s", 0.0)
        hits, misses = s("cache_hits", 0), s("cache_misses", 0)
        sizes = self._recent_sizes
        metrics = {
            "total_tracks": self._total,
            "matched_tracks": counts["matched"],
            "unmatched_tracks": counts["unmatched"],
            "review_tracks": counts["review"],
            "error_tracks": counts["error"],
            "done_tracks": done,
            "total_time": wall,
            "avg_time_per_track": _ratio(worker_time, run_tracks),
            "tracks_per_second": _ratio(run_tracks, active),
            "queries_executed": s("queries", 0),
            "candidates_evaluated": s("candidates", 0),
            "cache_hits": hits,
            "cache_misses": misses,
            "cache_hit_rate": _ratio(hits, hits + misses),
            "http_requests": s("http_requests", 0),
            "http_retries": s("http_retries", 0),
            "http_throttled": s("http_throttled", 0),
            "throttle_wait_s": s("throttle_wait_s", 0.0),
            "time_parse": self._times["parse"],
            "time_search": s("search_s", 0.0),
            "time_score": s("score_s", 0.0),
            "time_write": self._times["write"],
            "workers": self._workers,
            "worker_utilisation": min(1.0, _ratio(busy, self._workers * could_work)),
            "chunk_size": _ratio(sum(sizes), len(sizes)),
            "chunks": self._chunks,
            "match_rate": _ratio(counts["matched"], done),
            "review_rate": _ratio(counts["review"], done),
            "preset_level": self._preset_level,
        }
        return {key: _clean(metrics[key]) for key in METRIC_KEYS}


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
    wait_share = _ratio(waited, workers * m["total_time"])
    many_429 = throttled >= THROTTLED_MIN and _ratio(throttled, requests) >= THROTTLED_SHARE
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
        return f"{_int(m[key])} ({_pct(_ratio(m[key], done))})"

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
        return _clean(self._metrics.get(key, 0.0))


def _clean(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def _ratio(part: float, whole: float) -> float:
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
