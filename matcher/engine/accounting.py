"""The engine's bookkeeping of a batch's figures: what a worker reports for each chunk,
and the host's running totals that every MetricsSnapshot is taken from.

    worker: results of a chunk ──chunk_stats()──▶ ChunkStats (small, picklable, in ChunkDone;
            with one QueryKindStats per query kind the chunk ran)
    host:   MetricsAccumulator.add_chunk / add_results / add_time / add_done / set_memory
            MetricsAccumulator.snapshot(now) ──▶ MetricsSnapshot.metrics (every METRIC_KEYS key)
            MetricsAccumulator.queries() / slowest() / memory ──▶ the snapshot's other fields

The per-kind counters cost the worker one pass over the chunk's query logs, which
chunk_stats already makes for the query count, and the host one addition per kind per
chunk: nothing per query crosses a process boundary.

What the figures mean, and the advice and table a window makes of them, are
`matcher.metrics`'. Everything here is pure: the clock comes in as arguments.

Two kinds of time appear in a snapshot. `total_time` is wall time since the batch began;
`time_search` and `time_score` add up the workers' time, so with several workers they can
exceed it. `avg_time_per_track` is worker time per track (what a preset changes), while
`tracks_per_second` is throughput (what more workers change).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matcher.errors import InputError
from matcher.metrics import METRIC_KEYS, PRESET_LEVELS, metric_value, ratio
from matcher.model import MatchResult, MatchStatus
from matcher.performance.records import (
    KindBook,
    MemoryUse,
    QueryKindStats,
    SlowestBook,
    SlowTrack,
    query_kind_stats,
)

__all__ = ["CHUNK_SIZE_WINDOW", "ChunkStats", "MetricsAccumulator", "chunk_stats"]

#: how many recent chunks `chunk_size` averages over (sizes adapt during a batch)
CHUNK_SIZE_WINDOW = 20

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
    kinds: tuple[QueryKindStats, ...] = ()  # per query kind; their runs add up to `queries`


_SUMMED = tuple(name for name in ChunkStats.__slots__ if name != "kinds")
_MIB = 1024 * 1024


def chunk_stats(
    results: Sequence[MatchResult],
    busy_s: float,
    provider_counts: Mapping[str, float] | None = None,
    cache_by_kind: Mapping[str, tuple[int, int]] | None = None,
) -> ChunkStats:
    """Summarise a matched chunk.

    Queries are counted from the results' query logs (the figure `matches.csv` shows), so
    the provider's own `queries_executed` is not used; its HTTP and cache counts are.
    `cache_by_kind` is the cache's (hits, misses) per query kind (engine/metered.py).
    """
    status = [r.status for r in results]
    search_s = sum(q.elapsed_ms for r in results for q in r.query_log) / 1000
    elapsed_s = sum(r.elapsed_ms for r in results) / 1000
    counts = provider_counts or {}

    def count(key: str) -> int:
        return int(metric_value(counts.get(key, 0)))

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
        busy_s=metric_value(busy_s),
        cache_hits=count("cache_hits"),
        cache_misses=count("cache_misses"),
        http_requests=count("http_requests"),
        http_retries=count("http_retries"),
        http_throttled=count("http_throttled"),
        throttle_wait_s=metric_value(counts.get("throttle_wait_s", 0.0)),
        kinds=query_kind_stats(results, cache_by_kind),
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
        self._kinds = KindBook()
        self._slowest = SlowestBook()
        self.memory: MemoryUse | None = None  # the latest sample (set_memory)

    def add_chunk(self, stats: ChunkStats, chunk_size: int) -> None:
        for name in _SUMMED:
            self._sums[name] = self._sums.get(name, 0) + getattr(stats, name)
        self._kinds.add(stats.kinds)
        self._chunks += 1
        self._recent_sizes.append(max(0, chunk_size))

    def add_results(self, playlist_id: int, playlist: str, results: Sequence[MatchResult]) -> None:
        """A chunk's (brief) results, for the slowest tracks."""
        self._slowest.offer(playlist_id, playlist, results)

    def set_memory(self, memory: MemoryUse) -> None:
        self.memory = memory

    def queries(self) -> tuple[QueryKindStats, ...]:
        """This run's figures per query kind (runs add up to `queries_executed`)."""
        return self._kinds.totals()

    def slowest(self) -> tuple[SlowTrack, ...]:
        """This run's slowest entries, slowest first."""
        return self._slowest.top()

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
        memory = self.memory
        metrics = {
            "total_tracks": self._total,
            "matched_tracks": counts["matched"],
            "unmatched_tracks": counts["unmatched"],
            "review_tracks": counts["review"],
            "error_tracks": counts["error"],
            "done_tracks": done,
            "total_time": wall,
            "avg_time_per_track": ratio(worker_time, run_tracks),
            "tracks_per_second": ratio(run_tracks, active),
            "queries_executed": s("queries", 0),
            "candidates_evaluated": s("candidates", 0),
            "cache_hits": hits,
            "cache_misses": misses,
            "cache_hit_rate": ratio(hits, hits + misses),
            "http_requests": s("http_requests", 0),
            "http_retries": s("http_retries", 0),
            "http_throttled": s("http_throttled", 0),
            "throttle_wait_s": s("throttle_wait_s", 0.0),
            "time_parse": self._times["parse"],
            "time_search": s("search_s", 0.0),
            "time_score": s("score_s", 0.0),
            "time_write": self._times["write"],
            "workers": self._workers,
            "worker_utilisation": min(1.0, ratio(busy, self._workers * could_work)),
            "chunk_size": ratio(sum(sizes), len(sizes)),
            "chunks": self._chunks,
            "match_rate": ratio(counts["matched"], done),
            "review_rate": ratio(counts["review"], done),
            "preset_level": self._preset_level,
            "avg_query_time": ratio(s("search_s", 0.0), s("queries", 0)),
            "memory_rss_mib": memory.total / _MIB if memory else 0.0,
            "memory_peak_mib": memory.total_peak / _MIB if memory else 0.0,
        }
        return {key: metric_value(metrics[key]) for key in METRIC_KEYS}
