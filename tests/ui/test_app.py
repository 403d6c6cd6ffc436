"""The whole window on the real engine: start, pause, resume and cancel from the buttons,
launching with files and --start, resuming an unfinished batch, closing mid-batch, and
the keyboard shortcuts. Every wait is bounded; assertions are on what the window shows."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from matcher import BatchState, default_journal_path
from matcher.engine.journal import Journal
from matcher.errors import JournalError
from tests.matcher.engine.engine_fixtures import write_catalog, write_m3u8
from tests.ui.gui_helpers import pump_until, screenshot, spin

LONG = 12_000  # entries: long enough that pause and cancel land mid-batch


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    write_catalog(tmp_path / "catalog.csv")
    return tmp_path / "catalog.csv"


def args(catalog: Path, tmp_path: Path, *extra: str) -> list[str]:
    return [*extra, "--catalog", str(catalog), "--out", str(tmp_path / "out")]


def card(app, n: int = 0):  # noqa: ANN001, ANN201 - the n-th queue card
    return app.queue_view.rows[app.controller.model.items[n].item_id]


def shown(app, n: int = 0) -> tuple[str, str, str]:  # noqa: ANN001
    """(status, "done / total", counts) as the n-th card shows them."""
    row = card(app, n)
    counts = " ".join(label.cget("text") for label in row.counts.values())
    return row.status.cget("text"), row.done.cget("text"), counts


def done_of(app, n: int = 0) -> int:  # noqa: ANN001
    return int(shown(app, n)[1].split(" / ")[0].replace(",", ""))


def queued(app, path: Path) -> None:  # noqa: ANN001
    app.controller.intake.add_paths([path])
    pump_until(app, lambda: app.controller.model.waiting(), f"{path.name} queued")


def test_start_pause_resume_and_cancel_from_the_buttons(
    make_app, catalog: Path, tmp_path: Path
) -> None:
    write_m3u8(tmp_path / "Long Night.m3u8", LONG)
    app = make_app(args(catalog, tmp_path))
    queued(app, tmp_path / "Long Night.m3u8")
    qv = app.queue_view
    assert qv.start_button.cget("state") == "normal"
    assert qv.pause_button.cget("state") == "disabled"

    qv.start_button.invoke()
    pump_until(app, lambda: shown(app)[0] == "RUNNING" and done_of(app) > 0, "progress")
    assert qv.start_button.cget("state") == "disabled"
    assert app.status_bar.phase.cget("text") == "Matching"
    screenshot(app, "07-running")

    qv.pause_button.invoke()
    pump_until(app, lambda: shown(app)[0] == "PAUSED", "the card to say PAUSED")
    assert qv.pause_button.cget("text").endswith("Resume")
    assert app.status_bar.phase.cget("text") == "Paused"
    before = (shown(app), app.status_bar.tracks.cget("text"), card(app).bar.get())
    spin(app, 1.0)
    assert (shown(app), app.status_bar.tracks.cget("text"), card(app).bar.get()) == before
    assert 0 < done_of(app) < LONG
    screenshot(app, "08-paused")

    paused_at = done_of(app)
    qv.pause_button.invoke()
    pump_until(app, lambda: shown(app)[0] == "RUNNING" and done_of(app) > paused_at,
               "progress after resume")  # fmt: skip
    assert qv.pause_button.cget("text").endswith("Pause")

    qv.cancel_button.invoke()
    pump_until(app, lambda: shown(app)[0] == "CANCELLED", "the card to say CANCELLED")
    assert 0 < done_of(app) < LONG
    assert app.status_bar.phase.cget("text") == "Cancelled"
    assert qv.start_button.cget("state") == "disabled"  # nothing waiting to start
    assert app.resume_prompt.visible  # the cut-off batch is offered straight away
    screenshot(app, "09-cancelled")


def test_launch_with_files_and_start_runs_to_the_end(
    make_app, catalog: Path, tmp_path: Path
) -> None:
    write_m3u8(tmp_path / "Warm Up.m3u8", 300)
    write_m3u8(tmp_path / "Peak.m3u8", 200, seed=1)
    files = [str(tmp_path / "Warm Up.m3u8"), str(tmp_path / "Peak.m3u8")]
    app = make_app(args(catalog, tmp_path, *files, "--start"))
    pump_until(app, lambda: app.status_bar.phase.cget("text") == "Finished", "the batch to end")
    spin(app, 0.2)
    assert [shown(app, n)[:2] for n in range(2)] == [("DONE", "300 / 300"), ("DONE", "200 / 200")]
    assert shown(app, 0)[2] == "200 matched 0 review 100 unmatched 0 errors"
    assert app.status_bar.tracks.cget("text") == "500 of 500 tracks · 100%"
    assert app.root.winfo_exists() and app.root.winfo_ismapped() and not app.closed
    assert (tmp_path / "out" / "Warm Up" / "matches.csv").is_file()
    assert app.status_bar.open_button.cget("state") == "normal"
    # one count: the cards, the results footer and the dashboard say the same
    pump_until(app, lambda: app.results_view.pending_count == 0, "every row shown")
    matched = sum(i.counts.matched for i in app.controller.model.items)
    footer = app.results_view.count_label.cget("text")
    assert f"Showing 500 of 500  ({matched:,} matched" in footer, footer
    dashboard = app.dashboard.metrics_table.values()
    assert dashboard["Tracks done"] == "500 of 500"
    assert dashboard["Matched"].startswith(f"{matched:,} "), dashboard
    # one source of time and speed: the status bar words them as the dashboard does
    timing = app.status_bar.timing.cget("text")
    assert f"Elapsed {dashboard['Elapsed']}" in timing, (timing, dashboard)
    assert f"{dashboard['Tracks/s']} tracks/s" in timing, (timing, dashboard)
    assert not timing.startswith("Elapsed 0:00"), timing  # it once said so after the end
    # one way to the results: the status bar's button, not a second one under the table
    views = (app.results_view, app.dashboard, app.status_bar)
    assert [t for v in views for t in buttons_saying(v, "folder")] == ["Open results folder"]
    screenshot(app, "10-finished")


def buttons_saying(widget, word: str) -> list[str]:  # noqa: ANN001
    """The text of every button in `widget` with `word` in it."""
    import customtkinter as ctk

    found = []
    for child in widget.winfo_children():
        if isinstance(child, ctk.CTkButton) and word in str(child.cget("text")).lower():
            found.append(child.cget("text"))
        found += buttons_saying(child, word)
    return found


def test_an_unfinished_batch_is_offered_at_launch_and_resuming_finishes_it(
    make_app, catalog: Path, tmp_path: Path
) -> None:
    write_m3u8(tmp_path / "Long Night.m3u8", LONG)
    first = make_app(args(catalog, tmp_path))
    queued(first, tmp_path / "Long Night.m3u8")
    first.queue_view.start_button.invoke()
    pump_until(first, lambda: done_of(first) > 0, "progress")
    first.queue_view.cancel_button.invoke()
    pump_until(first, lambda: shown(first)[0] == "CANCELLED", "the cancel")
    cut_at = done_of(first)
    first.request_close()  # nothing running: closes at once
    assert first.closed

    app = make_app(args(catalog, tmp_path))
    prompt = app.resume_prompt
    pump_until(app, lambda: prompt.winfo_ismapped(), "the resume banner")
    assert prompt.text.cget("text").startswith("Unfinished batch from ")
    assert f"{cut_at:,} of {LONG:,} tracks in 1 playlist." in prompt.text.cget("text")
    screenshot(app, "11-resume-prompt")
    prompt.button.invoke()
    pump_until(app, lambda: not prompt.winfo_ismapped(), "the banner to go")
    pump_until(app, lambda: app.status_bar.phase.cget("text") == "Finished", "the batch to end")
    assert shown(app)[:2] == ("DONE", f"{LONG:,} / {LONG:,}")
    with Journal.open(readonly=True) as journal:
        assert journal.unfinished() == []


def test_closing_mid_batch_asks_then_cancels_and_keeps_the_batch(
    make_app, catalog: Path, tmp_path: Path
) -> None:
    write_m3u8(tmp_path / "Long Night.m3u8", LONG)
    app = make_app(args(catalog, tmp_path))
    queued(app, tmp_path / "Long Night.m3u8")
    app.queue_view.start_button.invoke()
    pump_until(app, lambda: done_of(app) > 0, "progress")
    batch_id = app.controller.model.batch_id

    app.request_close()
    dialog = app.close_dialog
    assert dialog is not None and dialog.yes_button.cget("text") == "Cancel batch and quit"
    screenshot(app, "12-close-confirm")
    dialog.answer(False)  # keep running
    spin(app, 0.2)
    assert not app.closed and app.controller.model.active

    app.request_close()
    app.close_dialog.answer(True)
    pump_until(app, lambda: app.closed, "the window to close", timeout=20)
    assert app.controller.engine is None  # closed with the window
    with Journal.open(readonly=True) as journal:
        record = journal.batch(batch_id)
        assert record is not None and record.state is BatchState.CANCELLED
        assert 0 < record.done < LONG  # resumable


def key(app, sequence: str, widget=None) -> None:  # noqa: ANN001
    """Press a key with the keyboard focus on `widget` (the window by default)."""
    target = widget or app.root

    def focused() -> bool:
        if app.root.focus_get() is not target:
            target.focus_force()
            return False
        return True

    pump_until(app, focused, f"the focus on {target}", timeout=5)
    target.event_generate(sequence)
    spin(app, 0.05)


def test_keyboard_shortcuts(make_app, catalog: Path, tmp_path: Path) -> None:
    write_m3u8(tmp_path / "Long Night.m3u8", LONG)
    app = make_app(args(catalog, tmp_path))
    app.ask_files = lambda: [str(tmp_path / "Long Night.m3u8")]
    key(app, "<Control-o>")
    pump_until(app, lambda: app.controller.model.waiting(), "Ctrl+O to queue the file")

    key(app, "<F5>")
    pump_until(app, lambda: shown(app)[0] == "RUNNING" and done_of(app) > 0, "F5 to start")
    app.tabs.set("Settings")
    entry = app.settings_view.out_dir._entry
    key(app, "<space>", widget=entry)  # a space typed into a text field: no pause
    spin(app, 0.3)
    assert app.controller.model.phase.value == "running"
    app.tabs.set("Results")
    key(app, "<space>")
    pump_until(app, lambda: shown(app)[0] == "PAUSED", "Space to pause")
    key(app, "<Control-p>")
    pump_until(app, lambda: shown(app)[0] == "RUNNING", "Ctrl+P to resume")

    found: list[bool] = []
    app.results_view.focus_search = lambda: found.append(True)
    app.tabs.set("Settings")
    key(app, "<Control-f>")
    assert found == [True] and app.tabs.get() == "Results"

    key(app, "<Escape>")
    pump_until(app, lambda: shown(app)[0] == "CANCELLED", "Escape to cancel")


def test_python_m_ui_parses_its_options_and_keeps_the_gui_out_of_spawned_processes() -> None:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-m", "ui", "--help"], capture_output=True,
                          text=True, cwd=root, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "--start" in proc.stdout and "--provider" in proc.stdout
    code = ("import sys, ui.__main__; print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'tkinter', 'customtkinter', 'matplotlib', 'tkinterdnd2'}))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=root, timeout=60)  # fmt: skip
    assert out.stdout.strip() == "[]", out.stderr


def test_the_real_launcher_runs_a_batch_and_the_window_stays_open(
    display: str, catalog: Path, tmp_path: Path
) -> None:
    write_m3u8(tmp_path / "Warm Up.m3u8", 200)
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-m", "ui", *args(catalog, tmp_path, str(tmp_path / "Warm Up.m3u8"),
                                                 "--start")]  # fmt: skip
    proc = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        summary = tmp_path / "out" / "batch_summary.json"
        deadline = time.monotonic() + 60
        while not summary.exists() and proc.poll() is None:
            assert time.monotonic() < deadline, "the launched window did not finish its batch"
            time.sleep(0.1)
        time.sleep(1.0)
        assert proc.poll() is None, proc.communicate()[1].decode()  # still open
        assert (tmp_path / "out" / "Warm Up" / "matches.csv").is_file()
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_sigterm_mid_batch_cancels_cleanly_and_keeps_the_batch_resumable(
    display: str, catalog: Path, tmp_path: Path
) -> None:
    """A logout or `kill` is a close nobody can answer: cancel, keep the batch, exit 0."""
    write_m3u8(tmp_path / "Long Night.m3u8", 60_000)
    root = Path(__file__).resolve().parents[2]
    playlist = str(tmp_path / "Long Night.m3u8")
    command = [sys.executable, "-m", "ui", *args(catalog, tmp_path, playlist, "--start")]
    proc = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.communicate()[1].decode()
            assert time.monotonic() < deadline, "the launched window never matched a track"
            if default_journal_path().exists():
                try:
                    with Journal.open(readonly=True) as journal:
                        batches = journal.batches()
                except JournalError:  # the host is creating it: not a journal yet
                    batches = []
                if batches and batches[0].done > 0:
                    break
            time.sleep(0.1)
        proc.terminate()
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert b"Traceback" not in err and b"leaked" not in err, err.decode()
    with Journal.open(readonly=True) as journal:
        record = journal.batches()[0]
        assert record.state is BatchState.CANCELLED and 0 < record.done < 60_000
