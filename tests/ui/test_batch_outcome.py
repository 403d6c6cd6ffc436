"""How the status bar words a batch that is over, driven through the queue model with the
engine's events: every end a batch can have says something true, and a batch that could
not start says so and why (it said "Ready")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from matcher.engine.events import (
    BatchCancelled,
    BatchFinished,
    BatchStarted,
    EngineError,
    PlaylistFinished,
    PlaylistProgress,
)
from ui.batch_outcome import Outcome, outcome
from ui.queue_model import QueueModel

B = "20260101-000000-bbbbbb"
WHY = "MANIFEST.csv: missing catalog column(s): catalog_id, title, artists"


def started(*entries: int) -> QueueModel:
    model = QueueModel()
    for n, size in enumerate(entries):
        model.add(Path(f"/music/{n}.m3u8"), None, f"set {n}", size)
    model.bind(B, [i.item_id for i in model.items])
    playlists = tuple((n, f"{n}.m3u8", f"set {n}", size) for n, size in enumerate(entries))
    model.apply(BatchStarted(B, 1, sum(entries), playlists, 2))
    return model


def finished(model: QueueModel) -> None:
    for item in model.items:
        counts = {"matched": (item.entries or 0) - 1, "error": 1}
        model.apply(PlaylistFinished(B, 2, item.playlist_id or 0, item.label, "/o", counts))
    model.apply(BatchFinished(B, 3, True, 0, 0, {}, 1.0, "/o"))


def progressed(model: QueueModel) -> None:
    model.apply(PlaylistProgress(B, 2, 0, 4, 10, {"matched": 4}))


def failed_at_start(model: QueueModel) -> None:
    model.apply(EngineError(B, 2, WHY, fatal=True))
    model.apply(BatchFinished(B, 3, False, 0, 0, {}, 0.0, ""))


def failed_midway(model: QueueModel) -> None:
    progressed(model)
    model.apply(EngineError(B, 3, "the engine stopped unexpectedly (exit code -9)", fatal=True))
    model.apply(BatchFinished(B, 4, False, 4, 30, {}, 1.0, "/o"))


def ended_not_ok(model: QueueModel) -> None:
    model.apply(BatchFinished(B, 2, False, 0, 0, {}, 0.0, ""))


def cancelled(model: QueueModel) -> None:
    progressed(model)
    model.apply(BatchCancelled(B, 3, 4, 30, "/o"))


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        pytest.param(finished, Outcome("Finished", note="2 errors"), id="finished-with-errors"),
        pytest.param(cancelled, Outcome("Cancelled"), id="cancelled"),
        pytest.param(failed_midway, Outcome("Stopped by an error",
                     why="the engine stopped unexpectedly (exit code -9)"), id="stopped-midway"),
        pytest.param(failed_at_start, Outcome("Could not start", why=WHY,
                     note="2 playlists back in the queue", progress=False), id="not-started"),
        pytest.param(ended_not_ok, Outcome("Could not start",
                     note="2 playlists back in the queue", progress=False),
                     id="not-started-no-reason-given"),
    ],
)  # fmt: skip
def test_every_end_is_worded_from_the_cards(
    end: Callable[[QueueModel], None], expected: Outcome
) -> None:
    model = started(10, 20)
    end(model)
    assert not model.active
    assert outcome(model.batch_items()) == expected


def test_a_clean_finish_says_only_finished() -> None:
    model = started(10)
    model.apply(PlaylistFinished(B, 2, 0, "set 0", "/o", {"matched": 10}))
    model.apply(BatchFinished(B, 3, True, 10, 10, {}, 1.0, "/o"))
    assert outcome(model.batch_items()) == Outcome("Finished")
    assert outcome(model.batch_items()).text("10 of 10 tracks · 100%") == "10 of 10 tracks · 100%"


def test_cards_removed_after_a_failed_start_leave_nothing_to_say() -> None:
    model = started(10, 20)
    failed_at_start(model)
    first, second = model.items
    model.remove(first.item_id)
    assert outcome(model.batch_items()).note == "1 playlist back in the queue"
    model.remove(second.item_id)
    assert outcome(model.batch_items()) == Outcome("Ready")


@pytest.mark.parametrize(
    ("ended", "room", "line"),
    [
        pytest.param(Outcome("Could not start", why=WHY, note="2 playlists back in the queue",
                             progress=False), None,
                     f"{WHY} · 2 playlists back in the queue", id="no-tracks-when-not-run"),
        pytest.param(Outcome("Stopped by an error", why="disk full"), None,
                     "4 of 30 tracks · 13% · disk full", id="tracks-then-why"),
        pytest.param(Outcome("Finished", note="1 error"), 10,
                     "30 of 30 tracks · 100% · 1 error", id="no-why-nothing-to-shorten"),
        pytest.param(Outcome("Could not start", why=WHY, note="2 playlists back in the queue",
                             progress=False), 60,
                     "MANIFEST.csv:…title, artists · 2 playlists back in the queue",
                     id="the-why-gives-way"),
        pytest.param(Outcome("Stopped by an error", why="disk full"), 20,
                     "4 of 30 tracks · 13% · …", id="no-room-at-all"),
    ],
)  # fmt: skip
def test_the_line_shortens_only_the_why(ended: Outcome, room: int | None, line: str) -> None:
    tracks = "30 of 30 tracks · 100%" if ended.phase == "Finished" else "4 of 30 tracks · 13%"
    assert ended.text(tracks, room) == line
