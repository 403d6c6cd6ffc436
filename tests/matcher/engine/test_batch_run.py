"""BatchRun, one batch's state machine, driven synchronously.

A stand-in for WorkerPool answers in this process with canned results (or scripted
deaths and failures), so dispatch, retry, pause, cancel and resume are tested step by
step and exactly, against a real Journal and real output files in tmp_path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import matcher.engine.chunked_run as chunked_run_module
import matcher.engine.rendered as rendered_module
from matcher.config import EngineConfig
from matcher.engine.accounting import chunk_stats
from matcher.engine.batch_run import BatchRun
from matcher.engine.batch_spec import BatchSpec, spec_from_journal
from matcher.engine.chunking import ChunkSizer
from matcher.engine.events import (
    BatchCancelled,
    BatchFinished,
    BatchPaused,
    BatchResumed,
    BatchStarted,
    BatchState,
    EngineError,
    MetricsSnapshot,
    PlaylistFinished,
    PlaylistStarted,
    TracksMatched,
)
from matcher.engine.journal import Journal, encode_result
from matcher.engine.messages import Chunk, ChunkDone, WorkerFailed
from matcher.engine.pool import PoolEvent, WorkerDied
from matcher.model import (
    Candidate,
    CatalogTrack,
    MatchResult,
    MatchStatus,
    Playlist,
    PlaylistEntry,
)
from matcher.outputs.reports import render_bodies
from tests.matcher.engine.engine_fixtures import Recorder, matches_rows, read_summary

CHUNK = 5  # every chunk holds this many entries (the sizer is pinned)
BATCH_ID = "20260101-000000-abcdef"


# -- the stand-in pool -------------------------------------------------------------------


def canned_result(entry: PlaylistEntry) -> MatchResult:
    """Every third entry is not in the catalog; the rest match catalog id "cat-<index>"."""
    if entry.entry_index % 3 == 2:
        return MatchResult(entry, MatchStatus.UNMATCHED, 0.05, "local", "below threshold")
    track = CatalogTrack(f"cat-{entry.entry_index}", entry.title, artists=(entry.artist,))
    best = Candidate(track, 0.93, {"title": 1.0, "artists": 1.0})
    return MatchResult(entry, MatchStatus.MATCHED, 0.93, "local", "confident", best, (best,))


class FakePool:
    """What BatchRun uses of WorkerPool, answering in this process.

    `hold` keeps submitted chunks in flight (poll returns nothing); `deaths[chunk_id]` is
    how many more times the worker holding that chunk dies; `fail_with` makes the next
    poll report a worker that could not start.
    """

    def __init__(self, size: int = 1, render: bool = True) -> None:
        self.size = size
        self.render = render  # render the CSV rows, as real workers do
        self.busy: dict[int, tuple[int, list[PlaylistEntry]]] = {}  # worker -> chunk
        self.submitted: list[tuple[int, list[int]]] = []  # (chunk_id, entry indices)
        self.deaths: dict[int, int] = {}
        self.hold = False
        self.fail_with: str | None = None
        self.terminated = 0
        self.closed = False

    @property
    def in_flight(self) -> int:
        return len(self.busy)

    def idle(self) -> list[int]:
        return [w for w in range(self.size) if w not in self.busy]

    def pids(self) -> list[tuple[int, int]]:
        return []  # no worker processes: the memory sampled is this process's only

    def send(self, worker: int, chunk_id: int, message: Chunk) -> bool:
        assert worker not in self.busy, "a worker holds one chunk at most"
        assert message.chunk_id == chunk_id
        self.busy[worker] = (chunk_id, list(message.entries))
        self.submitted.append((chunk_id, [e.entry_index for e in message.entries]))
        return True

    def poll(self, timeout: float) -> list[PoolEvent]:
        if self.fail_with is not None:
            return [WorkerFailed(self.fail_with, "Traceback (most recent call last): ...")]
        if self.hold:
            return []
        out: list[PoolEvent] = []
        for worker in sorted(self.busy):
            chunk_id, entries = self.busy[worker]
            if self.deaths.get(chunk_id, 0) > 0:
                self.deaths[chunk_id] -= 1
                out.append(WorkerDied(chunk_id, -9))
                continue
            results = [canned_result(e) for e in entries]
            stats = chunk_stats(results, 0.001 * len(results))
            briefs = [r.brief() for r in results]
            rows = [encode_result(r) for r in results]
            reports = render_bodies(results) if self.render else ()
            out.append(ChunkDone(chunk_id, briefs, rows, stats, reports))
        self.busy.clear()
        return out

    def terminate(self) -> None:
        self.terminated += 1
        self.busy.clear()

    def close(self) -> None:
        self.closed = True
        self.terminate()

    def submitted_indices(self) -> list[int]:
        return [i for _chunk, indices in self.submitted for i in indices]


# -- fixtures ----------------------------------------------------------------------------


def make_playlist(folder: Path, name: str, count: int) -> Playlist:
    source = folder / f"{name}.m3u8"
    entries = tuple(
        PlaylistEntry(
            source.name,
            name,
            i,
            title=f"Quorlen {name} {i}",
            artist="Tavi Orrun",
            duration_s=300.0 + i,
            location=f"/music/{name}/{i}.mp3",
        )  # fmt: skip
        for i in range(count)
    )
    return Playlist(source, name, "m3u", entries)


def new_run(
    journal: Journal, out_dir: Path, pool: FakePool, *, spec: BatchSpec | None = None
) -> tuple[BatchRun, Recorder]:
    if spec is None:
        config = EngineConfig(catalog=None, workers=pool.size, out_dir=out_dir).checked()
        spec = BatchSpec(BATCH_ID, (("alpha.m3u8", None), ("beta.m3u8", None)), config=config)
    emit = Recorder(BATCH_ID)
    run = BatchRun(spec, journal, pool, emit, catalog=None)  # type: ignore[arg-type]
    run.sizer = ChunkSizer(first=CHUNK, minimum=CHUNK, maximum=CHUNK)
    return run, emit


def drive(run: BatchRun, max_steps: int = 500) -> None:
    for _ in range(max_steps):
        if run.over:
            return
        run.step(0)
    raise AssertionError(f"the batch did not end in {max_steps} steps (state {run.state})")


def decide(journal: Journal, run: BatchRun, index: int, reason: str = "reviewed") -> MatchResult:
    """A user's decision on alpha's entry `index` (review, `reason`), journalled and then
    told to the run, as the host does; the result it replaced."""
    result = journal.result(BATCH_ID, 0, index)
    assert result is not None
    decided = MatchResult(result.entry, MatchStatus.REVIEW, 0.5, "local", reason)
    journal.update_result(BATCH_ID, 0, decided)
    run.reviewed(0, decided)
    return result


def journal_statuses(journal: Journal, playlist_id: int) -> dict[int, str]:
    return {r.entry_index: str(r.status) for r in journal.results(BATCH_ID, playlist_id)}


# -- a whole batch -----------------------------------------------------------------------


def test_runs_every_entry_once_and_writes_outputs(
    tmp_path: Path, journal: Journal, out_dir: Path
) -> None:
    pool = FakePool(size=2)
    run, emit = new_run(journal, out_dir, pool)
    run.begin([make_playlist(tmp_path, "alpha", 12), make_playlist(tmp_path, "beta", 7)])
    drive(run)

    assert isinstance(emit.events[0], BatchStarted)
    assert emit.events[0].total_tracks == 19 and emit.events[0].workers == 2
    final = emit.events[-1]
    assert isinstance(final, BatchFinished) and final.ok
    assert (final.done, final.total) == (19, 19)
    assert final.counts == {"matched": 13, "unmatched": 6}
    assert sorted(pool.submitted_indices()) == sorted([*range(12), *range(7)])
    assert all(len(indices) <= CHUNK for _c, indices in pool.submitted)
    for pid, name, count in ((0, "alpha", 12), (1, "beta", 7)):
        assert sorted(journal_statuses(journal, pid)) == list(range(count))
        rows = matches_rows(out_dir / name)
        assert [int(r["entry_index"]) for r in rows] == list(range(count))
        assert read_summary(out_dir / name)["partial"] is False
    record = journal.batch(BATCH_ID)
    assert record is not None and record.state is BatchState.FINISHED
    assert (record.done, record.total) == (19, 19)


def test_a_worker_that_answers_gets_its_next_chunk_before_the_answer_is_handled(
    tmp_path: Path, journal: Journal, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Journalling an answer, and writing a finished playlist's outputs, happen while the
    worker already matches its next chunk (it would sit idle otherwise)."""
    pool = FakePool()
    run, _emit = new_run(journal, out_dir, pool)
    sent_when_journalled: list[int] = []
    record = journal.record_encoded

    def record_encoded(*args: Any, **kwargs: Any) -> None:
        sent_when_journalled.append(len(pool.submitted))
        record(*args, **kwargs)

    monkeypatch.setattr(journal, "record_encoded", record_encoded)
    written: list[int] = []
    write = run._write_outputs

    def write_outputs(p: Any, *, partial: bool) -> None:
        written.append(len(pool.submitted))
        write(p, partial=partial)

    monkeypatch.setattr(run, "_write_outputs", write_outputs)
    run.begin([make_playlist(tmp_path, "alpha", 2 * CHUNK), make_playlist(tmp_path, "beta", 5)])
    drive(run)

    assert len(pool.submitted) == 3  # alpha in two chunks, beta in one
    # the answer to chunk k is journalled once chunk k + 1 is out (the last: nothing left)
    assert sent_when_journalled == [2, 3, 3]
    # alpha's outputs are written with beta's first chunk already out
    assert written[0] == 3
    assert sorted(journal_statuses(journal, 0)) == list(range(2 * CHUNK))


# -- dead workers ------------------------------------------------------------------------


def test_a_dead_workers_chunk_is_retried_once(
    tmp_path: Path, journal: Journal, out_dir: Path
) -> None:
    pool = FakePool()
    pool.deaths = {1: 1}
    run, emit = new_run(journal, out_dir, pool)
    run.begin([make_playlist(tmp_path, "alpha", 12)])
    drive(run)

    chunk_ids = [c for c, _ in pool.submitted]
    assert chunk_ids.count(1) == 2  # sent again after the death
    assert chunk_ids[:2] == [1, 1]  # a retry goes before new work
    statuses = journal_statuses(journal, 0)
    assert sorted(statuses) == list(range(12))
    assert "error" not in statuses.values()
    results = [r for e in emit.of(TracksMatched) for r in e.results]
    assert sorted(r.entry_index for r in results) == list(range(12))  # each reported once
    assert isinstance(emit.events[-1], BatchFinished) and emit.events[-1].ok


def test_a_chunk_whose_worker_dies_twice_becomes_error_rows(
    tmp_path: Path, journal: Journal, out_dir: Path
) -> None:
    pool = FakePool()
    pool.deaths = {2: 2}
    run, emit = new_run(journal, out_dir, pool)
    run.begin([make_playlist(tmp_path, "alpha", 12)])
    drive(run)

    assert [c for c, _ in pool.submitted].count(2) == 2  # tried twice, not three times
    dead = set(dict(pool.submitted)[2])
    statuses = journal_statuses(journal, 0)
    assert sorted(statuses) == list(range(12))
    assert {i for i, s in statuses.items() if s == "error"} == dead
    final = emit.events[-1]
    assert isinstance(final, BatchFinished) and final.ok  # the batch goes on
    assert final.counts["error"] == len(dead)
    rows = {int(r["entry_index"]): r for r in matches_rows(out_dir / "alpha")}
    for index in dead:
        assert rows[index]["status"] == "error"
        assert rows[index]["catalog_id"] == ""
        assert "worker" in rows[index]["reason"]
    assert all(rows[i]["status"] != "error" for i in rows if i not in dead)


def test_a_worker_that_cannot_start_fails_the_batch(
    tmp_path: Path, journal: Journal, out_dir: Path
) -> None:
    pool = FakePool()
    run, emit = new_run(journal, out_dir, pool)
    run.begin([make_playlist(tmp_path, "alpha", 12)])
    pool.fail_with = "not a CrateMatch catalog: /tmp/x.sqlite"
    run.step(0)

    assert run.over and run.state is BatchState.FAILED
    error, final = emit.events[-2:]
    assert isinstance(error, EngineError) and error.fatal
    assert error.message == pool.fail_with and "\n" not in error.message
    assert isinstance(final, BatchFinished) and not final.ok
    assert pool.terminated >= 1
    record = journal.batch(BATCH_ID)
    assert record is not None and record.state is BatchState.FAILED
    assert record.note == pool.fail_with
    run.step(0)  # a step after the end does nothing
    assert emit.events[-1] is final


# -- pause -------------------------------------------------------------------------------


def test_pause_settles_only_when_nothing_is_in_flight(
    tmp_path: Path, journal: Journal, out_dir: Path
) -> None:
    pool = FakePool(size=2)
    run, emit = new_run(journal, out_dir, pool)
    run.begin([make_playlist(tmp_path, "alpha", 40)])
    run.step(0)  # two chunks done
    pool.hold = True
    run.step(0)  # two more sent, held
    assert pool.in_flight == 2

    run.pause()
    assert run.state is BatchState.PAUSING and not emit.of(BatchPaused)
    for _ in range(3):
        run.step(0)
    assert not emit.of(BatchPaused)  # still waiting for the held chunks
    sent = len(pool.submitted)
    pool.hold = False
    run.step(0)
    paused = emit.of(BatchPaused)
    assert len(paused) == 1 and paused[0].done == 20
    assert run.state is BatchState.PAUSED
    record = journal.batch(BATCH_ID)
    assert record is not None and record.state is BatchState.PAUSED

    mark = len(emit.events)
    for _ in range(5):
        run.step(0)
    assert len(pool.submitted) == sent  # nothing sent while paused
    assert not any(isinstance(e, TracksMatched) for e in emit.since(mark))

    run.resume()
    assert isinstance(emit.events[-1], BatchResumed) and emit.events[-1].done == 20
    drive(run)
    assert isinstance(emit.events[-1], BatchFinished) and emit.events[-1].ok
    assert sorted(journal_statuses(journal, 0)) == list(range(40))


def test_resume_while_pausing_continues_without_a_pause(
    tmp_path: Path, journal: Journal, out_dir: Path
) -> None:
    pool = FakePool()
    run, emit = new_run(journal, out_dir, pool)
    run.begin([make_playlist(tmp_path, "alpha", 20)])
    pool.hold = True
    run.step(0)
    run.pause()
    run.resume()
    pool.hold = False
    drive(run)
    assert not emit.of(BatchPaused)
    assert len(emit.of(BatchResumed)) == 1
    assert isinstance(emit.events[-1], BatchFinished) and emit.events[-1].ok


# -- cancel ------------------------------------------------------------------------------


def test_cancel_keeps_chunks_that_report_within_the_grace(
    tmp_path: Path, journal: Journal, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunked_run_module, "CANCEL_GRACE_S", 60.0)
    pool = FakePool(size=2)
    run, emit = new_run(journal, out_dir, pool)
    run.begin([make_playlist(tmp_path, "alpha", 40)])
    run.step(0)  # entries 0-9 done
    pool.hold = True
    run.step(0)  # entries 10-19 in flight
    run.cancel()
    run.step(0)
    assert run.state is BatchState.CANCELLING and not emit.of(BatchCancelled)
    assert pool.terminated == 0

    pool.hold = False
    run.step(0)
    assert run.state is BatchState.CANCELLED
    assert pool.terminated >= 1
    final = emit.events[-1]
    assert isinstance(final, BatchCancelled) and (final.done, final.total) == (20, 40)
    assert len(emit.of(BatchCancelled)) == 1
    assert sorted(journal_statuses(journal, 0)) == list(range(20))  # in-flight work kept
    assert len(pool.submitted) == 4  # nothing new sent after cancel
    summary = read_summary(out_dir / "alpha")
    assert summary["partial"] is True and summary["processed"] == 20
    assert [int(r["entry_index"]) for r in matches_rows(out_dir / "alpha")] == list(range(20))
    record = journal.batch(BATCH_ID)
    assert record is not None and record.state is BatchState.CANCELLED


def test_cancel_terminates_the_pool_after_the_grace(
    tmp_path: Path, journal: Journal, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunked_run_module, "CANCEL_GRACE_S", 0.0)
    pool = FakePool(size=2)
    run, emit = new_run(journal, out_dir, pool)
    run.begin([make_playlist(tmp_path, "alpha", 40), make_playlist(tmp_path, "beta", 5)])
    run.step(0)  # entries 0-9 done
    pool.hold = True
    run.step(0)  # entries 10-19 in flight, never to report
    run.cancel()
    run.step(0)

    assert run.state is BatchState.CANCELLED and pool.terminated >= 1
    final = emit.events[-1]
    assert isinstance(final, BatchCancelled) and (final.done, final.total) == (10, 45)
    assert sorted(journal_statuses(journal, 0)) == list(range(10))
    assert read_summary(out_dir / "alpha")["partial"] is True
    assert not any((out_dir / "beta").glob("*"))  # nothing matched there: no outputs
    assert (out_dir / "batch_summary.json").exists()


def test_cancel_with_nothing_in_flight_ends_at_once(
    tmp_path: Path, journal: Journal, out_dir: Path
) -> None:
    pool = FakePool()
    run, emit = new_run(journal, out_dir, pool)
    run.begin([make_playlist(tmp_path, "alpha", 20)])
    run.step(0)  # an answered chunk's worker gets the next one at once: one in flight
    run.pause()
    assert run.state is BatchState.PAUSING
    run.step(0)
    assert run.state is BatchState.PAUSED and not run.chunks.in_flight
    run.cancel()
    assert run.state is BatchState.CANCELLED
    assert isinstance(emit.events[-1], BatchCancelled)
    run.cancel()  # a second cancel is a no-op
    run.resume()  # and so is resume after the end
    assert len(emit.of(BatchCancelled)) == 1 and not emit.of(BatchResumed)


# -- resume from the journal -------------------------------------------------------------


def cut_off_batch(tmp_path: Path, journal: Journal, out_dir: Path, done: dict[int, int]) -> None:
    """Journal a batch of alpha (12) and beta (8) that stopped with the first `done[pid]`
    entries of each playlist recorded and no outputs written (as after kill -9)."""
    playlists = [make_playlist(tmp_path, "alpha", 12), make_playlist(tmp_path, "beta", 8)]
    journal.create_batch(
        BATCH_ID,
        config={
            "provider": "local",
            "catalog": None,
            "preset": "balanced",
            "workers": 1,
            "out_dir": str(out_dir),
        },  # fmt: skip
        inputs=[{"path": str(p.source), "name": None} for p in playlists],
        out_dir=str(out_dir),
    )
    for pid, p in enumerate(playlists):
        journal.add_playlist(BATCH_ID, pid, file=p.file_name, source=str(p.source),
                             name=p.name, format=p.format, total=len(p.entries))  # fmt: skip
        journal.record_results(BATCH_ID, pid, [canned_result(e) for e in p.entries[: done[pid]]])
    journal.set_state(BATCH_ID, BatchState.RUNNING)


def resumed_run(tmp_path: Path, journal: Journal, out_dir: Path) -> tuple[BatchRun, Recorder]:
    pool = FakePool()
    run, emit = new_run(journal, out_dir, pool, spec=spec_from_journal(journal, BATCH_ID))
    run.begin([make_playlist(tmp_path, "alpha", 12), make_playlist(tmp_path, "beta", 8)])
    return run, emit


def test_resume_dispatches_only_what_is_missing(
    tmp_path: Path, journal: Journal, out_dir: Path
) -> None:
    cut_off_batch(tmp_path, journal, out_dir, {0: 7, 1: 3})
    run, emit = resumed_run(tmp_path, journal, out_dir)
    started = emit.events[0]
    assert isinstance(started, BatchStarted)
    assert started.resumed and started.already_done == 10 and started.total_tracks == 20
    drive(run)

    pool = run.pool
    assert isinstance(pool, FakePool)
    assert pool.submitted_indices() == [*range(7, 12), *range(3, 8)]
    results = [r for e in emit.of(TracksMatched) for r in e.results]
    assert len(results) == 20 - 10
    final = emit.events[-1]
    assert isinstance(final, BatchFinished) and final.ok and final.done == 20
    assert final.counts == {"matched": 14, "unmatched": 6, "review": 0, "error": 0}
    for name, count in (("alpha", 12), ("beta", 8)):
        rows = matches_rows(out_dir / name)  # old and new results, each once
        assert [int(r["entry_index"]) for r in rows] == list(range(count))
        assert read_summary(out_dir / name)["partial"] is False


def test_a_playlist_complete_in_the_journal_gets_its_outputs_on_resume(
    tmp_path: Path, journal: Journal, out_dir: Path
) -> None:
    cut_off_batch(tmp_path, journal, out_dir, {0: 12, 1: 0})
    run, emit = resumed_run(tmp_path, journal, out_dir)
    finished = emit.of(PlaylistFinished)
    assert [f.name for f in finished] == ["alpha"]  # written in begin(), before any chunk
    assert not any(s.playlist_id == 0 for s in emit.of(PlaylistStarted))
    assert [int(r["entry_index"]) for r in matches_rows(out_dir / "alpha")] == list(range(12))
    drive(run)
    pool = run.pool
    assert isinstance(pool, FakePool)
    assert pool.submitted_indices() == list(range(8))  # only beta
    assert isinstance(emit.events[-1], BatchFinished) and emit.events[-1].ok


def test_resume_of_a_batch_with_everything_done_just_writes_and_finishes(
    tmp_path: Path, journal: Journal, out_dir: Path
) -> None:
    cut_off_batch(tmp_path, journal, out_dir, {0: 12, 1: 8})
    run, emit = resumed_run(tmp_path, journal, out_dir)
    assert run.over and run.state is BatchState.FINISHED
    pool = run.pool
    assert isinstance(pool, FakePool) and pool.submitted == []
    assert [type(e) for e in emit.events] == [
        BatchStarted, PlaylistFinished, PlaylistFinished, MetricsSnapshot, BatchFinished
    ]  # fmt: skip
    assert isinstance(emit.events[-1], BatchFinished) and emit.events[-1].ok
    for name in ("alpha", "beta"):
        assert read_summary(out_dir / name)["partial"] is False
    record = journal.batch(BATCH_ID)
    assert record is not None and record.state is BatchState.FINISHED


def test_a_worker_dying_while_pausing_gets_its_chunk_retried_after_resume(
    tmp_path: Path, journal: Journal, out_dir: Path
) -> None:
    pool = FakePool()
    run, emit = new_run(journal, out_dir, pool)
    run.begin([make_playlist(tmp_path, "alpha", 20)])
    run.step(0)  # chunk 1 done
    pool.hold = True
    run.step(0)  # chunk 2 in flight
    pool.deaths = {2: 1}
    run.pause()
    pool.hold = False
    run.step(0)  # its worker dies: nothing in flight any more
    assert run.state is BatchState.PAUSED and emit.of(BatchPaused)[0].done == CHUNK
    sent = len(pool.submitted)
    run.step(0)
    assert len(pool.submitted) == sent  # the retry waits for resume too
    run.resume()
    drive(run)
    assert pool.submitted[sent][0] == 2  # the retry goes first
    assert sorted(journal_statuses(journal, 0)) == list(range(20))
    assert "error" not in journal_statuses(journal, 0).values()
    assert isinstance(emit.events[-1], BatchFinished) and emit.events[-1].ok


def _files(folder: Path) -> dict[str, bytes]:
    """Every output file under `folder`, summary.json without its timing."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name not in ("performance_report.json", "batch_summary.json"):
            data = path.read_bytes()
            if path.name == "summary.json":
                document = json.loads(data)
                document.pop("elapsed_s", None)
                document.pop("written_at", None)
                data = json.dumps(document, sort_keys=True).encode()
            files[str(path.relative_to(folder))] = data
    return files


@pytest.mark.parametrize("spool", ["memory", "file"])
@pytest.mark.parametrize("cancel", [False, True])
def test_rows_the_workers_rendered_give_the_same_files_as_the_journal(
    tmp_path: Path,
    journal: Journal,
    out_dir: Path,
    cancel: bool,
    spool: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The host joins the CSV rows workers rendered instead of decoding every result;
    a worker that renders nothing (ChunkDone.reports empty) makes the host read the
    journal. Both give the same files, finished or cancelled with gaps, with the rows
    kept in memory or (a long playlist's) spooled to a temporary file."""
    monkeypatch.setattr(chunked_run_module, "CANCEL_GRACE_S", 0.0)
    if spool == "file":
        monkeypatch.setattr(rendered_module, "SPOOL_BYTES", 100)
    outputs = []
    for render, folder in ((True, out_dir), (False, tmp_path / "from-journal")):
        own = journal if render else Journal.open(tmp_path / "other.sqlite")
        pool = FakePool(size=2, render=render)
        run, _emit = new_run(own, folder, pool)
        run.begin([make_playlist(tmp_path, "alpha", 23), make_playlist(tmp_path, "beta", 4)])
        if cancel:
            run.step(0)
            pool.hold = True
            run.step(0)  # entries 10-19 in flight, never to report
            pool.hold = False
            pool.busy.clear()
            run.step(0)  # 20-22 and beta 0-1 done, around the gap
            pool.hold = True
            run.cancel()
            run.step(0)
            assert run.state is BatchState.CANCELLED
        else:
            drive(run)
        outputs.append(_files(folder))
    assert outputs[0] == outputs[1]
    assert "alpha/matches.csv" in outputs[0] and "alpha/candidates.csv" in outputs[0]
    rows = outputs[0]["alpha/matches.csv"].decode().splitlines()
    assert len(rows) == 1 + (13 if cancel else 23)


def test_a_review_while_running_writes_the_reviewed_result(
    tmp_path: Path, journal: Journal, out_dir: Path
) -> None:
    """Rows rendered before a review are stale: the playlist is written from the
    journal, which holds the decision."""
    pool = FakePool()
    run, _emit = new_run(journal, out_dir, pool)
    run.begin([make_playlist(tmp_path, "alpha", 12)])
    run.step(0)  # entries 0-4 done
    assert decide(journal, run, 2).status is MatchStatus.UNMATCHED
    drive(run)
    rows = {int(r["entry_index"]): r for r in matches_rows(out_dir / "alpha")}
    assert len(rows) == 12 and rows[2]["status"] == "review"
    assert rows[2]["reason"] == "reviewed"


# -- a Rekordbox playlist's enriched.xml, made ahead -------------------------------------


def test_a_rekordbox_playlists_enriched_xml_is_prepared_while_it_is_matched(
    tmp_path: Path, journal: Journal, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rewrite's reading of the source runs beside the matching (rekordbox_ahead);
    what the batch writes is what writing from the source alone gives."""
    from matcher.outputs.writer import write_enriched
    from tests.matcher.outputs.test_rekordbox_rewrite import COLLECTION

    source = tmp_path / "collection.xml"
    source.write_text(COLLECTION, encoding="utf-8")
    ids = ["101", "102", "999", "104"]
    entries = tuple(
        PlaylistEntry(source.name, "Sets/Friday", i, title=f"Quorlen {i}", artist="Tavi Orrun",
                      source_id=sid)
        for i, sid in enumerate(ids)
    )  # fmt: skip
    playlist = Playlist(source, "Sets/Friday", "rekordbox", entries)
    pool = FakePool()
    run, _emit = new_run(journal, out_dir, pool)
    run.begin([playlist])
    (p,) = run.playlists
    assert p.prepared is not None  # a future, on the thread beside the matching
    assert p.prepared.result(timeout=30) is not None
    from matcher.outputs import rekordbox_rewrite

    def read_again(*_args: object) -> None:
        raise AssertionError("the writer read the source again")

    with monkeypatch.context() as m:
        m.setattr(rekordbox_rewrite, "scan_source", read_again)
        m.setattr(rekordbox_rewrite, "collection_tracks", read_again)
        drive(run)

    assert run.state is BatchState.FINISHED
    (written,) = out_dir.glob("*/enriched.xml")
    write_enriched(tmp_path / "plain.xml", playlist, [canned_result(e) for e in entries])
    assert written.read_bytes() == (tmp_path / "plain.xml").read_bytes()
    assert p.prepared is None  # forgotten once written


def test_the_next_chunks_entries_are_made_while_the_workers_are_busy(
    tmp_path: Path, journal: Journal, out_dir: Path
) -> None:
    """A lazily read playlist makes an entry when first asked for: the entries of the
    chunk after the ones sent are made once they are out, not when a worker waits."""
    from matcher.playlists.lazy import LazyEntries

    made: list[int] = []
    source = tmp_path / "alpha.m3u8"

    def make(index: int, title: str) -> PlaylistEntry:
        made.append(index)
        return PlaylistEntry(source.name, "alpha", index, title=title, artist="Tavi Orrun")

    entries = LazyEntries([f"Quorlen {i}" for i in range(4 * CHUNK)], make)
    playlist = Playlist(source, "alpha", "m3u", entries)  # type: ignore[arg-type]
    pool = FakePool(size=2)
    pool.hold = True  # what goes out stays out
    run, _emit = new_run(journal, out_dir, pool)
    run.begin([playlist])
    run.step(0)
    assert [i for _c, indices in pool.submitted for i in indices] == list(range(2 * CHUNK))
    assert sorted(made) == list(range(3 * CHUNK))  # the third chunk's too, not yet sent
    pool.hold = False
    drive(run)
    assert sorted(made) == list(range(4 * CHUNK))  # each made once
    assert sorted(journal_statuses(journal, 0)) == list(range(4 * CHUNK))
