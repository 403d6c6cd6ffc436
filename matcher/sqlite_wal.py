"""Switching a shared SQLite file to WAL when other processes may be doing the same.

SQLite's busy timeout does not cover the switch: a connection that finds another one
converting the same new file (which then holds the write lock) gets "database is locked"
at once, whatever the timeout. Worker processes open the shared rate-limit table and HTTP
cache at the same moment, so the switch is retried here until the wait runs out.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

__all__ = ["use_wal"]

_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
_FIRST_PAUSE_S = 0.005
_LONGEST_PAUSE_S = 0.1


def use_wal(
    conn: sqlite3.Connection,
    *,
    wait_s: float = 10.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Set `conn`'s journal mode to WAL; return the mode SQLite reports ("memory" for an
    in-memory database). Retries while another connection holds the lock, for up to
    `wait_s`; then, or on any other error, raises the sqlite3 error."""
    deadline = clock() + wait_s
    pause = _FIRST_PAUSE_S
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as err:
            busy = (getattr(err, "sqlite_errorcode", 0) & 0xFF) in _BUSY_CODES
            if not busy or clock() + pause > deadline:
                raise
        sleep(pause)
        pause = min(pause * 2, _LONGEST_PAUSE_S)
