"""Plan, write and undo a write into a DJ library through a real Engine (a host process,
the real batch and writes journals) on small Rekordbox and Traktor libraries built here:
the values and the playlist land in the library, undo from the engine restores it byte
for byte, a running Rekordbox is refused in one line, and pause and cancel stop a write
before the library is touched. Every wait is bounded; nothing asserts a duration."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from matcher.config import EngineConfig
from matcher.engine.client import Batch, Engine
from matcher.engine.events import (
    BatchCancelled,
    BatchFinished,
    BatchPaused,
    EngineError,
    Event,
    FilesWritten,
    LibraryPlanned,
    LibraryStep,
    ResultEdited,
)
from matcher.engine.history import History
from matcher.engine.journal import Journal
from matcher.engine.journal_db import default_journal_path
from matcher.playlists.nml import iter_collection
from matcher.writeback import FileStatus, WriteJournal
from matcher.writeback.decisions import CHANGED_SINCE_PLAN
from matcher.writeback.plan import PlanStatus
from matcher.writeback.targets import WriteOptions, resolve_sources
from tests.matcher.engine.library_fixtures import (
    OTHER,
    read_master_db,
    rekordbox_library,
    sha256,
    traktor_collection,
)
from tests.matcher.writeback.batches import MATCHED, REVIEW, Batches, result
from tests.matcher.writeback.libraries.running_app import app_running

PATHS = [f"/music/Peak/{n} Track.mp3" for n in range(4)]  # 3 matched, 1 for review
MISSING = "/music/Peak/not in the library.mp3"
OVERWRITE = WriteOptions(overwrite=True)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A finished batch in the default journal: 3 matched rows, 1 review row, 1 matched
    row for a file no library holds."""
    rows = [result(n, p) for n, p in enumerate(PATHS[:3])]
    rows += [result(3, PATHS[3], REVIEW), result(4, MISSING, MATCHED)]
    with Journal.open(default_journal_path()) as journal:
        return Batches(tmp_path, journal).add({"Peak": rows})


@pytest.fixture
def engine() -> Iterator[Engine]:
    with Engine(EngineConfig(workers=1), prepare=False) as running:
        yield running


def drain(batch: Batch, timeout: float = 60.0) -> list[Event]:
    events: list[Event] = []
    deadline = time.monotonic() + timeout
    while batch.final is None:
        assert time.monotonic() < deadline, f"no final event: {events[-3:]}"
        events += batch.events(timeout=0.1)
    return events


def only(events: list[Event], kind: type) -> list:
    return [e for e in events if isinstance(e, kind)]


def plan_of(engine: Engine, app: str, out: Path, library: Path, options: WriteOptions):  # noqa: ANN201
    events = drain(engine.plan_library(app, [out], options, library))
    assert isinstance(events[-1], BatchFinished) and events[-1].ok, events
    (planned,) = only(events, LibraryPlanned)
    return planned.plan


def test_rekordbox_plan_write_and_undo_byte_identical(tmp_path, out, engine) -> None:
    db = rekordbox_library(tmp_path / "rekordbox", PATHS)
    original = sha256(db)
    plan = plan_of(engine, "rekordbox", out, db, OVERWRITE)
    assert plan.app == "rekordbox" and plan.library == str(db)
    assert plan.playlist == "CrateMatch Peak" and len(plan.found) == 3 and len(plan.review) == 1
    refused = [p for p in plan.plans if p.status is PlanStatus.REFUSED]
    assert [(p.path, p.reason) for p in refused] == [(MISSING, "not in the Rekordbox library")]
    assert sha256(db) == original  # planning reads only
    assert (out / "tag_changes.csv").is_file()

    events = drain(engine.write_library(plan, OVERWRITE))
    write_id = events[-1].batch_id
    assert isinstance(events[-1], BatchFinished) and events[-1].ok, events
    steps = [e.step for e in only(events, LibraryStep)]
    assert steps[-3:] == [
        "Backing up master.db",
        steps[-2],
        "Putting the new Rekordbox library in place",
    ]
    outcomes = {o.path: o.status for e in only(events, FilesWritten) for o in e.outcomes}
    assert outcomes[PATHS[0]] is FileStatus.WRITTEN and outcomes[MISSING] is FileStatus.REFUSED

    fields, playlists = read_master_db(db)
    for path in PATHS[:3]:
        assert (fields[path]["genre"], fields[path]["label"], fields[path]["year"]) == (
            "Deep House", "Quarrystone", 2022)  # fmt: skip
    assert fields[PATHS[3]]["genre"] is None  # review: only marked with the MyTag
    assert fields[OTHER]["genre"] == "Dub"
    assert playlists["CrateMatch Peak"] == PATHS[:3] and playlists["Warmup"] == [OTHER]
    with WriteJournal() as journal:
        summary = journal.write(write_id)
    assert summary.target == "rekordbox" and summary.options["library"] == str(db)

    events = drain(engine.undo_write(write_id))
    assert isinstance(events[-1], BatchFinished) and events[-1].ok, events
    (restored,) = [o for e in only(events, FilesWritten) for o in e.outcomes]
    assert restored.status is FileStatus.RESTORED and restored.path == str(db)
    assert sha256(db) == original
    with WriteJournal() as journal:
        assert journal.write(write_id).state == "undone"


def test_traktor_write_and_undo_byte_identical(tmp_path, out, engine) -> None:
    nml = traktor_collection(tmp_path / "traktor", PATHS)
    original = sha256(nml)
    plan = plan_of(engine, "traktor", out, nml, WriteOptions())
    events = drain(engine.write_library(plan, WriteOptions()))
    assert isinstance(events[-1], BatchFinished) and events[-1].ok, events
    genres = {e.location: e for e in iter_collection(nml)}
    assert set(genres) >= set(PATHS)
    text = nml.read_text(encoding="utf-8")
    assert text.count('GENRE="Deep House"') == 3 and 'NAME="CrateMatch Peak"' in text
    assert 'NAME="Warmup"' in text
    events = drain(engine.undo_write())  # the newest write not undone
    assert isinstance(events[-1], BatchFinished) and events[-1].ok, events
    assert sha256(nml) == original


def test_a_review_decision_made_after_the_plan_stops_the_library_write(
    tmp_path, out, engine
) -> None:
    """A row of the plan was decided "not in the catalog" since (in another window): the
    write fails before the backup, and the library and the writes journal are as they
    were."""
    nml = traktor_collection(tmp_path / "traktor", PATHS)
    original = sha256(nml)
    plan = plan_of(engine, "traktor", out, nml, WriteOptions())
    with History.open() as history:
        (source,) = resolve_sources(history, [out])
    lines = [f"#EXTINF:300,Pell Ardent - Song {n}\n{p}" for n, p in enumerate(PATHS + [MISSING])]
    Path(source.source).parent.mkdir(parents=True, exist_ok=True)  # the outputs are re-made
    Path(source.source).write_text("#EXTM3U\n" + "\n".join(lines) + "\n", encoding="utf-8")
    engine.review(source.batch_id, source.playlist_id, 0, None)  # PATHS[0]'s row
    edited: list[Event] = []
    deadline = time.monotonic() + 30.0
    while not only(edited, ResultEdited):
        assert time.monotonic() < deadline, f"the decision was not saved: {edited}"
        edited += engine.events(timeout=0.1)

    events = drain(engine.write_library(plan, WriteOptions(), [out]))
    (error,) = only(events, EngineError)
    assert error.fatal and error.message == CHANGED_SINCE_PLAN
    assert isinstance(events[-1], BatchFinished) and not events[-1].ok
    assert not only(events, LibraryStep)[1:]  # no step past the check of the app
    assert sha256(nml) == original
    with WriteJournal() as journal:
        assert journal.writes() == ()
    replanned = plan_of(engine, "traktor", out, nml, WriteOptions())
    assert len(replanned.found) == len(plan.found) - 1
    events = drain(engine.write_library(replanned, WriteOptions(), [out]))
    assert isinstance(events[-1], BatchFinished) and events[-1].ok, events


def test_an_undo_of_a_changed_library_is_refused_until_forced(tmp_path, out, engine) -> None:
    """Traktor saved the collection after the write: the undo says so (may_force, the
    window's "Undo anyway") and leaves it; forced, the backup goes back byte for byte."""
    nml = traktor_collection(tmp_path / "traktor", PATHS)
    original = sha256(nml)
    plan = plan_of(engine, "traktor", out, nml, WriteOptions())
    write_id = drain(engine.write_library(plan, WriteOptions()))[-1].batch_id
    saved_by_the_app = nml.read_text(encoding="utf-8").replace("CrateMatch Peak", "My Peak")
    nml.write_text(saved_by_the_app, encoding="utf-8")
    changed = sha256(nml)
    events = drain(engine.undo_write(write_id))
    (error,) = only(events, EngineError)
    assert error.fatal and error.may_force and "changed since write" in error.message
    assert isinstance(events[-1], BatchFinished) and not events[-1].ok
    assert sha256(nml) == changed
    events = drain(engine.undo_write(write_id, force=True))
    assert isinstance(events[-1], BatchFinished) and events[-1].ok, events
    assert not only(events, EngineError)
    assert sha256(nml) == original
    with WriteJournal() as journal:
        assert journal.write(write_id).state == "undone"


@pytest.mark.skipif(os.name != "posix", reason="a process named rekordbox")
def test_a_running_rekordbox_is_refused_in_one_line(tmp_path, out, engine) -> None:
    db = rekordbox_library(tmp_path / "rekordbox", PATHS)
    plan = plan_of(engine, "rekordbox", out, db, OVERWRITE)
    write_id = drain(engine.write_library(plan, OVERWRITE))[-1].batch_id
    written = sha256(db)
    with app_running(tmp_path, "rekordbox"):
        for batch in (engine.plan_library("rekordbox", [out], OVERWRITE, db),
                      engine.undo_write(write_id)):  # fmt: skip
            events = drain(batch)
            (error,) = only(events, EngineError)
            assert error.fatal and error.message.startswith("Rekordbox is running (process ")
            assert "\n" not in error.message
            assert isinstance(events[-1], BatchFinished) and not events[-1].ok
    assert sha256(db) == written  # the undo left it as written


def _damaged(db: Path) -> None:
    db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)


def _locked(db: Path) -> None:
    from tests.matcher.playlists.rekordbox_fixtures import encrypt

    plain = db.with_name("plain.db")
    db.rename(plain)
    encrypt(plain, db, "not-the-key-rekordbox-uses")
    plain.unlink()


def _newer(db: Path) -> None:
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("ALTER TABLE djmdContent RENAME COLUMN FolderPath TO FolderUri")


def _read_only(db: Path) -> None:
    db.chmod(0o444)


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        pytest.param(_damaged, "damaged", id="damaged"),
        pytest.param(_locked, "encrypted with a key CrateMatch does not know", id="locked"),
        pytest.param(_newer, "written by a newer Rekordbox?", id="newer-schema"),
        pytest.param(_read_only, "read-only", id="read-only"),
    ],
)
def test_a_library_that_cannot_be_written_is_refused_in_one_line(
    spoil, says: str, tmp_path, out, engine
) -> None:
    db = rekordbox_library(tmp_path / "rekordbox", PATHS)
    spoil(db)
    before = sha256(db)
    events = drain(engine.plan_library("rekordbox", [out], OVERWRITE, db))
    (error,) = only(events, EngineError)
    assert says in error.message and "\n" not in error.message and error.fatal
    assert isinstance(events[-1], BatchFinished) and not events[-1].ok
    assert not only(events, LibraryPlanned) and sha256(db) == before


def test_a_paused_write_cancelled_leaves_the_library_untouched(tmp_path, out, engine) -> None:
    db = rekordbox_library(tmp_path / "rekordbox", PATHS)
    original = sha256(db)
    plan = plan_of(engine, "rekordbox", out, db, OVERWRITE)
    batch = engine.write_library(plan, OVERWRITE)
    batch.pause()  # before it begins: it begins paused, at its first step
    events: list[Event] = []
    deadline = time.monotonic() + 30
    while not only(events, BatchPaused):
        assert time.monotonic() < deadline, events
        events += batch.events(timeout=0.1)
    batch.cancel()
    events += drain(batch)
    assert isinstance(events[-1], BatchCancelled), events
    assert sha256(db) == original and not only(events, FilesWritten)


def test_a_serato_crate_is_written_and_undo_deletes_it(tmp_path, engine) -> None:
    folder = tmp_path / "_Serato_"
    (folder / "Subcrates").mkdir(parents=True)
    tracks = [str(tmp_path / "music" / f"{n} Track.mp3") for n in range(2)]
    with Journal.open(default_journal_path()) as journal:
        out = Batches(tmp_path, journal).add({"Peak": [result(n, p) for n, p in enumerate(tracks)]})
    plan = plan_of(engine, "serato", out, folder, WriteOptions())
    assert len(plan.found) == 2 and not plan.changes
    events = drain(engine.write_library(plan, WriteOptions()))
    assert isinstance(events[-1], BatchFinished) and events[-1].ok, events
    (crate,) = (folder / "Subcrates").iterdir()
    assert crate.name == "CrateMatch%%CrateMatch Peak.crate"
    events = drain(engine.undo_write(events[-1].batch_id))
    assert isinstance(events[-1], BatchFinished) and events[-1].ok, events
    assert not list((folder / "Subcrates").iterdir())
