"""WorkerPool with real spawned workers on a real catalog database in tmp_path."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from matcher.catalog import import_catalog
from matcher.engine.messages import ChunkDone, WorkerFailed
from matcher.engine.pool import PoolEvent, WorkerDied, WorkerPool
from matcher.engine.serialize import loads_result
from matcher.model import MatchStatus, PlaylistEntry
from tests.matcher.engine.engine_fixtures import WAIT_S, alive, playlist_tracks, write_catalog

Item = PoolEvent


@pytest.fixture
def catalog_db(tmp_path: Path) -> Path:
    write_catalog(tmp_path / "catalog.csv")
    db = tmp_path / "catalog.sqlite"
    import_catalog([tmp_path / "catalog.csv"], db)
    return db


@pytest.fixture
def make_pool() -> Iterator:
    """Pools made by a test are terminated after it, whatever happens."""
    pools: list[WorkerPool] = []

    def make(size: int, catalog: Path | str) -> WorkerPool:
        pool = WorkerPool(size, "local", str(catalog), "balanced")
        pools.append(pool)
        pool.start()
        return pool

    yield make
    for pool in pools:
        pool.terminate()


def entries(count: int, start: int = 0) -> list[PlaylistEntry]:
    return [
        PlaylistEntry(
            "pool.m3u8", "pool", i, title=t.title, artist=t.artist, duration_s=float(t.duration_s)
        )  # fmt: skip
        for i, t in enumerate(playlist_tracks(start + count)[start:], start=start)
    ]


def poll_until(
    pool: WorkerPool, done: Callable[[list[Item]], bool], timeout: float = WAIT_S
) -> list[Item]:
    items: list[Item] = []
    deadline = time.monotonic() + timeout
    while not done(items):
        assert time.monotonic() < deadline, f"timed out; got {items}"
        items.extend(pool.poll(0.1))
    return items


def wait_ready(pool: WorkerPool, count: int) -> list[Item]:
    return poll_until(pool, lambda _items: len(pool.idle()) >= count)


def test_a_chunk_comes_back_whole(make_pool, catalog_db: Path) -> None:
    pool = make_pool(2, catalog_db)
    assert pool.size == 2 and pool.in_flight == 0
    assert wait_ready(pool, 2) == []
    chunk = entries(30)
    worker = pool.idle()[0]
    assert pool.submit(worker, 7, chunk)
    assert pool.in_flight == 1 and worker not in pool.idle()

    items = poll_until(pool, lambda items: any(isinstance(i, ChunkDone) for i in items))
    assert len(items) == 1 and isinstance(items[0], ChunkDone)
    done = items[0]
    assert done.chunk_id == 7 and pool.in_flight == 0 and len(pool.idle()) == 2
    assert [r.entry for r in done.results] == chunk
    assert done.stats.tracks == len(chunk)
    assert all(not r.query_log for r in done.results)  # briefs: no audit trail
    assert len(done.rows) == len(chunk)
    for row, brief in zip(done.rows, done.results, strict=True):
        full = loads_result(row.data)
        assert row.entry_index == full.entry.entry_index == brief.entry.entry_index
        assert row.status == str(full.status) == str(brief.status)
        assert row.catalog_id == full.catalog_id == brief.catalog_id
        assert row.confidence == full.confidence
    statuses = {r.status for r in done.results}
    assert MatchStatus.MATCHED in statuses and MatchStatus.UNMATCHED in statuses
    assert done.stats.matched == sum(r.status == MatchStatus.MATCHED for r in done.results)


def test_both_workers_take_chunks(make_pool, catalog_db: Path) -> None:
    pool = make_pool(2, catalog_db)
    wait_ready(pool, 2)
    first, second = pool.idle()
    assert pool.submit(first, 1, entries(10)) and pool.submit(second, 2, entries(10, 10))
    assert pool.idle() == [] and pool.in_flight == 2
    items = poll_until(pool, lambda items: len(items) >= 2)
    assert sorted(i.chunk_id for i in items if isinstance(i, ChunkDone)) == [1, 2]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_worker_reports_its_chunk_and_is_replaced(make_pool, catalog_db: Path) -> None:
    pool = make_pool(1, catalog_db)
    wait_ready(pool, 1)
    worker = pool.idle()[0]
    old_pid = worker.process.pid
    assert pool.submit(worker, 42, entries(200))
    os.kill(old_pid, signal.SIGKILL)

    items = poll_until(pool, lambda items: any(isinstance(i, WorkerDied) for i in items))
    died = [i for i in items if isinstance(i, WorkerDied)]
    assert len(died) == 1 and died[0].chunk_id == 42
    assert died[0].exitcode == -signal.SIGKILL
    assert not any(isinstance(i, ChunkDone) for i in items)

    wait_ready(pool, 1)  # a replacement
    replacement = pool.idle()[0]
    assert replacement.process.pid != old_pid and not alive(old_pid)
    assert pool.submit(replacement, 43, entries(5))
    items = poll_until(pool, lambda items: any(isinstance(i, ChunkDone) for i in items))
    assert [i.chunk_id for i in items if isinstance(i, ChunkDone)] == [43]


def test_an_idle_worker_that_dies_reports_no_chunk(make_pool, catalog_db: Path) -> None:
    pool = make_pool(1, catalog_db)
    wait_ready(pool, 1)
    pool.idle()[0].process.terminate()
    items = poll_until(pool, lambda items: any(isinstance(i, WorkerDied) for i in items))
    assert [i.chunk_id for i in items if isinstance(i, WorkerDied)] == [None]
    wait_ready(pool, 1)


def not_sqlite(folder: Path) -> Path:
    path = folder / "notes.sqlite"
    path.write_text("not a database\n" * 200, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "make_bad",
    [
        pytest.param(lambda d: d / "missing.sqlite", id="missing"),
        pytest.param(not_sqlite, id="not-sqlite"),
    ],
)
def test_a_catalog_that_cannot_be_opened_fails_the_worker(
    make_pool, tmp_path: Path, make_bad
) -> None:
    pool = make_pool(1, make_bad(tmp_path))
    items = poll_until(pool, lambda items: any(isinstance(i, WorkerFailed) for i in items))
    failed = next(i for i in items if isinstance(i, WorkerFailed))
    assert failed.message and "\n" not in failed.message
    assert "Traceback" in failed.detail  # the worker's traceback, as text, for the log
    assert pool.idle() == []  # never ready


def test_terminate_leaves_no_live_process(make_pool, catalog_db: Path) -> None:
    pool = make_pool(2, catalog_db)
    wait_ready(pool, 2)
    pids = [w.process.pid for w in pool._workers]
    busy = pool.idle()[0]
    assert pool.submit(busy, 1, entries(500))  # one mid-chunk, one idle
    pool.terminate()
    assert not any(alive(pid) for pid in pids)
    assert pool.poll(0.01) == [] and pool.idle() == [] and pool.in_flight == 0


def test_close_lets_idle_workers_exit(make_pool, catalog_db: Path) -> None:
    pool = make_pool(2, catalog_db)
    wait_ready(pool, 2)
    processes = [w.process for w in pool._workers]
    pool.close()
    assert all(p.exitcode == 0 for p in processes)  # they left when asked, not killed


def test_a_worker_sent_a_message_it_does_not_know_exits_and_is_replaced(
    make_pool, catalog_db: Path
) -> None:
    pool = make_pool(1, catalog_db)
    wait_ready(pool, 1)
    worker = pool.idle()[0]
    worker.conn.send(("old", "tuple"))  # not a Chunk: the worker leaves, it does not guess
    items = poll_until(pool, lambda items: any(isinstance(i, WorkerDied) for i in items))
    assert [(i.chunk_id, i.exitcode) for i in items if isinstance(i, WorkerDied)] == [(None, 0)]
    wait_ready(pool, 1)
