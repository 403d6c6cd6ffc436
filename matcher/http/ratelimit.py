"""A per-host rate limit that every worker process shares, through one SQLite table.

Each host has a row: `next_at` (the next free slot), `interval` (the current spacing) and
`started_at` (when the last request really went out). `acquire` reserves the next slot
inside a `BEGIN IMMEDIATE` transaction, so two processes never take the same slot, sleeps
until it, then checks `started_at` once more just before sending: requests to a host go
out at least `interval` apart whichever process sends them, even when a process wakes up
late. The spacing adapts like a polite client's should: a 429 or 503 doubles it (up to
`max_interval_s`), each later request eases it back toward the minimum; `defer` pushes
the next slot out (a `Retry-After`, Discogs' remaining-requests header).

The clock and the sleep are injected: tests run the limiter on a fake clock.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from matcher.sqlite_wal import use_wal

__all__ = ["HostLimiter", "HostPolicy", "WaitTooLong"]

_BUSY_TIMEOUT_MS = 10_000
_EASE = 0.9  # each request brings a slowed-down interval this much back toward the minimum
_START_CHECKS = 3  # re-checks of the previous request's start before going anyway

_SCHEMA = """
CREATE TABLE IF NOT EXISTS host_slots (
    host TEXT PRIMARY KEY,
    next_at REAL NOT NULL,     -- the next free slot
    interval REAL NOT NULL,    -- the current spacing (adapts)
    started_at REAL NOT NULL   -- when the last request really went out
);
"""


@dataclass(frozen=True, slots=True)
class _Host:
    next_at: float = 0.0
    interval: float = -1.0  # not yet set: the policy's minimum
    started_at: float = 0.0


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """How often one host may be asked, all processes together."""

    host: str
    min_interval_s: float  # 1.0 for MusicBrainz: at most one request a second
    max_interval_s: float = 10.0  # how far slowing down after 429/503 may go
    max_wait_s: float = 60.0  # a longer wait for a slot is reported, not waited


class WaitTooLong(Exception):  # noqa: N818 - a signal to the client, not a user-facing error
    """The next slot is further away than the policy's `max_wait_s`."""

    def __init__(self, wait_s: float) -> None:
        super().__init__(f"{wait_s:.0f} s")
        self.wait_s = wait_s


class HostLimiter:
    def __init__(
        self,
        path: Path | None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`path` None keeps the table in memory (one process only: tests)."""
        self.clock = clock
        self.sleep = sleep
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            str(path) if path else ":memory:", isolation_level=None, check_same_thread=False
        )
        self._conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        use_wal(self._conn)
        self._conn.executescript(_SCHEMA)

    def _update(self, host: str, change: Callable[[float, _Host], _Host]) -> tuple[float, _Host]:
        """Apply `change(now, row) -> row` to the host's row in one write transaction (so
        processes take turns); return (now, the new row)."""
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            now = self.clock()
            found = conn.execute(
                "SELECT next_at, interval, started_at FROM host_slots WHERE host = ?", (host,)
            ).fetchone()
            row = change(now, _Host(*found) if found else _Host())
            conn.execute(
                "INSERT OR REPLACE INTO host_slots VALUES (?, ?, ?, ?)",
                (host, row.next_at, row.interval, row.started_at),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return now, row

    def acquire(self, policy: HostPolicy) -> float:
        """Wait for this process's turn on the host; return the seconds waited. Raises
        `WaitTooLong` (reserving nothing) when the turn is beyond `policy.max_wait_s`.

        Two steps: reserve the next slot and sleep until it (turns are fair and spaced);
        then, just before the request goes out, check the previous request's real start
        and record this one's. A process delayed after its slot (descheduled, a slow
        sleep) thus never brings the next request closer than the interval."""
        too_long: list[float] = []

        def reserve(now: float, row: _Host) -> _Host:
            interval = max(policy.min_interval_s, row.interval * _EASE)
            slot = max(now, row.next_at)
            if slot - now > policy.max_wait_s:
                too_long.append(slot - now)
                return replace(row, interval=interval)
            return replace(row, next_at=slot + interval, interval=interval)

        now, row = self._update(policy.host, reserve)
        if too_long:
            raise WaitTooLong(too_long[0])
        waited = max(0.0, row.next_at - row.interval - now)
        if waited > 0:
            self.sleep(waited)
        for _ in range(_START_CHECKS):
            early = self._mark_start(policy.host)
            if not early:
                break
            self.sleep(early)
            waited += early
        return waited

    def _mark_start(self, host: str) -> float:
        """Record that a request goes out now, unless the previous one started less than
        an interval ago: then return how much sooner that is (nothing recorded)."""
        early = 0.0

        def start(now: float, row: _Host) -> _Host:
            nonlocal early
            earliest = row.started_at + row.interval
            if now < earliest:
                early = earliest - now
                return row
            return replace(row, next_at=max(row.next_at, now + row.interval), started_at=now)

        self._update(host, start)
        return early

    def defer(self, host: str, seconds: float) -> None:
        """No request to `host` before `seconds` from now (a Retry-After, a quota)."""
        self._update(host, lambda now, row: replace(row, next_at=max(row.next_at, now + seconds)))

    def slow_down(self, policy: HostPolicy) -> float:
        """Double the host's spacing after a 429/503; return the new interval."""

        def double(now: float, row: _Host) -> _Host:
            slower = max(row.interval * 2, policy.min_interval_s * 2, 0.1)
            ceiling = max(policy.max_interval_s, policy.min_interval_s)
            return replace(row, interval=min(ceiling, slower))

        return self._update(policy.host, double)[1].interval

    def interval(self, host: str) -> float | None:
        query = "SELECT interval FROM host_slots WHERE host = ?"
        row = self._conn.execute(query, (host,)).fetchone()
        return None if row is None else row[0]

    def close(self) -> None:
        self._conn.close()
