"""Elapsed time, speed and time left, on a clock the test controls."""

from __future__ import annotations

import pytest

from ui.progress_model import ProgressClock, format_duration


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        pytest.param(0, "0:00", id="zero"),
        pytest.param(42.4, "0:42", id="seconds"),
        pytest.param(3725, "1:02:05", id="hours"),
        pytest.param(-3, "0:00", id="never-negative"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_no_batch_yet() -> None:
    line = ProgressClock().line(0, 0, now=100.0)
    assert (line.fraction, line.tracks, line.timing) == (0.0, "No batch yet", "")


def test_speed_and_time_left_while_running() -> None:
    clock = ProgressClock()
    clock.start(100.0)
    assert clock.rate(50, now=100.5) is None  # too early to say
    line = clock.line(1000, 4000, now=110.0)
    assert line.tracks == "1,000 of 4,000 tracks · 25%"
    assert line.timing == "Elapsed 0:10 · ETA 0:30 · 100 tracks/s"
    assert line.fraction == pytest.approx(0.25)


def test_pauses_stop_the_clock() -> None:
    clock = ProgressClock()
    clock.start(0.0)
    clock.pause(10.0)
    assert clock.elapsed(70.0) == pytest.approx(10.0)
    assert "ETA" not in clock.line(100, 400, now=70.0).timing  # no countdown while paused
    clock.resume(70.0)
    assert clock.elapsed(75.0) == pytest.approx(15.0)
    clock.stop(80.0)
    assert clock.elapsed(500.0) == pytest.approx(20.0)


def test_a_resumed_batch_counts_only_this_runs_tracks() -> None:
    clock = ProgressClock()
    clock.start(0.0, already_done=900)
    assert clock.rate(1000, now=10.0) == pytest.approx(10.0)
    assert clock.eta(1000, 2000, now=10.0) == pytest.approx(100.0)


def test_run_figures_are_the_engines_in_the_dashboards_words() -> None:
    from matcher import format_metrics
    from ui.progress_model import RunFigures

    figures = RunFigures()
    assert figures.line(0, 500, running=True).timing == ""  # nothing measured yet
    metrics = {"total_time": 4.2, "tracks_per_second": 118.0, "done_tracks": 250}
    figures.observe(metrics)
    rows = dict(format_metrics(metrics))
    line = figures.line(250, 500, running=True)
    assert line.tracks == "250 of 500 tracks · 50%"
    assert (
        line.timing == f"Elapsed {rows['Elapsed']} · about 2 s left · {rows['Tracks/s']} tracks/s"
    )
    # a batch over before the window could time it still says how long it took
    figures.observe({"total_time": 9.5, "tracks_per_second": 52.6})
    assert figures.line(500, 500, running=False).timing == "Elapsed 9.5 s · 53 tracks/s"
    figures.reset()
    assert figures.line(0, 10, running=True).timing == ""
