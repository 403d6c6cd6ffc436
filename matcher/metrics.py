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

Tips come from two sets of rules. The house rules speak once `MIN_TRACKS_FOR_TIPS` tracks
are done (before that every share is noise). The rules CrateMatch's brief asked for by
name carry their own, smaller floors, as it states them: more than 10 tracks for the
match rate and the time per track or per query, more than 10 cache misses for the cache;
they give the same advice earlier, and never twice. The per-kind query figures
(`MetricsSnapshot.queries`) add one rule: a fallback query kind that found nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matcher.performance.records import QueryKindStats

__all__ = [
    "CACHE_MISSES_MIN",
    "EARLY_TIPS_AFTER",
    "ERROR_TRACKS_MIN",
    "FAST_SKIPS",
    "IDLE_KIND_MIN_RUNS",
    "IDLE_MIN_SECONDS",
    "IDLE_MIN_WORKERS",
    "IDLE_UTILISATION",
    "LOW_CACHE_HIT_RATE",
    "LOW_MATCH_RATE",
    "MAX_TIPS",
    "METRIC_KEYS",
    "MIN_HTTP_REQUESTS",
    "MIN_TRACKS_FOR_TIPS",
    "PRESET_LEVELS",
    "REVIEW_SHARE",
    "RETRY_SHARE",
    "SLOW_QUERY_S",
    "SLOW_TRACK_S",
    "THROTTLED_MIN",
    "THROTTLED_SHARE",
    "THROTTLE_WAIT_SHARE",
    "UNMATCHED_SHARE",
    "VERY_SLOW_TRACK_S",
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
    "preset_level", "avg_query_time", "memory_rss_mib", "memory_peak_mib",
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
IDLE_KIND_MIN_RUNS = 50  # a query kind that found nothing is worth a tip after this many runs
# The brief's rules, with their own floors (see the module docstring)
EARLY_TIPS_AFTER = 10  # tracks (more than this) before the match-rate and time rules speak
LOW_MATCH_RATE = 0.50
VERY_SLOW_TRACK_S = 5.0  # worker time per track
SLOW_QUERY_S = 3.0  # time per query, on average
CACHE_MISSES_MIN = 10  # cache misses (more than this) before the cache rule speaks
# Query kinds the fast preset never runs (tests/matcher/test_metrics.py holds this to the
# planner: it plans no trigram query below matching.query.TYPO_QUERY_FROM word queries)
FAST_SKIPS = frozenset({"trigram"})
IDENTIFIER_KINDS = frozenset({"isrc", "store-id"})  # always tried when present: no preset skips


def tips(metrics: Mapping[str, float], queries: Sequence[QueryKindStats] = ()) -> list[str]:
    """Advice for the run so far, most important first. `queries` is the snapshot's
    per-kind figures (MetricsSnapshot.queries), for the query-effectiveness tip."""
    m = _Reader(metrics)
    done = m["done_tracks"]
    settled = done >= MIN_TRACKS_FOR_TIPS  # the house rules
    early = done > EARLY_TIPS_AFTER  # the brief's rules
    found: list[str] = []
    workers = int(m["workers"])
    requests = m["http_requests"]

    errors = m["error_tracks"]
    if settled and errors >= ERROR_TRACKS_MIN:
        found.append(
            f"{_int(errors)} {_plural(errors, 'track')} ended in error: read the reason column"
            " in the results and check the provider (connection, token or catalog file)."
        )
    unmatched, review = m["unmatched_tracks"], m["review_tracks"]
    many_unmatched = settled and unmatched / done > UNMATCHED_SHARE
    many_review = settled and review / done > REVIEW_SHARE
    if many_unmatched:
        found.append(
            f"{_pct(unmatched / done)} of tracks ({_int(unmatched)} of {_int(done)}) were not"
            " found: the catalog may not cover this playlist; import a bigger catalog or try"
            " an online provider."
        )
    if many_review:
        share = f"{_pct(review / done)} of tracks ({_int(review)} of {_int(done)}) need review"
        if m["preset_level"] >= PRESET_LEVELS["thorough"]:
            found.append(f"{share} even on the thorough preset: another catalog may fit better.")
        else:
            found.append(
                f"{share}: the thorough preset tries more searches per track, or another"
                " catalog may fit better."
            )
    matched = m["matched_tracks"]
    if early and ratio(matched, done) < LOW_MATCH_RATE and not (many_unmatched or many_review):
        found.append(
            f"Only {_pct(matched / done)} of tracks matched so far ({_int(matched)} of"
            f" {_int(done)}): check that the catalog covers this playlist, and read the reason"
            " column of the rows that did not match."
        )
    throttled, waited = m["http_throttled"], m["throttle_wait_s"]
    wait_share = ratio(waited, workers * m["total_time"])
    many_429 = throttled >= THROTTLED_MIN and ratio(throttled, requests) >= THROTTLED_SHARE
    if settled and workers > 1 and (many_429 or wait_share >= THROTTLE_WAIT_SHARE):
        said = f"said 'too many requests' {_int(throttled)} times and " if throttled else ""
        found.append(
            f"The service {said}kept workers waiting {_duration(waited)} in all: use fewer"
            f" workers ({max(1, workers // 2)} instead of {workers}); more cannot beat its"
            " rate limit."
        )
    retries = m["http_retries"]
    if settled and requests >= MIN_HTTP_REQUESTS and retries / requests > RETRY_SHARE:
        found.append(
            f"{_int(retries)} retries for {_int(requests)} web requests"
            f" ({_pct(retries / requests)}): the service is struggling; use fewer workers"
            " or try again later."
        )
    found.extend(_speed_tips(m, settled=settled, early=early))
    found.extend(_cache_tips(m, settled=settled))
    use = m["worker_utilisation"]
    idle = m["total_time"] >= IDLE_MIN_SECONDS  # worker start-up looks idle at first
    if settled and workers >= IDLE_MIN_WORKERS and idle and use < IDLE_UTILISATION:
        found.append(
            f"Workers are busy only {_pct(use)} of the time (chunks of"
            f" {_int(m['chunk_size'])} tracks): use larger chunks or fewer workers."
        )
    if settled:
        found.extend(_query_kind_tips(m, queries))
    return found[:MAX_TIPS]


def _speed_tips(m: _Reader, *, settled: bool, early: bool) -> list[str]:
    per_track, level = m["avg_time_per_track"], m["preset_level"]
    out = []
    if early and per_track > VERY_SLOW_TRACK_S:
        if level > PRESET_LEVELS["fast"]:
            out.append(
                f"Each track takes {_seconds(per_track)} to match, more than"
                f" {_seconds(VERY_SLOW_TRACK_S)}: the fast preset runs fewer searches per track"
                " and finishes much sooner."
            )
        else:
            out.append(
                f"Each track takes {_seconds(per_track)} to match even on the fast preset: the"
                " catalog answers slowly; a local catalog (import your collection) answers in"
                " milliseconds."
            )
    elif settled and per_track > SLOW_TRACK_S and level > PRESET_LEVELS["fast"]:
        out.append(
            f"Each track takes {_seconds(per_track)} to match: the fast preset runs fewer"
            " searches per track and finishes sooner."
        )
    per_query, queries = m["avg_query_time"], m["queries_executed"]
    if queries > EARLY_TIPS_AFTER and per_query > SLOW_QUERY_S:
        out.append(
            f"Each search takes {_seconds(per_query)} on average ({_int(queries)} so far): the"
            " service answers slowly; check the connection, or use the fast preset, which"
            " asks it less per track."
        )
    return out


def _cache_tips(m: _Reader, *, settled: bool) -> list[str]:
    requests, hits, misses = m["http_requests"], m["cache_hits"], m["cache_misses"]
    hit_rate = m["cache_hit_rate"]
    if hit_rate >= LOW_CACHE_HIT_RATE:
        return []
    if hits + misses == 0:
        if settled and requests >= MIN_HTTP_REQUESTS:
            return [
                f"The web cache is not in use ({_int(requests)} requests so far): turn it on"
                " so the next run does not ask the service again."
            ]
        return []
    if misses > CACHE_MISSES_MIN or (settled and requests >= MIN_HTTP_REQUESTS):
        return [
            f"Only {_pct(hit_rate)} of lookups came from the cache ({_int(misses)} misses,"
            f" {_int(requests)} web requests): make the cache larger or keep entries longer."
        ]
    return []


def _query_kind_tips(m: _Reader, queries: Sequence[QueryKindStats]) -> list[str]:
    """A fallback query kind that ran often and found no match: what skipping it costs."""
    matched = m["matched_tracks"]
    if m["preset_level"] <= PRESET_LEVELS["fast"] or matched < MIN_TRACKS_FOR_TIPS:
        return []
    idle = [
        q for q in queries
        if q.kind not in IDENTIFIER_KINDS and q.runs >= IDLE_KIND_MIN_RUNS
        and q.found == 0 and q.proposed == 0
    ]  # fmt: skip
    if not idle:
        return []
    q = max(idle, key=lambda k: k.total_ms)  # the one that costs most
    head = (
        f"{q.kind} queries found 0 of {_int(matched)} matches ({_int(q.runs)} run,"
        f" {_duration(q.total_ms / 1000)} in all)"
    )
    if q.kind in FAST_SKIPS:
        return [f"{head}: the fast preset skips them and loses nothing here."]
    return [f"{head}: they add nothing here; the fast preset runs fewer such fallback searches."]


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
        ("Avg time per query", _seconds(m["avg_query_time"])),
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
        ("Memory now (all processes)", _mib(m["memory_rss_mib"])),
        ("Memory peak (all processes)", _mib(m["memory_peak_mib"])),
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


def _mib(value: float) -> str:
    """Memory in MiB as people read it: "85 MB", "1.2 GB" (binary units, as ps and the
    task managers count)."""
    if value >= 1024:
        return f"{value / 1024:.1f} GB"
    return f"{value:.0f} MB" if value >= 10 else f"{value:.1f} MB"


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
