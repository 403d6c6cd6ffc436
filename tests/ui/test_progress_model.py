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
    metrics = {"total_time": 4.2, "tracks_per_second": 250 / 4.2, "done_tracks": 250}
    figures.observe(metrics)
    rows = dict(format_metrics(metrics))
    line = figures.line(250, 500, running=True)
    assert line.tracks == "250 of 500 tracks · 50%"
    assert (
        line.timing == f"Elapsed {rows['Elapsed']} · about 4 s left · {rows['Tracks/s']} tracks/s"
    )
    # a batch over before the window could time it still says how long it took
    figures.observe({"total_time": 9.5, "tracks_per_second": 52.6})
    assert figures.line(500, 500, running=False).timing == "Elapsed 9.5 s · 53 tracks/s"
    figures.reset()
    assert figures.line(0, 10, running=True).timing == ""


def test_elapsed_leaves_the_pause_out_and_says_it_so_the_speed_adds_up() -> None:
    """The engine's elapsed time counts a pause, its speed does not: 5,901 tracks at
    1,202 tracks/s took 4.9 s of the 16, so the line says 4.9 s, and the other 11 s
    apart, as paused (the dashboard's table says the same: run_time)."""
    from ui.progress_model import RunFigures, paused_seconds, run_time

    metrics = {"total_time": 16.0, "tracks_per_second": 1202.0, "done_tracks": 5901}
    assert paused_seconds(metrics) == pytest.approx(16.0 - 5901 / 1202)
    assert run_time(metrics, paused_seconds(metrics)) == ("4.9 s", "11 s")
    assert run_time(metrics, 0.4) == ("16 s", "")  # too short a pause to mention
    figures = RunFigures()
    figures.observe(metrics)
    assert figures.line(5901, 10_000, running=False).timing == (
        "Elapsed 4.9 s (+11 s paused) · 1,202 tracks/s"
    )
    # no pause: nothing to say (the two figures agree on their own)
    figures.observe({"total_time": 10.0, "tracks_per_second": 400.0, "done_tracks": 4000})
    assert figures.line(4000, 10_000, running=True).timing == (
        "Elapsed 10 s · about 15 s left · 400 tracks/s"
    )


def test_a_resumed_batch_says_its_figures_are_this_runs() -> None:
    """After Resume the engine times and counts only the resumed run: 4,099 tracks in
    6.8 s at 605 tracks/s, not the batch's 10,000."""
    from ui.progress_model import RunFigures

    figures = RunFigures()
    figures.observe({"total_time": 6.8, "tracks_per_second": 4099 / 6.8, "done_tracks": 10_000})
    line = figures.line(10_000, 10_000, running=False, already_done=5901)
    assert line.tracks == "10,000 of 10,000 tracks · 100%"
    assert line.timing == "This run: 4,099 tracks in 6.8 s · 603 tracks/s"
    # paused in the resumed run as well: 2,000 tracks at 500/s is 4 s of its 9.5
    figures.observe({"total_time": 9.5, "tracks_per_second": 500.0, "done_tracks": 7901})
    assert figures.line(7901, 10_000, running=True, already_done=5901).timing == (
        "This run: 2,000 tracks in 4.0 s (+5.5 s paused) · about 4 s left · 500 tracks/s"
    )


@pytest.mark.parametrize(
    ("metrics", "already", "paused"),
    [
        pytest.param({"total_time": 3.0}, 0, 0.0, id="no-speed-yet"),
        pytest.param({"total_time": 3.0, "tracks_per_second": 10.0, "done_tracks": 50}, 50,
                     0.0, id="nothing-this-run"),
        pytest.param({"total_time": 2.0, "tracks_per_second": 10.0, "done_tracks": 30}, 0, 0.0,
                     id="never-negative"),
        pytest.param({"total_time": "x", "tracks_per_second": float("nan")}, 0, 0.0,
                     id="odd-values"),
    ],
)  # fmt: skip
def test_paused_seconds_needs_a_speed_to_tell(metrics, already, paused) -> None:  # noqa: ANN001
    from ui.progress_model import paused_seconds

    assert paused_seconds(metrics, already) == pytest.approx(paused)


@pytest.mark.parametrize(
    ("new_engine", "provider", "text"),
    [
        pytest.param(True, "local", "Preparing the catalog…", id="first-start-imports"),
        pytest.param(True, "musicbrainz", "Starting workers…", id="online"),
        pytest.param(False, "local", "Reading playlists…", id="engine-ready"),
    ],
)
def test_what_starting_says(new_engine: bool, provider: str, text: str) -> None:
    from ui.progress_model import starting_text

    assert starting_text(new_engine, provider) == text
