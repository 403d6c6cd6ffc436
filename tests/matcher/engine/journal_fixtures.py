"""Helpers for the journal tests (test_journal_db, test_history, test_journal): invented
results, a journal holding one batch, raw SQL behind the journal's back, child processes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from matcher.engine.events import BatchState
from matcher.engine.journal import Journal
from matcher.model import Candidate, CatalogTrack, MatchResult, MatchStatus, PlaylistEntry

__all__ = [
    "STATUS_CYCLE",
    "chunk",
    "make_result",
    "new_batch",
    "night_journal",
    "python_child",
    "sql",
]

STATUS_CYCLE = [MatchStatus.MATCHED, MatchStatus.REVIEW, MatchStatus.UNMATCHED, MatchStatus.ERROR]


def make_result(index: int, status: MatchStatus = MatchStatus.MATCHED) -> MatchResult:
    entry = PlaylistEntry("Moth Season.m3u8", "Moth Season", index, title=f"Lantern {index}",
                          artist="Pell Ardent", duration_s=300.0 + index)  # fmt: skip
    track = CatalogTrack(f"cat-{index}", f"Lantern {index}", artists=("Pell Ardent",))
    best = Candidate(track, 0.8, {"title": 1.0}) if status != MatchStatus.UNMATCHED else None
    return MatchResult(entry, status, 0.8 if best else 0.1, "local", str(status), best,
                       (best,) if best else ())  # fmt: skip


def chunk(start: int, stop: int) -> list[MatchResult]:
    return [make_result(i, STATUS_CYCLE[i % 4]) for i in range(start, stop)]


@contextmanager
def night_journal(path: Path) -> Iterator[Journal]:
    """A journal holding batch "night-1" with playlists 0 (10 entries) and 1 (4 entries)."""
    with Journal.open(path) as j:
        j.create_batch("night-1", config={"preset": "balanced", "catalog": Path("/c/cat.sqlite")},
                       inputs=[{"path": "Moth Season.m3u8"}], out_dir="/out")  # fmt: skip
        j.add_playlist("night-1", 0, file="Moth Season.m3u8", source="/in/Moth Season.m3u8",
                       name="Moth Season", format="m3u", total=10, content_hash="h0")  # fmt: skip
        j.add_playlist("night-1", 1, file="Dust.csv", source="/in/Dust.csv", name="Dust",
                       format="csv", total=4)  # fmt: skip
        yield j


def sql(path: Path, statement: str) -> list[tuple]:
    """One committed statement on a raw connection, behind the Journal's back."""
    with closing(sqlite3.connect(path)) as conn, conn:
        return conn.execute(statement).fetchall()


def new_batch(journal: Journal, batch_id: str, state: BatchState, done: int = 0) -> None:
    journal.create_batch(batch_id, config={}, inputs=[], out_dir="/out")
    journal.add_playlist(batch_id, 0, file="a.m3u", source="a.m3u", name="a", format="m3u",
                         total=5)  # fmt: skip
    journal.record_results(batch_id, 0, chunk(0, done))
    journal.set_state(batch_id, state)


@contextmanager
def python_child(code: str, *args: str) -> Iterator[subprocess.Popen[str]]:
    """A Python child running `code`; killed (if still running) and reaped on the way out."""
    with subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            yield child
        finally:
            if child.poll() is None:
                child.kill()
