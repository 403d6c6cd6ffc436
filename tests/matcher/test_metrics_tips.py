"""The tips CrateMatch's brief asked for by name, each rule with its own floor, and the
query-effectiveness tip from the per-kind figures (matcher.metrics.tips). The house's
own rules are tests/matcher/test_metrics.py's."""

from __future__ import annotations

import pytest

from matcher import metrics as mx
from matcher.metrics import format_metrics, tips
from matcher.performance.records import QueryKindStats


def early(**figures: float) -> dict[str, float]:
    """A healthy run of 20 tracks (past the brief's floor of 10, short of the house's 50)."""
    base = {
        "done_tracks": 20,
        "total_tracks": 500,
        "matched_tracks": 18,
        "review_tracks": 1,
        "unmatched_tracks": 1,
        "avg_time_per_track": 0.002,
        "preset_level": 1,
        "queries_executed": 40,
        "time_search": 0.04,
        "avg_query_time": 0.001,
        "workers": 2,
        "worker_utilisation": 0.9,
    }
    return {**base, **figures}


def test_a_healthy_early_run_has_no_tips() -> None:
    assert tips(early()) == []


# -- average time per track over 5 s: the fast preset ---------------------------------------


def test_tracks_over_five_seconds_suggest_the_fast_preset() -> None:
    (tip,) = tips(early(avg_time_per_track=6.2))
    assert "6.2 s" in tip and "more than 5.0 s" in tip and "fast preset" in tip


def test_tracks_over_five_seconds_on_the_fast_preset_point_at_the_catalog() -> None:
    (tip,) = tips(early(avg_time_per_track=6.2, preset_level=0))
    assert "even on the fast preset" in tip and "local catalog" in tip


@pytest.mark.parametrize(
    "figures",
    [
        pytest.param(early(avg_time_per_track=5.0), id="at-the-threshold"),
        pytest.param(
            early(avg_time_per_track=9.0, done_tracks=10, matched_tracks=9),
            id="ten-tracks-are-not-more-than-ten",
        ),
    ],
)
def test_slow_track_rule_holds_back(figures: dict[str, float]) -> None:
    assert tips(figures) == []


def test_the_house_rule_for_slow_tracks_is_kept_and_never_doubled() -> None:
    settled = early(done_tracks=100, matched_tracks=90, review_tracks=5, unmatched_tracks=5)
    (house,) = tips({**settled, "avg_time_per_track": 0.2})
    assert "200 ms" in house and "fast preset" in house
    (seed,) = tips({**settled, "avg_time_per_track": 7.0})  # one tip, the stronger one
    assert "more than 5.0 s" in seed


# -- cache hit rate under 30 % with more than 10 misses ---------------------------------------


def test_low_cache_hit_rate_with_more_than_ten_misses() -> None:
    (tip,) = tips(early(cache_hits=2, cache_misses=11, cache_hit_rate=2 / 13, http_requests=11))
    assert "Only 15 %" in tip and "11 misses" in tip and "cache larger" in tip


@pytest.mark.parametrize(
    "figures",
    [
        pytest.param(early(cache_hits=1, cache_misses=10, cache_hit_rate=1 / 11), id="ten-misses"),
        pytest.param(early(cache_hits=6, cache_misses=14, cache_hit_rate=0.30), id="rate-at-30"),
        pytest.param(early(http_requests=30), id="no-lookups-local-catalog"),
    ],
)
def test_cache_rule_holds_back(figures: dict[str, float]) -> None:
    assert tips(figures) == []


def test_cache_rule_speaks_before_any_track_is_done() -> None:
    figures = {"cache_hits": 0, "cache_misses": 12, "cache_hit_rate": 0.0}  # misses are its floor
    (tip,) = tips(figures)
    assert "Only 0 %" in tip


# -- average query over 3 s --------------------------------------------------------------------


def test_queries_over_three_seconds_say_the_service_is_slow() -> None:
    (tip,) = tips(early(queries_executed=25, avg_query_time=4.1, time_search=102.5))
    assert "4.1 s on average" in tip and "25 so far" in tip and "answers slowly" in tip


@pytest.mark.parametrize(
    "figures",
    [
        pytest.param(early(queries_executed=25, avg_query_time=3.0), id="at-the-threshold"),
        pytest.param(early(queries_executed=10, avg_query_time=9.0), id="ten-queries"),
    ],
)
def test_slow_query_rule_holds_back(figures: dict[str, float]) -> None:
    assert tips(figures) == []


# -- match rate under 50 % with more than 10 tracks --------------------------------------------


def test_low_match_rate_after_more_than_ten_tracks() -> None:
    (tip,) = tips(early(done_tracks=11, matched_tracks=4, review_tracks=3, unmatched_tracks=4))
    assert "Only 36 % of tracks matched" in tip and "4 of 11" in tip


@pytest.mark.parametrize(
    "figures",
    [
        pytest.param(early(done_tracks=10, matched_tracks=2), id="ten-tracks"),
        pytest.param(early(done_tracks=20, matched_tracks=10), id="half-matched"),
    ],
)
def test_match_rate_rule_holds_back(figures: dict[str, float]) -> None:
    assert tips(figures) == []


def test_match_rate_rule_gives_way_to_the_house_rules_that_say_why() -> None:
    many_unmatched = early(done_tracks=100, matched_tracks=40, unmatched_tracks=55, review_tracks=5)
    (tip,) = tips(many_unmatched)
    assert "were not found" in tip
    neither = early(done_tracks=100, matched_tracks=48, unmatched_tracks=38, review_tracks=14)
    (tip,) = tips(neither)
    assert "Only 48 % of tracks matched" in tip


# -- query effectiveness -------------------------------------------------------------------------

SETTLED = {
    "done_tracks": 2400,
    "matched_tracks": 2000,
    "review_tracks": 100,
    "unmatched_tracks": 300,
    "preset_level": 1,
    "avg_time_per_track": 0.001,
}


def kinds(trigram_found: int = 0, trigram_runs: int = 412) -> list[QueryKindStats]:
    return [
        QueryKindStats("title+artist", 2400, 300.0, 5000, found=1900, proposed=90, only=1800),
        QueryKindStats("any-word", 200, 150.0, 3000, found=100, proposed=10, only=60),
        QueryKindStats("trigram", trigram_runs, 3100.0, 900, found=trigram_found),
    ]


def test_a_kind_that_found_nothing_is_what_the_fast_preset_skips() -> None:
    (tip,) = tips(SETTLED, kinds())
    assert tip == (
        "trigram queries found 0 of 2,000 matches (412 run, 3.1 s in all): the fast"
        " preset skips them and loses nothing here."
    )


def test_another_fallback_that_found_nothing_is_named_without_promising_a_preset() -> None:
    idle = [QueryKindStats("any-word", 300, 900.0, 4000)]
    (tip,) = tips(SETTLED, idle)
    assert tip.startswith("any-word queries found 0 of 2,000 matches")
    assert "add nothing here" in tip


@pytest.mark.parametrize(
    ("figures", "stats"),
    [
        pytest.param(SETTLED, kinds(trigram_found=1), id="it-found-one"),
        pytest.param(SETTLED, kinds(trigram_runs=49), id="too-few-runs"),
        pytest.param({**SETTLED, "preset_level": 0}, kinds(), id="already-fast"),
        pytest.param({**SETTLED, "matched_tracks": 40, "done_tracks": 48}, kinds(), id="too-early"),
        pytest.param(SETTLED, [QueryKindStats("isrc", 900, 90.0)], id="identifiers-are-kept"),
    ],
)
def test_query_kind_tip_holds_back(figures: dict[str, float], stats: list) -> None:
    assert not [tip for tip in tips(figures, stats) if "queries found 0" in tip]


def test_fast_skips_is_what_the_planner_does() -> None:
    from matcher.matching.presets import PRESETS
    from matcher.matching.query import TYPO_QUERY_FROM

    assert PRESETS["fast"].max_queries < TYPO_QUERY_FROM  # no trigram query for fast
    assert PRESETS["balanced"].max_queries >= TYPO_QUERY_FROM
    assert {"trigram"} == mx.FAST_SKIPS


# -- the new table rows ----------------------------------------------------------------------------


def test_format_metrics_shows_query_time_and_memory() -> None:
    rows = dict(
        format_metrics(
            {"avg_query_time": 0.00013, "memory_rss_mib": 334.2, "memory_peak_mib": 1536.0}
        )
    )
    assert rows["Avg time per query"] == "0.1 ms"
    assert rows["Memory now (all processes)"] == "334 MB"
    assert rows["Memory peak (all processes)"] == "1.5 GB"
