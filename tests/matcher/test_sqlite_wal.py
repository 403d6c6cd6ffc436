"""Switching to WAL while another connection holds the new file's write lock: SQLite
answers "database is locked" at once (its busy timeout does not cover the switch), so
`use_wal` waits it out. The shared stores that worker processes open together use it."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from matcher.engine.journal_db import connect as connect_journal
from matcher.http.cache import CachedResponse, HttpCache
from matcher.http.ratelimit import HostLimiter, HostPolicy
from matcher.sqlite_wal import use_wal


@contextmanager
def write_lock_held(path: Path, seconds: float) -> Iterator[None]:
    """Another connection holds the new file `path`'s write lock (as a process converting
    it to WAL does) and lets go after `seconds`."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(seconds, lambda: other.execute("COMMIT"))
    release.start()
    try:
        yield
    finally:
        release.join()
        other.close()


def test_the_plain_switch_fails_at_once_whatever_the_busy_timeout(tmp_path: Path) -> None:
    """The premise: without `use_wal` the switch does not wait."""
    path = tmp_path / "shared.sqlite"
    with write_lock_held(path, 0.3):
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 5000")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            conn.execute("PRAGMA journal_mode = WAL")
        conn.close()


def test_use_wal_waits_for_the_other_connection_and_switches(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    with write_lock_held(path, 0.3):
        conn = sqlite3.connect(path, isolation_level=None)
        assert use_wal(conn) == "wal"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_use_wal_gives_up_after_its_wait(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    pauses: list[float] = []
    now = [0.0]

    def sleep(s: float) -> None:
        pauses.append(s)
        now[0] += s

    with write_lock_held(path, 0.05):
        conn = sqlite3.connect(path, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            use_wal(conn, wait_s=1.0, clock=lambda: now[0], sleep=sleep)
        conn.close()
    assert sum(pauses) <= 1.0 and max(pauses) == pytest.approx(0.1)
    assert pauses[0] == pytest.approx(0.005)


def test_other_errors_are_not_retried(tmp_path: Path) -> None:
    path = tmp_path / "not-a-database.sqlite"
    path.write_bytes(b"this is not SQLite at all, " * 40)
    conn = sqlite3.connect(path, isolation_level=None)
    slept: list[float] = []
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        use_wal(conn, sleep=slept.append)
    assert slept == []
    conn.close()


def test_an_in_memory_database_reports_its_mode() -> None:
    assert use_wal(sqlite3.connect(":memory:")) == "memory"


def test_the_shared_rate_limit_opens_while_another_process_converts_it(tmp_path: Path) -> None:
    path = tmp_path / "limits.sqlite"
    with write_lock_held(path, 0.3):
        limiter = HostLimiter(path, sleep=lambda s: None)
    assert limiter.acquire(HostPolicy("example.org", min_interval_s=1.0)) == 0.0


def test_the_shared_http_cache_stays_on_while_another_process_converts_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cache.sqlite"
    with write_lock_held(path, 0.3):
        cache = HttpCache(path)
    assert cache.enabled, cache.problem
    cache.put("k", CachedResponse(200, b"body"))
    assert cache.get("k") == CachedResponse(200, b"body")


def test_the_journal_opens_while_another_process_converts_it(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with write_lock_held(path, 0.3):
        conn = connect_journal(path, readonly=False)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
