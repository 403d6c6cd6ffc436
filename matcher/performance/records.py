"""The records behind the dashboard's performance panels, and the pure books that keep
them while a batch runs.

    worker, per chunk   query_kind_stats(results, cache) ─▶ QueryKindStats per kind
    host                KindBook.add(chunk's kinds)     totals per kind (plain sums)
                        SlowestBook.offer(results)      the slowest entries so far
                        SeriesBook.add(metrics)         throughput over time, capped
                        MemoryBook (engine/memory.py)   ─▶ MemoryUse
    MetricsSnapshot     .queries, .slowest, .memory     what the window draws
    report.py           the same records in performance_report.json (`as_dict`/`from_dict`)

Per-kind figures are sums, so a chunk's counts fold into the totals with `plus` and the
host never sees a single query: a worker sends one small record per kind per chunk.

`found` and `only` say what a kind is worth. A result's `found_by` lists the kinds whose
hits held its best candidate, in the order they ran; the first one found it. The matcher
stops early once a candidate is certain, so later kinds often never ran for an entry:
`only` means "no other kind that ran found it", a lower bound on what dropping the kind
would lose, and `found == 0` means dropping it loses no match at all.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from matcher.model import MatchResult, MatchStatus

__all__ = [
    "KIND_ORDER",
    "SERIES_POINTS",
    "SLOWEST_KEPT",
    "KindBook",
    "MemoryUse",
    "ProcessMemory",
    "QueryKindStats",
    "RunSeries",
    "SeriesBook",
    "SlowTrack",
    "SlowestBook",
    "ordered_kinds",
    "query_kind_stats",
]

# How the tables list the kinds: identifiers, then the plan's order (matching/query.py);
# kinds not named here (an online provider's own) come after them, by name.
KIND_ORDER: tuple[str, ...] = (
    "isrc", "store-id", "title+artist", "title", "artist+any-title", "any-word", "trigram",
)  # fmt: skip
SLOWEST_KEPT = 10
SERIES_POINTS = 240  # a series longer than this drops every other older point


def _count(value: object) -> int:
    number = _number(value)
    return int(number) if number < 2**53 else 2**53


def _number(value: object) -> float:
    """A figure read from a file: a finite number ≥ 0, else 0.0."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


# -- query kinds -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueryKindStats:
    """One query kind's figures (a chunk's, or a batch's so far)."""

    kind: str
    runs: int = 0  # queries of this kind run
    total_ms: float = 0.0  # their time, added up
    candidates: int = 0  # rows they returned
    cache_hits: int = 0  # online providers: answers from the HTTP cache
    cache_misses: int = 0  # ... and lookups the cache could not answer
    found: int = 0  # matched entries whose accepted candidate this kind found first
    proposed: int = 0  # review entries whose proposed candidate this kind found first
    only: int = 0  # matched entries no other kind (that ran) found

    @property
    def avg_ms(self) -> float:
        return self.total_ms / self.runs if self.runs else 0.0

    @property
    def cache_hit_rate(self) -> float | None:
        """Share of this kind's cache lookups answered by the cache; None when it made
        none (a local catalog has no cache: not applicable, which is not 0 %)."""
        lookups = self.cache_hits + self.cache_misses
        return self.cache_hits / lookups if lookups else None

    def plus(self, other: QueryKindStats) -> QueryKindStats:
        """The two added up (same kind)."""
        return QueryKindStats(
            self.kind,
            self.runs + other.runs,
            self.total_ms + other.total_ms,
            self.candidates + other.candidates,
            self.cache_hits + other.cache_hits,
            self.cache_misses + other.cache_misses,
            self.found + other.found,
            self.proposed + other.proposed,
            self.only + other.only,
        )

    def as_dict(self) -> dict[str, Any]:
        rate = self.cache_hit_rate
        return {
            "kind": self.kind,
            "runs": self.runs,
            "total_ms": round(self.total_ms, 3),
            "avg_ms": round(self.avg_ms, 4),
            "candidates": self.candidates,
            "cache_hits": self.cache_hits,
            "cache_misses": self.cache_misses,
            "cache_hit_rate": None if rate is None else round(rate, 4),
            "found": self.found,
            "proposed": self.proposed,
            "only": self.only,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QueryKindStats:
        """Read back from a report, leniently: a missing or odd figure is 0."""
        return cls(
            _text(data.get("kind")),
            _count(data.get("runs")),
            _number(data.get("total_ms")),
            *(_count(data.get(name)) for name in _COUNTS),
        )


_COUNTS = ("candidates", "cache_hits", "cache_misses", "found", "proposed", "only")


def ordered_kinds(kinds: Iterable[QueryKindStats]) -> tuple[QueryKindStats, ...]:
    """`kinds` in KIND_ORDER, others after them by name."""
    rank = {kind: i for i, kind in enumerate(KIND_ORDER)}
    return tuple(sorted(kinds, key=lambda k: (rank.get(k.kind, len(rank)), k.kind)))


def query_kind_stats(
    results: Iterable[MatchResult], cache: Mapping[str, tuple[int, int]] | None = None
) -> tuple[QueryKindStats, ...]:
    """A chunk's figures per query kind, from its results' query logs and `found_by`;
    `cache` is (hits, misses) per kind, as the worker's MeteredProvider counted them."""
    runs: dict[str, list[float]] = {}  # kind -> [runs, ms, candidates, found, proposed, only]
    for result in results:
        for query in result.query_log:
            row = runs.get(query.kind)
            if row is None:
                row = runs[query.kind] = [0, 0.0, 0, 0, 0, 0]
            row[0] += 1
            row[1] += query.elapsed_ms
            row[2] += query.hits
        if result.found_by and result.status in (MatchStatus.MATCHED, MatchStatus.REVIEW):
            first = result.found_by[0]
            row = runs.setdefault(first, [0, 0.0, 0, 0, 0, 0])
            if result.status is MatchStatus.MATCHED:
                row[3] += 1
                row[5] += len(result.found_by) == 1
            else:
                row[4] += 1
    cache = cache or {}
    kinds = set(runs) | {kind for kind, (hits, misses) in cache.items() if hits or misses}
    out = []
    for kind in kinds:
        n, ms, candidates, found, proposed, only = runs.get(kind, (0, 0.0, 0, 0, 0, 0))
        hits, misses = cache.get(kind, (0, 0))
        out.append(QueryKindStats(kind, int(n), ms, int(candidates), hits, misses, int(found),
                                  int(proposed), int(only)))  # fmt: skip
    return ordered_kinds(out)


class KindBook:
    """The batch's totals per kind (the host's)."""

    def __init__(self) -> None:
        self._kinds: dict[str, QueryKindStats] = {}

    def add(self, kinds: Iterable[QueryKindStats]) -> None:
        for stats in kinds:
            held = self._kinds.get(stats.kind)
            self._kinds[stats.kind] = stats if held is None else held.plus(stats)

    def totals(self) -> tuple[QueryKindStats, ...]:
        return ordered_kinds(self._kinds.values())


# -- slowest tracks ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlowTrack:
    """One of the slowest entries: enough to show it and find its row in the results."""

    elapsed_ms: float
    queries: int
    status: str  # a MatchStatus value
    playlist_id: int
    playlist: str  # the playlist's name
    entry_index: int  # 0-based position in the playlist
    artist: str = ""
    title: str = ""

    def as_dict(self) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["elapsed_ms"] = round(self.elapsed_ms, 3)
        return values

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlowTrack:
        return cls(
            _number(data.get("elapsed_ms")),
            _count(data.get("queries")),
            _text(data.get("status")),
            _count(data.get("playlist_id")),
            _text(data.get("playlist")),
            _count(data.get("entry_index")),
            _text(data.get("artist")),
            _text(data.get("title")),
        )


class SlowestBook:
    """The `keep` slowest entries seen so far; ties keep the first seen."""

    def __init__(self, keep: int = SLOWEST_KEPT) -> None:
        self._keep = keep
        self._heap: list[tuple[float, int, SlowTrack]] = []  # fastest of the kept on top
        self._seen = 0

    def offer(self, playlist_id: int, playlist: str, results: Sequence[MatchResult]) -> None:
        heap = self._heap
        for result in results:
            self._seen += 1
            elapsed = result.elapsed_ms
            if len(heap) >= self._keep and elapsed <= heap[0][0]:
                continue  # most results stop here, before any record is built
            entry = result.entry
            slow = SlowTrack(elapsed, max(result.queries_run, len(result.query_log)),
                             str(result.status), playlist_id, playlist, entry.entry_index,
                             entry.artist, entry.title)  # fmt: skip
            item = (elapsed, -self._seen, slow)
            if len(heap) < self._keep:
                heapq.heappush(heap, item)
            else:
                heapq.heapreplace(heap, item)

    def top(self) -> tuple[SlowTrack, ...]:
        """Slowest first."""
        return tuple(slow for _, _, slow in sorted(self._heap, reverse=True))


# -- memory --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProcessMemory:
    """One process's resident memory (RSS), in bytes."""

    role: str  # "host" (the engine host) or "worker"
    index: int  # the worker's slot, 0..workers-1 (0 for the host)
    pid: int  # the process now in the slot
    rss: int  # now; 0 once the process is gone
    peak: int  # the highest during this batch, over every process the slot has had
    restarts: int = 0  # times the slot's worker died and was replaced

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProcessMemory:
        return cls(_text(data.get("role")), _count(data.get("index")), _count(data.get("pid")),
                   _count(data.get("rss")), _count(data.get("peak")),
                   _count(data.get("restarts")))  # fmt: skip


@dataclass(frozen=True, slots=True)
class MemoryUse:
    """The engine's memory: its host and each worker, sampled by the host."""

    host: ProcessMemory
    workers: tuple[ProcessMemory, ...] = ()
    total: int = 0  # host and workers now, bytes
    total_peak: int = 0  # the highest total one sample saw

    @property
    def processes(self) -> tuple[ProcessMemory, ...]:
        return (self.host, *self.workers)

    @property
    def peak(self) -> int:
        """The highest peak of any one process (what `/usr/bin/time -v` reports)."""
        return max(p.peak for p in self.processes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "host": self.host.as_dict(),
            "workers": [w.as_dict() for w in self.workers],
            "total": self.total,
            "total_peak": self.total_peak,
            "peak": self.peak,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MemoryUse:
        workers = data.get("workers")
        host = data.get("host")
        return cls(
            ProcessMemory.from_dict(host if isinstance(host, Mapping) else {}),
            tuple(ProcessMemory.from_dict(w) for w in workers or () if isinstance(w, Mapping)),
            _count(data.get("total")),
            _count(data.get("total_peak")),
        )


# -- throughput over time --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunSeries:
    """A batch's throughput over time, for a chart (the previous run, overlaid)."""

    batch_id: str
    t: tuple[float, ...]  # seconds since the batch began (MetricsSnapshot total_time)
    tracks_per_second: tuple[float, ...]
    done: tuple[int, ...]  # tracks done at that time
    match_rate: tuple[float, ...]  # 0..1
    preset: str = ""
    workers: int = 0
    created: float = 0.0  # time.time() when the batch was started
    estimated: bool = False  # no series was kept: a straight line from start to end

    def __len__(self) -> int:
        return len(self.t)

    def as_dict(self) -> dict[str, Any]:
        return {
            "t": [round(v, 3) for v in self.t],
            "tracks_per_second": [round(v, 3) for v in self.tracks_per_second],
            "done": list(self.done),
            "match_rate": [round(v, 4) for v in self.match_rate],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **about: Any) -> RunSeries:
        """A report's `series`; `about` fills batch_id, preset, workers, created."""

        def column(name: str) -> list[float]:
            values = data.get(name)
            return [_number(v) for v in values] if isinstance(values, list) else []

        t, tps, done, rate = (column(n) for n in ("t", "tracks_per_second", "done", "match_rate"))
        n = min(len(t), len(tps), len(done), len(rate))
        return cls(t=tuple(t[:n]), tracks_per_second=tuple(tps[:n]),
                   done=tuple(int(v) for v in done[:n]), match_rate=tuple(rate[:n]),
                   **{"batch_id": "", **about})  # fmt: skip


class SeriesBook:
    """Throughput over time from the snapshots: at most `points` points, older ones
    thinned (every other one dropped) so a long batch keeps its shape in a small report."""

    def __init__(self, points: int = SERIES_POINTS) -> None:
        self._points = max(4, points)
        self._rows: list[tuple[float, float, int, float]] = []

    def add(self, metrics: Mapping[str, float]) -> None:
        row = (_number(metrics.get("total_time")), _number(metrics.get("tracks_per_second")),
               _count(metrics.get("done_tracks")), _number(metrics.get("match_rate")))  # fmt: skip
        rows = self._rows
        if rows and row[0] <= rows[-1][0]:
            rows[-1] = row  # the same moment again (a forced snapshot): keep the newest
        else:
            rows.append(row)
        if len(rows) > self._points:
            self._rows = [*rows[:-1:2], rows[-1]]

    def series(self, batch_id: str, **about: Any) -> RunSeries:
        columns = list(zip(*self._rows, strict=True)) or [(), (), (), ()]
        t, tps, done, rate = columns
        return replace(RunSeries(batch_id, tuple(t), tuple(tps), tuple(done), tuple(rate)),
                       **about)  # fmt: skip
