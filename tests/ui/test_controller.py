"""ui/controller.py, batch control, without a window: real playlist files and a real
journal, a stand-in engine that records the commands it gets (the real one is exercised
in test_app.py)."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from matcher import (
    BatchCancelled,
    BatchFinished,
    BatchPaused,
    BatchStarted,
    BatchState,
    EngineConfig,
    EngineError,
    PlaylistRef,
)
from matcher.engine.journal import Journal
from tests.ui.controller_fixtures import B, FakeEngine, Harness, m3u
from tests.ui.gui_helpers import rekordbox_two_playlists
from ui.folder_opener import no_folder_opener
from ui.queue_model import ItemStatus, Phase
from ui.settings import Settings, load_settings


def started(tmp_path: Path, settings: Settings | None = None) -> Harness:
    h = Harness(settings)
    h.add(m3u(tmp_path / "a.m3u8"), rekordbox_two_playlists(tmp_path / "sets.xml"))
    assert h.c.start()
    return h


def test_start_sends_every_waiting_playlist_as_one_batch(tmp_path: Path) -> None:
    h = started(tmp_path, Settings(preset="fast", workers=2))
    (engine,) = FakeEngine.made
    assert replace(engine.config, http=None) == EngineConfig(
        preset="fast", workers=2, background=True
    )
    assert engine.log == [("start", [
        PlaylistRef(tmp_path / "a.m3u8", None),
        PlaylistRef(tmp_path / "sets.xml", "Friday/Warm Up"),
        PlaylistRef(tmp_path / "sets.xml", "Friday/Peak Time"),
    ])]  # fmt: skip
    assert h.c.model.phase is Phase.STARTING and h.c.model.batch_id == B
    assert not h.c.start()  # one batch at a time
    assert len(engine.log) == 1


def test_start_with_nothing_queued_or_a_bad_config_says_why() -> None:
    h = Harness(Settings(provider="nowhere"))
    assert not h.c.start() and h.notices == ["Add playlists to the queue first."]
    h.c.model.add(Path("/m/a.m3u8"), None, "a", 1)
    assert not h.c.start() and FakeEngine.made == []
    assert h.notices[-1].startswith("unknown provider 'nowhere'")


def test_pause_resume_and_cancel_follow_the_batch(tmp_path: Path) -> None:
    h = started(tmp_path)
    engine = FakeEngine.made[0]
    h.c.pause()  # not yet running: nothing to pause
    h.c.on_event(BatchStarted(B, 1, 8, ((0, "a.m3u8", "a", 3), (1, "sets.xml", "W", 3),
                                        (2, "sets.xml", "P", 2)), 2))  # fmt: skip
    h.c.toggle_pause()
    assert h.c.model.phase is Phase.PAUSING
    h.c.on_event(BatchPaused(B, 2, 0))
    h.c.toggle_pause()
    assert h.c.model.phase is Phase.RESUMING
    h.c.cancel()
    h.c.cancel()  # once is enough
    assert [e[0] for e in engine.log] == ["start", "pause", "resume", "cancel"]
    assert h.c.model.phase is Phase.CANCELLING


def test_a_fatal_engine_error_says_why_and_start_runs_the_same_playlists_again(
    tmp_path: Path,
) -> None:
    h = started(tmp_path)
    h.c.on_event(EngineError(B, 1, "no local catalog yet: import one", fatal=True))
    assert h.notices == ["no local catalog yet: import one"]
    h.c.on_event(BatchFinished(B, 2, False, 0, 8, {}, 0.1, ""))
    assert h.c.batch is None and not h.c.model.active
    assert {(i.status, i.message) for i in h.c.model.items} == {
        (ItemStatus.QUEUED, "Not run: no local catalog yet: import one")
    }
    assert h.c.start()  # nothing added again: the same three playlists
    (engine,) = FakeEngine.made
    assert engine.log[0] == engine.log[1] and engine.log[1][0] == "start"
    assert len(engine.log[1][1]) == 3 and {i.message for i in h.c.model.items} == {""}


def test_start_with_every_playlist_run_does_not_call_the_queue_empty(tmp_path: Path) -> None:
    h = started(tmp_path)
    h.c.on_event(BatchFinished(B, 2, True, 8, 8, {}, 0.1, ""))
    assert not h.c.start()
    assert h.notices[-1].startswith("Nothing in the queue is waiting to start")
    assert len(FakeEngine.made[0].log) == 1


def test_a_damaged_store_goes_to_the_repair_banner_not_the_notices(tmp_path: Path) -> None:
    h = started(tmp_path)
    before = h.changes
    db = tmp_path / "c.sqlite"
    h.c.on_event(EngineError(B, 1, "catalog database is corrupt", fatal=True,
                             damaged="catalog", damaged_path=str(db)))  # fmt: skip
    damage = h.c.repair.damage
    assert damage is not None and (damage.kind, damage.path) == ("catalog", tmp_path / "c.sqlite")
    assert h.notices == [] and h.changes > before


def test_a_cancelled_batch_ends_the_clock_and_is_offered_again(tmp_path: Path) -> None:
    h = started(tmp_path)
    with Journal.open() as journal:  # what the engine host would have journalled
        journal.create_batch(B, config={}, inputs=[{"path": "x", "name": None}], out_dir="/o")
        journal.set_state(B, BatchState.CANCELLED)
    h.c.on_event(BatchStarted(B, 1, 0, (), 2))
    assert h.c.history.unfinished == []
    h.c.on_event(BatchCancelled(B, 2, 0, 8, str(tmp_path / "out")))
    assert h.c.batch is None and h.c.last_out_dir == tmp_path / "out"
    assert not h.c.model.active
    assert [b.batch_id for b in h.c.history.unfinished] == [B]


def test_a_new_engine_config_takes_effect_at_the_next_start(tmp_path: Path) -> None:
    h = started(tmp_path)
    h.c.on_event(BatchStarted(B, 1, 0, (), 2))
    h.c.apply_settings(Settings(preset="thorough"))
    assert load_settings() == (Settings(preset="thorough"), "")
    assert h.c.settings == h.c.session.settings == Settings(preset="thorough")
    assert len(FakeEngine.made) == 1  # the running batch keeps its engine
    h.c.model.phase = Phase.IDLE
    h.c.model.add(Path("/m/new.m3u8"), None, "new", 1)
    assert h.c.start()
    old, new = FakeEngine.made
    assert new.config.preset == "thorough"
    deadline = time.monotonic() + 10
    while not old.closed:  # closed on a helper thread, so the window never waits for it
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_unfinished_batches_are_offered_and_resumed(tmp_path: Path) -> None:
    with Journal.open() as journal:
        journal.create_batch(B, config={}, inputs=[{"path": "x", "name": None}], out_dir="/o")
        journal.add_playlist(B, 0, file="a.m3u8", source=str(tmp_path / "a.m3u8"), name="a",
                             format="m3u", total=3)  # fmt: skip
        journal.set_state(B, BatchState.CANCELLED)
    h = Harness()
    h.c.history.refresh_unfinished()
    assert [b.batch_id for b in h.c.history.unfinished] == [B]
    assert h.c.resume_batch(B)
    assert FakeEngine.made[0].log == [("resume_batch", B)]
    (item,) = h.c.model.items
    assert (item.label, item.entries, item.batch_id) == ("a", 3, B)
    assert h.c.history.unfinished == [] and h.c.model.phase is Phase.STARTING
    assert not h.c.resume_batch(B)  # one batch at a time
    assert h.notices[-1].startswith("Wait for the current batch to end")


def test_a_review_goes_to_the_engine(tmp_path: Path) -> None:
    h = Harness()
    h.c.review(B, 1, 4, "cat-9")
    h.c.review(B, 1, 5, None)
    assert FakeEngine.made[0].log == [("review", B, 1, 4, "cat-9"), ("review", B, 1, 5, None)]


def test_close_stops_the_engine_and_lets_go_of_the_journal(tmp_path: Path) -> None:
    with Journal.open() as journal:
        journal.create_batch(B, config={}, inputs=[], out_dir="/o")
    h = started(tmp_path)
    h.c.history.refresh_unfinished()  # opens the journal, read-only
    h.c.close()
    assert FakeEngine.made[0].closed and h.c.engine is None
    assert h.c.history._journal is None


def test_open_folder_passes_an_argument_list(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr("ui.controller.subprocess.Popen", lambda args: calls.append(args))
    monkeypatch.setattr("ui.controller.sys.platform", "linux")
    c = Harness().c
    c.opener_missing = lambda _folder: ""  # as on a desktop with xdg-open
    c.open_folder(Path("/music/out dir"))
    assert calls == [["xdg-open", "/music/out dir"]]


def test_without_a_program_to_open_folders_the_window_says_where_the_folder_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every "Open … folder" button (status bar, Writes tab, write dialog) goes through
    `open_folder`: without xdg-open it said "No such file or directory" of a folder that
    was there."""
    calls: list[object] = []
    monkeypatch.setattr("ui.controller.subprocess.Popen", lambda args: calls.append(args))
    c = Harness().c
    c.opener_missing = lambda folder: no_folder_opener(folder, "linux", lambda _name: None)
    c.open_folder(Path("/music/out dir"))
    assert calls == []
    assert c.session.notices == [
        "No program to open folders with is installed (xdg-open, from xdg-utils): "
        "the folder is /music/out dir"
    ]


def test_the_output_folder_is_the_setting_or_the_default(tmp_path: Path) -> None:
    from matcher import default_out_dir

    assert Harness().c.out_dir == default_out_dir()
    assert Harness(Settings(out_dir=str(tmp_path / "o"))).c.out_dir == tmp_path / "o"
