"""The queue model without a window: editing the queue and every transition the engine's
events cause."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.engine.events import (
    BatchCancelled,
    BatchFinished,
    BatchPaused,
    BatchResumed,
    BatchStarted,
    EngineError,
    PlaylistFinished,
    PlaylistProgress,
    PlaylistStarted,
    ResultEdited,
    TracksMatched,
)
from tests.ui.results_fixtures import make_result
from ui.queue_model import Counts, ItemStatus, Phase, QueueModel

B = "20260101-000000-aaaaaa"
OTHER = "20260101-000000-ffffff"


def queue(*labels: str) -> QueueModel:
    model = QueueModel()
    for n, label in enumerate(labels):
        model.add(Path(f"/music/{label}.m3u8"), None, label, 10 * (n + 1))
    return model


def started(model: QueueModel) -> QueueModel:
    """Every waiting item bound to batch B, and BatchStarted received."""
    items = model.waiting()
    model.bind(B, [i.item_id for i in items])
    playlists = tuple((n, i.path.name, i.label, i.entries or 0) for n, i in enumerate(items))
    model.apply(BatchStarted(B, 1, sum(p[3] for p in playlists), playlists, 2))
    return model


def statuses(model: QueueModel) -> list[str]:
    return [i.status.value for i in model.items]


# -- editing ----------------------------------------------------------------------------


def test_add_refuses_a_playlist_already_waiting() -> None:
    model = QueueModel()
    first = model.add(Path("/m/a.xml"), "Sets/Warm Up", "Warm Up", 3)
    assert first is not None and first.waiting
    assert model.add(Path("/m/a.xml"), "Sets/Warm Up", "Warm Up", 3) is None
    assert model.add(Path("/m/a.xml"), "Sets/Peak", "Peak", 2) is not None
    assert [i.label for i in model.items] == ["Warm Up", "Peak"]


@pytest.mark.parametrize(
    ("label", "delta", "order"),
    [
        pytest.param("c", -1, "acbd", id="up-one"),
        pytest.param("c", -9, "cabd", id="up-to-top"),
        pytest.param("a", -1, "abcd", id="top-stays"),
        pytest.param("b", 2, "acdb", id="down-two"),
        pytest.param("d", 1, "abcd", id="bottom-stays"),
    ],
)
def test_move_reorders_waiting_items(label: str, delta: int, order: str) -> None:
    model = queue("a", "b", "c", "d")
    item = next(i for i in model.items if i.label == label)
    assert model.move(item.item_id, delta) is (order != "abcd")
    assert "".join(i.label for i in model.items) == order


def test_items_in_a_batch_cannot_be_moved_or_removed_until_they_finish() -> None:
    model = started(queue("a", "b"))
    extra = model.add(Path("/music/c.m3u8"), None, "c", 5)
    assert extra is not None
    a = model.items[0]
    assert not model.move(a.item_id, 1) and not model.remove(a.item_id)
    assert not model.move(extra.item_id, -1)  # waiting items move among waiting items only
    model.apply(PlaylistFinished(B, 5, 0, "a", "/out/a", {"matched": 10}))
    assert model.remove(a.item_id)
    assert [i.label for i in model.items] == ["b", "c"]


def test_clear_finished_keeps_waiting_and_running_items() -> None:
    model = started(queue("a", "b"))
    model.add(Path("/music/c.m3u8"), None, "c", 5)
    model.apply(PlaylistFinished(B, 5, 0, "a", "/out/a", {"matched": 10}))
    model.apply(PlaylistStarted(B, 6, 1, "b", 20))
    assert model.clear_finished() == 1
    assert statuses(model) == ["running", "queued"]


# -- a batch ----------------------------------------------------------------------------


def test_batch_started_pairs_playlists_with_items_by_order() -> None:
    model = queue("a", "b")
    ids = [i.item_id for i in model.items]
    model.bind(B, ids)
    assert model.phase is Phase.STARTING and all(i.batch_id == B for i in model.items)
    model.apply(BatchStarted(B, 1, 33, ((0, "a.m3u8", "a", 12), (1, "b.m3u8", "b", 21)), 2))
    assert [(i.playlist_id, i.entries) for i in model.items] == [(0, 12), (1, 21)]
    assert model.phase is Phase.RUNNING


def test_progress_and_finish_update_the_right_item() -> None:
    model = started(queue("a", "b"))
    assert model.apply(PlaylistStarted(B, 2, 1, "b", 20))
    model.apply(PlaylistProgress(B, 3, 1, 8, 20, {"matched": 5, "review": 1, "unmatched": 2}))
    a, b = model.items
    assert a.status is ItemStatus.QUEUED and a.done == 0
    assert b.status is ItemStatus.RUNNING and b.done == 8 and b.fraction == pytest.approx(0.4)
    assert b.counts == Counts(matched=5, review=1, unmatched=2)
    model.apply(
        PlaylistFinished(B, 4, 1, "b", "/out/b", {"matched": 15, "unmatched": 4, "error": 1})
    )
    b = model.items[1]
    assert b.status is ItemStatus.DONE and b.done == 20 and b.out_dir == "/out/b"
    assert b.counts == Counts(matched=15, unmatched=4, error=1)
    assert model.progress() == (20, 30)


def test_a_card_counts_results_as_they_arrive_as_the_table_footer_does() -> None:
    """The card once lagged the footer (1,947 matched against 2,281): both count the
    results that arrived, and a progress event counted a moment earlier holds no card back."""
    model = started(queue("a"))
    results = tuple(make_result(n, "review" if n == 5 else "matched", 0.9, "A", "B")
                    for n in range(6))  # fmt: skip
    assert model.apply(TracksMatched(B, 2, 0, results))
    card = model.items[0]
    footer = model.tally.counts([(B, 0)], with_prior=False)  # what the results footer shows
    assert card.counts == footer == Counts(matched=5, review=1)
    assert card.done == 6
    model.apply(PlaylistProgress(B, 3, 0, 4, 10, {"matched": 4}))  # counted before the chunk
    assert model.items[0].counts == Counts(matched=5, review=1) and model.items[0].done == 6
    decided = make_result(5, "matched", 1.0, "A", "B")  # the user accepted the review
    assert model.apply(ResultEdited(B, 4, 0, decided, "/out/a"))
    assert model.items[0].counts == Counts(matched=6)
    assert model.progress() == (6, 10)


def test_pause_and_resume_move_running_items_and_the_phase() -> None:
    model = started(queue("a", "b"))
    model.apply(PlaylistStarted(B, 2, 0, "a", 10))
    model.request(Phase.PAUSING)
    assert model.phase is Phase.PAUSING
    model.apply(BatchPaused(B, 3, 4))
    assert model.phase is Phase.PAUSED and statuses(model) == ["paused", "queued"]
    model.apply(BatchResumed(B, 4, 4))
    assert model.phase is Phase.RUNNING and statuses(model) == ["running", "queued"]


def test_cancel_marks_every_unfinished_item_of_the_batch() -> None:
    model = started(queue("a", "b"))
    model.add(Path("/music/later.m3u8"), None, "later", 5)
    model.apply(PlaylistFinished(B, 2, 0, "a", "/out/a", {"matched": 10}))
    model.apply(PlaylistStarted(B, 3, 1, "b", 20))
    model.request(Phase.CANCELLING)
    model.apply(BatchPaused(B, 4, 12))  # a late pause does not undo the cancel request
    assert model.phase is Phase.CANCELLING
    model.apply(BatchCancelled(B, 5, 12, 30, "/out"))
    assert statuses(model) == ["done", "cancelled", "queued"]
    assert model.phase is Phase.IDLE and not model.active


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param(
            [BatchFinished(B, 9, True, 30, 30, {}, 1.0, "/out")], ["done", "done"], id="ok"
        ),  # fmt: skip
        pytest.param(
            [
                EngineError(B, 8, "catalog.csv: not a catalog", fatal=True),
                BatchFinished(B, 9, False, 0, 30, {}, 0.1, ""),
            ],
            ["failed", "failed"],
            id="fatal-error",
        ),  # fmt: skip
    ],
)
def test_batch_end(events: list, expected: list[str]) -> None:
    model = started(queue("a", "b"))
    for event in events:
        model.apply(event)
    assert statuses(model) == expected and model.phase is Phase.IDLE
    if expected[0] == "failed":
        assert {i.message for i in model.items} == {"catalog.csv: not a catalog"}


def test_a_warning_that_is_not_fatal_changes_nothing() -> None:
    model = started(queue("a"))
    assert not model.apply(EngineError(B, 3, "a worker restarted", fatal=False))
    assert statuses(model) == ["queued"]


def test_events_of_another_batch_are_ignored() -> None:
    model = started(queue("a"))
    assert not model.apply(PlaylistProgress(OTHER, 2, 0, 5, 10, {"matched": 5}))
    assert not model.apply(BatchCancelled(OTHER, 3, 0, 0, ""))
    assert model.items[0].done == 0 and model.phase is Phase.RUNNING


# -- resuming ---------------------------------------------------------------------------


def test_adopt_reuses_this_sessions_items_of_a_cancelled_batch() -> None:
    model = started(queue("a", "b"))
    model.apply(PlaylistProgress(B, 2, 0, 4, 10, {"matched": 4}))
    model.apply(BatchCancelled(B, 3, 4, 30, "/out"))
    model.adopt(B, [(Path("/music/a.m3u8"), "a", 10, 4), (Path("/music/b.m3u8"), "b", 20, 0)])
    assert len(model.items) == 2 and statuses(model) == ["queued", "queued"]
    assert model.items[0].done == 4 and model.phase is Phase.STARTING
    model.apply(BatchStarted(B, 1, 30, ((0, "a.m3u8", "a", 10), (1, "b.m3u8", "b", 20)), 2,
                             resumed=True, already_done=4))  # fmt: skip
    model.apply(BatchFinished(B, 9, True, 30, 30, {}, 1.0, "/out"))
    assert statuses(model) == ["done", "done"]


def test_adopt_makes_items_from_the_journal_rows_of_an_earlier_session() -> None:
    model = QueueModel()
    model.adopt(OTHER, [(Path("/music/sets.xml"), "Friday/Warm Up", 30, 12)])
    (item,) = model.items
    assert (item.label, item.done, item.entries, item.batch_id) == ("Warm Up", 12, 30, OTHER)
    assert not item.waiting  # it belongs to the resumed batch, not to the next Start


def test_a_resumed_batch_without_journal_rows_gets_items_from_batch_started() -> None:
    model = QueueModel()
    model.adopt(OTHER, [])
    model.apply(BatchStarted(OTHER, 1, 7, ((0, "x.m3u8", "x", 7),), 1, resumed=True))
    assert [(i.label, i.entries, i.playlist_id) for i in model.items] == [("x", 7, 0)]
