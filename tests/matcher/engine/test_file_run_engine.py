"""Plan, write and undo through a real Engine: a host process, real spawned workers, the
real batch and writes journals, on copies of ../shared/realfiles/audio (or synthesised
files when it is absent) that a real batch matched first.

Checked here: the round trip is byte-identical; stale files are refused at each step;
pause holds back writes; cancel and a killed worker leave every file as it was or as
written, and undo restores all. Every wait is bounded; nothing asserts a duration.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from matcher.config import EngineConfig
from matcher.engine.client import Batch, Engine
from matcher.engine.events import (
    BatchCancelled,
    BatchFinished,
    BatchPaused,
    BatchResumed,
    EngineError,
    Event,
    FilesPlanned,
    FilesWritten,
    PlaylistProgress,
    ResultEdited,
)
from matcher.engine.file_run import DECIDED_DURING_WRITE
from matcher.engine.history import History
from matcher.writeback import FileStatus, WriteJournal
from matcher.writeback.decisions import CHANGED_SINCE_PLAN
from matcher.writeback.jobs import CHANGED_SINCE_MATCH
from matcher.writeback.plan import FilePlan, PlanStatus
from matcher.writeback.records import FileOutcome
from matcher.writeback.tagfile import read_values
from matcher.writeback.targets import WriteOptions, resolve_sources
from tests.matcher.engine.engine_fixtures import (
    alive,
    collect,
    collect_until,
    descendants,
    wait_for,
)
from tests.matcher.writeback.library import (
    Library,
    build_library,
    left_as_is_or_written,
    match_library,
    snapshot,
    temp_files,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="finds worker processes through /proc"
)
OVERWRITE = WriteOptions(overwrite=True)
QUIET_S = 1.0  # how long a paused write is watched for stray writes


Matched = Callable[..., tuple[Library, Path, Engine]]


@pytest.fixture
def matched(tmp_path: Path) -> Iterator[Matched]:
    """make(count, broken=True): a library of `count` copies, matched by a real batch on
    an Engine that the write-back runs then use too; (library, output folder, engine)."""
    engines: list[Engine] = []

    def make(count: int, *, broken: bool = True) -> tuple[Library, Path, Engine]:
        library = build_library(tmp_path, count, broken=broken)
        config = EngineConfig(catalog=library.catalog, workers=2, out_dir=tmp_path / "out")
        engines.append(Engine(config))
        return library, match_library(engines[-1], library), engines[-1]

    yield make
    for engine in engines:
        engine.close()


def plan(engine: Engine, out: Path, options: WriteOptions = OVERWRITE) -> list[FilePlan]:
    events = collect(engine.plan_tags([out], options))
    final = events[-1]
    assert isinstance(final, BatchFinished) and final.ok, events[-3:]
    return [p for e in events if isinstance(e, FilesPlanned) for p in e.plans]


def outcomes(events: list[Event]) -> list[FileOutcome]:
    return [o for e in events if isinstance(e, FilesWritten) for o in e.outcomes]


def written(events: list[Event]) -> int:
    return sum(isinstance(e, FilesWritten) for e in events)


def undo_all(engine: Engine, write_id: str) -> list[Event]:
    events = collect(engine.undo_write(write_id))
    assert isinstance(events[-1], BatchFinished) and events[-1].ok, events[-3:]
    assert FileStatus.REFUSED not in [o.status for o in outcomes(events)]
    return events


def counted(**counts: int) -> dict[str, int]:
    """`writes` counts: states with no file are not listed."""
    return {state: n for state, n in counts.items() if n}


def drain(batch: Batch, seconds: float) -> list[Event]:
    """Whatever arrives in the next `seconds`."""
    events: list[Event] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and batch.final is None:
        events.extend(batch.events(timeout=0.1))
    return events


def busy_worker(pids: list[int], folder: Path, timeout: float = 10.0) -> int:
    """The first of `pids` seen with a file of `folder` open: a worker in the middle of a
    file, so most likely part-way through its chunk."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid in pids:
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
            except OSError:
                continue
            for fd in fds:
                try:
                    if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(str(folder)):
                        return pid
                except OSError:
                    continue
    raise AssertionError(f"no worker had a file of {folder} open within {timeout} s")


def assert_stream_shape(events: list[Event], batch: Batch) -> None:
    assert {e.batch_id for e in events} == {batch.batch_id}
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    finals = [i for i, e in enumerate(events) if isinstance(e, BatchFinished | BatchCancelled)]
    assert finals == [len(events) - 1]


# -- the round trip ------------------------------------------------------------------------


def test_plan_write_undo_is_byte_identical(matched):
    library, out, engine = matched(52)
    before = snapshot(library.files)
    plans = plan(engine, out)
    assert sorted(p.path for p in plans) == sorted(str(p) for p in library.files)
    refused = {Path(p.path): p.reason for p in plans if p.status is PlanStatus.REFUSED}
    assert set(refused) == set(library.broken)
    assert all(reason and "\n" not in reason for reason in refused.values())
    assert snapshot(library.files) == before  # planning reads only

    batch = engine.write_tags(plans, OVERWRITE)
    events = collect(batch)
    assert_stream_shape(events, batch)
    final = events[-1]
    assert isinstance(final, BatchFinished) and final.ok
    assert final.counts == {"written": len(library.writable)}
    for path in library.writable[:4]:  # the catalog's values are in the files now
        values = read_values(path)
        target = next(p.target for p in plans if p.path == str(path))
        assert values["isrc"] == target.proposed["isrc"] and values["key"]
    assert all(before[p] == snapshot([p])[p] for p in library.broken)
    with WriteJournal() as journal:
        summary = journal.write(batch.batch_id)
    assert summary.counts == counted(written=len(library.writable), refused=len(library.broken))

    undone = undo_all(engine, "")  # the last write, by default
    restored = Counter(o.status for o in outcomes(undone))
    assert restored == {FileStatus.RESTORED: len(library.writable)}
    assert snapshot(library.files) == before  # bytes and mtimes
    assert temp_files(library.root / "lib") == []
    with WriteJournal() as journal:
        summary = journal.write(batch.batch_id)
    assert summary.state == "undone"
    assert summary.counts == counted(restored=len(library.writable), refused=len(library.broken))


def test_stale_files_are_refused_at_each_step(matched):
    library, out, engine = matched(8, broken=False)
    edited_after_match, edited_after_plan = library.files[0], library.files[1]
    os.utime(edited_after_match, ns=(0, edited_after_match.stat().st_mtime_ns + 10**9))
    plans = plan(engine, out)
    by_path = {Path(p.path): p for p in plans}
    assert by_path[edited_after_match].reason == CHANGED_SINCE_MATCH
    assert by_path[edited_after_plan].status is PlanStatus.CHANGE

    with edited_after_plan.open("ab") as handle:  # the DJ's app wrote it meanwhile
        handle.write(b"\0")
    before = snapshot(library.files)
    events = collect(engine.write_tags(plans, OVERWRITE))
    results = {Path(o.path): (o.status, o.reason) for o in outcomes(events)}
    assert results[edited_after_plan] == (FileStatus.REFUSED, "changed since it was read")
    assert edited_after_match not in results  # refused by the plan: never sent
    assert Counter(s for s, _r in results.values()) == {FileStatus.WRITTEN: 6,
                                                        FileStatus.REFUSED: 1}  # fmt: skip
    for path in (edited_after_match, edited_after_plan):
        assert snapshot([path]) == {path: before[path]}


def test_a_review_decision_made_after_the_plan_stops_the_write(matched):
    """Another window (or a decision sent after Write was pressed) told the batch that a
    planned file's row is not in the catalog: the write refuses as a whole, before any
    file or undo record, and the same plans written from unchanged results go through."""
    library, out, engine = matched(6, broken=False)
    plans = plan(engine, out)
    with History.open() as history:
        (source,) = resolve_sources(history, [out])
    _group, entry_index = plans[0].target.rows[0]
    before = snapshot(library.files)

    engine.review(source.batch_id, source.playlist_id, entry_index, None)
    edited: list[Event] = []  # the batch has ended: its news comes on the engine's pump
    wait_for(lambda: edited.extend(engine.events(timeout=0.1)) or edited, 30.0,
             "the decision to be saved")  # fmt: skip
    assert [type(e) for e in edited] == [ResultEdited]
    assert edited[0].result.status == "unmatched"
    events = collect(engine.write_tags(plans, OVERWRITE, [out]))
    error, final = events[-2:]
    assert isinstance(error, EngineError) and error.message == CHANGED_SINCE_PLAN
    assert isinstance(final, BatchFinished) and not final.ok
    assert outcomes(events) == []
    assert snapshot(library.files) == before
    with WriteJournal() as journal:
        assert journal.writes() == ()  # not even begun: nothing to undo

    replanned = plan(engine, out)  # as the window does: read again, then write
    assert len(replanned) == len(plans) - 1
    final = collect(engine.write_tags(replanned, OVERWRITE, [out]))[-1]
    assert isinstance(final, BatchFinished) and final.ok
    assert final.counts == {"written": len(plans) - 1}


def test_an_unknown_write_id_is_one_line(tmp_path):
    with Engine(EngineConfig(workers=1, out_dir=tmp_path / "out"), prepare=False) as engine:
        events = collect(engine.undo_write("20200101-000000-nope00"))
    error, final = events[-2:]
    assert isinstance(error, EngineError) and error.fatal
    assert error.message == "no write '20200101-000000-nope00' in the writes journal"
    assert isinstance(final, BatchFinished) and not final.ok


# -- pause, cancel, deaths -----------------------------------------------------------------


def test_pause_holds_back_writes_until_resume(matched):
    library, out, engine = matched(800, broken=False)
    plans = plan(engine, out)
    batch = engine.write_tags(plans, OVERWRITE)
    events: list[Event] = []
    collect_until(batch, lambda ev: written(ev) >= 1, into=events)
    batch.pause()
    collect_until(batch, lambda ev: any(isinstance(e, BatchPaused) for e in ev), into=events)
    assert batch.final is None, "the write ended before it could be paused"
    paused_at = len(events)
    quiet = drain(batch, QUIET_S)
    assert not [e for e in quiet if isinstance(e, FilesWritten | PlaylistProgress)]
    batch.resume()
    events.extend(quiet)
    collect(batch, into=events)
    assert any(isinstance(e, BatchResumed) for e in events[paused_at:])
    final = events[-1]
    assert isinstance(final, BatchFinished) and final.counts == {"written": 800}


def test_a_decision_during_a_write_leaves_the_files_not_yet_written(matched):
    """While a write is paused, the user marks the last planned file's row "not in the
    catalog" and confirms another row's match as it is: the first file is left as it is
    (refused, saying why, recorded); the confirmed one and all others are written."""
    library, out, engine = matched(400, broken=False)
    plans = plan(engine, out)
    with History.open() as history:
        (source,) = resolve_sources(history, [out])
    rejected, confirmed = plans[-1], plans[-2]
    before = snapshot([Path(rejected.path)])
    batch = engine.write_tags(plans, OVERWRITE, [out])
    events: list[Event] = []
    collect_until(batch, lambda ev: written(ev) >= 1, into=events)
    batch.pause()
    collect_until(batch, lambda ev: any(isinstance(e, BatchPaused) for e in ev), into=events)
    assert batch.final is None, "the write ended before it could be paused"
    engine.review(source.batch_id, source.playlist_id, rejected.target.rows[0][1], None)
    engine.review(source.batch_id, source.playlist_id, confirmed.target.rows[0][1],
                  confirmed.target.catalog_id)  # fmt: skip
    batch.resume()  # the host takes the decisions first: commands go in order
    collect(batch, into=events)

    final = events[-1]
    assert isinstance(final, BatchFinished) and final.ok
    assert final.counts == {"written": 399, "refused": 1}
    by_path = {o.path: o for o in outcomes(events)}
    assert by_path[rejected.path].status is FileStatus.REFUSED
    assert by_path[rejected.path].reason == DECIDED_DURING_WRITE
    assert by_path[confirmed.path].status is FileStatus.WRITTEN
    assert snapshot([Path(rejected.path)]) == before
    with WriteJournal() as journal:
        assert journal.write(batch.batch_id).counts == counted(written=399, refused=1)


def test_cancel_of_a_2000_file_write_lands_and_undo_restores_all(matched):
    library, out, engine = matched(2000, broken=False)
    before = snapshot(library.files)
    plans = plan(engine, out)
    batch = engine.write_tags(plans, OVERWRITE)
    events: list[Event] = []
    collect_until(batch, lambda ev: written(ev) >= 3, into=events)
    batch.cancel()
    collect(batch, into=events)
    final = events[-1]
    assert isinstance(final, BatchCancelled) and 0 < final.done < 2000
    same, changed = left_as_is_or_written(before, batch.batch_id)
    assert same + changed == 2000 and changed >= final.done
    assert temp_files(library.root / "lib") == []

    undone = undo_all(engine, batch.batch_id)
    assert sum(o.status is FileStatus.RESTORED for o in outcomes(undone)) == changed
    assert snapshot(library.files) == before


def test_a_worker_killed_mid_write_costs_nothing(matched):
    library, out, engine = matched(1200, broken=False)
    before = snapshot(library.files)
    plans = plan(engine, out)
    batch = engine.write_tags(plans, OVERWRITE)
    events: list[Event] = []
    collect_until(batch, lambda ev: written(ev) >= 3, into=events)
    assert batch.final is None, "the write ended before a worker could be killed"
    workers = descendants(engine._host.pid)
    assert len(workers) == 2, workers
    time.sleep(0.1)  # chunks take about 0.25 s: both workers are part-way through one
    victim = busy_worker(workers, library.root / "lib")  # in the middle of a file
    os.kill(victim, signal.SIGKILL)
    collect(batch, into=events)
    replacement = descendants(engine._host.pid)
    wait_for(lambda: not alive(victim), 5.0, "the killed worker to be reaped")

    final = events[-1]
    assert isinstance(final, BatchFinished) and final.ok
    assert final.counts == {"written": 1200}  # its chunk went again; nothing refused
    assert sorted(o.path for o in outcomes(events)) == sorted(str(p) for p in library.files)
    assert victim not in replacement
    same, changed = left_as_is_or_written(before, batch.batch_id)
    assert (same, changed) == (0, 1200)
    with WriteJournal() as journal:
        rows = journal.files(batch.batch_id)
    assert Counter(r.path for r in rows if r.state == "written") == Counter(
        str(p) for p in library.files
    )  # one written row per file
    assert temp_files(library.root / "lib") == []
    undo_all(engine, batch.batch_id)
    assert snapshot(library.files) == before
