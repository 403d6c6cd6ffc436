"""The host's writes to the journal (matcher.engine.journal): batches, playlists, state,
and results recorded one chunk per transaction, never duplicated."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from matcher.engine.events import BatchState
from matcher.engine.journal import BatchRecord, Journal, encode_result
from matcher.engine.serialize import loads_result
from matcher.errors import JournalError
from matcher.model import MatchStatus
from tests.matcher.engine.journal_fixtures import (
    chunk,
    make_result,
    new_batch,
    night_journal,
    sql,
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite"


@pytest.fixture
def journal(path: Path) -> Iterator[Journal]:
    """A journal holding batch "night-1" with playlists 0 (10 entries) and 1 (4 entries)."""
    with night_journal(path) as j:
        yield j


# -- batches and playlists --------------------------------------------------------------


def test_readonly_journal_refuses_writes(journal: Journal, path: Path) -> None:
    with Journal.open(path, readonly=True) as reader:
        assert reader.batch("night-1") is not None
        with pytest.raises(JournalError, match="read-only"):
            reader.record_results("night-1", 0, chunk(0, 1))
        with pytest.raises(JournalError, match="read-only"):
            reader.set_state("night-1", BatchState.RUNNING)


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


def test_delete_batch_removes_only_that_batch(journal: Journal) -> None:
    new_batch(journal, "keep", BatchState.PAUSED, 3)
    journal.record_results("night-1", 0, chunk(0, 4))
    journal.delete_batch("night-1")
    assert journal.batch("night-1") is None
    assert journal.playlists("night-1") == []
    assert journal.results("night-1", 0) == []
    assert journal.done_indices("keep", 0) == {0, 1, 2}
    journal.delete_batch("night-1")  # already gone: nothing to do


# -- results ----------------------------------------------------------------------------


def test_encode_result_names_every_column() -> None:
    result = make_result(4, MatchStatus.REVIEW)
    row = encode_result(result)
    assert (row.entry_index, row.status, row.catalog_id, row.confidence) == (
        4, "review", "cat-4", 0.8)  # fmt: skip
    assert loads_result(row.data) == result


def test_record_encoded_stores_rows_by_name(journal: Journal) -> None:
    results = chunk(0, 4)
    journal.record_encoded("night-1", 0, [encode_result(r) for r in results])
    assert journal.results("night-1", 0) == results
    assert journal.counts("night-1", 0) == {
        "matched": 1, "review": 1, "unmatched": 1, "error": 1}  # fmt: skip


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
    assert sql(path, "SELECT COUNT(*) FROM results") == [(8,)]


def test_duplicate_index_inside_one_chunk_counts_once_last_wins(journal: Journal) -> None:
    first, second = make_result(2, MatchStatus.MATCHED), make_result(2, MatchStatus.ERROR)
    journal.record_results("night-1", 0, [first, second])
    assert journal.results("night-1", 0) == [second]
    assert _done(journal) == (1, 1)


def test_query_columns_are_stored(journal: Journal, path: Path) -> None:
    journal.record_results("night-1", 0, chunk(0, 4))
    query = "SELECT entry_index, status, catalog_id, confidence FROM results ORDER BY entry_index"
    assert sql(path, query) == [
        (0, "matched", "cat-0", 0.8),
        (1, "review", "cat-1", 0.8),  # review rows carry the proposed candidate
        (2, "unmatched", "", 0.1),
        (3, "error", "", 0.8),
    ]


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
    sql(
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
