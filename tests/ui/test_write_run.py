"""A run over files as the dialog sees it, without Tk: phases, progress per playlist,
outcomes and refused files, and the result's words; plus which results rows a write
marks (ui/written_rows.py) and the results model's "File tags" cell."""

from __future__ import annotations

import pytest

from matcher import (
    BatchCancelled,
    BatchPaused,
    BatchResumed,
    EngineError,
    FileStatus,
    PlaylistStarted,
)
from tests.ui.results_fixtures import candidate, make_result, track
from tests.ui.write_fixtures import finished, outcome, plan, started, written
from ui.results_model import COLUMNS, ResultsModel
from ui.write_run import RunKind, RunPhase, Stage, WriteRun
from ui.written_rows import REFUSED, UNDONE, WRITTEN, WrittenRows

RUN = "20260101-000000-aaaaaa"


def _write_run() -> WriteRun:
    run = WriteRun(RunKind.WRITE, RUN, now=0.0)
    run.apply(started(RUN, [("Peak Time", 3), ("Warm Up", 1)]), 0.0)
    return run


def test_a_read_goes_from_progress_to_preview():
    run = WriteRun(RunKind.READ, RUN, now=0.0)
    assert (run.phase, run.stage, run.title()) == (RunPhase.STARTING, Stage.PROGRESS,
                                                   "Reading the files…")  # fmt: skip
    run.apply(started(RUN, [("Peak Time", 2)]), 0.0)
    run.apply(PlaylistStarted(RUN, 2, 0, "Peak Time", 2), 0.5)
    assert run.phase is RunPhase.RUNNING and run.total == 2
    run.apply(finished(RUN, {"to change": 2}, 2), 2.0)
    assert run.stage is Stage.PREVIEW
    assert run.summary_path == "/out/tag_changes.csv"


def test_a_read_that_fails_shows_the_error():
    run = WriteRun(RunKind.READ, RUN, now=0.0)
    run.apply(EngineError(RUN, 1, "/x: not a CrateMatch results folder", fatal=True), 0.0)
    run.apply(finished(RUN, {}, 0, ok=False), 0.0)
    assert run.stage is Stage.ERROR
    assert run.result_headline() == "Reading stopped: /x: not a CrateMatch results folder"


def test_a_write_counts_outcomes_and_lists_refused_files():
    run = _write_run()
    for event in written(
        RUN,
        2,
        [
            outcome("/m/a.mp3", FileStatus.WRITTEN),
            outcome("/m/b.mp3", FileStatus.REFUSED, "read-only"),
        ],
        2,
        3,
    ):
        run.apply(event, 1.0)  # fmt: skip
    assert run.done == 2 and run.groups[0].done == 2 and run.groups[1].total == 1
    assert run.progress_line(3.0).tracks == "2 of 4 files · 50%"
    assert "files/s" in run.progress_line(3.0).timing
    run.apply(finished(RUN, {"written": 1, "refused": 1}, 4), 3.0)
    assert (run.stage, run.write_id) == (Stage.RESULT, RUN)
    assert run.refused == [("/m/b.mp3", "read-only")]
    assert run.result_headline() == "Tags written to 1 file"
    assert run.result_detail(refused_before=2) == f"1 written · 3 refused · write {RUN}"


def test_pause_resume_and_cancel():
    run = _write_run()
    run.request(RunPhase.PAUSING)
    assert run.paused
    run.apply(BatchPaused(RUN, 3, 0), 1.0)
    assert run.phase is RunPhase.PAUSED and run.title() == "Paused"
    run.apply(BatchResumed(RUN, 4, 0), 2.0)
    assert run.phase is RunPhase.RUNNING
    run.request(RunPhase.CANCELLING)
    run.apply(BatchPaused(RUN, 5, 0), 2.5)  # a late pause does not hide the cancel
    assert run.phase is RunPhase.CANCELLING
    for event in written(RUN, 6, [outcome("/m/a.mp3", FileStatus.WRITTEN)], 1, 3):
        run.apply(event, 2.6)
    run.apply(BatchCancelled(RUN, 8, 1, 4, "/out"), 3.0)
    assert run.over and run.stage is Stage.RESULT
    assert run.result_headline() == "Write cancelled: 1 file written before it stopped"


def test_an_undo_names_the_write_it_undoes():
    run = WriteRun(RunKind.UNDO, "20260101-000001-bbbbbb", now=0.0, write_id=RUN)
    assert run.write_id == RUN and run.title() == "Undoing the write…"
    outcomes = [outcome("/m/a.mp3", FileStatus.RESTORED),
                outcome("/m/b.mp3", FileStatus.REFUSED, "changed since the write")]  # fmt: skip
    for event in written(run.batch_id, 1, outcomes, 2, 2):
        run.apply(event, 0.5)
    run.apply(finished(run.batch_id, {"restored": 1, "refused": 1}, 2), 1.0)
    assert run.result_headline() == "Write undone: 1 file put back as they were"
    assert run.result_detail() == f"1 restored · 1 refused · write {RUN}"


def test_an_undo_refused_for_a_changed_library_may_be_forced():
    run = WriteRun(RunKind.UNDO, "20260101-000001-bbbbbb", now=0.0, write_id=RUN,
                   target="traktor")  # fmt: skip
    message = f"/c.nml changed since write {RUN} (the app saved it?); undo would lose that"
    run.apply(EngineError(run.batch_id, 1, message, fatal=True, may_force=True), 0.1)
    run.apply(finished(run.batch_id, {}, 0, ok=False), 0.2)
    assert run.may_force and run.phase is RunPhase.FAILED and run.stage is Stage.RESULT
    headline = run.result_headline()
    assert headline == "The undo stopped: the Traktor collection changed after this write"
    other = WriteRun(RunKind.UNDO, "20260101-000002-cccccc", now=0.0, write_id=RUN,
                     target="traktor")  # fmt: skip
    other.apply(EngineError(other.batch_id, 1, "Traktor is running (process 7)", fatal=True), 0.1)
    other.apply(finished(other.batch_id, {}, 0, ok=False), 0.2)
    assert not other.may_force and "Traktor is running" in other.result_headline()


def test_events_of_other_runs_are_ignored():
    run = _write_run()
    assert not run.apply(finished("another", {}, 0), 1.0)
    assert not run.over


# -- which rows a write marks ----------------------------------------------------------

MATCH = "20251231-230000-cccccc"


def test_marks_follow_the_plans_rows_through_each_playlist():
    rows = WrittenRows()
    # group 0 is the batch's playlist 3, group 1 its playlist 5 (playlist-id order)
    rows.learn(MATCH, [3, 5], [plan("/m/a.mp3", rows=((0, 2), (1, 0))), plan("/m/b.mp3")])
    marks = rows.marks([outcome("/m/a.mp3", FileStatus.WRITTEN),
                        outcome("/m/zzz.mp3", FileStatus.WRITTEN)])  # fmt: skip
    assert sorted(marks) == [((MATCH, 3, 2), WRITTEN), ((MATCH, 5, 0), WRITTEN)]
    assert rows.marks([outcome("/m/a.mp3", FileStatus.WRITTEN)]) == []  # nothing new
    # a later write that refuses it, or an undo that cannot restore it: still written
    assert rows.marks([outcome("/m/a.mp3", FileStatus.REFUSED, "read-only")]) == []
    assert rows.marks([outcome("/m/b.mp3", FileStatus.REFUSED, "read-only")]) == [
        ((MATCH, 3, 0), REFUSED)
    ]
    undone = rows.marks([outcome("/m/a.mp3", FileStatus.RESTORED)])
    assert sorted(undone) == [((MATCH, 3, 2), UNDONE), ((MATCH, 5, 0), UNDONE)]
    assert rows.marks([outcome("/m/b.mp3", FileStatus.UNCHANGED)]) == []


def test_a_group_the_batch_does_not_have_is_skipped():
    rows = WrittenRows()
    rows.learn(MATCH, [0], [plan("/m/a.mp3", rows=((4, 1),))])
    assert rows.rows_of("/m/a.mp3") == set()


@pytest.mark.parametrize("before", [True, False], ids=["row-then-mark", "mark-then-row"])
def test_results_model_shows_the_mark_and_tints_the_row(before):
    model = ResultsModel()
    result = make_result(1, "matched", 0.9, "Nyra Castell", "Ember Glass",
                         [candidate(track(1, "Nyra Castell", "Ember Glass"), 0.9)])  # fmt: skip
    column = [c.key for c in COLUMNS].index("written")
    if before:
        model.add(MATCH, 0, [result])
        row = model.mark((MATCH, 0, 1), WRITTEN)
        assert row is not None
    else:
        assert model.mark((MATCH, 0, 1), WRITTEN) is None  # not here yet: kept for later
        model.add(MATCH, 0, [result])
    row = model.row((MATCH, 0, 1))
    assert (row.values[column], row.tag, row.status) == (WRITTEN, "written", "matched")
    edited = model.edit(MATCH, 0, result)  # a review keeps the mark: the file holds it
    assert edited.mark == WRITTEN
    assert model.mark((MATCH, 0, 1), UNDONE).tag == "matched"
