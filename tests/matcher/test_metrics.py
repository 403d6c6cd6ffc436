"""What a window makes of a batch's figures: tips and the metrics table
(matcher.metrics). How the engine counts them is tests/matcher/engine/test_accounting.py."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import metrics as mx
from matcher.metrics import METRIC_KEYS, format_metrics, metric_value, ratio, tips


def test_the_engines_bookkeeping_still_imports_from_here() -> None:
    from matcher.engine import accounting
    from matcher.metrics import CHUNK_SIZE_WINDOW, ChunkStats, MetricsAccumulator, chunk_stats

    assert ChunkStats is accounting.ChunkStats
    assert MetricsAccumulator is accounting.MetricsAccumulator
    assert chunk_stats is accounting.chunk_stats
    assert CHUNK_SIZE_WINDOW == accounting.CHUNK_SIZE_WINDOW
    with pytest.raises(AttributeError):
        mx.no_such_name  # noqa: B018


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2.5, 2.5), (3, 3.0), ("4", 4.0), (-1.0, 0.0), (math.nan, 0.0), (math.inf, 0.0),
     (None, 0.0), ("fast", 0.0)],
)  # fmt: skip
def test_metric_value_is_finite_and_never_negative(value: object, expected: float) -> None:
    assert metric_value(value) == expected


def test_ratio_of_nothing_is_zero() -> None:
    assert ratio(1.0, 4.0) == 0.25
    assert ratio(3.0, 0.0) == 0.0 and ratio(3.0, -1.0) == 0.0


# -- tips ------------------------------------------------------------------------------------

# A healthy run: 1,000 tracks done, no tip fires. Each case changes a few figures.
HEALTHY: dict[str, float] = {
    "total_tracks": 2000, "done_tracks": 1000, "matched_tracks": 900, "review_tracks": 60,
    "unmatched_tracks": 40, "error_tracks": 0, "total_time": 60.0,
    "avg_time_per_track": 0.010, "tracks_per_second": 16.7, "http_requests": 1000,
    "http_retries": 20, "http_throttled": 0, "throttle_wait_s": 0.0, "cache_hits": 800,
    "cache_misses": 200, "cache_hit_rate": 0.8, "workers": 4, "worker_utilisation": 0.9,
    "chunk_size": 25, "chunks": 40, "preset_level": 1,
}  # fmt: skip


def healthy(**changes: float) -> dict[str, float]:
    return {**HEALTHY, **changes}


def test_healthy_run_has_no_tips() -> None:
    assert tips(HEALTHY) == []


@pytest.mark.parametrize(
    ("metrics", "words"),
    [
        pytest.param(healthy(error_tracks=3), ["3 tracks ended in error", "reason column"],
                     id="errors"),
        pytest.param(healthy(error_tracks=1), ["1 track ended in error"], id="one-error"),
        pytest.param(healthy(unmatched_tracks=450, matched_tracks=490),
                     ["45 %", "450 of 1,000", "bigger catalog", "online provider"],
                     id="many-unmatched"),
        pytest.param(healthy(review_tracks=200), ["20 %", "200 of 1,000", "thorough preset"],
                     id="many-reviews"),
        pytest.param(healthy(review_tracks=200, preset_level=2),
                     ["even on the thorough preset", "another catalog"],
                     id="many-reviews-already-thorough"),
        pytest.param(healthy(http_throttled=60), ["too many requests' 60 times", "2 instead of 4"],
                     id="many-429s"),
        pytest.param(healthy(throttle_wait_s=90.0), ["waiting 1 min 30 s", "fewer workers"],
                     id="long-throttle-waits"),
        pytest.param(healthy(http_retries=150), ["150 retries for 1,000", "15 %", "struggling"],
                     id="many-retries"),
        pytest.param(healthy(avg_time_per_track=0.120), ["120 ms", "fast preset"],
                     id="slow-tracks"),
        pytest.param(healthy(cache_hits=100, cache_misses=900, cache_hit_rate=0.1),
                     ["Only 10 %", "1,000 web requests", "cache larger"], id="low-cache-hits"),
        pytest.param(healthy(cache_hits=0, cache_misses=0, cache_hit_rate=0.0),
                     ["cache is not in use", "turn it on"], id="cache-off"),
        pytest.param(healthy(worker_utilisation=0.4), ["40 %", "chunks of 25", "larger chunks"],
                     id="idle-workers"),
    ],
)  # fmt: skip
def test_tip_fires(metrics: dict[str, float], words: list[str]) -> None:
    found = tips(metrics)
    assert len(found) == 1, found
    for word in words:
        assert word in found[0]


@pytest.mark.parametrize(
    "metrics",
    [
        pytest.param(healthy(unmatched_tracks=400), id="unmatched-at-threshold"),
        pytest.param(healthy(review_tracks=150), id="reviews-at-threshold"),
        pytest.param(healthy(http_throttled=60, workers=1), id="429s-single-worker"),
        pytest.param(healthy(http_throttled=4, http_requests=40, cache_hits=0, cache_misses=0),
                     id="few-429s"),
        pytest.param(healthy(http_throttled=30, http_requests=1000), id="429s-small-share"),
        pytest.param(healthy(throttle_wait_s=50.0), id="short-throttle-waits"),
        pytest.param(healthy(http_retries=100), id="retries-at-threshold"),
        pytest.param(healthy(http_retries=20, http_requests=40, cache_hit_rate=0.8),
                     id="retries-few-requests"),
        pytest.param(healthy(avg_time_per_track=0.120, preset_level=0), id="slow-but-fast-preset"),
        pytest.param(healthy(avg_time_per_track=0.050), id="time-at-threshold"),
        pytest.param(healthy(http_requests=49, cache_hits=1, cache_misses=9, cache_hit_rate=0.1),
                     id="cache-few-requests-and-misses"),
        pytest.param(healthy(http_requests=0, http_retries=0, cache_hits=0, cache_misses=0,
                             cache_hit_rate=0.0), id="local-catalog-no-http"),
        pytest.param(healthy(worker_utilisation=0.4, workers=1), id="idle-single-worker"),
        pytest.param(healthy(worker_utilisation=0.4, total_time=5.0), id="idle-just-started"),
        pytest.param(healthy(worker_utilisation=0.6), id="utilisation-at-threshold"),
    ],
)  # fmt: skip
def test_tip_does_not_fire(metrics: dict[str, float]) -> None:
    assert tips(metrics) == []


def test_no_tips_before_enough_tracks() -> None:
    bad = healthy(error_tracks=5, unmatched_tracks=30, review_tracks=10,
                  avg_time_per_track=1.0, worker_utilisation=0.1, http_retries=900)  # fmt: skip
    assert tips({**bad, "done_tracks": mx.MIN_TRACKS_FOR_TIPS - 1}) == []
    assert tips({**bad, "done_tracks": mx.MIN_TRACKS_FOR_TIPS})


def test_tips_most_important_first_and_capped() -> None:
    everything = healthy(
        error_tracks=10, unmatched_tracks=500, review_tracks=200, http_throttled=100,
        http_retries=300, avg_time_per_track=0.2, cache_hit_rate=0.1, worker_utilisation=0.2,
    )  # fmt: skip
    found = tips(everything)
    assert len(found) == mx.MAX_TIPS
    assert "error" in found[0]
    assert "not found" in found[1]
    assert "need review" in found[2]
    assert all("\n" not in tip for tip in found)


def test_tips_reads_missing_keys_as_zero() -> None:
    assert tips({}) == []
    assert tips({"done_tracks": 100, "error_tracks": 2, "matched_tracks": 98}) == [
        "2 tracks ended in error: read the reason column in the results and check the"
        " provider (connection, token or catalog file)."
    ]


# -- format_metrics -------------------------------------------------------------------------


def test_format_metrics_rows() -> None:
    metrics = healthy(
        tracks_per_second=1234.4, avg_time_per_track=0.0008, cache_hit_rate=0.934,
        total_time=125.0, time_parse=1.23, time_search=3725.0, time_score=0.4, time_write=45.0,
        queries_executed=12345, candidates_evaluated=250000, throttle_wait_s=0.0,
    )  # fmt: skip
    rows = dict(format_metrics(metrics))
    assert rows["Tracks done"] == "1,000 of 2,000"
    assert rows["Matched"] == "900 (90 %)"
    assert rows["Errors"] == "0 (0 %)"
    assert rows["Tracks/s"] == "1,234"
    assert rows["Avg time per track"] == "0.8 ms"
    assert rows["Cache hit rate"] == "93 %"
    assert rows["Elapsed"] == "2 min 05 s"
    assert rows["Time: reading playlists"] == "1.2 s"
    assert rows["Time: searching (all workers)"] == "1 h 02 min"
    assert rows["Time: writing outputs"] == "45 s"
    assert rows["Queries"] == "12,345"
    assert rows["Preset"] == "balanced"


@pytest.mark.parametrize(
    ("per_track", "shown"),
    [pytest.param(0.0, "0.0 ms", id="zero"), pytest.param(0.0123, "12 ms", id="ms"),
     pytest.param(2.5, "2.5 s", id="seconds")],
)  # fmt: skip
def test_format_time_per_track(per_track: float, shown: str) -> None:
    assert dict(format_metrics({"avg_time_per_track": per_track}))["Avg time per track"] == shown


def test_format_metrics_rows_are_stable() -> None:
    assert [label for label, _ in format_metrics({})] == [
        label for label, _ in format_metrics(HEALTHY)
    ]
    assert dict(format_metrics({"tracks_per_second": 3.25}))["Tracks/s"] == "3.2"


# -- properties ------------------------------------------------------------------------------

non_negative = st.one_of(
    st.integers(min_value=0, max_value=10**12),
    st.floats(min_value=0.0, allow_nan=False),  # includes infinity
)


@given(st.dictionaries(st.sampled_from(METRIC_KEYS + ("other",)), non_negative))
def test_tips_and_format_never_raise(metrics: dict[str, float]) -> None:
    found = tips(metrics)
    assert isinstance(found, list) and len(found) <= mx.MAX_TIPS
    assert all(isinstance(tip, str) and tip for tip in found)
    rows = format_metrics(metrics)
    assert all(isinstance(label, str) and isinstance(value, str) for label, value in rows)
