"""The journal file (matcher.engine.journal_db) on real SQLite files: where it lives, how
it is marked and versioned, what opening refuses, damage and rebuilding, and durability
when the writer is killed."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

import matcher.engine.journal_db as journal_db
from matcher.engine.journal import Journal
from matcher.errors import JournalError
from matcher.paths import data_dir
from tests.matcher.engine.journal_fixtures import chunk, night_journal, python_child, sql


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite"


@pytest.fixture
def journal(path: Path) -> Iterator[Journal]:
    """A journal holding batch "night-1" with playlists 0 (10 entries) and 1 (4 entries)."""
    with night_journal(path) as j:
        yield j


# -- opening, versions, damage ----------------------------------------------------------


def test_default_location_is_the_data_dir() -> None:
    with Journal.open() as j:
        assert j.path == data_dir() / "journal.sqlite"
    assert (data_dir() / "journal.sqlite").is_file()


def test_file_is_marked_and_versioned(journal: Journal, path: Path) -> None:
    assert sql(path, "PRAGMA application_id") == [(journal_db.APPLICATION_ID,)]
    assert sql(path, "PRAGMA user_version") == [(journal_db.SCHEMA_VERSION,)]
    assert sql(path, "PRAGMA journal_mode") == [("wal",)]


def test_reopening_keeps_everything(journal: Journal, path: Path) -> None:
    journal.record_results("night-1", 0, chunk(0, 3))
    journal.close()
    with Journal.open(path) as again:
        assert again.done_indices("night-1", 0) == {0, 1, 2}


def test_empty_file_becomes_a_journal(path: Path) -> None:
    path.write_bytes(b"")
    with Journal.open(path) as j:
        assert j.batches() == []


def test_readonly_open_of_a_missing_journal_fails_and_creates_nothing(path: Path) -> None:
    with pytest.raises(JournalError, match="no journal"):
        Journal.open(path, readonly=True)
    assert not path.exists()


def test_readonly_open_of_a_closed_journal_without_wal_files(journal: Journal, path: Path) -> None:
    journal.close()
    assert not Path(f"{path}-wal").exists()  # the last writer checkpointed and removed it
    with Journal.open(path, readonly=True) as reader:
        assert [p.playlist_id for p in reader.playlists("night-1")] == [0, 1]


@pytest.mark.parametrize("readonly", [False, True], ids=["writable", "readonly"])
def test_newer_schema_is_refused(journal: Journal, path: Path, readonly: bool) -> None:
    journal.close()
    sql(path, f"PRAGMA user_version = {journal_db.SCHEMA_VERSION + 1}")
    with pytest.raises(JournalError, match="newer CrateMatch") as err:
        Journal.open(path, readonly=readonly)
    assert "\n" not in str(err.value)


def test_other_sqlite_database_is_refused(path: Path) -> None:
    sql(path, "CREATE TABLE playlists (name TEXT)")
    with pytest.raises(JournalError, match="not a CrateMatch journal"):
        Journal.open(path)


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="folder"):
        Journal.open(tmp_path)


def test_non_sqlite_file_is_refused_then_rebuilt(path: Path) -> None:
    garbage = b"this is a shopping list, not a journal\n" * 200
    path.write_bytes(garbage)
    with pytest.raises(JournalError, match="damaged or not a database") as err:
        Journal.open(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)
    Path(f"{path}-wal").write_bytes(b"stale wal")  # must not be replayed into the fresh file

    aside = Journal.rebuild(path)
    assert aside.name.startswith("journal.sqlite.corrupt-")
    assert aside.read_bytes() == garbage
    assert Path(f"{aside}-wal").read_bytes() == b"stale wal"
    with Journal.open(path) as fresh:
        assert fresh.batches() == []
        fresh.create_batch("night-2", config={}, inputs=[], out_dir="/out")
    assert Journal.rebuild(path) != aside  # a second rebuild in the same second: new name


def _read_everything(path: Path) -> None:
    with Journal.open(path) as j:
        for record in j.batches():
            for playlist in j.playlists(record.batch_id):
                j.results(record.batch_id, playlist.playlist_id)
                j.counts(record.batch_id, playlist.playlist_id)


def test_damaged_pages_raise_journal_error_and_rebuild_recovers(
    journal: Journal, path: Path
) -> None:
    for start in range(0, 10, 2):
        journal.record_results("night-1", 0, chunk(start, start + 2))
    journal.close()
    with path.open("r+b") as f:
        f.seek(4096)  # page 2 onwards: table and index b-trees
        f.write(os.urandom(3 * 4096))
    with pytest.raises(JournalError, match="damaged"):
        _read_everything(path)
    Journal.rebuild(path)
    _read_everything(path)


# -- durability --------------------------------------------------------------------------


WRITER = """
import sys
from matcher.engine.journal import Journal
from matcher.model import MatchResult, MatchStatus, PlaylistEntry
size = int(sys.argv[2])
with Journal.open(sys.argv[1]) as j:
    for n in range(10**6):
        j.record_results("night-1", 0, [
            MatchResult(PlaylistEntry("a.m3u", "a", i, title="x" * 200), MatchStatus.UNMATCHED,
                        0.0, "local", "below threshold")
            for i in range(n * size, (n + 1) * size)
        ])
        print(n, flush=True)
"""


@pytest.mark.parametrize("kill_after", [1, 12], ids=["early", "later"])
def test_kill_9_loses_no_committed_chunk_and_leaves_no_half_chunk(
    journal: Journal, path: Path, kill_after: int
) -> None:
    size = 40
    journal.add_playlist("night-1", 0, file="a.m3u", source="a.m3u", name="a", format="m3u",
                         total=10**7)  # fmt: skip
    journal.close()
    with python_child(WRITER, str(path), str(size)) as writer:
        committed = -1
        while committed < kill_after:
            line = writer.stdout.readline()
            assert line, writer.stderr.read()
            committed = int(line)
        writer.kill()  # SIGKILL, while it is writing the next chunks
        rest = writer.communicate(timeout=30)[0].split()
    assert writer.returncode == (-signal.SIGKILL if os.name == "posix" else 1)
    committed = int(rest[-1]) if rest else committed

    with Journal.open(path) as j:
        done = j.done_indices("night-1", 0)
        assert set(range((committed + 1) * size)) <= done  # every reported commit is there
        assert done == set(range(len(done))) and len(done) % size == 0  # whole chunks only
        assert j.batch("night-1").done == j.playlists("night-1")[0].done == len(done)
        assert len(j.results("night-1", 0)) == len(done)
    assert sql(path, "PRAGMA integrity_check") == [("ok",)]
