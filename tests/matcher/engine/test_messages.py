"""The engine's typed protocol (matcher.engine.messages): every message pickles whole, the
caller sends the command its method names, and the host and the pool dispatch on type,
answering what they do not know instead of crashing."""

from __future__ import annotations

import dataclasses
import pickle
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any

import pytest

from matcher.config import EngineConfig
from matcher.engine import messages
from matcher.engine.accounting import chunk_stats
from matcher.engine.answers import dump_answer
from matcher.engine.batch_spec import BatchSpec
from matcher.engine.client import Batch, Engine
from matcher.engine.events import BatchCancelled, EngineError
from matcher.engine.host import _Host
from matcher.engine.journal import encode_result
from matcher.engine.messages import (
    Cancel,
    Chunk,
    ChunkDone,
    Continue,
    Pause,
    Prepare,
    ResumeFromJournal,
    Review,
    Shutdown,
    Start,
    StopWorker,
    WorkerFailed,
    WorkerReady,
)
from matcher.engine.pool import WorkerPool, _Worker
from matcher.model import MatchStatus, PlaylistEntry
from tests.matcher.engine.test_batch_run import canned_result

SPEC = BatchSpec("b1", (("/in/a.m3u8", None), ("/in/b.xml", "Warm Up")), ("Warm Up",), False,
                 EngineConfig(catalog=None, workers=2, out_dir="/out"))  # fmt: skip
ENTRIES = [PlaylistEntry("a.m3u8", "a", i, title=f"Lantern {i}", artist="Pell Ardent",
                         duration_s=300.0 + i) for i in range(6)]  # fmt: skip


def chunk_done() -> ChunkDone:
    results = [canned_result(e) for e in ENTRIES]
    briefs = [r.brief() for r in results]
    return ChunkDone(3, briefs, [encode_result(r) for r in results], chunk_stats(results, 0.01))


EVERY_MESSAGE = [
    Prepare(),
    Start(SPEC),
    ResumeFromJournal("b1", 4),
    ResumeFromJournal("b1"),
    Pause("b1"),
    Continue("b1"),
    Cancel("b1"),
    Review("b1", 0, 2, "cat-2"),
    Review("b1", 1, 0, None),
    Shutdown(),
    Chunk(3, ENTRIES),
    StopWorker(),
    WorkerReady(4242),
    chunk_done(),
    WorkerFailed("cannot open the catalog", "Traceback ...", {"damaged": "catalog"}),
]


@pytest.mark.parametrize("message", EVERY_MESSAGE, ids=lambda m: type(m).__name__)
def test_every_message_pickles_and_round_trips(message: object) -> None:
    for data in (pickle.dumps(message), bytes(ForkingPickler.dumps(message))):  # queue, pipe
        again = pickle.loads(data)
        assert type(again) is type(message) and again == message


def test_every_message_type_is_covered_and_small() -> None:
    """Each message is a frozen, slotted dataclass, and the test above pickles each kind."""
    kinds = {getattr(messages, name) for name in messages.__all__}
    kinds = {k for k in kinds if dataclasses.is_dataclass(k)}
    assert kinds == {type(m) for m in EVERY_MESSAGE}
    for kind in kinds:
        assert kind.__dataclass_params__.frozen and hasattr(kind, "__slots__"), kind


def test_chunk_done_carries_named_results() -> None:
    done = chunk_done()
    assert [row.entry_index for row in done.rows] == [e.entry_index for e in ENTRIES]
    assert [row.status for row in done.rows] == [str(r.status) for r in done.results]
    assert done.stats.tracks == len(ENTRIES) and done.stats.unmatched == 2
    assert Start(SPEC).batch_id == "b1"


# -- the caller sends what its methods say ----------------------------------------------


class _Sent(list):
    def put(self, command: Any) -> None:
        self.append(command)


def _engine_without_host() -> tuple[Engine, _Sent]:
    """An Engine whose command queue is a list (no host process is started)."""
    engine = Engine.__new__(Engine)
    sent = _Sent()
    engine.config = EngineConfig(workers=3).checked()
    engine._commands, engine._batches, engine._closed = sent, {}, False
    return engine, sent


def test_the_callers_methods_send_typed_commands(tmp_path: Path) -> None:
    engine, sent = _engine_without_host()
    batch = engine.start([tmp_path / "a.m3u8"], names=["Warm Up"])
    resumed = engine.resume_batch("old-1")
    batch.pause()
    batch.resume()  # continue after a pause: not a resume from the journal
    batch.cancel()
    engine.review("old-1", 0, 5, None)
    start = sent[0]
    assert isinstance(start, Start) and start.batch_id == batch.batch_id
    assert start.spec.inputs == ((str(tmp_path / "a.m3u8"), None),)
    assert start.spec.names == ("Warm Up",)
    assert sent[1:] == [
        ResumeFromJournal("old-1", 3),
        Pause(batch.batch_id),
        Continue(batch.batch_id),
        Cancel(batch.batch_id),
        Review("old-1", 0, 5, None),
    ]
    assert isinstance(resumed, Batch) and resumed.batch_id == "old-1"


# -- the host dispatches on type --------------------------------------------------------


class _Events(list):
    def put(self, event: Any) -> None:
        self.append(event)


class _Run:
    """The part of a BatchRun the host's commands reach."""

    def __init__(self, batch_id: str) -> None:
        self.batch_id = batch_id
        self.calls: list[str] = []
        self.over = False

    def pause(self) -> None:
        self.calls.append("pause")

    def resume(self) -> None:
        self.calls.append("resume")

    def cancel(self) -> None:
        self.calls.append("cancel")


def _host() -> tuple[_Host, _Events]:
    events = _Events()
    return _Host(commands=None, events=events, config=EngineConfig()), events


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("pause", "b1"), id="an-old-tuple"),
        pytest.param("shutdown", id="a-string"),
        pytest.param(None, id="none"),
        pytest.param(WorkerReady(7), id="a-worker-message"),
    ],
)
def test_the_host_refuses_an_unknown_command_with_an_error_event(command: object) -> None:
    host, events = _host()
    host.current = _Run("b1")  # type: ignore[assignment]
    host.handle(command)
    (error,) = events
    assert isinstance(error, EngineError) and not error.fatal
    assert "does not know the command" in error.message and type(command).__name__ in error.message
    assert host.running and host.current.calls == []  # nothing else happened


def test_the_host_steers_the_running_batch() -> None:
    host, events = _host()
    run = _Run("b1")
    host.current = run  # type: ignore[assignment]
    for command in (Pause("b1"), Continue("b1"), Cancel("b1"), Pause("other")):
        host.handle(command)
    assert run.calls == ["pause", "resume", "cancel"]
    assert host.start_paused == {"other"}  # a batch that has not begun begins paused
    host.handle(Shutdown())
    assert not host.running and run.calls[-1] == "cancel" and events == []


def test_the_host_queues_batches_and_drops_a_cancelled_one() -> None:
    host, events = _host()
    host.current = _Run("running")  # type: ignore[assignment]
    host.handle(Start(SPEC))
    host.handle(ResumeFromJournal("old-1", 2))
    host.handle(Pause("old-1"))
    host.handle(Continue("old-1"))
    assert list(host.pending) == [Start(SPEC), ResumeFromJournal("old-1", 2)]
    assert host.start_paused == set()
    host.handle(Cancel("b1"))
    assert list(host.pending) == [ResumeFromJournal("old-1", 2)]
    (cancelled,) = events
    assert isinstance(cancelled, BatchCancelled) and cancelled.batch_id == "b1"


def test_the_host_prepares_and_answers_a_review(monkeypatch: pytest.MonkeyPatch) -> None:
    host, events = _host()
    prepared: list[bool] = []
    monkeypatch.setattr(host, "prepare", lambda: prepared.append(True))
    host.handle(Prepare())
    host.handle(Review("ghost", 0, 1, None))  # no such batch in the (fresh) journal
    assert prepared == [True]
    (error,) = events
    assert isinstance(error, EngineError) and error.batch_id == "ghost"
    assert error.message.startswith("could not save the review")
    host.journal.close()


# -- the pool reads what a worker sends -------------------------------------------------


class _Conn:
    def __init__(self, message: object) -> None:
        self.message = message

    def recv_bytes(self) -> bytes:
        return dump_answer(self.message)


@pytest.mark.parametrize("message", ["done", ("done", 1, [], [], None), None])
def test_the_pool_turns_a_message_it_does_not_know_into_a_failure(message: object) -> None:
    pool = WorkerPool(1, "local", None, "balanced")  # never started: no process
    worker = _Worker(0, None, _Conn(message))  # type: ignore[arg-type]
    (failed,) = pool._receive(worker)
    assert isinstance(failed, WorkerFailed) and "does not know" in failed.message


def test_the_pool_reads_ready_and_done_by_type() -> None:
    pool = WorkerPool(1, "local", None, "balanced")
    worker = _Worker(0, None, _Conn(WorkerReady(99)))  # type: ignore[arg-type]
    assert pool._receive(worker) == [] and worker.ready
    done = chunk_done()
    worker.chunk, worker.conn = done.chunk_id, _Conn(done)  # type: ignore[assignment]
    assert pool._receive(worker) == [done] and worker.chunk is None
    assert {r.status for r in done.results} == {MatchStatus.MATCHED, MatchStatus.UNMATCHED}
