"""The engine when processes die: a worker killed mid-batch, the host killed, the caller
killed with kill -9, and Ctrl-C on the command line.

Linux only: processes are found through /proc (children of the host, descendants of the
CLI). Every wait is bounded; "gone within 3 s" is the orphan contract, not a benchmark.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.config import EngineConfig
from matcher.engine.client import Engine
from matcher.engine.events import (
    BatchFinished,
    BatchStarted,
    BatchState,
    EngineError,
    Event,
    TracksMatched,
)
from matcher.engine.journal import BatchRecord, Journal
from matcher.errors import JournalError
from tests.matcher.engine.engine_fixtures import (
    WAIT_S,
    Track,
    alive,
    assert_every_entry_once,
    collect,
    collect_until,
    descendants,
    entry_keys,
    first_results,
    index_of,
    results_of,
    wait_for,
    write_m3u8,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="finds processes through /proc"
)

ORPHAN_GRACE_S = 3.0  # how soon a process must notice that its parent died


# -- inside the API ----------------------------------------------------------------------


def test_a_killed_worker_costs_nothing(catalog: Path, tmp_path: Path) -> None:
    tracks = write_m3u8(tmp_path / "long.m3u8", 3000)
    with Engine(EngineConfig(catalog=catalog, workers=1, out_dir=tmp_path / "out")) as engine:
        batch = engine.start([tmp_path / "long.m3u8"])
        events: list[Event] = []
        # after a few chunks the sizer sends ~0.25 s chunks: the worker is busy with one
        collect_until(batch, lambda ev: len(index_of(ev, TracksMatched)) >= 3, into=events)
        assert batch.final is None, "the batch ended before the worker could be killed"
        workers = descendants(engine._host.pid)
        assert len(workers) == 1, workers
        os.kill(workers[0], signal.SIGKILL)
        collect(batch, into=events)
        replacement = descendants(engine._host.pid)
    final = events[-1]
    assert isinstance(final, BatchFinished) and final.ok
    assert final.done == final.total == len(tracks)
    assert final.counts.get("error", 0) == 0  # its chunk was retried, not given up
    assert entry_keys(events) == [("long.m3u8", i) for i in range(len(tracks))]  # each once
    rows = assert_every_entry_once(tmp_path / "out" / "long", tracks)
    assert not [r for r in rows if r["status"] == "error"]
    assert replacement and workers[0] not in replacement and not alive(workers[0])


def test_a_killed_host_ends_the_batch_and_its_workers(catalog: Path, tmp_path: Path) -> None:
    tracks = write_m3u8(tmp_path / "long.m3u8", 3000)
    cfg = EngineConfig(catalog=catalog, workers=2, out_dir=tmp_path / "out")
    with Engine(cfg) as engine:
        batch = engine.start([tmp_path / "long.m3u8"])
        events: list[Event] = []
        first_results(batch, events)
        workers = descendants(engine._host.pid)
        assert len(workers) == 2, workers
        os.kill(engine._host.pid, signal.SIGKILL)
        collect(batch, into=events)
        wait_for(lambda: not any(alive(p) for p in workers), ORPHAN_GRACE_S, "orphaned workers")
    error, final = events[-2:]
    assert isinstance(error, EngineError) and error.fatal and "\n" not in error.message
    assert isinstance(final, BatchFinished) and not final.ok

    with Journal.open(readonly=True) as journal:
        record = journal.batch(batch.batch_id)
        assert record is not None and record.batch_id in [r.batch_id for r in journal.unfinished()]
    assert record.state is BatchState.RUNNING  # cut off: resumable
    resumed = Engine.resume(batch.batch_id, EngineConfig(workers=2))
    again = collect(resumed)
    started = again[0]
    assert isinstance(started, BatchStarted) and started.already_done == record.done
    assert isinstance(again[-1], BatchFinished) and again[-1].ok
    assert len(results_of(again)) == len(tracks) - record.done
    assert_every_entry_once(tmp_path / "out" / "long", tracks)


# -- the command line --------------------------------------------------------------------


def cli(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "matcher", *map(str, args)]


def run_cli(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(cli(*args), capture_output=True, text=True, timeout=WAIT_S, check=False)


@pytest.fixture
def started_cli(catalog: Path, tmp_path: Path) -> Iterator:
    """Start `cratematch match` on a long playlist; yield (process, tracks, out dir) once
    the journal shows results. The process (and anything left of it) is killed after."""
    procs: list[subprocess.Popen] = []

    def start(count: int = 4000) -> tuple[subprocess.Popen, list[Track], Path]:
        tracks = write_m3u8(tmp_path / "long.m3u8", count)
        out = tmp_path / "out"
        proc = subprocess.Popen(
            cli("match", tmp_path / "long.m3u8", "--catalog", catalog, "--workers", "1",
                "--out", out, "--quiet"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )  # fmt: skip
        procs.append(proc)
        wait_for(lambda: _journal_done(proc) > 0, WAIT_S, "the first journalled results")
        return proc, tracks, out

    yield start
    for proc in procs:
        left = descendants(proc.pid)
        if proc.poll() is None:
            proc.kill()
        for pid in left:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        proc.communicate(timeout=WAIT_S)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # gone since it was listed
        return b""


def _latest() -> BatchRecord | None:
    try:
        with Journal.open(readonly=True) as journal:
            batches = journal.batches(1)
    except JournalError:  # not created yet
        return None
    return batches[0] if batches else None


def _journal_done(proc: subprocess.Popen) -> int:
    assert proc.poll() is None, f"the CLI ended early: {proc.communicate()}"
    record = _latest()
    return record.done if record else 0


@pytest.mark.slow
def test_kill_9_of_the_caller_leaves_no_orphans_and_resume_finishes(started_cli) -> None:
    proc, tracks, out = started_cli()
    tree = descendants(proc.pid)
    # the command line hosts the engine on a thread: its one worker is the only process
    # it spawned (besides multiprocessing's resource tracker), none of them a host
    spawned = [pid for pid in tree if b"spawn_main" in _cmdline(pid)]
    assert [descendants(pid) for pid in spawned] == [[]], f"expected one worker, got {tree}"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=WAIT_S)
    wait_for(
        lambda: not any(alive(pid) for pid in tree),
        ORPHAN_GRACE_S,
        f"every process of the killed CLI to exit ({[p for p in tree if alive(p)]} left)",
    )
    record = _latest()
    assert record is not None and record.state is BatchState.RUNNING
    assert 0 < record.done < record.total

    done = run_cli("resume", "--workers", "2", "--quiet")
    assert done.returncode == 0, done.stderr
    assert record.batch_id in done.stdout
    assert_every_entry_once(out / "long", tracks)
    after = _latest()
    assert after is not None and after.state is BatchState.FINISHED
    assert after.done == after.total == len(tracks)


@pytest.mark.slow
def test_ctrl_c_cancels_with_exit_130_and_is_resumable(started_cli) -> None:
    proc, tracks, out = started_cli()
    tree = descendants(proc.pid)
    proc.send_signal(signal.SIGINT)  # to the CLI only, as a terminal's Ctrl-C reaches it
    stdout, stderr = proc.communicate(timeout=WAIT_S)
    assert proc.returncode == 130, stderr
    wait_for(lambda: not any(alive(pid) for pid in tree), ORPHAN_GRACE_S, "the engine to exit")
    record = _latest()
    assert record is not None and record.state is BatchState.CANCELLED
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert f"cratematch resume {record.batch_id}" in lines[0]
    assert "Traceback" not in stdout

    done = run_cli("resume", record.batch_id, "--workers", "2", "--quiet")
    assert done.returncode == 0, done.stderr
    assert_every_entry_once(out / "long", tracks)
    finished = _latest()
    assert finished is not None and finished.state is BatchState.FINISHED
