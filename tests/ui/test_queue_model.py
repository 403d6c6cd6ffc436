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
from ui.queue_model import Counts, ItemStatus, Phase, QueueModel, nothing_to_start

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


def test_a_batch_that_ends_well_marks_its_items_done() -> None:
    model = started(queue("a", "b"))
    model.apply(BatchFinished(B, 9, True, 30, 30, {}, 1.0, "/out"))
    assert statuses(model) == ["done", "done"] and model.phase is Phase.IDLE


# -- a batch that fails -----------------------------------------------------------------

NOT_A_CATALOG = "MANIFEST.csv: missing catalog column(s): catalog_id, title, artists"


def failed(model: QueueModel, *, seq: int = 8) -> QueueModel:
    """The engine's two last events of a batch stopped by an error."""
    model.apply(EngineError(B, seq, NOT_A_CATALOG, fatal=True))
    model.apply(BatchFinished(B, seq + 1, False, 0, 30, {}, 0.1, ""))
    return model


@pytest.mark.parametrize(
    "before",
    [
        pytest.param(False, id="before-batch-started"),  # the host could not even begin
        pytest.param(True, id="after-batch-started"),
    ],
)
def test_a_batch_that_failed_before_matching_anything_gives_its_playlists_back(
    before: bool,
) -> None:
    model = queue("a", "b", "c")
    ids = [i.item_id for i in model.items]
    if before:
        started(model)
    else:
        model.bind(B, ids)
    failed(model)
    assert model.phase is Phase.IDLE and model.batch_id == B
    assert [i.item_id for i in model.waiting()] == ids  # in place, ready for the next Start
    assert statuses(model) == ["queued"] * 3
    assert {i.message for i in model.items} == {f"Not run: {NOT_A_CATALOG}"}
    assert {(i.batch_id, i.playlist_id, i.done) for i in model.items} == {(None, None, 0)}
    assert [i.entries for i in model.items] == [10, 20, 30]
    assert model.clear_finished() == 0  # nothing finished: Clear finished leaves them
    assert model.add(Path("/music/a.m3u8"), None, "a", 10) is None  # already queued
    assert model.move(ids[2], -2) and model.remove(ids[1])  # each one still editable
    assert [i.label for i in model.waiting()] == ["c", "a"]


def test_the_engine_error_is_what_the_card_says_not_the_batch_end_after_it() -> None:
    model = started(queue("a"))
    assert model.apply(EngineError(B, 8, "cluster tcp://h:8786 unreachable", fatal=True))
    assert model.items[0].waiting and model.active  # Start waits for the batch's end
    model.apply(BatchFinished(B, 9, False, 0, 10, {}, 0.1, ""))
    assert model.items[0].message == "Not run: cluster tcp://h:8786 unreachable"
    assert not model.active and model.waiting() == model.items


def test_a_batch_end_not_ok_without_an_engine_error_still_gives_them_back() -> None:
    model = started(queue("a"))
    model.apply(BatchFinished(B, 9, False, 0, 10, {}, 0.1, ""))
    assert model.items[0].waiting and model.items[0].message == "Not run: stopped by an error"


def test_starting_them_again_clears_the_message_and_the_failed_batch_lets_go() -> None:
    model = failed(started(queue("a", "b")))
    ids = [i.item_id for i in model.items]
    model.bind(OTHER, ids)
    assert {(i.batch_id, i.message) for i in model.items} == {(OTHER, "")}
    assert model.batch_items(B) == [] and model.batch_items() == model.items
    model.apply(BatchStarted(OTHER, 1, 30, ((0, "a.m3u8", "a", 10), (1, "b.m3u8", "b", 20)), 2))
    model.apply(PlaylistFinished(OTHER, 2, 0, "a", "/out/a", {"matched": 10}))
    model.apply(PlaylistFinished(OTHER, 3, 1, "b", "/out/b", {"matched": 20}))
    model.apply(BatchFinished(OTHER, 4, True, 30, 30, {}, 1.0, "/out"))
    assert statuses(model) == ["done", "done"] and model.progress() == (30, 30)


@pytest.mark.parametrize(
    "matched",
    [
        pytest.param(PlaylistFinished(B, 2, 0, "a", "/out/a", {"matched": 10}), id="one-done"),
        pytest.param(
            TracksMatched(B, 2, 0, (make_result(0, "matched", 0.9, "A", "T"),)), id="one-chunk"
        ),  # fmt: skip
    ],
)
def test_a_batch_that_failed_after_matching_something_is_left_to_resume(
    matched: PlaylistFinished | TracksMatched,
) -> None:
    """The journal offers it on the resume banner; a new Start of the same playlists
    would match them a second time."""
    model = started(queue("a", "b"))
    model.apply(matched)
    failed(model, seq=3)
    a, b = model.items
    assert b.status is ItemStatus.FAILED and b.message == NOT_A_CATALOG
    assert a.status is (ItemStatus.DONE if isinstance(matched, PlaylistFinished)
                        else ItemStatus.FAILED)  # fmt: skip
    assert model.waiting() == [] and model.clear_finished() == 2


def test_a_resumed_batch_that_fails_again_at_once_stays_resumable() -> None:
    model = QueueModel()
    model.adopt(OTHER, [(Path("/music/sets.xml"), "Friday/Warm Up", 30, 12)])
    model.apply(EngineError(OTHER, 1, NOT_A_CATALOG, fatal=True))
    model.apply(BatchFinished(OTHER, 2, False, 12, 30, {}, 0.1, ""))
    (item,) = model.items
    assert item.status is ItemStatus.FAILED and item.done == 12 and not item.waiting


def test_what_start_says_when_nothing_is_waiting() -> None:
    assert nothing_to_start([], resumable=False) == "Add playlists to the queue first."
    model = started(queue("a"))
    model.apply(BatchFinished(B, 9, True, 10, 10, {}, 1.0, "/out"))
    for resumable in (False, True):
        said = nothing_to_start(model.items, resumable)
        assert said.startswith("Nothing in the queue is waiting to start")
        assert ("Resume" in said) is resumable


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
