"""The dashboard chart's pure model: accumulation, the history cap and redraw pacing."""

from __future__ import annotations

import pytest

from ui.chart_model import BREAKDOWN, ChartModel


def _snapshot(t: float, tps: float = 10.0, match: float = 0.5, cache: float = 0.0, **times):
    return {"total_time": t, "tracks_per_second": tps, "match_rate": match,
            "cache_hit_rate": cache, **times}  # fmt: skip


def test_accumulates_points_as_percent():
    model = ChartModel()
    model.add(_snapshot(0.25, tps=40.0, match=0.5, cache=0.25))
    model.add(_snapshot(0.5, tps=80.0, match=0.75, cache=1.5))  # rates are capped at 100 %
    series = model.series()
    assert series.t == (0.25, 0.5)
    assert series.tracks_per_second == (40.0, 80.0)
    assert series.match_rate == (50.0, 75.0)
    assert series.cache_hit_rate == (25.0, 100.0)


def test_breakdown_is_the_latest_in_pipeline_order():
    model = ChartModel()
    model.add(_snapshot(1.0, time_parse=0.5, time_search=3.0))
    model.add(_snapshot(2.0, time_parse=0.5, time_search=6.0, time_score=2.0, time_write=0.25))
    assert model.series().breakdown == (("Reading", 0.5), ("Searching", 6.0),
                                        ("Scoring", 2.0), ("Writing", 0.25))  # fmt: skip
    assert [label for _k, label in BREAKDOWN] == ["Reading", "Searching", "Scoring", "Writing"]


@pytest.mark.parametrize(
    "bad",
    [pytest.param(None, id="none"), pytest.param(float("nan"), id="nan"),
     pytest.param(-3.0, id="negative"), pytest.param("x", id="text")],
)  # fmt: skip
def test_bad_values_read_as_zero(bad):
    model = ChartModel()
    model.add({"total_time": 1.0, "tracks_per_second": bad, "match_rate": bad})
    series = model.series()
    assert (series.tracks_per_second, series.match_rate) == ((0.0,), (0.0,))


def test_same_time_replaces_the_last_point():
    model = ChartModel()
    model.add(_snapshot(1.0, tps=5.0))
    model.add(_snapshot(1.0, tps=7.0))
    assert model.series().tracks_per_second == (7.0,)


def test_history_is_capped_keeping_first_and_latest():
    model = ChartModel(max_points=50)
    for n in range(1, 1001):
        model.add(_snapshot(n * 0.25, tps=float(n)))
        assert len(model) <= 50
    series = model.series()
    assert series.t[0] == 0.25 and series.t[-1] == 250.0
    assert list(series.t) == sorted(series.t)
    assert len(model) >= 25  # halved at most once per overflow, never emptied


def test_clock_going_back_starts_a_new_history():
    model = ChartModel()
    for t in (1.0, 2.0, 3.0):
        model.add(_snapshot(t))
    model.add(_snapshot(0.5))
    assert model.series().t == (0.5,)


def test_redraws_are_paced():
    model = ChartModel(min_interval_s=0.35)
    assert not model.redraw_due(0.0)  # nothing new
    model.add(_snapshot(0.25))
    assert model.redraw_due(10.0)
    model.drawn(10.0)
    assert not model.dirty
    drawn = 0
    now = 10.0
    for _ in range(40):  # a snapshot every 50 ms for 2 s
        now += 0.05
        model.add(_snapshot(now - 9.0))
        if model.redraw_due(now):
            model.drawn(now)
            drawn += 1
    assert 4 <= drawn <= 6  # about 3 a second, not 40
    assert model.dirty or model.wait_s(now) > 0


def test_wait_tells_when_the_next_redraw_may_happen():
    model = ChartModel(min_interval_s=0.4)
    model.add(_snapshot(1.0))
    model.drawn(5.0)
    model.add(_snapshot(2.0))
    assert model.wait_s(5.1) == pytest.approx(0.3)
    assert model.wait_s(6.0) == 0.0


def test_reset_empties_and_asks_for_a_redraw():
    model = ChartModel()
    model.add(_snapshot(1.0, time_search=2.0))
    model.drawn(1.0)
    model.reset()
    assert len(model) == 0 and model.redraw_due(1.01)
    assert all(v == 0.0 for _label, v in model.series().breakdown)


def test_too_small_cap_is_refused():
    with pytest.raises(ValueError):
        ChartModel(max_points=2)


def test_writing_results_is_marked_where_it_happened():
    model = ChartModel()
    model.add(_snapshot(1.0))
    model.add(_snapshot(2.0))
    assert model.series().writing == ()
    model.add(_snapshot(3.0, time_write=0.4))  # one playlist written between 2 s and 3 s
    model.add(_snapshot(4.0, time_write=0.9))  # ... and on: one stretch
    model.add(_snapshot(5.0, time_write=0.9))
    model.add(_snapshot(6.0, time_write=1.5))  # another playlist later
    assert model.series().writing == ((2.0, 4.0), (5.0, 6.0))
    model.reset()
    assert model.series().writing == ()


def test_writing_stretches_are_capped():
    model = ChartModel()
    for n in range(40):
        model.add(_snapshot(2.0 * n, time_write=0.1 * (n // 2) * (n % 2)))
    spans = model.series().writing
    assert 1 <= len(spans) <= 8 and spans[-1][1] <= 78.0


# -- the previous run, overlaid ------------------------------------------------------------


def _previous(estimated: bool = False, preset: str = "fast"):
    from matcher import RunSeries

    return RunSeries("20251231-000000-pppppp", (0.0, 10.0, 40.0), (0.0, 90.0, 120.0),
                     (0, 900, 4000), (0.0, 0.8, 0.8), preset=preset,
                     estimated=estimated)  # fmt: skip


def test_the_previous_run_is_in_the_series_and_the_limits_hold_all_of_it():
    model = ChartModel()
    model.add(_snapshot(5.0, tps=200.0))
    assert model.series().limits() == (6.0, 250.0)  # this run alone: 5 s, 200 tracks/s
    model.set_previous(_previous())
    series = model.series()
    assert series.previous_t == (0.0, 10.0, 40.0)
    assert series.previous_tps == (0.0, 90.0, 120.0)
    assert series.limits() == (50.0, 250.0)  # the previous run lasted 40 s
    assert model.dirty and model.previous_shown


def test_the_previous_run_can_be_hidden_and_shown_again():
    model = ChartModel()
    model.set_previous(_previous())
    model.drawn(0.0)
    model.set_show_previous(False)
    assert model.dirty and not model.previous_shown
    assert model.series().previous_t == () and model.series().limits() == (1.0, 1.0)
    model.set_show_previous(True)
    assert model.series().previous_t == (0.0, 10.0, 40.0)


def test_a_reset_keeps_the_previous_run_and_none_clears_it():
    model = ChartModel()
    model.set_previous(_previous())
    model.add(_snapshot(9.0))
    model.add(_snapshot(1.0))  # the clock went back: a resumed run, same playlists
    assert model.previous_shown
    model.set_previous(None)
    assert not model.previous_shown and model.series().previous_t == ()


@pytest.mark.parametrize(
    ("estimated", "label"),
    [pytest.param(False, "Previous run", id="series"),
     pytest.param(True, "Previous run (avg)", id="estimated")],
)  # fmt: skip
def test_the_previous_runs_legend_says_when_it_is_only_an_average(estimated, label):
    model = ChartModel()
    model.set_previous(_previous(estimated=estimated))
    assert model.previous_label == label


@pytest.mark.parametrize(
    ("value", "ceiling"),
    [pytest.param(0, 1.0, id="zero"), pytest.param(0.7, 0.8, id="below-one"),
     pytest.param(1, 1.0, id="one"), pytest.param(11, 15.0, id="eleven"),
     pytest.param(2600, 3000.0, id="thousands")],
)  # fmt: skip
def test_nice_ceiling(value, ceiling):
    from ui.chart_model import nice_ceiling

    assert nice_ceiling(value) == pytest.approx(ceiling)


def test_a_pause_is_marked_and_breaks_the_lines():
    """No snapshot comes while a batch is paused and its clock runs on: the stretch is
    marked (from the last snapshot, as long as the pause) and the lines break across it
    instead of running straight through it."""
    import math

    model = ChartModel()
    model.add(_snapshot(1.0, tps=100.0))
    model.add(_snapshot(1.5, tps=110.0))  # the snapshot taken as the pause began
    model.add(_snapshot(12.0, tps=108.0), paused_s=10.0)  # resumed: 10 s of it paused
    model.add(_snapshot(12.5, tps=109.0), paused_s=10.0)
    series = model.series()
    assert series.paused == ((1.5, 11.5),)
    assert series.t == (1.0, 1.5, 12.0, 12.5)  # the points themselves stay as they came
    t, tps = series.broken(series.tracks_per_second)
    assert [round(v, 1) if not math.isnan(v) else "gap" for v in t] == [1.0, 1.5, "gap", 12.0,
                                                                         12.5]  # fmt: skip
    assert math.isnan(tps[2]) and tps[3] == 108.0
    model.add(_snapshot(13.0), paused_s=10.2)  # a blink: not worth a mark
    assert model.series().paused == ((1.5, 11.5),)
    model.add(_snapshot(0.5))  # the clock went back: a new run, nothing paused in it
    assert model.series().paused == () and model.series().broken((10.0,)) == ([0.5], [10.0])


def test_a_pause_before_the_first_snapshot_is_marked_from_the_start():
    model = ChartModel()
    model.add(_snapshot(4.0, tps=50.0), paused_s=3.0)
    assert model.series().paused == ((0.0, 3.0),)
