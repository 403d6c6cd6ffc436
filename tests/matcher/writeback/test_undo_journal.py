from __future__ import annotations

import pickle
import sqlite3

import pytest

from matcher.writeback import (
    FieldChange,
    RecordState,
    UndoError,
    WriteJournal,
    WriteJournalDamaged,
    WriteJournalError,
    WriteState,
    default_write_journal_path,
    rebuild_write_journal,
)

CHANGES = (FieldChange("genre", "", "House", "empty in the file"),)


def pending(journal, write_id, name="a.mp3", delta=b"delta"):
    return journal.record_pending(
        write_id,
        path=name,
        real_path=f"/music/{name}",
        before_sha256="b" * 64,
        after_sha256="a" * 64,
        size=10,
        mtime_ns=123,
        mode=0o100644,
        delta=delta,
        changes=CHANGES,
    )


def test_the_default_journal_is_in_the_data_dir(cratematch_home):
    assert default_write_journal_path() == cratematch_home / "data" / "writes.sqlite"


def test_a_write_lists_its_files_with_counts(journal):
    write_id = journal.begin(options={"overwrite": True}, sources=["/out/a", "/out/b"])
    assert pending(journal, write_id, "a.mp3") == 1
    assert pending(journal, write_id, "b.mp3") == 2
    journal.set_state(write_id, 1, RecordState.WRITTEN)
    journal.record_other(write_id, path="c.mp3", state=RecordState.REFUSED, reason="read-only")
    journal.record_other(write_id, path="d.mp3", state=RecordState.UNCHANGED)
    journal.finish(write_id)
    (summary,) = journal.writes()
    assert summary.write_id == write_id
    assert summary.state == WriteState.FINISHED
    assert summary.options == {"overwrite": True}
    assert summary.sources == ("/out/a", "/out/b")
    assert summary.counts == {"written": 1, "pending": 1, "refused": 1, "unchanged": 1}
    assert summary.total == 4
    files = journal.files(write_id)
    assert [(f.seq, f.path, f.state) for f in files] == [
        (1, "a.mp3", "written"),
        (2, "b.mp3", "pending"),
        (3, "c.mp3", "refused"),
        (4, "d.mp3", "unchanged"),
    ]
    assert files[0].changes == CHANGES
    assert (files[0].real_path, files[0].size_before, files[0].mode_before) == (
        "/music/a.mp3",
        10,
        0o100644,
    )
    assert files[2].reason == "read-only"
    assert journal.delta(write_id, 1) == b"delta"


def test_writes_are_listed_newest_first(journal):
    first = journal.begin(options={}, sources=[])
    second = journal.begin(options={}, sources=[])
    assert [w.write_id for w in journal.writes()] == [second, first]
    assert journal.last_write_id() == second
    journal.finish(second, WriteState.UNDONE)
    assert journal.last_write_id() == first
    assert journal.last_write_id(include_undone=True) == second


def test_finish_undo_says_whether_every_file_is_back(journal, write_id):
    pending(journal, write_id, "a.mp3")
    pending(journal, write_id, "b.mp3")
    journal.set_state(write_id, 1, RecordState.RESTORED)
    assert journal.finish_undo(write_id) == WriteState.PARTLY_UNDONE
    journal.set_state(write_id, 2, RecordState.RESTORED)
    assert journal.finish_undo(write_id) == WriteState.UNDONE


def test_folders_are_recorded_once(journal, write_id):
    journal.note_folder(write_id, "/music/b")
    journal.note_folder(write_id, "/music/a")
    journal.note_folder(write_id, "/music/a")
    assert journal.folders(write_id) == ("/music/a", "/music/b")


def test_unknown_write_and_missing_delta_are_undo_errors(journal, write_id):
    with pytest.raises(UndoError, match="no write 'nope'"):
        journal.write("nope")
    seq = journal.record_other(write_id, path="x", state=RecordState.REFUSED, reason="r")
    with pytest.raises(UndoError, match="no undo record"):
        journal.delta(write_id, seq)


def test_it_pickles_as_its_path_and_reopens(journal, write_id):
    pending(journal, write_id)
    with pickle.loads(pickle.dumps(journal)) as other:
        assert other.path == journal.path
        assert [f.seq for f in other.files(write_id)] == [1]


def test_undo_records_are_committed_with_full_sync(journal, write_id):
    conn = sqlite3.connect(journal.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    statements = []
    journal._conn.set_trace_callback(statements.append)
    pending(journal, write_id)
    journal.set_state(write_id, 1, RecordState.WRITTEN)
    journal._conn.set_trace_callback(None)
    insert = next(n for n, s in enumerate(statements) if s.startswith("INSERT INTO files"))
    commit = statements.index("COMMIT", insert)
    assert "PRAGMA synchronous = FULL" in statements[:insert]
    assert "PRAGMA synchronous = NORMAL" in statements[commit:]
    assert statements[commit:].count("PRAGMA synchronous = FULL") == 0  # the state mark


def test_two_connections_number_files_without_clashes(journal, write_id):
    with WriteJournal(journal.path) as other:
        seqs = [pending(j, write_id, f"{n}.mp3") for n, j in enumerate([journal, other] * 3)]
    assert seqs == [1, 2, 3, 4, 5, 6]


def test_a_damaged_journal_is_moved_aside_and_rebuilt(tmp_path):
    path = tmp_path / "writes.sqlite"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(WriteJournalDamaged) as info:
        WriteJournal(path)
    assert info.value.path == path
    assert info.value.damaged_store == "writes journal"
    aside = rebuild_write_journal(path)
    assert aside.read_bytes().startswith(b"this is not")
    with WriteJournal(path) as fresh:
        assert fresh.writes() == ()


def test_another_sqlite_file_is_not_taken_for_a_journal(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(WriteJournalDamaged, match="not a CrateMatch writes journal"):
        WriteJournal(path)


def test_a_journal_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "writes.sqlite"
    WriteJournal(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(WriteJournalError, match="newer CrateMatch"):
        WriteJournal(path)


def test_a_folder_is_not_a_journal(tmp_path):
    with pytest.raises(WriteJournalError, match="is a folder"):
        WriteJournal(tmp_path)
