"""Reading the journal (matcher.engine.history): batches, playlists and results, from a
read-only History or the host's Journal, while another connection or process writes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

import matcher.engine.history as history
from matcher.engine.events import BatchState
from matcher.engine.history import History
from matcher.engine.journal import Journal, PlaylistRecord
from matcher.errors import JournalError
from tests.matcher.engine.journal_fixtures import (
    chunk,
    new_batch,
    night_journal,
    python_child,
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite"


@pytest.fixture
def journal(path: Path) -> Iterator[Journal]:
    """A journal holding batch "night-1" with playlists 0 (10 entries) and 1 (4 entries)."""
    with night_journal(path) as j:
        yield j


def test_history_reads_what_the_journal_wrote_and_has_no_writes(
    journal: Journal, path: Path
) -> None:
    journal.record_results("night-1", 0, chunk(0, 3))
    with History.open(path) as reader:  # read-only unless asked otherwise
        assert reader.readonly
        assert reader.batch("night-1") == journal.batch("night-1")
        assert reader.results("night-1", 0) == chunk(0, 3)
        assert reader.result("night-1", 0, 1) == chunk(0, 3)[1]
        assert reader.result("night-1", 0, 7) is None
        assert not hasattr(reader, "record_results") and not hasattr(reader, "set_state")


def test_closed_journal_raises(journal: Journal) -> None:
    journal.close()
    with pytest.raises(JournalError, match="closed"):
        journal.batches()
    with pytest.raises(JournalError, match="closed"):
        journal.record_results("night-1", 0, chunk(0, 1))


def test_playlists_by_id_with_their_fields(journal: Journal) -> None:
    journal.set_playlist_finished("night-1", 1, "/out/Dust")
    assert journal.playlists("night-1") == [
        PlaylistRecord("night-1", 0, "Moth Season.m3u8", "/in/Moth Season.m3u8", "Moth Season",
                       "m3u", 10, 0, "h0", False, ""),
        PlaylistRecord("night-1", 1, "Dust.csv", "/in/Dust.csv", "Dust", "csv", 4, 0, "", True,
                       "/out/Dust"),
    ]  # fmt: skip


def test_batches_newest_first_with_limit(path: Path) -> None:
    with Journal.open(path) as j:
        for name in ("first", "second", "third"):
            new_batch(j, name, BatchState.FINISHED)
        assert [b.batch_id for b in j.batches()] == ["third", "second", "first"]
        assert [b.batch_id for b in j.batches(limit=2)] == ["third", "second"]


@pytest.mark.parametrize(
    ("state", "done", "unfinished"),
    [
        pytest.param(BatchState.PENDING, 0, True, id="pending"),
        pytest.param(BatchState.RUNNING, 2, True, id="running-host-died"),
        pytest.param(BatchState.PAUSING, 2, True, id="pausing"),
        pytest.param(BatchState.PAUSED, 2, True, id="paused"),
        pytest.param(BatchState.CANCELLED, 0, True, id="cancelled"),
        pytest.param(BatchState.FAILED, 2, True, id="failed-with-results"),
        pytest.param(BatchState.FAILED, 0, False, id="failed-before-any-result"),
        pytest.param(BatchState.FINISHED, 5, False, id="finished"),
    ],
)
def test_unfinished(path: Path, state: BatchState, done: int, unfinished: bool) -> None:
    with Journal.open(path) as j:
        new_batch(j, "older", BatchState.PAUSED, 1)
        new_batch(j, "probe", state, done)
    with Journal.open(path, readonly=True) as j:  # as `cratematch resume` would, after a crash
        expected = ["probe", "older"] if unfinished else ["older"]
        assert [b.batch_id for b in j.unfinished()] == expected


def test_results_are_ordered_by_entry_index(journal: Journal) -> None:
    journal.record_results("night-1", 0, chunk(6, 10))
    journal.record_results("night-1", 0, list(reversed(chunk(0, 6))))
    assert [r.entry_index for r in journal.results("night-1", 0)] == list(range(10))


def test_iter_results_streams_across_pages(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "_PAGE", 3)
    journal.record_results("night-1", 0, chunk(0, 10))
    stream = journal.iter_results("night-1", 0)
    head = [next(stream) for _ in range(4)]
    journal.record_results("night-1", 1, chunk(0, 4))  # writes between pages are fine
    assert head + list(stream) == chunk(0, 10)


def test_counts_per_playlist_and_batch(journal: Journal) -> None:
    assert journal.counts("night-1") == {"matched": 0, "review": 0, "unmatched": 0, "error": 0}
    journal.record_results("night-1", 0, chunk(0, 10))
    journal.record_results("night-1", 1, chunk(0, 2))
    assert journal.counts("night-1", 0) == {"matched": 3, "review": 3, "unmatched": 2, "error": 2}
    assert journal.counts("night-1", 1) == {"matched": 1, "review": 1, "unmatched": 0, "error": 0}
    assert journal.counts("night-1") == {"matched": 4, "review": 4, "unmatched": 2, "error": 2}


# -- other processes and connections ----------------------------------------------------


def test_second_connection_reads_while_another_writes(journal: Journal, path: Path) -> None:
    with Journal.open(path, readonly=True) as reader:
        for start in range(0, 10, 2):
            journal.record_results("night-1", 0, chunk(start, start + 2))
            assert reader.done_indices("night-1", 0) == set(range(start + 2))
        with closing(sqlite3.connect(path, isolation_level=None)) as holder:
            holder.execute("BEGIN IMMEDIATE")  # a writer mid-transaction blocks no reader
            holder.execute("DELETE FROM results")
            assert len(reader.results("night-1", 0)) == 10
            holder.execute("ROLLBACK")


READER = """
import sys
from matcher.engine.journal import Journal
seen = []
with Journal.open(sys.argv[1], readonly=True) as j:
    print("ready", flush=True)
    while not seen or seen[-1] < int(sys.argv[2]):
        done = j.done_indices("night-1", 0)
        assert done == set(range(len(done))), "a reader saw a gap"
        assert len(done) % 50 == 0, "a reader saw half a chunk"
        if not seen or len(done) != seen[-1]:
            seen.append(len(done))
            print(len(done), flush=True)
"""


def test_reader_process_sees_whole_chunks_while_writing(journal: Journal, path: Path) -> None:
    journal.add_playlist("night-1", 0, file="a.m3u", source="a.m3u", name="a", format="m3u",
                         total=1000)  # fmt: skip
    with python_child(READER, str(path), "1000") as reader:
        assert reader.stdout.readline().strip() == "ready"
        for start in range(0, 500, 50):
            journal.record_results("night-1", 0, chunk(start, start + 50))
        while reader.stdout.readline().strip() != "500":  # it saw the half-way state
            assert reader.poll() is None, reader.stderr.read()
        for start in range(500, 1000, 50):
            journal.record_results("night-1", 0, chunk(start, start + 50))
        out, err = reader.communicate(timeout=30)
    assert reader.returncode == 0, err
    assert out.split()[-1] == "1000"
