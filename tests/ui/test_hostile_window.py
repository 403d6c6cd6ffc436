"""The window under faults: killed with kill -9 mid-batch, and started on a damaged
journal or a damaged catalog (a readable banner with the button that fixes it).

Every wait is bounded; "gone within 3 s" is the orphan contract, not a benchmark.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from matcher import BatchRecord, BatchState, default_journal_path
from matcher.catalog import resolve_catalog
from matcher.engine.journal import Journal
from tests.hardening import ledger
from tests.hardening.test_damaged_stores import damage_pages
from tests.matcher.engine.engine_fixtures import (
    WAIT_S,
    alive,
    descendants,
    matches_rows,
    wait_for,
    write_catalog,
    write_m3u8,
)
from tests.ui.gui_helpers import pump_until, screenshot, spin

ORPHAN_GRACE_S = 3.0
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    write_catalog(tmp_path / "catalog.csv")
    return tmp_path / "catalog.csv"


def _latest() -> BatchRecord | None:
    try:
        with Journal.open(readonly=True) as journal:
            batches = journal.batches(1)
    except Exception:  # noqa: BLE001 - not created yet, or mid-creation
        return None
    return batches[0] if batches else None


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds processes in /proc")
def test_kill_9_of_the_window_mid_batch_loses_nothing(
    display: str, cratematch_home: Path, catalog: Path, tmp_path: Path
) -> None:
    tracks = write_m3u8(tmp_path / "Long Night.m3u8", 6000)
    out = tmp_path / "out"
    env = {**os.environ, "CRATEMATCH_HOME": str(cratematch_home), "DISPLAY": display}
    window = subprocess.Popen(
        [sys.executable, "-m", "ui", str(tmp_path / "Long Night.m3u8"), "--catalog",
         str(catalog), "--out", str(out), "--start"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    tree: list[int] = []
    try:

        def under_way() -> bool:
            assert window.poll() is None, window.communicate()[1].decode()
            record = _latest()
            return record is not None and record.done > 0

        wait_for(under_way, WAIT_S, "the window's batch to journal results")
        tree = descendants(window.pid)
        assert len(tree) >= 2, f"expected the engine host and a worker, got {tree}"
        window.send_signal(signal.SIGKILL)
        window.communicate(timeout=WAIT_S)
        wait_for(
            lambda: not any(alive(pid) for pid in tree),
            ORPHAN_GRACE_S,
            f"the engine of the killed window to exit ({[p for p in tree if alive(p)]} left)",
        )
    finally:
        if window.poll() is None:
            window.kill()
        for pid in tree:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    record = _latest()
    assert record is not None and record.state is BatchState.RUNNING
    assert 0 < record.done < record.total == len(tracks)

    done = subprocess.run(
        [sys.executable, "-m", "matcher", "resume", "--workers", "2", "--quiet"],
        env=env, capture_output=True, text=True, timeout=WAIT_S, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = matches_rows(out / "Long Night")
    indices = [int(r["entry_index"]) for r in rows]
    lost = len(tracks) - len(set(indices)) + (len(indices) - len(set(indices)))
    assert indices == list(range(len(tracks)))
    assert [r["source_title"] for r in rows] == [t.title for t in tracks]
    ledger.fault("kill -9 of the window mid-batch", expected=len(tracks), lost=lost)


def test_a_damaged_journal_is_offered_for_rebuild(make_app, tmp_path: Path) -> None:
    junk = os.urandom(8192)
    default_journal_path().write_bytes(junk)
    app = make_app()
    prompt = app.repair_prompt
    pump_until(app, lambda: prompt.winfo_ismapped(), "the repair banner")
    text = prompt.text.cget("text")
    assert text.startswith("The batch history (journal.sqlite) is damaged")
    assert "Traceback" not in text and prompt.button.cget("text") == "Rebuild"
    screenshot(app, "20-damaged-journal")

    prompt.button.invoke()
    pump_until(app, lambda: not prompt.winfo_ismapped(), "the banner to go")
    assert any("moved to journal.sqlite.corrupt-" in n for n in app.controller.session.notices)
    (aside,) = default_journal_path().parent.glob("journal.sqlite.corrupt-*")
    assert aside.read_bytes() == junk
    with Journal.open(readonly=True) as journal:
        assert journal.batches() == []
    ledger.fault("window on a damaged journal (rebuild)", expected=0, lost=0)


@pytest.mark.slow
def test_a_damaged_catalog_is_offered_for_reimport_and_the_next_start_works(
    make_app, catalog: Path, tmp_path: Path
) -> None:
    tracks = write_m3u8(tmp_path / "Warm Up.m3u8", 300)
    built = resolve_catalog(catalog)  # what --catalog catalog.csv was imported into
    damage_pages(built, start=0.05)
    app = make_app([str(tmp_path / "Warm Up.m3u8"), "--catalog", str(catalog),
                    "--out", str(tmp_path / "out"), "--start"])  # fmt: skip
    prompt = app.repair_prompt
    pump_until(app, lambda: prompt.winfo_ismapped(), "the repair banner")
    assert prompt.text.cget("text").startswith("The catalog imported from catalog.csv is damaged")
    assert prompt.button.cget("text") == "Re-import"
    spin(app, 0.3)
    screenshot(app, "21-damaged-catalog")

    prompt.button.invoke()
    pump_until(app, lambda: not prompt.winfo_ismapped(), "the banner to go")
    assert any(
        "Press Start to import catalog.csv again" in n for n in app.controller.session.notices
    )
    assert not built.exists() and list(built.parent.glob(f"{built.name}.corrupt-*"))

    pump_until(app, lambda: app.controller.model.waiting(), "the playlist to wait again")
    app.queue_view.start_button.invoke()
    pump_until(app, lambda: app.status_bar.phase.cget("text") == "Finished", "the batch to end")
    rows = matches_rows(tmp_path / "out" / "Warm Up")
    assert [int(r["entry_index"]) for r in rows] == list(range(len(tracks)))
    assert built.exists()  # imported again from catalog.csv
    ledger.fault("window on a damaged catalog (re-import)", expected=len(tracks), lost=0)


def test_rebuild_waits_for_a_running_batch(make_app, tmp_path: Path) -> None:
    app = make_app()
    from ui.repair import Damage

    app.controller.repair.found(Damage("journal", default_journal_path(), "journal is damaged"))
    app.controller.model.add(tmp_path / "x.m3u8", None, "x", 3)
    app.controller.model.bind("b-1", [app.controller.model.items[0].item_id])
    assert app.controller.model.active
    assert not app.controller.repair.repair()
    assert app.controller.session.notices[-1].startswith("Wait for the current batch to end")
