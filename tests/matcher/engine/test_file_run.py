"""FileRun, a run over audio files (plan, write, undo), driven synchronously.

A stand-in for WorkerPool does each chunk's jobs in this process with the real job code
(writeback.jobs) on real (synthesised) files, a real batch journal and a real writes
journal; it can hold chunks in flight, or let a worker die before or part-way through a
chunk. So the lifecycle (dispatch, pause, cancel, retry, deaths) is tested step by step.
The same runs through a real Engine with real worker processes are in
test_file_run_engine.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import matcher.engine.chunked_run as chunked_run_module
from matcher.engine.chunking import ChunkSizer
from matcher.engine.events import (
    BatchCancelled,
    BatchFinished,
    BatchPaused,
    BatchResumed,
    BatchStarted,
    BatchState,
    EngineError,
    FilesPlanned,
    FilesWritten,
    PlaylistFinished,
    PlaylistProgress,
    PlaylistStarted,
)
from matcher.engine.file_run import FileRun, FileRunSpec
from matcher.engine.journal import Journal
from matcher.engine.messages import FileChunk, FilesDone, WorkerFailed
from matcher.engine.pool import PoolEvent, WorkerDied
from matcher.writeback import FileStatus, UndoError, WriteJournal
from matcher.writeback.jobs import CHANGED_SINCE_MATCH, Action, run_jobs
from matcher.writeback.plan import TAG_CHANGES, FilePlan, PlanStatus
from matcher.writeback.targets import WriteOptions
from tests.matcher.engine.engine_fixtures import Recorder
from tests.matcher.writeback.batches import REVIEW, Batches, result
from tests.matcher.writeback.conftest import sha
from tests.matcher.writeback.synth import make_flac, make_mp3

CHUNK = 2  # files per chunk (the sizer is pinned)
RUN_ID = "20260301-230000-f11e00"
DIED = "a worker died twice on this file (exit code -9)"


class FakePool:
    """What a FileRun uses of WorkerPool, doing the jobs in this process.

    `hold` keeps chunks in flight; `deaths[chunk_id]` is how many more times the worker
    holding that chunk dies, after doing `partial[chunk_id]` of its jobs (0: none)."""

    def __init__(self, size: int = 1) -> None:
        self.size = size
        self.busy: dict[int, FileChunk] = {}
        self.sent: list[FileChunk] = []
        self.deaths: dict[int, int] = {}
        self.partial: dict[int, int] = {}
        self.hold = False
        self.fail_with: str | None = None
        self.terminated = 0
        self._journals: dict[str | None, WriteJournal] = {}

    @property
    def in_flight(self) -> int:
        return len(self.busy)

    def idle(self) -> list[int]:
        return [w for w in range(self.size) if w not in self.busy]

    def send(self, worker: int, chunk_id: int, message: FileChunk) -> bool:
        assert worker not in self.busy, "a worker holds one chunk at most"
        assert message.chunk_id == chunk_id
        self.busy[worker] = message
        self.sent.append(message)
        return True

    def _journal(self, path: str | None) -> WriteJournal:
        if path not in self._journals:
            self._journals[path] = WriteJournal(Path(path) if path else None)
        return self._journals[path]

    def _do(self, message: FileChunk, jobs: list) -> list:  # noqa: ANN401
        journal = None if message.action is Action.READ else self._journal(message.journal)
        return run_jobs(message.action, jobs, journal, message.write_id, retry=message.retry)

    def poll(self, timeout: float) -> list[PoolEvent]:
        if self.fail_with is not None:
            return [WorkerFailed(self.fail_with, "Traceback (most recent call last): ...")]
        if self.hold:
            return []
        out: list[PoolEvent] = []
        for worker in sorted(self.busy):
            message = self.busy[worker]
            if self.deaths.get(message.chunk_id, 0) > 0:
                self.deaths[message.chunk_id] -= 1
                self._do(message, message.jobs[: self.partial.get(message.chunk_id, 0)])
                out.append(WorkerDied(message.chunk_id, -9))
                continue
            done = self._do(message, message.jobs)
            out.append(FilesDone(message.chunk_id, done, 0.001 * len(done)))
        self.busy.clear()
        return out

    def terminate(self) -> None:
        self.terminated += 1
        self.busy.clear()

    def close(self) -> None:
        for journal in self._journals.values():
            journal.close()

    def sent_paths(self) -> list[str]:
        return [Path(job.path).name for message in self.sent for job in message.jobs]


@pytest.fixture
def batches(tmp_path: Path) -> Iterator[Batches]:
    with Journal.open(tmp_path / "journal.sqlite") as journal:
        yield Batches(tmp_path, journal)


@pytest.fixture
def pool() -> Iterator[FakePool]:
    made = FakePool()
    yield made
    made.close()


@pytest.fixture
def music(tmp_path: Path) -> Path:
    folder = tmp_path / "Music"
    folder.mkdir()
    for n, name in enumerate(("a.mp3", "c.mp3", "d.mp3", "e.mp3", "f.mp3", "g.mp3")):
        make_mp3(folder / name, seed=n)
    make_flac(folder / "b.flac")
    return folder


def start(spec: FileRunSpec, pool: FakePool, batches: Batches | None = None):  # noqa: ANN201
    emit = Recorder(RUN_ID)
    run = FileRun(spec, pool, emit, results=batches.journal if batches else None)  # type: ignore[arg-type]
    run.sizer = ChunkSizer(first=CHUNK, minimum=CHUNK, maximum=CHUNK)
    run.begin()
    return run, emit


def drive(run: FileRun, max_steps: int = 200) -> None:
    for _ in range(max_steps):
        if run.over:
            return
        run.step(0)
    raise AssertionError(f"the run did not end in {max_steps} steps (state {run.state})")


def journal_path(tmp_path: Path) -> str:
    return str(tmp_path / "writes.sqlite")


def read_spec(tmp_path: Path, out: Path, **options: Any) -> FileRunSpec:
    return FileRunSpec(RUN_ID, Action.READ, (str(out),), WriteOptions(**options),
                       journal=journal_path(tmp_path))  # fmt: skip


def write_spec(tmp_path: Path, plans: list[FilePlan], write_id: str = RUN_ID) -> FileRunSpec:
    return FileRunSpec(write_id, Action.WRITE, options=WriteOptions(overwrite=True),
                       plans=tuple(plans), journal=journal_path(tmp_path))  # fmt: skip


def assert_stream_shape(emit: Recorder) -> None:
    assert [e.seq for e in emit.events] == list(range(1, len(emit.events) + 1))
    assert isinstance(emit.events[0], BatchStarted)
    finals = [i for i, e in enumerate(emit.events) if isinstance(e, BatchFinished | BatchCancelled)]
    assert finals == [len(emit.events) - 1]
    started: set[int] = set()
    for event in emit.events:  # a playlist's events come after its PlaylistStarted
        if isinstance(event, PlaylistStarted):
            started.add(event.playlist_id)
        elif isinstance(event, FilesPlanned | FilesWritten | PlaylistProgress | PlaylistFinished):
            assert event.playlist_id in started, f"{type(event).__name__} before its start"


def a_batch(batches: Batches, music: Path) -> Path:
    """Peak: a, b, a review row, a streaming URI; Warm: a again (same track), c changed
    since the match, and f matched to two different tracks (a conflict)."""
    changed = (music / "c.mp3").stat()
    return batches.add({
        "Peak": [
            result(0, str(music / "a.mp3"), catalog_id="c1"),
            result(1, str(music / "b.flac"), catalog_id="c2"),
            result(2, str(music / "d.mp3"), REVIEW),
            result(3, "spotify:track:0aaaaaaaaaaaaaaaaaaaa1"),
        ],
        "Warm": [
            result(0, str(music / "a.mp3"), catalog_id="c1", playlist="Warm"),
            result(1, str(music / "c.mp3"), catalog_id="c3", playlist="Warm",
                   stamp=(changed.st_size + 1, changed.st_mtime_ns)),
            result(2, str(music / "f.mp3"), catalog_id="c6", playlist="Warm"),
            result(3, str(music / "f.mp3"), catalog_id="c7", playlist="Warm"),
        ],
    })  # fmt: skip


def planned(emit: Recorder) -> list[FilePlan]:
    return [p for e in emit.of(FilesPlanned) for p in e.plans]


def outcomes(emit: Recorder) -> dict[str, tuple[str, str]]:
    return {Path(o.path).name: (str(o.status), o.reason)
            for e in emit.of(FilesWritten) for o in e.outcomes}  # fmt: skip


def plans_for(tmp_path, batches, music, pool) -> list[FilePlan]:  # noqa: ANN001
    """Read the files of `a_batch` (overwrite) and return the plans."""
    run, emit = start(read_spec(tmp_path, a_batch(batches, music), overwrite=True), pool, batches)
    drive(run)
    pool.sent.clear()
    return planned(emit)


# -- plan ----------------------------------------------------------------------------------


def test_a_read_run_plans_each_file_once_and_writes_tag_changes(tmp_path, batches, music, pool):
    before = {p.name: sha(p) for p in music.iterdir()}
    out = a_batch(batches, music)
    run, emit = start(read_spec(tmp_path, out), pool, batches)
    drive(run)

    assert_stream_shape(emit)
    started = emit.events[0]
    assert started.total_tracks == 4 and started.playlists == ((0, "", "Peak", 2),
                                                               (1, "", "Warm", 2))  # fmt: skip
    by_file = {Path(p.path).name: (p.status, p.reason) for p in planned(emit)}
    assert by_file == {
        "a.mp3": (PlanStatus.CHANGE, ""),
        "b.flac": (PlanStatus.CHANGE, ""),
        "c.mp3": (PlanStatus.REFUSED, CHANGED_SINCE_MATCH),
        "f.mp3": (PlanStatus.REFUSED, "matched to two different tracks (c6 in Warm, c7 in Warm)"),
    }
    assert sorted(pool.sent_paths()) == ["a.mp3", "b.flac", "c.mp3"]  # a conflict is not read
    final = emit.events[-1]
    assert final.ok and (final.done, final.total) == (4, 4)
    assert final.counts == {"to change": 2, "refused": 2, "left out: no local file": 1,
                            "left out: to review (not included)": 1}  # fmt: skip
    assert final.summary_path == str(out / TAG_CHANGES) and (out / TAG_CHANGES).is_file()
    assert [e.counts for e in emit.of(PlaylistFinished)] == [{"to change": 2},
                                                             {"refused": 2}]  # fmt: skip
    assert {p.name: sha(p) for p in music.iterdir()} == before  # reading changes nothing


def test_a_run_with_nothing_to_read_ends_at_once(tmp_path, batches, music, pool):
    out = batches.add({"Peak": [result(0, "https://example.invalid/a.mp3")]})
    run, emit = start(read_spec(tmp_path, out), pool, batches)
    assert run.over and emit.kinds() == ["BatchStarted", "MetricsSnapshot", "BatchFinished"]
    assert emit.events[-1].counts == {"left out: no local file": 1} and pool.sent == []


# -- write and undo ----------------------------------------------------------------------


def test_write_then_undo(tmp_path, batches, music, pool):
    before = {p.name: sha(p) for p in music.iterdir()}
    plans = plans_for(tmp_path, batches, music, pool)
    run, emit = start(write_spec(tmp_path, plans), pool)
    drive(run)

    assert_stream_shape(emit)
    assert emit.events[0].total_tracks == 2  # only the files with changes are sent
    assert outcomes(emit) == {"a.mp3": ("written", ""), "b.flac": ("written", "")}
    assert sha(music / "a.mp3") != before["a.mp3"] and sha(music / "c.mp3") == before["c.mp3"]
    final = emit.events[-1]
    assert final.ok and final.counts == {"written": 2}
    with WriteJournal(Path(journal_path(tmp_path))) as journal:
        (summary,) = journal.writes()
    assert (summary.write_id, summary.state) == (RUN_ID, "finished")
    assert summary.counts == {"written": 2, "refused": 2}  # the plan's refusals are counted
    report = (Path(final.summary_path)).read_text(encoding="utf-8").splitlines()
    assert report[0] == "file,field,old,new,why,outcome,reason"

    undo, emit = start(FileRunSpec("20260301-230100-0d0000", Action.RESTORE,
                                   journal=journal_path(tmp_path)), pool)  # fmt: skip
    drive(undo)
    assert outcomes(emit) == {"a.mp3": ("restored", ""), "b.flac": ("restored", "")}
    assert {p.name: sha(p) for p in music.iterdir()} == before
    with WriteJournal(Path(journal_path(tmp_path))) as journal:
        assert journal.write(RUN_ID).state == "undone"
        assert journal.last_write_id() is None


def test_an_undo_with_nothing_to_undo_fails_in_one_line(tmp_path, pool):
    with pytest.raises(UndoError, match=r"^no write to undo \(see `cratematch writes`\)$"):
        start(FileRunSpec(RUN_ID, Action.RESTORE, journal=journal_path(tmp_path)), pool)


def test_a_library_write_is_undone_by_the_cli_not_file_by_file(tmp_path, pool):
    with WriteJournal(Path(journal_path(tmp_path))) as journal:
        write_id = journal.begin(target="traktor", options={}, sources=["out"])
    spec = FileRunSpec(RUN_ID, Action.RESTORE, write_id=write_id, journal=journal_path(tmp_path))
    with pytest.raises(UndoError, match=rf"undo it with `cratematch undo {write_id}`$"):
        start(spec, pool)


# -- pause and cancel --------------------------------------------------------------------


def test_pause_holds_back_new_chunks_until_resume(tmp_path, batches, music, pool):
    plans = plans_for(tmp_path, batches, music, pool)
    pool.hold = True
    run, emit = start(write_spec(tmp_path, plans), pool)
    run.sizer = ChunkSizer(first=1, minimum=1, maximum=1)
    run.step(0)  # one file out
    run.pause()
    assert run.state is BatchState.PAUSING and not emit.of(BatchPaused)
    pool.hold = False
    run.step(0)  # it comes back: paused, and nothing new goes out
    assert run.state is BatchState.PAUSED and len(emit.of(BatchPaused)) == 1
    for _ in range(3):
        run.step(0)
    assert len(pool.sent) == 1 and len(emit.of(FilesWritten)) == 1
    run.resume()
    drive(run)
    assert emit.of(BatchResumed)[0].done == 1
    assert emit.events[-1].counts == {"written": 2}


@pytest.mark.parametrize("come_back", [True, False], ids=["in-flight-returns", "grace-over"])
def test_cancel_keeps_what_came_back_and_stops(
    tmp_path, batches, music, pool, monkeypatch, come_back
):
    plans = plans_for(tmp_path, batches, music, pool)
    monkeypatch.setattr(chunked_run_module, "CANCEL_GRACE_S", 60.0 if come_back else 0.0)
    pool.hold = True
    run, emit = start(write_spec(tmp_path, plans), pool)
    run.sizer = ChunkSizer(first=1, minimum=1, maximum=1)
    run.step(0)
    run.cancel()
    assert run.state is BatchState.CANCELLING
    pool.hold = not come_back
    run.step(0)
    assert run.state is BatchState.CANCELLED and pool.terminated == 1
    final = emit.events[-1]
    assert isinstance(final, BatchCancelled) and final.total == 2
    assert final.done == (1 if come_back else 0)
    assert len(pool.sent) == 1
    with WriteJournal(Path(journal_path(tmp_path))) as journal:
        written = [r.path for r in journal.files(RUN_ID) if r.state == "written"]
    assert [Path(p).name for p in written] == (["a.mp3"] if come_back else [])


# -- dead workers --------------------------------------------------------------------------


@pytest.mark.parametrize("partial", [0, 1], ids=["died-before-any-file", "died-after-one"])
def test_a_chunk_whose_worker_died_once_is_sent_again(tmp_path, batches, music, pool, partial):
    plans = plans_for(tmp_path, batches, music, pool)
    pool.deaths[1], pool.partial[1] = 1, partial
    run, emit = start(write_spec(tmp_path, plans), pool)
    drive(run)
    assert [(m.chunk_id, m.retry) for m in pool.sent] == [(1, False), (1, True)]
    assert outcomes(emit) == {"a.mp3": ("written", ""), "b.flac": ("written", "")}
    with WriteJournal(Path(journal_path(tmp_path))) as journal:
        states = [r.state for r in journal.files(RUN_ID) if r.reason == ""]
    assert states == ["written", "written"]  # one row per file written, none refused


def test_a_chunk_that_kills_its_worker_twice_is_refused(tmp_path, batches, music, pool):
    plans = plans_for(tmp_path, batches, music, pool)
    pool.deaths[1], pool.partial[1] = 2, 1  # the first file is written, the second kills
    run, emit = start(write_spec(tmp_path, plans), pool)
    drive(run)
    assert outcomes(emit) == {"a.mp3": ("written", ""), "b.flac": ("refused", DIED)}
    assert emit.events[-1].ok and emit.events[-1].counts == {"written": 1, "refused": 1}


def test_a_read_chunk_that_kills_its_worker_twice_is_refused(tmp_path, batches, music, pool):
    out = batches.add({"Peak": [result(0, str(music / "a.mp3"))]})
    pool.deaths[1] = 2
    run, emit = start(read_spec(tmp_path, out), pool, batches)
    drive(run)
    assert [(p.status, p.reason) for p in planned(emit)] == [(PlanStatus.REFUSED, DIED)]


def test_a_worker_that_cannot_start_fails_the_run(tmp_path, batches, music, pool):
    plans = plans_for(tmp_path, batches, music, pool)
    pool.fail_with = "writes journal is damaged: /x/writes.sqlite"
    run, emit = start(write_spec(tmp_path, plans), pool)
    drive(run)
    error, final = emit.events[-2:]
    assert isinstance(error, EngineError) and error.fatal and "damaged" in error.message
    assert isinstance(final, BatchFinished) and not final.ok
    assert run.state is BatchState.FAILED and pool.terminated == 1
    assert FileStatus.WRITTEN not in [o.status for e in emit.of(FilesWritten) for o in e.outcomes]
