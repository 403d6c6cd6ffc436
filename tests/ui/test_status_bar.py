"""The status bar on the real engine: what starting says, time and speed that agree after
a pause and say what they cover after a resume, and the results folder where the OS has
no program to open folders with."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.matcher.engine.engine_fixtures import write_catalog, write_m3u8
from tests.ui.gui_helpers import pump_until, screenshot, spin
from ui.folder_opener import no_folder_opener

LONG = 12_000  # entries: long enough that pause and cancel land mid-batch
_SECONDS = r"([\d.]+) s"


def seconds(text: str) -> float:
    """ "16 s" -> 16, "2 min 05 s" -> 125 (the dashboard's words)."""
    minutes = re.fullmatch(r"(\d+) min (\d+) s", text)
    return int(minutes[1]) * 60 + int(minutes[2]) if minutes else float(text.removesuffix(" s"))


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    write_catalog(tmp_path / "catalog.csv")
    return tmp_path / "catalog.csv"


def start_long(make_app, catalog: Path, tmp_path: Path):  # noqa: ANN001, ANN201
    write_m3u8(tmp_path / "Long Night.m3u8", LONG)
    app = make_app(["--catalog", str(catalog), "--out", str(tmp_path / "out")])
    app.controller.intake.add_paths([tmp_path / "Long Night.m3u8"])
    pump_until(app, lambda: app.controller.model.waiting(), "the playlist queued")
    return app


def test_time_and_speed_agree_after_a_pause_and_a_resume_says_this_run(
    make_app, catalog: Path, tmp_path: Path
) -> None:
    """The user test saw "5,901 of 10,000 tracks · Elapsed 16 s · 1,202 tracks/s" (the
    speed leaves the pause out, the elapsed time does not) and, resumed, "10,000 of 10,000
    · Elapsed 6.8 s · 605 tracks/s" (figures of the resumed run only, unsaid)."""
    app = start_long(make_app, catalog, tmp_path)
    bar, c = app.status_bar, app.controller
    app.queue_view.start_button.invoke()
    # the engine starts for this batch: it imports the catalog before reading playlists
    assert bar.phase.cget("text") == "Preparing the catalog…"
    pump_until(app, lambda: c.figures.metrics.get("done_tracks", 0) > 0, "progress")
    app.queue_view.pause_button.invoke()
    pump_until(app, lambda: bar.phase.cget("text") == "Paused", "the pause")
    spin(app, 2.0)
    app.queue_view.pause_button.invoke()
    pump_until(app, lambda: "paused)" in bar.timing.cget("text"), "a snapshot after resuming")
    app.queue_view.cancel_button.invoke()
    pump_until(app, lambda: bar.phase.cget("text") == "Cancelled", "the cancel")
    spin(app, 0.3)
    timing = bar.timing.cget("text")
    found = re.fullmatch(r"Elapsed (.+) \(\+(.+) paused\) · ([\d,]+) tracks/s", timing)
    assert found, timing
    elapsed, paused, rate = seconds(found[1]), seconds(found[2]), float(found[3].replace(",", ""))
    assert paused >= 1.5, timing
    done = c.figures.metrics["done_tracks"]
    # the figures add up: the tracks at that speed took the elapsed time, the pause apart
    assert done / rate == pytest.approx(elapsed, abs=1.0, rel=0.05), (timing, done)
    # and the dashboard's table says the same time, and the same pause
    table = app.dashboard.metrics_table.values()
    assert (table["Elapsed"], table["Paused"]) == (found[1], found[2]), (timing, table)
    screenshot(app, "status-bar-paused")
    cut_at = int(done)

    assert app.resume_prompt.visible
    app.resume_prompt.button.invoke()
    assert bar.phase.cget("text") == "Reading playlists…"  # the same engine: catalog ready
    pump_until(app, lambda: bar.phase.cget("text") == "Finished", "the resumed batch to end")
    spin(app, 0.3)
    assert bar.tracks.cget("text") == f"{LONG:,} of {LONG:,} tracks · 100%"
    timing = bar.timing.cget("text")
    found = re.fullmatch(r"This run: ([\d,]+) tracks in (.+) · ([\d,]+) tracks/s", timing)
    assert found, timing
    assert int(found[1].replace(",", "")) == LONG - cut_at
    screenshot(app, "status-bar-resumed")


def test_no_program_to_open_folders_says_so_and_where_the_folder_is(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without xdg-open the button said "Could not open /tmp/…/results: No such file or
    directory", as if the folder were missing."""
    out = tmp_path / "results"
    out.mkdir()
    app = make_app(["--out", str(out)])
    opened: list[Path] = []
    monkeypatch.setattr("ui.controller.subprocess.Popen", lambda args: opened.append(args[-1]))
    app.controller.opener_missing = lambda f: no_folder_opener(f, "linux", lambda _n: None)
    spin(app, 0.1)
    app.status_bar.open_button.invoke()
    spin(app, 0.1)
    (said,) = app.controller.session.notices
    assert said.startswith("No program to open folders with is installed (xdg-open")
    assert said.endswith(f"the folder is {out}") and "No such file" not in said
    assert opened == []
    app.controller.opener_missing = lambda f: no_folder_opener(f, "linux", lambda n: f"/bin/{n}")
    app.status_bar.open_button.invoke()
    assert opened == [str(out)]  # with one, it is launched as before


@pytest.mark.parametrize(
    ("platform", "which", "said"),
    [
        pytest.param("linux", None, True, id="linux-without-xdg-open"),
        pytest.param("freebsd14", None, True, id="bsd-without-xdg-open"),
        pytest.param("linux", "/usr/bin/xdg-open", False, id="linux-with-it"),
        pytest.param("darwin", None, False, id="macos-has-open"),
        pytest.param("win32", None, False, id="windows-has-startfile"),
    ],
)
def test_no_folder_opener(platform: str, which: str | None, said: bool) -> None:
    text = no_folder_opener(Path("/music/out dir"), platform, lambda _name: which)
    assert bool(text) is said
    if said:
        assert "/music/out dir" in text and "\n" not in text
