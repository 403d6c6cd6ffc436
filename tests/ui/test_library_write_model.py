"""The window's write-back part writing into a DJ library, without Tk or an engine: the
engine calls "To library ▾" makes, the preview of a library's entries (counted in tracks,
worth writing for its playlist alone), the run's steps and headlines, and an undo that
knows it restores a library."""

from __future__ import annotations

import time

import pytest

from matcher import (
    BatchFinished,
    EngineError,
    FileStatus,
    LibraryPlan,
    LibraryPlanned,
    LibraryStep,
    WriteOptions,
    WriteSummary,
)
from tests.ui.test_writes import MATCH, OUT, FakeEngine, FakeHistory
from tests.ui.write_fixtures import finished, outcome, plan, refused_plan, started, written
from ui.session import Session
from ui.settings import Settings
from ui.write_model import default_options, fields_of, library_lines
from ui.write_run import RunKind, RunPhase, Stage
from ui.writes import Writes

DB = "/rb/master.db"


def library_plan(app: str = "rekordbox", *plans, found=(0,), review=()) -> LibraryPlan:  # noqa: ANN001
    plans = plans or (plan("/m/a.mp3", rows=((0, 1),)), refused_plan("/m/b.mp3", "not there"))
    return LibraryPlan(app, DB, "s" * 64, tuple(plans), tuple(found), tuple(review),
                       "CrateMatch Peak", {})  # fmt: skip


@pytest.fixture
def parts():
    session = Session(Settings(), post=lambda call: None, clock=lambda: 10.0)
    engine = FakeEngine()
    writes = Writes(session, lambda: engine, FakeHistory(), lambda: False)
    marks: list = []
    writes.on_marks = marks.extend
    writes.note_batch(MATCH, OUT)
    return writes, engine, marks


def _planned(writes: Writes, engine: FakeEngine, library: LibraryPlan) -> str:
    run_id = engine.batches[-1].batch_id
    writes.on_event(started(run_id, [("master.db", 0)]))
    writes.on_event(LibraryPlanned(run_id, 2, library))
    writes.on_event(finished(run_id, {"change": 1, "refused": 1}, 2))
    return run_id


def test_fields_and_options_follow_the_library():
    assert "isrc" not in fields_of("traktor") and fields_of("serato") == ()
    assert set(fields_of("rekordbox")) >= {"genre", "label", "key", "comment", "year"}
    options = default_options("rekordbox")
    assert options.target == "rekordbox"
    assert options.fields == frozenset(fields_of("rekordbox")) - {"comment"}  # as for tags
    assert default_options("traktor").fields == frozenset(fields_of("traktor")) - {"comment"}
    assert "comment" not in WriteOptions().fields
    assert default_options("tags") == WriteOptions() and not default_options("serato").fields


def test_a_library_read_previews_its_tracks(parts):
    writes, engine, _marks = parts
    assert writes.read_into("rekordbox")
    assert engine.calls[-1] == ("plan_library", "rekordbox", (OUT,),
                                default_options("rekordbox"), "")  # fmt: skip
    assert writes.run.kind is RunKind.READ and writes.run.target == "rekordbox"
    assert writes.run.title() == "Reading the Rekordbox library…"
    _planned(writes, engine, library_plan())
    preview = writes.preview
    assert writes.run.stage is Stage.PREVIEW and preview.library.library == DB
    assert preview.counts().headline(preview.noun).startswith("1 track to change (")
    assert preview.writable
    lines = library_lines(preview.library)
    assert lines[0] == "New playlist “CrateMatch Peak” of 1 track"
    assert "master.db is backed up first" in lines[-1]
    marked = library_lines(library_plan(review=(0,)))
    assert marked[1] == "1 review track gets the MyTag “CrateMatch review”"
    # another library chosen: read again, from it
    assert writes.read_into("rekordbox", "/other/master.db")
    assert engine.calls[-1][-1] == "/other/master.db"


def test_a_playlist_alone_is_worth_writing_and_a_crate_has_no_fields(parts):
    writes, engine, _marks = parts
    writes.read_into("serato")
    same = plan("/m/a.mp3", options=WriteOptions(fields=frozenset()))
    _planned(writes, engine, library_plan("serato", same, refused_plan("/m/b.mp3", "off")))
    preview = writes.preview
    assert preview.counts().to_change == 0 and preview.writable
    # what a crate does, in words: it adds a crate (not "0 tracks to change · 1 up to date")
    assert preview.headline() == "Adds crate “CrateMatch Peak” with 1 track · 1 refused"
    rows, total = preview.rows()
    assert total == 2 and [r.values for r in rows] == [
        ("a.mp3", "Crate", "—", "CrateMatch Peak", "added to the crate"),
        ("b.mp3", "—", "", "", "refused: off"),
    ]
    assert "deletes the crate" in library_lines(preview.library)[0]
    assert writes.write()
    run = writes.run
    writes.on_event(started(run.batch_id, [("_Serato_", 3)]))
    done = [outcome("/m/a.mp3", FileStatus.UNCHANGED), outcome("/m/b.mp3", FileStatus.REFUSED)]
    for event in written(run.batch_id, 2, done, 3, 3):
        writes.on_event(event)
    writes.on_event(finished(run.batch_id, {"unchanged": 1, "refused": 1}, 3))
    assert run.result_headline() == "Added crate “CrateMatch Peak” with 1 track"
    assert run.result_detail() == f"1 track in the crate · 1 refused · write {run.batch_id}"
    writes.read_into("traktor")
    _planned(writes, engine, library_plan("traktor", same, found=()))
    writes.set_options(WriteOptions(fields=frozenset(), target="traktor"))
    writes.preview.step()
    assert not writes.preview.writable  # no field, no track found: nothing to write


def test_write_sends_the_replanned_plan_and_marks_no_rows(parts):
    writes, engine, marks = parts
    writes.read_into("rekordbox")
    _planned(writes, engine, library_plan())
    chosen = WriteOptions(fields=frozenset({"genre"}), overwrite=True, target="rekordbox")
    writes.set_options(chosen)
    writes.preview.step()
    assert writes.write()
    kind, sent, options, folders = engine.calls[-1]
    assert kind == "write_library" and options == chosen and sent.library == DB
    assert folders == (OUT,)  # whose decisions the engine checks once more
    assert [c.field for c in sent.plans[0].changes] == ["genre"]
    assert writes.library_options["rekordbox"] == chosen and writes.options == WriteOptions()
    run = writes.run
    assert run.kind is RunKind.WRITE and run.target == "rekordbox"
    run_id = run.batch_id
    writes.on_event(started(run_id, [("master.db", 3)]))
    writes.on_event(LibraryStep(run_id, 2, "Backing up master.db", 0, 3))
    assert run.step == "Backing up master.db" and "of 3 steps" in run.progress_line(11.0).tracks
    done = [outcome("/m/a.mp3", FileStatus.WRITTEN), outcome("/m/b.mp3", FileStatus.REFUSED)]
    done[0] = type(done[0])("/m/a.mp3", FileStatus.WRITTEN, "", sent.plans[0].changes)
    for event in written(run_id, 3, done, 3, 3):
        writes.on_event(event)
    writes.on_event(BatchFinished(run_id, 9, True, 3, 3, {"written": 1}, 1.0, "/rb"))
    assert marks == []  # a library write leaves the "File tags" cells alone
    assert run.result_headline() == (
        "Written into the Rekordbox library: 1 field in 1 track, playlist “CrateMatch Peak”"
    )
    assert run.result_detail() == f"1 written · 1 refused · write {run_id}"


def test_undo_of_a_library_write_and_its_refusal(parts):
    writes, engine, _marks = parts
    writes.listed.writes = (WriteSummary("w9", time.time(), "traktor", {"library": "/t/c.nml"},
                                  (OUT,), "finished", {"written": 1}),)  # fmt: skip
    assert writes.undo()
    assert engine.calls[-1] == ("undo", "w9")
    run = writes.run
    assert run.target == "traktor" and run.title() == "Restoring the Traktor collection…"
    writes.on_event(started(run.batch_id, [("c.nml", 1)]))
    for event in written(run.batch_id, 2, [outcome("/t/c.nml", FileStatus.RESTORED)], 1, 1):
        writes.on_event(event)
    writes.on_event(finished(run.batch_id, {"restored": 1}, 1))
    assert run.result_headline() == "Write undone: the Traktor collection is back as it was"

    assert writes.undo("w9")
    run = writes.run
    message = "Traktor is running (process 42): quit it, then undo the write"
    writes.on_event(EngineError(run.batch_id, 1, message, fatal=True))
    writes.on_event(finished(run.batch_id, {}, 0, ok=False))
    assert run.phase is RunPhase.FAILED
    assert run.result_headline() == f"The undo stopped: {message}"
