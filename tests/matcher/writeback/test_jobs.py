"""One file's job as a worker runs it: read for a plan, write, restore, and a chunk sent
again after its worker died. Real (synthesised) files and a real writes journal."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from matcher.writeback import FileStatus, RecordState, UndoError, read_state, safe_write, write_file
from matcher.writeback.jobs import (
    CHANGED_SINCE_MATCH,
    INTERRUPTED,
    Action,
    FileJob,
    run_job,
    run_jobs,
)
from matcher.writeback.policy import plan_changes
from matcher.writeback.safe_write import temp_marker
from tests.matcher.writeback.conftest import copy_writable, sha
from tests.matcher.writeback.synth import make_flac, make_mp3

VALUES = {"genre": "Tech House", "key": "Am", "bpm": "126", "year": "2019"}


def stamp_of(path: Path) -> tuple[int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns)


def write_job(path: Path, index: int = 0) -> FileJob:
    state = read_state(path)
    changes = plan_changes(state.values, VALUES, fields=frozenset(VALUES), overwrite=True,
                           container=state.container)  # fmt: skip
    return FileJob(index, str(path), changes, expected=state.stamp)


# -- read ----------------------------------------------------------------------------------


def _grown(path: Path) -> tuple[int, int]:
    size, mtime = stamp_of(path)
    return (size + 1, mtime)


def _touched(path: Path) -> tuple[int, int]:
    size, mtime = stamp_of(path)
    return (size, mtime - 1_000_000_000)


@pytest.mark.parametrize(
    ("stamp", "refused"),
    [
        pytest.param(stamp_of, "", id="as-matched"),
        pytest.param(lambda p: None, "", id="no-stamp-not-checked"),
        pytest.param(_grown, CHANGED_SINCE_MATCH, id="size-changed"),
        pytest.param(_touched, CHANGED_SINCE_MATCH, id="mtime-changed"),
    ],
)
def test_a_read_checks_the_file_is_as_the_batch_matched_it(tmp_path, stamp, refused):
    path = make_mp3(tmp_path / "a.mp3")
    done = run_job(Action.READ, FileJob(3, str(path), batch_stamp=stamp(path)), None, "")
    assert (done.index, done.refused) == (3, refused)
    assert (done.state is None) == bool(refused)
    if done.state is not None:
        assert done.state.container == "id3" and done.state.stamp.size == path.stat().st_size


def _not_audio(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n" * 40)
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.flac"
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize(
    ("make", "stamped", "reason"),
    [
        pytest.param(lambda t: t / "gone.mp3", False, "missing", id="missing"),
        pytest.param(lambda t: t / "gone.mp3", True, "missing", id="missing-with-stamp"),
        pytest.param(_not_audio, False, "not an audio file", id="not-audio"),
        pytest.param(_empty, False, "damaged (empty file)", id="empty"),
        pytest.param(lambda t: t, False, "not a file", id="a-folder"),
    ],
)
def test_a_read_refuses_with_one_line(tmp_path, make, stamped, reason):
    path = make(tmp_path)
    job = FileJob(0, str(path), batch_stamp=(1, 1) if stamped else None)
    done = run_job(Action.READ, job, None, "")
    assert done.state is None and done.refused.startswith(reason) and "\n" not in done.refused


def test_a_reader_bug_costs_one_file(tmp_path, monkeypatch):
    import matcher.writeback.jobs as jobs

    def broken(path):  # noqa: ANN001, ANN202
        raise RuntimeError("a reader bug\nwith two lines")

    monkeypatch.setattr(jobs, "read_state", broken)
    done = run_job(Action.READ, FileJob(0, str(make_mp3(tmp_path / "a.mp3"))), None, "")
    assert done.refused.startswith("cannot be read (RuntimeError: a reader bug")


# -- write and restore ---------------------------------------------------------------------


def test_write_and_restore_need_the_journal(tmp_path):
    job = write_job(make_mp3(tmp_path / "a.mp3"))
    for action in (Action.WRITE, Action.RESTORE):
        with pytest.raises(UndoError, match="needs the writes journal"):
            run_job(action, job, None, "w")


def test_write_then_restore(tmp_path, journal, write_id):
    path = make_flac(tmp_path / "a.flac")
    before = sha(path)
    done = run_job(Action.WRITE, write_job(path, 7), journal, write_id)
    assert done.index == 7 and done.outcome.status is FileStatus.WRITTEN
    assert sha(path) != before
    (record,) = journal.files(write_id)
    back = run_job(Action.RESTORE, FileJob(7, str(path), seq=record.seq), journal, write_id)
    assert back.outcome.status is FileStatus.RESTORED and sha(path) == before


def test_a_file_edited_since_it_was_read_is_refused(tmp_path, journal, write_id):
    path = make_mp3(tmp_path / "a.mp3")
    job = write_job(path)
    os.utime(path, ns=(0, path.stat().st_mtime_ns + 5_000_000_000))
    done = run_job(Action.WRITE, job, journal, write_id)
    assert (done.outcome.status, done.outcome.reason) == (FileStatus.REFUSED,
                                                          "changed since it was read")  # fmt: skip


def test_a_restore_of_an_unknown_row_is_refused(tmp_path, journal, write_id):
    done = run_job(Action.RESTORE, FileJob(0, "/m/a.mp3", seq=99), journal, write_id)
    assert (done.outcome.status, done.outcome.reason) == (FileStatus.REFUSED,
                                                          "not in the writes journal")  # fmt: skip


# -- a chunk sent again after its worker died ----------------------------------------------


def test_a_retry_reports_files_the_dead_worker_wrote_as_written(tmp_path, journal, write_id):
    paths = [make_mp3(tmp_path / f"{n}.mp3", seed=n) for n in range(3)]
    jobs = [write_job(p, n) for n, p in enumerate(paths)]
    first = run_jobs(Action.WRITE, jobs[:2], journal, write_id)  # then the worker died
    written = [sha(p) for p in paths[:2]]
    again = run_jobs(Action.WRITE, jobs, journal, write_id, retry=True)
    assert [d.outcome.status for d in again] == [FileStatus.WRITTEN] * 3
    assert [d.outcome.seq for d in again[:2]] == [d.outcome.seq for d in first]
    assert [sha(p) for p in paths[:2]] == written  # not written twice
    assert [r.state for r in journal.files(write_id)] == ["written"] * 3  # one row per file


def test_a_retry_settles_an_undo_record_left_before_the_rename(
    tmp_path, journal, write_id, monkeypatch
):
    path = make_mp3(tmp_path / "a.mp3")
    before = sha(path)
    job = write_job(path)

    def killed(tmp: Path, real: Path) -> None:  # the worker died before its rename
        raise SystemExit("killed")

    with monkeypatch.context() as patch:
        patch.setattr(safe_write, "_replace", killed)
        with pytest.raises(SystemExit):
            write_file(path, job.changes, expected_stamp=job.expected, journal=journal,
                       write_id=write_id)  # fmt: skip
    assert sha(path) == before and [r.state for r in journal.files(write_id)] == ["pending"]
    (done,) = run_jobs(Action.WRITE, [job], journal, write_id, retry=True)
    assert done.outcome.status is FileStatus.WRITTEN and sha(path) != before
    assert [(r.state, r.reason) for r in journal.files(write_id)] == [
        ("unchanged", INTERRUPTED), ("written", ""),
    ]  # fmt: skip


def test_a_retry_finds_a_file_replaced_but_not_marked_written(tmp_path, journal, write_id):
    path = make_mp3(tmp_path / "a.mp3")
    job = write_job(path)
    run_job(Action.WRITE, job, journal, write_id)
    (record,) = journal.files(write_id)
    journal.set_state(write_id, record.seq, RecordState.PENDING)  # killed right after rename
    (done,) = run_jobs(Action.WRITE, [job], journal, write_id, retry=True)
    assert (done.outcome.status, done.outcome.seq) == (FileStatus.WRITTEN, record.seq)
    assert [r.state for r in journal.files(write_id)] == ["written"]


def test_without_retry_a_written_file_is_changed_since_it_was_read(tmp_path, journal, write_id):
    path = make_mp3(tmp_path / "a.mp3")
    job = write_job(path)
    run_job(Action.WRITE, job, journal, write_id)
    (done,) = run_jobs(Action.WRITE, [job], journal, write_id)
    assert done.outcome.reason == "changed since it was read"


def test_a_retried_restore_counts_what_the_dead_worker_restored(tmp_path, journal, write_id):
    path = make_mp3(tmp_path / "a.mp3")
    before = sha(path)
    run_job(Action.WRITE, write_job(path), journal, write_id)
    (record,) = journal.files(write_id)
    job = FileJob(0, str(path), seq=record.seq)
    run_jobs(Action.RESTORE, [job], journal, write_id)  # then the worker died
    (done,) = run_jobs(Action.RESTORE, [job], journal, write_id, retry=True)
    assert done.outcome.status is FileStatus.RESTORED and sha(path) == before


def test_a_retry_leaves_a_file_someone_else_changed_refused(tmp_path, journal, write_id):
    path = make_mp3(tmp_path / "a.mp3")
    job = write_job(path)
    run_job(Action.WRITE, job, journal, write_id)
    shutil.copyfile(make_mp3(tmp_path / "other.mp3", seed=9), path)  # the DJ's app wrote it
    (done,) = run_jobs(Action.WRITE, [job], journal, write_id, retry=True)
    assert done.outcome.status is FileStatus.REFUSED
    assert not [p for p in tmp_path.iterdir() if temp_marker(write_id) in p.name]


def test_a_fill_only_write_of_a_file_with_a_bad_tyer_frame(tmp_path, real_audio, journal, write_id):
    """A year Latin-1 cannot hold must not stop the write: the ID3v1 tag is kept as it
    was, never rebuilt from ID3v2 (mutagen's rebuild raised UnicodeEncodeError)."""
    path = copy_writable(real_audio / "bad-TYER-frame.mp3", tmp_path / "bad-TYER-frame.mp3")
    state = read_state(path)  # its TYER says "\xfe\xff": not empty, so fill-only keeps it
    changes = plan_changes(state.values, VALUES, fields=frozenset(VALUES), overwrite=False,
                           container=state.container)  # fmt: skip
    assert "year" not in [c.field for c in changes]
    done = run_job(Action.WRITE, FileJob(0, str(path), changes, expected=state.stamp),
                   journal, write_id)  # fmt: skip
    assert done.outcome.status is FileStatus.WRITTEN, done.outcome.reason
    tail = (real_audio / "bad-TYER-frame.mp3").read_bytes()[-128:]
    assert tail.startswith(b"TAG") and path.read_bytes()[-128:] == tail
