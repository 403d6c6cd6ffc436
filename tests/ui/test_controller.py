"""The controller without a window: real playlist files and a real journal, a stand-in
engine that records the commands it gets (the real one is exercised in test_app.py)."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from matcher.config import EngineConfig
from matcher.events import BatchPaused, BatchStarted, BatchState, EngineError, Event
from matcher.journal import Journal
from matcher.model import PlaylistInfo, PlaylistRef
from tests.ui.gui_helpers import rekordbox_two_playlists
from ui.controller import Controller, playlist_files
from ui.queue_model import ItemStatus, Phase
from ui.settings import Settings, load_settings

B = "20260101-000000-aaaaaa"


class FakeBatch:
    def __init__(self, batch_id: str, log: list[tuple]) -> None:
        self.batch_id = batch_id
        self.log = log

    def pause(self) -> None:
        self.log.append(("pause", self.batch_id))

    def resume(self) -> None:
        self.log.append(("resume", self.batch_id))

    def cancel(self) -> None:
        self.log.append(("cancel", self.batch_id))


class FakeEngine:
    made: list[FakeEngine] = []

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.log: list[tuple] = []
        self.pending: list[Event] = []
        self.closed = False
        FakeEngine.made.append(self)

    def start(self, refs: list[PlaylistRef]) -> FakeBatch:
        self.log.append(("start", list(refs)))
        return FakeBatch(B, self.log)

    def resume_batch(self, batch_id: str) -> FakeBatch:
        self.log.append(("resume_batch", batch_id))
        return FakeBatch(batch_id, self.log)

    def events(self, timeout: float = 0.05, limit: int = 2000) -> list[Event]:
        out, self.pending = self.pending, []
        return out

    def close(self) -> None:
        self.closed = True


class Harness:
    """A controller whose posted calls run when `settle()` says so, like the pump would."""

    def __init__(self, settings: Settings | None = None) -> None:
        FakeEngine.made = []
        self.posted: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.c = Controller(settings or Settings(), post=self.posted.put, engine_factory=FakeEngine)
        self.changes = 0
        self.c.watch(self._count)

    def _count(self) -> None:
        self.changes += 1

    def settle(self) -> None:
        for reader in self.c.readers:
            reader.join(10)
            assert not reader.is_alive()
        while not self.posted.empty():
            self.posted.get()()

    def add(self, *paths: Path) -> None:
        self.c.add_paths(list(paths))
        self.settle()

    def labels(self) -> list[str]:
        return [i.label for i in self.c.model.items]


def m3u(path: Path, count: int = 3) -> Path:
    lines = ["#EXTM3U"]
    for n in range(count):
        lines += [f"#EXTINF:300,Artist {n} - Title {n}", f"/music/{n}.mp3"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- adding -------------------------------------------------------------------------------


def test_files_are_read_off_the_calling_thread_and_queued_with_counts(tmp_path: Path) -> None:
    h = Harness()
    h.c.add_paths([m3u(tmp_path / "Warm Up.m3u8", 4)])
    assert h.c.reading == 1 and h.c.adding and h.c.model.items == []  # nothing yet
    h.settle()
    (item,) = h.c.model.items
    assert (item.label, item.entries, item.name) == ("Warm Up", 4, None)
    assert h.c.reading == 0 and not h.c.adding


def test_a_folder_adds_the_playlist_files_inside_it(tmp_path: Path) -> None:
    (tmp_path / "sets" / "deeper").mkdir(parents=True)
    m3u(tmp_path / "sets" / "b.m3u")
    m3u(tmp_path / "sets" / "deeper" / "a.m3u8")
    (tmp_path / "sets" / "notes.txt").write_text("not a playlist", encoding="utf-8")
    (tmp_path / "sets" / ".hidden.m3u").write_text("#EXTM3U\n", encoding="utf-8")
    assert [p.name for p in playlist_files(tmp_path / "sets")] == ["b.m3u", "a.m3u8"]
    h = Harness()
    h.add(tmp_path / "sets")
    assert h.labels() == ["b", "a"] and h.c.notices == []


def test_bad_input_is_one_readable_notice_and_the_queue_is_untouched(tmp_path: Path) -> None:
    h = Harness()
    h.add(m3u(tmp_path / "good.m3u8"))
    (tmp_path / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(200))
    (tmp_path / "empty").mkdir()
    h.add(tmp_path / "cover.jpg", tmp_path / "missing.m3u", tmp_path / "empty")
    assert h.labels() == ["good"]
    assert h.c.notices[0].startswith("cover.jpg: binary data, not a playlist CrateMatch reads")
    assert h.c.notices[1].startswith("missing.m3u: file not found")
    assert h.c.notices[2] == "empty: no playlist files inside"
    assert all("Traceback" not in n and "\n" not in n for n in h.c.notices)
    h.c.dismiss_notices()
    assert h.c.notices == []


def test_the_same_playlist_twice_is_queued_once(tmp_path: Path) -> None:
    h = Harness()
    h.add(m3u(tmp_path / "a.m3u8"))
    h.add(tmp_path / "a.m3u8")
    assert h.labels() == ["a"] and h.c.notices == ["a is already in the queue"]


def test_a_file_with_several_playlists_asks_the_chooser_one_file_at_a_time(
    tmp_path: Path,
) -> None:
    h = Harness()
    asked: list[tuple[Path, list[PlaylistInfo], Callable[[list[str]], None]]] = []
    h.c.chooser = lambda path, infos, done: asked.append((path, infos, done))
    first = rekordbox_two_playlists(tmp_path / "one.xml")
    second = rekordbox_two_playlists(tmp_path / "two.xml")
    h.add(first, second)
    assert [a[0] for a in asked] == [first] and h.c.adding
    assert [i.path for i in asked[0][1]] == ["Friday", "Friday/Warm Up", "Friday/Peak Time"]
    asked[0][2](["Friday/Peak Time"])
    assert [a[0] for a in asked] == [first, second]  # the next picker opens after the first
    asked[1][2]([])  # cancelled: nothing from the second file
    assert not h.c.adding
    (item,) = h.c.model.items
    assert (item.label, item.name, item.entries) == ("Peak Time", "Friday/Peak Time", 2)


def test_without_a_chooser_every_playlist_is_queued(tmp_path: Path) -> None:
    h = Harness()
    h.add(rekordbox_two_playlists(tmp_path / "sets.xml"))
    assert [(i.label, i.entries) for i in h.c.model.items] == [("Warm Up", 3), ("Peak Time", 2)]


# -- the batch ----------------------------------------------------------------------------


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
    assert not h.c.start() and h.c.notices == ["Add playlists to the queue first."]
    h.c.model.add(Path("/m/a.m3u8"), None, "a", 1)
    assert not h.c.start() and FakeEngine.made == []
    assert h.c.notices[-1].startswith("unknown provider 'nowhere'")


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


def test_a_fatal_engine_error_fails_the_batch_with_its_message(tmp_path: Path) -> None:
    h = started(tmp_path)
    h.c.on_event(EngineError(B, 1, "no local catalog yet: import one", fatal=True))
    assert h.c.notices == ["no local catalog yet: import one"]
    assert {i.status for i in h.c.model.items} == {ItemStatus.FAILED}


def test_a_new_engine_config_takes_effect_at_the_next_start(tmp_path: Path) -> None:
    h = started(tmp_path)
    h.c.on_event(BatchStarted(B, 1, 0, (), 2))
    h.c.apply_settings(Settings(preset="thorough"))
    assert load_settings() == (Settings(preset="thorough"), "")
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


# -- the journal ----------------------------------------------------------------------------


def test_no_journal_means_nothing_to_resume_and_no_result() -> None:
    h = Harness()
    h.c.refresh_unfinished()
    assert h.c.unfinished == []
    assert h.c.full_result(B, 0, 0) is None


def test_unfinished_batches_are_offered_and_resumed(tmp_path: Path) -> None:
    with Journal.open() as journal:
        journal.create_batch(B, config={}, inputs=[{"path": "x", "name": None}], out_dir="/o")
        journal.add_playlist(B, 0, file="a.m3u8", source=str(tmp_path / "a.m3u8"), name="a",
                             format="m3u", total=3)  # fmt: skip
        journal.set_state(B, BatchState.CANCELLED)
    h = Harness()
    h.c.refresh_unfinished()
    assert [b.batch_id for b in h.c.unfinished] == [B]
    assert h.c.resume_batch(B)
    assert FakeEngine.made[0].log == [("resume_batch", B)]
    (item,) = h.c.model.items
    assert (item.label, item.entries, item.batch_id) == ("a", 3, B)
    assert h.c.unfinished == [] and h.c.model.phase is Phase.STARTING


def test_dismissed_batches_stay_hidden_for_the_session() -> None:
    with Journal.open() as journal:
        journal.create_batch(B, config={}, inputs=[], out_dir="/o")
    h = Harness()
    h.c.refresh_unfinished()
    h.c.dismiss_unfinished(B)
    h.c.refresh_unfinished()
    assert h.c.unfinished == []


def test_open_folder_passes_an_argument_list(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr("ui.controller.subprocess.Popen", lambda args: calls.append(args))
    monkeypatch.setattr("ui.controller.sys.platform", "linux")
    Harness().c.open_folder(Path("/music/out dir"))
    assert calls == [["xdg-open", "/music/out dir"]]
