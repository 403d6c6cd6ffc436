"""The controller's write-back part without Tk or an engine: which engine calls each
action makes, how the events of its runs move the preview and the run along, the marks
it hands the results table, and the list of writes read on a thread."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from matcher import (
    BatchPaused,
    FilesPlanned,
    FileStatus,
    PlanStatus,
    WriteOptions,
    WriteSummary,
)
from tests.ui.write_fixtures import finished, outcome, plan, refused_plan, started, written
from ui.session import Session
from ui.settings import Settings
from ui.views.writes_view import write_detail, write_row
from ui.write_run import RunKind, RunPhase, Stage
from ui.writes import Writes
from ui.written_rows import REFUSED, WRITTEN

MATCH = "20260101-000000-match0"
OUT = "/music/out"


@dataclass
class FakeBatch:
    batch_id: str
    calls: list[str] = field(default_factory=list)

    def pause(self) -> None:
        self.calls.append("pause")

    def resume(self) -> None:
        self.calls.append("resume")

    def cancel(self) -> None:
        self.calls.append("cancel")


class FakeEngine:
    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.batches: list[FakeBatch] = []

    def _batch(self) -> FakeBatch:
        batch = FakeBatch(f"run-{len(self.batches)}")
        self.batches.append(batch)
        return batch

    def plan_tags(self, out_dirs, options):  # noqa: ANN001, ANN201
        self.calls.append(("plan", tuple(out_dirs), options))
        return self._batch()

    def write_tags(self, plans, options):  # noqa: ANN001, ANN201
        self.calls.append(("write", tuple(plans), options))
        return self._batch()

    def undo_write(self, write_id="", *, force=False):  # noqa: ANN001, ANN201
        self.calls.append(("undo", write_id, "force") if force else ("undo", write_id))
        return self._batch()

    def plan_library(self, app, out_dirs, options, library=""):  # noqa: ANN001, ANN201
        self.calls.append(("plan_library", app, tuple(out_dirs), options, library))
        return self._batch()

    def write_library(self, plan, options):  # noqa: ANN001, ANN201
        self.calls.append(("write_library", plan, options))
        return self._batch()


@dataclass
class Record:
    playlist_id: int


class FakeHistory:
    def playlists(self, batch_id: str) -> list[Record]:
        return [Record(3), Record(5)] if batch_id == MATCH else []


@pytest.fixture
def parts():
    posted: list = []
    session = Session(Settings(), post=posted.append, clock=lambda: 10.0)
    engine = FakeEngine()
    state = {"batch_active": False}
    writes = Writes(session, lambda: engine, FakeHistory(), lambda: state["batch_active"])
    marks: list = []
    writes.on_marks = marks.extend
    return writes, engine, session, posted, marks, state


def _read(writes: Writes, engine: FakeEngine, plans) -> str:  # noqa: ANN001
    writes.note_batch(MATCH, OUT)
    assert writes.read()
    run_id = engine.batches[-1].batch_id
    writes.on_event(started(run_id, [("Peak Time", len(plans))]))
    writes.on_event(FilesPlanned(run_id, 2, 0, tuple(plans)))
    writes.on_event(finished(run_id, {"to change": 1, "left out: no local file": 2}, len(plans)))
    return run_id


def test_read_needs_a_batch(parts):
    writes, engine, session, *_ = parts
    assert not writes.read()
    assert engine.calls == [] and "Match some playlists first" in session.notices[-1]


def test_a_read_fills_the_preview(parts):
    writes, engine, *_ = parts
    run_id = _read(writes, engine, [plan("/m/a.mp3", rows=((1, 4),)), refused_plan("/m/c.mp3")])
    assert engine.calls[0] == ("plan", (OUT,), WriteOptions())
    assert writes.owns(run_id) and not writes.owns(MATCH)
    assert writes.run.stage is Stage.PREVIEW and not writes.active
    assert len(writes.preview) == 2 and writes.preview.left_out == {"no local file": 2}
    assert writes.rows.rows_of("/m/a.mp3") == {(MATCH, 5, 4)}  # group 1 = playlist 5


def test_options_replan_and_include_review_reads_again(parts):
    writes, engine, *_ = parts
    _read(writes, engine, [plan("/m/a.mp3", genre="Techno")])
    writes.set_options(WriteOptions(overwrite=True))
    assert len(engine.calls) == 1 and not writes.preview.ready
    writes.preview.step()
    assert {c.field for c in writes.preview.plans[0].changes} >= {"genre"}
    writes.set_options(WriteOptions(overwrite=True, include_review=True))
    assert engine.calls[-1] == ("plan", (OUT,), WriteOptions(overwrite=True, include_review=True))
    assert writes.run.kind is RunKind.READ and writes.active
    assert len(writes.preview) == 0  # a new preview, filled by the new read
    # changing it again while reading cancels that read and starts another
    writes.set_options(WriteOptions(overwrite=True))
    assert engine.batches[1].calls == ["cancel"] and len(engine.calls) == 3


def test_write_sends_the_replanned_plans_and_marks_refused_rows(parts):
    writes, engine, _s, _p, marks, _st = parts
    _read(writes, engine, [plan("/m/a.mp3", rows=((0, 1),), genre="Techno"),
                           refused_plan("/m/c.mp3")])  # fmt: skip
    writes.set_options(WriteOptions(overwrite=True, key_notation="camelot"))
    assert not writes.write()  # not re-planned yet: nothing is sent
    writes.preview.step()
    assert writes.write()
    kind, plans, options = engine.calls[-1]
    assert kind == "write" and options == WriteOptions(overwrite=True, key_notation="camelot")
    assert [p.status for p in plans] == [PlanStatus.CHANGE, PlanStatus.REFUSED]
    assert ("genre", "Techno", "Deep House") in [(c.field, c.old, c.new) for c in plans[0].changes]
    assert ("key", "", "8A") in [(c.field, c.old, c.new) for c in plans[0].changes]
    assert marks == [((MATCH, 3, 9), REFUSED)]  # refused_plan names row (0, 9)


def test_write_events_mark_rows_and_list_the_writes(parts, monkeypatch):
    writes, engine, session, posted, marks, _st = parts
    summary = WriteSummary("w1", time.time(), "tags", {}, (OUT,), "finished", {"written": 1})
    monkeypatch.setattr("ui.writes.list_writes", lambda: (summary,))
    _read(writes, engine, [plan("/m/a.mp3", rows=((0, 1),))])
    writes.write()
    write_id = engine.batches[-1].batch_id
    writes.on_event(started(write_id, [("Peak Time", 1)]))
    for event in written(write_id, 2, [outcome("/m/a.mp3", FileStatus.WRITTEN)], 1, 1):
        writes.on_event(event)
    assert marks == [((MATCH, 3, 1), WRITTEN)]
    writes.on_event(finished(write_id, {"written": 1}, 1))
    assert writes.run.stage is Stage.RESULT and writes.run.write_id == write_id
    assert writes.loading  # the list of writes is being read again
    for thread in session.threads:
        thread.join(5)
    for call in posted:
        call()
    assert writes.writes == (summary,) and not writes.loading
    assert writes.last_undoable() is summary


def test_pause_resume_cancel_go_to_the_running_batch(parts):
    writes, engine, *_ = parts
    _read(writes, engine, [plan("/m/a.mp3")])
    writes.write()
    batch = engine.batches[-1]
    writes.on_event(started(batch.batch_id, [("Peak Time", 1)]))
    writes.toggle_pause()
    assert writes.run.phase is RunPhase.PAUSING
    writes.on_event(BatchPaused(batch.batch_id, 2, 0))
    writes.toggle_pause()
    writes.cancel()
    assert batch.calls == ["pause", "resume", "cancel"]
    assert writes.run.phase is RunPhase.CANCELLING


def test_nothing_starts_while_a_batch_matches_or_a_write_runs(parts):
    writes, engine, session, _p, _m, state = parts
    _read(writes, engine, [plan("/m/a.mp3")])
    state["batch_active"] = True
    assert not writes.write() and not writes.undo("w1")
    assert session.notices[-1] == "Wait for the batch to finish before writing tags."
    state["batch_active"] = False
    assert writes.write()
    assert not writes.undo("w1")
    assert session.notices[-1] == "Wait for the current tag write to finish."


def test_undo_last_names_the_newest_write_with_files_to_put_back(parts):
    writes, engine, *_ = parts
    stamp = time.time()
    writes.writes = (
        WriteSummary("w3", stamp, "tags", {}, (OUT,), "undone", {"restored": 2}),
        WriteSummary("w2", stamp, "tags", {}, (OUT,), "finished", {"refused": 1}),
        WriteSummary("w1", stamp, "tags", {}, (OUT,), "running", {"pending": 1}),
    )
    assert writes.last_undoable().write_id == "w1"  # killed mid-write: still undoable
    assert writes.undo()
    assert engine.calls[-1] == ("undo", "w1")
    assert writes.run.kind is RunKind.UNDO and writes.run.write_id == "w1"


def test_the_writes_tab_rows_and_details():
    stamp = time.mktime((2026, 3, 14, 21, 5, 0, 0, 0, -1))
    summary = WriteSummary(
        "20260314-210500-abcdef", stamp, "tags",
        {"fields": ["year", "genre", "key"], "overwrite": False, "include_review": True,
         "key_notation": "camelot"},
        ("/music/out",), "partly undone", {"written": 2, "restored": 5, "refused": 1},
    )  # fmt: skip
    assert write_row(summary) == (
        "2026-03-14 21:05", "Audio files", "2", "5", "1", "0", "partly undone", "out",
    )  # fmt: skip
    assert write_detail(summary) == (
        "Write 20260314-210500-abcdef · from /music/out · Genre, Key, Year · filled empty "
        "fields · key as 8A (Camelot) · review rows included"
    )
    library = WriteSummary(
        "20260314-211000-abcdef", stamp, "rekordbox",
        {"fields": ["genre"], "overwrite": True, "include_review": False,
         "key_notation": "musical", "library": "/rb/master.db", "playlist": "CrateMatch Peak"},
        ("/music/out",), "finished", {"written": 2},
    )  # fmt: skip
    assert write_row(library)[1:3] == ("Rekordbox", "2")
    assert write_detail(library) == (
        "Write 20260314-211000-abcdef · into /rb/master.db · playlist “CrateMatch Peak” · "
        "from /music/out · Genre · overwrote differing values · key as Am (musical)"
    )
