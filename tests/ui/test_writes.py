"""The controller's write-back part without Tk or an engine: which engine calls each
action makes, how the events of its runs move the preview and the run along, the marks
it hands the results table, and the list of writes read on a thread."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest

from matcher import (
    BatchPaused,
    FilesPlanned,
    FileStatus,
    PlanStatus,
    WriteOptions,
    WriteSummary,
)
from tests.ui.write_fixtures import (
    FakeEngine,
    finished,
    outcome,
    plan,
    refused_plan,
    started,
    written,
)
from ui.session import Session
from ui.settings import Settings
from ui.views.writes_view import write_detail, write_row
from ui.write_model import TAGS
from ui.write_run import RunKind, RunPhase, Stage
from ui.writes import Writes
from ui.written_rows import REFUSED, WRITTEN

MATCH = "20260101-000000-match0"
OUT = "/music/out"


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
    state = {"batch_active": False, "stale": False, "looked": 0}

    def stale(plans) -> bool:  # noqa: ANN001 - FilePlan.stale of invented files
        state["looked"] += 1
        return state["stale"]

    writes = Writes(session, lambda: engine, FakeHistory(), lambda: state["batch_active"],
                    stale=stale)  # fmt: skip
    marks: list = []
    writes.on_marks = marks.extend
    return writes, engine, session, posted, marks, state


def settle(session: Session, posted: list) -> None:
    """Let the threads the part started finish, and run what they posted (as the pump)."""
    while True:
        for thread in session.threads:
            thread.join(5)
        if not posted:
            return
        calls, posted[:] = list(posted), []
        for call in calls:
            call()


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
    writes, engine, session, posted, marks, _st = parts
    _read(writes, engine, [plan("/m/a.mp3", rows=((0, 1),), genre="Techno"),
                           refused_plan("/m/c.mp3")])  # fmt: skip
    writes.set_options(WriteOptions(overwrite=True, key_notation="camelot"))
    assert not writes.write()  # not re-planned yet: nothing is sent
    writes.preview.step()
    assert not writes.write()  # nor before the files are known to be as they were read
    settle(session, posted)
    assert writes.write()
    kind, plans, options, folders = engine.calls[-1]
    assert kind == "write" and options == WriteOptions(overwrite=True, key_notation="camelot")
    assert folders == (OUT,)  # whose decisions the engine checks once more
    assert [p.status for p in plans] == [PlanStatus.CHANGE, PlanStatus.REFUSED]
    assert ("genre", "Techno", "Deep House") in [(c.field, c.old, c.new) for c in plans[0].changes]
    assert ("key", "", "8A") in [(c.field, c.old, c.new) for c in plans[0].changes]
    assert marks == [((MATCH, 3, 9), REFUSED)]  # refused_plan names row (0, 9)


def test_write_events_mark_rows_and_list_the_writes(parts, monkeypatch):
    writes, engine, session, posted, marks, _st = parts
    summary = WriteSummary("w1", time.time(), "tags", {}, (OUT,), "finished", {"written": 1})
    monkeypatch.setattr("ui.write_list.list_writes", lambda: (summary,))
    _read(writes, engine, [plan("/m/a.mp3", rows=((0, 1),))])
    writes.write()
    write_id = engine.batches[-1].batch_id
    writes.on_event(started(write_id, [("Peak Time", 1)]))
    for event in written(write_id, 2, [outcome("/m/a.mp3", FileStatus.WRITTEN)], 1, 1):
        writes.on_event(event)
    assert marks == [((MATCH, 3, 1), WRITTEN)]
    writes.on_event(finished(write_id, {"written": 1}, 1))
    assert writes.run.stage is Stage.RESULT and writes.run.write_id == write_id
    assert writes.listed.loading  # the list of writes is being read again
    for thread in session.threads:
        thread.join(5)
    for call in posted:
        call()
    assert writes.listed.writes == (summary,) and not writes.listed.loading
    assert writes.listed.last_undoable() is summary


def test_a_preview_shown_again_is_read_again_only_when_a_file_changed(parts):
    writes, engine, session, posted, _m, state = parts
    _read(writes, engine, [plan("/m/a.mp3"), refused_plan("/m/c.mp3", "read-only")])
    preview = writes.preview
    assert writes.open_preview(TAGS)  # nothing changed: the same preview, looked at
    assert preview.checking and not preview.ready and not writes.write()
    settle(session, posted)
    assert writes.preview is preview and preview.ready and len(engine.calls) == 1
    assert state["looked"] == 1
    state["stale"] = True  # made writable meanwhile
    assert writes.open_preview(TAGS)
    settle(session, posted)
    assert engine.calls[-1] == ("plan", (OUT,), WriteOptions()) and len(engine.calls) == 2
    assert writes.preview is not preview and writes.run.kind is RunKind.READ


def test_changing_an_option_looks_at_the_files_too(parts):
    writes, engine, session, posted, _m, state = parts
    _read(writes, engine, [plan("/m/a.mp3")])
    state["stale"] = True
    writes.set_options(WriteOptions(overwrite=True))
    writes.set_options(WriteOptions(overwrite=True, key_notation="camelot"))
    assert len(session.threads) == 1  # one look at a time
    settle(session, posted)
    assert len(engine.calls) == 2
    chosen = WriteOptions(overwrite=True, key_notation="camelot")
    assert engine.calls[-1] == ("plan", (OUT,), chosen)  # read again, with the last options


def test_a_look_asked_while_one_runs_looks_again(parts):
    writes, engine, session, posted, _m, state = parts
    _read(writes, engine, [plan("/m/a.mp3")])
    writes.check_files()
    writes.check_files()  # the files may have changed after the first look began
    settle(session, posted)
    assert state["looked"] == 2 and writes.preview.ready and len(engine.calls) == 1


def test_a_new_batch_or_another_target_is_read_anew(parts):
    writes, engine, session, posted, *_ = parts
    _read(writes, engine, [plan("/m/a.mp3")])
    writes.note_batch("20260101-000000-match1", OUT)  # the batch ran again
    assert writes.open_preview(TAGS)
    assert len(engine.calls) == 2 and writes.run.kind is RunKind.READ and not session.threads
    assert writes.open_preview(TAGS)  # its read is going: shown as it is
    assert len(engine.calls) == 2


def test_the_notice_to_match_first_goes_once_there_are_results(parts):
    writes, _e, session, *_ = parts
    assert not writes.read()
    session.notice("Catalog imported")
    writes.note_batch(MATCH, OUT)
    assert session.notices == ["Catalog imported"]


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
    writes.listed.writes = (
        WriteSummary("w3", stamp, "tags", {}, (OUT,), "undone", {"restored": 2}),
        WriteSummary("w2", stamp, "tags", {}, (OUT,), "finished", {"refused": 1}),
        WriteSummary("w1", stamp, "tags", {}, (OUT,), "running", {"pending": 1}),
    )
    assert writes.listed.last_undoable().write_id == "w1"  # killed mid-write: still undoable
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
    assert write_row(summary) == (  # 7 files written, 5 of them put back since
        "2026-03-14 21:05", "Audio files", "7", "1", "0", "partly undone", "out",
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
    assert write_row(library)[1:6] == ("Rekordbox", "—", "—", "—", "written")  # 2 files
    assert write_detail(library) == (
        "Write 20260314-211000-abcdef · into /rb/master.db · playlist “CrateMatch Peak” · "
        "from /music/out · Genre · overwrote differing values · key as Am (musical)"
    )


def test_a_crate_write_is_detailed_without_fields():
    options = {"fields": [], "overwrite": False, "key_notation": "musical",
               "library": "/m/_Serato_/Subcrates/x.crate", "playlist": "CrateMatch Peak",
               "playlist_tracks": 6, "tracks": {"unchanged": 6}}  # fmt: skip
    crate = WriteSummary("w2", 0.0, "serato", options, (OUT,), "finished", {"written": 1})
    assert write_detail(crate) == (
        "Write w2 · into /m/_Serato_/Subcrates/x.crate · crate “CrateMatch Peak” · from /music/out"
    )


@pytest.mark.parametrize(
    ("target", "options", "state", "counts", "row"),
    [
        pytest.param("tags", {}, "undone", {"restored": 6}, ("6", "0", "0", "undone"),
                     id="tags-undone-keeps-what-it-wrote"),
        pytest.param("tags", {}, "finished", {"refused": 2}, ("0", "2", "0", "nothing written"),
                     id="tags-all-refused"),
        pytest.param("tags", {}, "running", {"pending": 1, "written": 2},
                     ("3", "0", "0", "interrupted"), id="tags-cut-off"),
        pytest.param("traktor", {"tracks": {"written": 4, "refused": 2}, "playlist_tracks": 4,
                                 "fields_written": 26}, "undone", {"restored": 1},
                     ("4", "2", "0", "undone"), id="traktor-tracks-not-the-nml"),
        pytest.param("serato", {"tracks": {"unchanged": 6}, "playlist_tracks": 6}, "finished",
                     {"written": 1}, ("6", "0", "—", "written"), id="serato-crate-of-6"),
        pytest.param("rekordbox", {"tracks": {"unchanged": 5}, "playlist_tracks": 5},
                     "finished", {"written": 2}, ("0", "0", "5", "written"),
                     id="rekordbox-a-playlist-alone"),
    ],
)  # fmt: skip
def test_the_writes_tab_counts_what_each_write_did(target, options, state, counts, row):
    summary = WriteSummary("w1", 0.0, target, options, (OUT,), state, counts)
    assert write_row(summary)[2:6] == row
    assert write_row(summary, running=True)[5] == "running"
