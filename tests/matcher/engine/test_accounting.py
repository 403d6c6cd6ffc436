"""The engine's bookkeeping: ChunkStats from a chunk's results, and the host's running
totals that every MetricsSnapshot comes from (matcher.engine.accounting)."""

import math
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.engine.accounting import (
    CHUNK_SIZE_WINDOW,
    ChunkStats,
    MetricsAccumulator,
    chunk_stats,
)
from matcher.errors import InputError
from matcher.metrics import METRIC_KEYS, PRESET_LEVELS, tips
from matcher.model import (
    Candidate,
    CatalogTrack,
    MatchResult,
    MatchStatus,
    PlaylistEntry,
    QueryRecord,
)


def result(
    status: MatchStatus,
    *,
    query_ms: tuple[float, ...] = (),
    elapsed_ms: float = 0.0,
    evaluated: int = 0,
    shortlist: int = 0,
) -> MatchResult:
    track = CatalogTrack(catalog_id="c1", title="T")
    return MatchResult(
        entry=PlaylistEntry(playlist_file="p.m3u8", playlist="p", entry_index=0),
        status=status,
        confidence=0.5,
        provider="local",
        reason="",
        candidates=tuple(Candidate(track, 0.1) for _ in range(shortlist)),
        query_log=tuple(QueryRecord("title", "x", 1, ms) for ms in query_ms),
        elapsed_ms=elapsed_ms,
        candidates_evaluated=evaluated,
    )


def stats(**fields: float) -> ChunkStats:
    base: dict[str, float] = dict(
        tracks=0, matched=0, review=0, unmatched=0, error=0, queries=0, candidates=0,
        search_s=0.0, score_s=0.0, busy_s=0.0,
    )  # fmt: skip
    base.update(fields)
    return ChunkStats(**base)  # type: ignore[arg-type]


# -- chunk_stats ---------------------------------------------------------------------------


def test_chunk_stats_counts_statuses_queries_candidates_and_times() -> None:
    results = [
        result(MatchStatus.MATCHED, query_ms=(2.0, 3.0), elapsed_ms=8.0, evaluated=12),
        result(MatchStatus.MATCHED, query_ms=(1.0,), elapsed_ms=2.0, evaluated=0, shortlist=3),
        result(MatchStatus.REVIEW, query_ms=(4.0,), elapsed_ms=5.0, evaluated=7),
        result(MatchStatus.UNMATCHED, query_ms=(1.0, 1.0, 1.0), elapsed_ms=4.0),
        result(MatchStatus.ERROR),
    ]
    got = chunk_stats(results, busy_s=0.05)
    assert (got.tracks, got.matched, got.review, got.unmatched, got.error) == (5, 2, 1, 1, 1)
    assert got.queries == 7
    assert got.candidates == 12 + 3 + 7  # the shortlist counts when nothing else was recorded
    assert got.search_s == pytest.approx(0.013)
    assert got.score_s == pytest.approx(0.019 - 0.013)
    assert got.busy_s == 0.05
    assert (got.cache_hits, got.http_requests, got.http_throttled) == (0, 0, 0)


def test_chunk_stats_takes_provider_counters() -> None:
    counts = {
        "queries_executed": 99,  # the query log is authoritative
        "http_requests": 10, "http_retries": 2, "cache_hits": 30, "cache_misses": 10,
        "throttle_wait_s": 1.5, "http_throttled": 3,
    }  # fmt: skip
    got = chunk_stats([result(MatchStatus.MATCHED, query_ms=(1.0,))], 0.1, counts)
    assert got.queries == 1
    assert (got.http_requests, got.http_retries, got.http_throttled) == (10, 2, 3)
    assert (got.cache_hits, got.cache_misses, got.throttle_wait_s) == (30, 10, 1.5)


def test_chunk_stats_score_time_never_negative() -> None:
    # a query log that claims more time than the result's total (clock granularity)
    got = chunk_stats([result(MatchStatus.MATCHED, query_ms=(5.0,), elapsed_ms=4.0)], 0.0)
    assert got.score_s == 0.0


def test_chunk_stats_of_empty_chunk_and_pickles() -> None:
    got = chunk_stats([], busy_s=0.0)
    assert got == stats()
    assert pickle.loads(pickle.dumps(got)) == got


# -- MetricsAccumulator --------------------------------------------------------------------


def test_empty_snapshot_has_every_key_as_zero_safe_floats() -> None:
    acc = MetricsAccumulator(total_tracks=0, workers=4, preset="balanced", started=100.0)
    snap = acc.snapshot(100.0)
    assert tuple(snap) == METRIC_KEYS
    assert all(type(v) is float for v in snap.values())
    assert snap["workers"] == 4.0 and snap["preset_level"] == 1.0
    zero = set(METRIC_KEYS) - {"workers", "preset_level"}
    assert all(snap[k] == 0.0 for k in zero)
    assert tips(snap) == []


def test_snapshot_aggregates_chunks() -> None:
    acc = MetricsAccumulator(total_tracks=1000, workers=2, preset="fast", started=10.0)
    acc.add_time("parse", 2.0)
    acc.add_chunk(
        stats(tracks=40, matched=30, review=4, unmatched=5, error=1, queries=80,
              candidates=900, search_s=1.0, score_s=0.5, busy_s=2.0, cache_hits=9,
              cache_misses=3, http_requests=3, http_retries=1, http_throttled=1,
              throttle_wait_s=0.25),
        chunk_size=40,
    )  # fmt: skip
    acc.add_chunk(
        stats(tracks=60, matched=50, review=6, unmatched=4, queries=120, candidates=100,
              search_s=1.0, score_s=0.5, busy_s=4.0),
        chunk_size=60,
    )  # fmt: skip
    acc.add_time("write", 0.5)
    snap = acc.snapshot(22.0)
    expected = {
        "total_tracks": 1000, "matched_tracks": 80, "review_tracks": 10,
        "unmatched_tracks": 9, "error_tracks": 1, "done_tracks": 100, "total_time": 12.0,
        "avg_time_per_track": 6.0 / 100, "tracks_per_second": 100 / 12.0,
        "queries_executed": 200, "candidates_evaluated": 1000, "cache_hits": 9,
        "cache_misses": 3, "cache_hit_rate": 0.75, "http_requests": 3, "http_retries": 1,
        "http_throttled": 1, "throttle_wait_s": 0.25, "time_parse": 2.0, "time_search": 2.0,
        "time_score": 1.0, "time_write": 0.5, "workers": 2,
        "worker_utilisation": 6.0 / (2 * (12.0 - 2.0)), "chunk_size": 50, "chunks": 2,
        "match_rate": 0.8, "review_rate": 0.1, "preset_level": 0,
        "avg_query_time": 2.0 / 200, "memory_rss_mib": 0.0, "memory_peak_mib": 0.0,
    }  # fmt: skip
    assert snap == pytest.approx(expected)


def test_resumed_tracks_count_toward_done_but_not_speed() -> None:
    acc = MetricsAccumulator(total_tracks=500, workers=1, preset="balanced", started=0.0)
    acc.add_done({"matched": 300, "review": 50, "unmatched": 40, "error": 10, "junk": 7})
    acc.add_chunk(stats(tracks=10, matched=10, busy_s=0.5), chunk_size=10)
    snap = acc.snapshot(1.0)
    assert snap["done_tracks"] == 410
    assert snap["matched_tracks"] == 310 and snap["error_tracks"] == 10
    assert snap["tracks_per_second"] == 10.0
    assert snap["avg_time_per_track"] == 0.05
    assert snap["match_rate"] == pytest.approx(310 / 410)


def test_paused_time_is_left_out_of_throughput_and_utilisation() -> None:
    acc = MetricsAccumulator(total_tracks=100, workers=2, preset="balanced", started=0.0)
    acc.add_chunk(stats(tracks=100, matched=100, busy_s=10.0), chunk_size=100)
    acc.add_time("paused", 15.0)
    snap = acc.snapshot(20.0)
    assert snap["total_time"] == 20.0
    assert snap["tracks_per_second"] == 20.0
    assert snap["worker_utilisation"] == 1.0


def test_utilisation_is_capped_at_one_and_clock_going_back_is_safe() -> None:
    acc = MetricsAccumulator(total_tracks=10, workers=1, preset="thorough", started=5.0)
    acc.add_chunk(stats(tracks=10, busy_s=50.0), chunk_size=10)
    assert acc.snapshot(6.0)["worker_utilisation"] == 1.0
    early = acc.snapshot(4.0)
    assert early["total_time"] == 0.0 and early["tracks_per_second"] == 0.0


def test_avg_time_falls_back_to_result_time_without_busy_time() -> None:
    acc = MetricsAccumulator(total_tracks=10, workers=1, preset="balanced", started=0.0)
    acc.add_chunk(stats(tracks=10, search_s=0.3, score_s=0.2), chunk_size=10)
    assert acc.snapshot(1.0)["avg_time_per_track"] == pytest.approx(0.05)


def test_chunk_size_is_the_mean_of_recent_chunks() -> None:
    acc = MetricsAccumulator(total_tracks=0, workers=1, preset="balanced", started=0.0)
    for _ in range(CHUNK_SIZE_WINDOW):
        acc.add_chunk(stats(), chunk_size=10)
    for _ in range(CHUNK_SIZE_WINDOW):
        acc.add_chunk(stats(), chunk_size=40)
    snap = acc.snapshot(1.0)
    assert snap["chunk_size"] == 40.0
    assert snap["chunks"] == 2 * CHUNK_SIZE_WINDOW


@pytest.mark.parametrize(
    ("preset", "level"),
    [pytest.param("fast", 0, id="fast"), pytest.param("balanced", 1, id="balanced"),
     pytest.param("thorough", 2, id="thorough")],
)  # fmt: skip
def test_preset_level(preset: str, level: int) -> None:
    acc = MetricsAccumulator(total_tracks=0, workers=1, preset=preset, started=0.0)
    assert acc.snapshot(0.0)["preset_level"] == level


def test_unknown_preset_and_time_name_are_refused() -> None:
    with pytest.raises(InputError, match="unknown preset"):
        MetricsAccumulator(total_tracks=0, workers=1, preset="turbo", started=0.0)
    acc = MetricsAccumulator(total_tracks=0, workers=1, preset="fast", started=0.0)
    with pytest.raises(ValueError, match="unknown time"):
        acc.add_time("search", 1.0)


# -- properties ------------------------------------------------------------------------------


counts = st.integers(min_value=0, max_value=10**6)
seconds = st.floats(min_value=0.0, max_value=1e6, allow_nan=False)
chunk = st.builds(
    ChunkStats, tracks=counts, matched=counts, review=counts, unmatched=counts, error=counts,
    queries=counts, candidates=counts, search_s=seconds, score_s=seconds, busy_s=seconds,
    cache_hits=counts, cache_misses=counts, http_requests=counts, http_retries=counts,
    http_throttled=counts, throttle_wait_s=seconds,
)  # fmt: skip


@given(
    total=counts,
    workers=st.integers(min_value=0, max_value=64),
    preset=st.sampled_from(sorted(PRESET_LEVELS)),
    chunks=st.lists(st.tuples(chunk, st.integers(min_value=0, max_value=1000)), max_size=5),
    done=st.dictionaries(st.sampled_from(["matched", "review", "unmatched", "error"]), counts),
    times=st.lists(st.tuples(st.sampled_from(["parse", "write", "paused"]), seconds), max_size=3),
    started=seconds,
    now=seconds,
)
def test_snapshot_always_complete_and_finite(
    total: int,
    workers: int,
    preset: str,
    chunks: list[tuple[ChunkStats, int]],
    done: dict[str, int],
    times: list[tuple[str, float]],
    started: float,
    now: float,
) -> None:
    acc = MetricsAccumulator(total_tracks=total, workers=workers, preset=preset, started=started)
    acc.add_done(done)
    for stats_, size in chunks:
        acc.add_chunk(stats_, size)
    for name, value in times:
        acc.add_time(name, value)
    snap = acc.snapshot(now)
    assert set(snap) == set(METRIC_KEYS)
    assert all(type(v) is float and math.isfinite(v) and v >= 0 for v in snap.values())
    assert 0.0 <= snap["worker_utilisation"] <= 1.0
    assert 0.0 <= snap["cache_hit_rate"] <= 1.0
    assert isinstance(tips(snap), list)
