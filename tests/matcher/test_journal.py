"""The batch journal on real SQLite files: bookkeeping, resumability, damage, concurrency."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

import matcher.journal as journal_module
from matcher.errors import JournalError
from matcher.events import BatchState
from matcher.journal import BatchRecord, Journal, PlaylistRecord
from matcher.model import Candidate, CatalogTrack, MatchResult, MatchStatus, PlaylistEntry
from matcher.paths import data_dir

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


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite"


@pytest.fixture
def journal(path: Path) -> Iterator[Journal]:
    """A journal holding batch "night-1" with playlists 0 (10 entries) and 1 (4 entries)."""
    with Journal.open(path) as j:
        j.create_batch("night-1", config={"preset": "balanced", "catalog": Path("/c/cat.sqlite")},
                       inputs=[{"path": "Moth Season.m3u8"}], out_dir="/out")  # fmt: skip
        j.add_playlist("night-1", 0, file="Moth Season.m3u8", source="/in/Moth Season.m3u8",
                       name="Moth Season", format="m3u", total=10, content_hash="h0")  # fmt: skip
        j.add_playlist("night-1", 1, file="Dust.csv", source="/in/Dust.csv", name="Dust",
                       format="csv", total=4)  # fmt: skip
        yield j


# -- opening, versions, damage ----------------------------------------------------------


def test_default_location_is_the_data_dir() -> None:
    with Journal.open() as j:
        assert j.path == data_dir() / "journal.sqlite"
    assert (data_dir() / "journal.sqlite").is_file()


def _sql(path: Path, sql: str) -> list[tuple]:
    """One committed statement on a raw connection, behind the Journal's back."""
    with closing(sqlite3.connect(path)) as conn, conn:
        return conn.execute(sql).fetchall()


def test_file_is_marked_and_versioned(journal: Journal, path: Path) -> None:
    assert _sql(path, "PRAGMA application_id") == [(journal_module.APPLICATION_ID,)]
    assert _sql(path, "PRAGMA user_version") == [(journal_module.SCHEMA_VERSION,)]
    assert _sql(path, "PRAGMA journal_mode") == [("wal",)]


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


def test_readonly_journal_refuses_writes(journal: Journal, path: Path) -> None:
    with Journal.open(path, readonly=True) as reader:
        assert reader.batch("night-1") is not None
        with pytest.raises(JournalError, match="read-only"):
            reader.record_results("night-1", 0, chunk(0, 1))
        with pytest.raises(JournalError, match="read-only"):
            reader.set_state("night-1", BatchState.RUNNING)


def test_readonly_open_of_a_closed_journal_without_wal_files(journal: Journal, path: Path) -> None:
    journal.close()
    assert not Path(f"{path}-wal").exists()  # the last writer checkpointed and removed it
    with Journal.open(path, readonly=True) as reader:
        assert [p.playlist_id for p in reader.playlists("night-1")] == [0, 1]


@pytest.mark.parametrize("readonly", [False, True], ids=["writable", "readonly"])
def test_newer_schema_is_refused(journal: Journal, path: Path, readonly: bool) -> None:
    journal.close()
    _sql(path, f"PRAGMA user_version = {journal_module.SCHEMA_VERSION + 1}")
    with pytest.raises(JournalError, match="newer CrateMatch") as err:
        Journal.open(path, readonly=readonly)
    assert "\n" not in str(err.value)


def test_other_sqlite_database_is_refused(path: Path) -> None:
    _sql(path, "CREATE TABLE playlists (name TEXT)")
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


def test_closed_journal_raises(journal: Journal) -> None:
    journal.close()
    with pytest.raises(JournalError, match="closed"):
        journal.batches()
    with pytest.raises(JournalError, match="closed"):
        journal.record_results("night-1", 0, chunk(0, 1))


# -- batches and playlists --------------------------------------------------------------


def test_create_batch_records_everything(journal: Journal) -> None:
    record = journal.batch("night-1")
    assert isinstance(record, BatchRecord)
    assert record.state is BatchState.PENDING
    assert record.config == {"preset": "balanced", "catalog": "/c/cat.sqlite"}
    assert record.inputs == [{"path": "Moth Season.m3u8"}]
    assert (record.out_dir, record.total, record.done, record.note) == ("/out", 14, 0, "")
    assert record.created <= record.updated <= time.time()
    assert journal.batch("no-such-batch") is None


def test_duplicate_batch_id_is_refused(journal: Journal) -> None:
    with pytest.raises(JournalError, match="already exists"):
        journal.create_batch("night-1", config={}, inputs=[], out_dir="/elsewhere")
    assert journal.batch("night-1").out_dir == "/out"


def test_config_that_json_cannot_hold_is_refused(journal: Journal) -> None:
    with pytest.raises(JournalError, match="config"):
        journal.create_batch("night-2", config={"x": object()}, inputs=[], out_dir="/out")
    assert journal.batch("night-2") is None


def test_playlists_by_id_with_their_fields(journal: Journal) -> None:
    journal.set_playlist_finished("night-1", 1, "/out/Dust")
    assert journal.playlists("night-1") == [
        PlaylistRecord("night-1", 0, "Moth Season.m3u8", "/in/Moth Season.m3u8", "Moth Season",
                       "m3u", 10, 0, "h0", False, ""),
        PlaylistRecord("night-1", 1, "Dust.csv", "/in/Dust.csv", "Dust", "csv", 4, 0, "", True,
                       "/out/Dust"),
    ]  # fmt: skip


def test_add_playlist_again_is_idempotent_and_keeps_results(journal: Journal) -> None:
    journal.record_results("night-1", 0, chunk(0, 3))
    again = dict(file="Moth Season.m3u8", source="/in/Moth Season.m3u8", name="Moth Season",
                 format="m3u", total=10, content_hash="h0")  # fmt: skip
    for _ in range(2):
        journal.add_playlist("night-1", 0, **again)
    assert len(journal.playlists("night-1")) == 2
    assert journal.batch("night-1").total == 14
    journal.add_playlist("night-1", 0, file="Moth Season.m3u8", source="/in/Moth Season.m3u8",
                         name="Moth Season", format="m3u", total=12, content_hash="h1")  # fmt: skip
    playlist = journal.playlists("night-1")[0]
    assert (playlist.total, playlist.done, playlist.content_hash) == (12, 3, "h1")
    assert journal.batch("night-1").total == 16


def test_add_playlist_to_unknown_batch_is_refused(journal: Journal) -> None:
    with pytest.raises(JournalError, match="no batch"):
        journal.add_playlist("ghost", 0, file="a", source="a", name="a", format="m3u", total=1)


def test_set_state_and_note(journal: Journal) -> None:
    before = journal.batch("night-1").updated
    journal.set_state("night-1", BatchState.FAILED, note="catalog unusable")
    record = journal.batch("night-1")
    assert (record.state, record.note) == (BatchState.FAILED, "catalog unusable")
    assert record.updated >= before
    with pytest.raises(JournalError, match="no batch"):
        journal.set_state("ghost", BatchState.RUNNING)
    with pytest.raises(JournalError, match="no playlist"):
        journal.set_playlist_finished("night-1", 7, "/out/x")


def _new_batch(journal: Journal, batch_id: str, state: BatchState, done: int = 0) -> None:
    journal.create_batch(batch_id, config={}, inputs=[], out_dir="/out")
    journal.add_playlist(batch_id, 0, file="a.m3u", source="a.m3u", name="a", format="m3u",
                         total=5)  # fmt: skip
    journal.record_results(batch_id, 0, chunk(0, done))
    journal.set_state(batch_id, state)


def test_batches_newest_first_with_limit(path: Path) -> None:
    with Journal.open(path) as j:
        for name in ("first", "second", "third"):
            _new_batch(j, name, BatchState.FINISHED)
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
        _new_batch(j, "older", BatchState.PAUSED, 1)
        _new_batch(j, "probe", state, done)
    with Journal.open(path, readonly=True) as j:  # as `cratematch resume` would, after a crash
        expected = ["probe", "older"] if unfinished else ["older"]
        assert [b.batch_id for b in j.unfinished()] == expected


def test_delete_batch_removes_only_that_batch(journal: Journal) -> None:
    _new_batch(journal, "keep", BatchState.PAUSED, 3)
    journal.record_results("night-1", 0, chunk(0, 4))
    journal.delete_batch("night-1")
    assert journal.batch("night-1") is None
    assert journal.playlists("night-1") == []
    assert journal.results("night-1", 0) == []
    assert journal.done_indices("keep", 0) == {0, 1, 2}
    journal.delete_batch("night-1")  # already gone: nothing to do


# -- results ----------------------------------------------------------------------------


def _done(journal: Journal, playlist_id: int = 0) -> tuple[int, int]:
    playlist = next(p for p in journal.playlists("night-1") if p.playlist_id == playlist_id)
    return playlist.done, journal.batch("night-1").done


def test_record_and_read_back(journal: Journal) -> None:
    results = chunk(0, 6)
    journal.record_results("night-1", 0, results)
    assert journal.results("night-1", 0) == results
    assert journal.done_indices("night-1", 0) == set(range(6))
    assert _done(journal) == (6, 6)
    assert journal.results("night-1", 1) == []


def test_re_recording_a_chunk_never_duplicates(journal: Journal, path: Path) -> None:
    journal.record_results("night-1", 0, chunk(0, 5))
    journal.record_results("night-1", 0, chunk(0, 5))  # a retried chunk
    assert _done(journal) == (5, 5)
    journal.record_results("night-1", 0, chunk(3, 8))  # overlapping
    assert _done(journal) == (8, 8)
    assert _sql(path, "SELECT COUNT(*) FROM results") == [(8,)]


def test_duplicate_index_inside_one_chunk_counts_once_last_wins(journal: Journal) -> None:
    first, second = make_result(2, MatchStatus.MATCHED), make_result(2, MatchStatus.ERROR)
    journal.record_results("night-1", 0, [first, second])
    assert journal.results("night-1", 0) == [second]
    assert _done(journal) == (1, 1)


def test_results_are_ordered_by_entry_index(journal: Journal) -> None:
    journal.record_results("night-1", 0, chunk(6, 10))
    journal.record_results("night-1", 0, list(reversed(chunk(0, 6))))
    assert [r.entry_index for r in journal.results("night-1", 0)] == list(range(10))


def test_iter_results_streams_across_pages(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_module, "_PAGE", 3)
    journal.record_results("night-1", 0, chunk(0, 10))
    stream = journal.iter_results("night-1", 0)
    head = [next(stream) for _ in range(4)]
    journal.record_results("night-1", 1, chunk(0, 4))  # writes between pages are fine
    assert head + list(stream) == chunk(0, 10)


def test_query_columns_are_stored(journal: Journal, path: Path) -> None:
    journal.record_results("night-1", 0, chunk(0, 4))
    sql = "SELECT entry_index, status, catalog_id, confidence FROM results ORDER BY entry_index"
    assert _sql(path, sql) == [
        (0, "matched", "cat-0", 0.8),
        (1, "review", "cat-1", 0.8),  # review rows carry the proposed candidate
        (2, "unmatched", "", 0.1),
        (3, "error", "", 0.8),
    ]


def test_counts_per_playlist_and_batch(journal: Journal) -> None:
    assert journal.counts("night-1") == {"matched": 0, "review": 0, "unmatched": 0, "error": 0}
    journal.record_results("night-1", 0, chunk(0, 10))
    journal.record_results("night-1", 1, chunk(0, 2))
    assert journal.counts("night-1", 0) == {"matched": 3, "review": 3, "unmatched": 2, "error": 2}
    assert journal.counts("night-1", 1) == {"matched": 1, "review": 1, "unmatched": 0, "error": 0}
    assert journal.counts("night-1") == {"matched": 4, "review": 4, "unmatched": 2, "error": 2}


def test_update_result_replaces_the_row(journal: Journal) -> None:
    journal.record_results("night-1", 0, chunk(0, 4))
    edited = replace(make_result(1), reason="accepted by the user")
    journal.update_result("night-1", 0, edited)
    assert journal.results("night-1", 0)[1] == edited
    assert _done(journal) == (4, 4)
    assert journal.counts("night-1", 0)["review"] == 0
    with pytest.raises(JournalError, match="no result for entry 9"):
        journal.update_result("night-1", 0, make_result(9))


@pytest.mark.parametrize(
    ("batch_id", "playlist_id", "message"),
    [
        pytest.param("night-1", 5, "no playlist 5", id="unknown-playlist"),
        pytest.param("ghost", 0, "no playlist 0 in batch ghost", id="unknown-batch"),
    ],
)
def test_recording_into_nothing_is_refused(
    journal: Journal, batch_id: str, playlist_id: int, message: str
) -> None:
    with pytest.raises(JournalError, match=message):
        journal.record_results(batch_id, playlist_id, chunk(0, 2))
    assert journal.counts("night-1")["matched"] == 0


def test_a_chunk_is_all_or_nothing(journal: Journal, path: Path) -> None:
    _sql(
        path,
        "CREATE TRIGGER boom BEFORE INSERT ON results WHEN NEW.entry_index = 3 "
        "BEGIN SELECT RAISE(ABORT, 'disk said no'); END",
    )
    with pytest.raises(JournalError, match="disk said no"):
        journal.record_results("night-1", 0, chunk(0, 6))
    assert journal.done_indices("night-1", 0) == set()
    assert _done(journal) == (0, 0)
    with pytest.raises(JournalError):
        journal.record_results("night-1", 0, [*chunk(0, 2), "not a result"])  # type: ignore[list-item]
    assert journal.done_indices("night-1", 0) == set()


def test_empty_chunk_is_a_no_op(journal: Journal) -> None:
    journal.record_results("night-1", 0, [])
    assert _done(journal) == (0, 0)


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


@contextmanager
def _python(code: str, *args: str) -> Iterator[subprocess.Popen[str]]:
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


READER = """
import sys
from matcher.journal import Journal
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
    with _python(READER, str(path), "1000") as reader:
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


WRITER = """
import sys
from matcher.journal import Journal
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
    with _python(WRITER, str(path), str(size)) as writer:
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
    assert _sql(path, "PRAGMA integrity_check") == [("ok",)]
