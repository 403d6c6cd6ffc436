"""The on-disk HTTP cache every online provider shares (one SQLite file in the cache dir).

Catalog APIs rarely send cache headers, so entries live for our own TTL (7 days by
default). The key hashes the method, the normalised URL with its parameters and the
provider's auth scope (a fingerprint, never the token), so two accounts never share
answers. Bodies are stored compressed; when their total passes the size cap the least
recently used entries go first.

Several worker processes read and write it at once: WAL mode and a busy timeout make that
safe, and every SQLite failure degrades to a miss. A broken cache never fails a track.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from matcher.sqlite_wal import use_wal

__all__ = ["DEFAULT_TTL_S", "CachedResponse", "HttpCache", "cache_key", "normalise_url"]

DEFAULT_TTL_S = 7 * 24 * 3600.0
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
_BUSY_TIMEOUT_MS = 5000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    size INTEGER NOT NULL,
    stored_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    used_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_used ON entries(used_at);
CREATE TABLE IF NOT EXISTS totals (id INTEGER PRIMARY KEY CHECK (id = 0), bytes INTEGER NOT NULL);
INSERT OR IGNORE INTO totals (id, bytes) VALUES (0, 0);
"""


@dataclass(frozen=True, slots=True)
class CachedResponse:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


def normalise_url(url: str, params: Mapping[str, object] | None = None) -> str:
    """The URL with its query and `params` merged and sorted, scheme and host lowercased,
    so the same request always has the same key."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, str(v)) for k, v in (params or {}).items() if v is not None]
    return urlunsplit(
        (
            parts.scheme.lower(),
            parts.netloc.lower(),
            parts.path or "/",
            urlencode(sorted(query)),
            "",
        )
    )


def cache_key(
    method: str, url: str, params: Mapping[str, object] | None = None, scope: str = ""
) -> str:
    text = "\n".join((method.upper(), normalise_url(url, params), scope))
    return hashlib.sha256(text.encode()).hexdigest()


class HttpCache:
    """A TTL + LRU cache of HTTP answers in SQLite. `enabled=False` (`--no-cache`) makes
    every lookup a miss and stores nothing."""

    def __init__(
        self,
        path: Path | None,
        *,
        ttl_s: float = DEFAULT_TTL_S,
        max_bytes: int = DEFAULT_MAX_BYTES,
        enabled: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.ttl_s = ttl_s
        self.max_bytes = max_bytes
        self.clock = clock
        self.problem = ""  # why the cache was turned off, if it was
        self._conn: sqlite3.Connection | None = None
        if enabled and ttl_s > 0 and max_bytes > 0:
            self._conn = self._open(path)

    @property
    def enabled(self) -> bool:
        return self._conn is not None

    def _open(self, path: Path | None) -> sqlite3.Connection | None:
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                str(path) if path else ":memory:", isolation_level=None, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            use_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.executescript(_SCHEMA)
            return conn
        except (sqlite3.Error, OSError) as err:
            self.problem = f"HTTP cache disabled: {err}"
            return None

    def get(self, key: str) -> CachedResponse | None:
        """The stored answer, or None when absent, expired or unreadable."""
        if self._conn is None:
            return None
        now = self.clock()
        try:
            row = self._conn.execute(
                "SELECT status, headers, body, expires_at FROM entries WHERE key = ?", (key,)
            ).fetchone()
            if row is None or row[3] <= now:
                return None
            self._conn.execute("UPDATE entries SET used_at = ? WHERE key = ?", (now, key))
            return CachedResponse(row[0], zlib.decompress(row[2]), json.loads(row[1]))
        except (sqlite3.Error, zlib.error, ValueError):
            return None

    def put(self, key: str, response: CachedResponse, ttl_s: float | None = None) -> None:
        """Store an answer for `ttl_s` (the cache's TTL by default), evicting the least
        recently used entries when the total passes the size cap."""
        conn = self._conn
        ttl = self.ttl_s if ttl_s is None else ttl_s
        if conn is None or ttl <= 0:
            return
        body = zlib.compress(response.body, 6)
        size = len(body) + len(key) + 64
        if size > self.max_bytes // 4:  # one answer must not flush the whole cache
            return
        now = self.clock()
        headers = json.dumps(dict(response.headers), separators=(",", ":"))
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                old = conn.execute("SELECT size FROM entries WHERE key = ?", (key,)).fetchone()
                conn.execute(
                    "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (key, response.status, headers, body, size, now, now + ttl, now),
                )
                delta = size - (old[0] if old else 0)
                conn.execute("UPDATE totals SET bytes = bytes + ? WHERE id = 0", (delta,))
                self._evict(conn, now)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            return

    def _evict(self, conn: sqlite3.Connection, now: float) -> None:
        (total,) = conn.execute("SELECT bytes FROM totals WHERE id = 0").fetchone()
        if total <= self.max_bytes:
            return
        target = int(self.max_bytes * 0.9)  # free some room, so eviction is not every put
        freed = conn.execute("SELECT total(size) FROM entries WHERE expires_at <= ?", (now,))
        (expired,) = freed.fetchone()
        conn.execute("DELETE FROM entries WHERE expires_at <= ?", (now,))
        total -= int(expired)
        victims: list[str] = []
        if total > target:
            for key, size in conn.execute("SELECT key, size FROM entries ORDER BY used_at"):
                victims.append(key)
                total -= size
                if total <= target:
                    break
            conn.executemany("DELETE FROM entries WHERE key = ?", ((k,) for k in victims))
        conn.execute("UPDATE totals SET bytes = ? WHERE id = 0", (max(0, total),))

    def stats(self) -> tuple[int, int]:
        """(entries, bytes stored)."""
        if self._conn is None:
            return 0, 0
        row = self._conn.execute("SELECT count(*), total(size) FROM entries").fetchone()
        return int(row[0]), int(row[1])

    def clear(self) -> None:
        if self._conn is None:
            return
        with self._conn:
            self._conn.execute("DELETE FROM entries")
            self._conn.execute("UPDATE totals SET bytes = 0 WHERE id = 0")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
