from __future__ import annotations

import hashlib
import os
import re
import stat
import subprocess
import sys
import textwrap

import pytest
from mutagen.id3 import ID3

from matcher.writeback import (
    WRITE_FIELDS,
    FieldChange,
    FileRefused,
    FileStatus,
    RecordState,
    UndoError,
    WriteJournalError,
    WriteState,
    plan_changes,
    read_state,
    restore_file,
    safe_write,
    sweep_temps,
    undo_write,
    write_file,
)
from matcher.writeback.safe_write import temp_marker
from tests.matcher.writeback.conftest import sha
from tests.matcher.writeback.synth import make_flac, make_mp3

PROPOSED = {"genre": "Tech House", "key": "Am", "bpm": "126", "year": "2019"}
ALL = frozenset(WRITE_FIELDS)
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes and flock")


def plan(path):
    state = read_state(path)
    changes = plan_changes(
        state.values, PROPOSED, fields=ALL, overwrite=True, container=state.container
    )
    return state, changes


def write(path, journal, write_id, changes=None):
    state, planned = plan(path)
    return write_file(
        path,
        planned if changes is None else changes,
        expected_stamp=state.stamp,
        journal=journal,
        write_id=write_id,
    )


def temps(folder):
    return sorted(p.name for p in folder.rglob("*.tmp"))


def test_write_then_restore_is_byte_identical(tmp_path, journal, write_id):
    path = make_mp3(tmp_path / "track.mp3")
    path.chmod(0o640)
    os.utime(path, ns=(1_000_000_000, 1_500_000_000_123))
    original = path.read_bytes()
    outcome = write(path, journal, write_id)
    assert outcome.status == FileStatus.WRITTEN, outcome.reason
    assert [c.field for c in outcome.changes] == ["genre", "key", "bpm", "year"]
    assert ID3(path)["TKEY"].text == ["Am"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert temps(tmp_path) == []
    (record,) = journal.files(write_id)
    assert (record.seq, record.state) == (outcome.seq, "written")
    assert record.before_sha256 == hashlib.sha256(original).hexdigest()
    assert record.after_sha256 == sha(path)
    restored = restore_file(record, journal)
    assert restored.status == FileStatus.RESTORED
    assert path.read_bytes() == original
    assert path.stat().st_mtime_ns == 1_500_000_000_123
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert journal.files(write_id)[0].state == RecordState.RESTORED
    assert temps(tmp_path) == []


def test_nothing_to_change_leaves_the_file_alone(tmp_path, journal, write_id):
    path = make_mp3(tmp_path / "track.mp3")
    before = path.read_bytes()
    outcome = write_file(path, (), expected_stamp=None, journal=journal, write_id=write_id)
    assert (outcome.status, outcome.reason) == (FileStatus.UNCHANGED, "nothing to change")
    assert path.read_bytes() == before
    assert journal.files(write_id)[0].state == RecordState.UNCHANGED


def make_readonly(path):
    path.chmod(0o444)


def make_unreadable(path):
    path.chmod(0o000)


def hard_link(path):
    os.link(path, path.with_name("other-name.mp3"))


def touch(path):
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def same_size_tag_edit(path):
    """Edit a tag byte without changing size or mtime: only the tag digest sees it."""
    st = path.stat()
    data = bytearray(path.read_bytes())
    at = data.index(b"Tech House")
    data[at : at + 4] = b"Tick"
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        pytest.param(os.unlink, "missing", id="missing"),
        pytest.param(lambda p: (os.unlink(p), p.mkdir()), "not a file", id="folder"),
        pytest.param(make_readonly, "read-only", id="read-only"),
        pytest.param(hard_link, "hard-linked (2 names", id="hard-linked"),
        pytest.param(
            lambda p: p.write_bytes(b"plain text " * 50), "damaged", id="replaced-by-text"
        ),
        pytest.param(touch, "changed since it was read", id="touched"),
        pytest.param(same_size_tag_edit, "changed since it was read", id="tag-edited-in-place"),
    ],
)
def test_refusals_after_the_plan(tmp_path, journal, write_id, spoil, reason):
    path = make_mp3(tmp_path / "track.mp3")
    ID3().save(path)  # an empty tag, so the plan has something to fill
    first = write(path, journal, write_id)  # a file that holds "Tech House"
    assert first.status == FileStatus.WRITTEN
    state = read_state(path)
    changes = (FieldChange("genre", "Tech House", "Techno", "replaces a different value"),)
    spoil(path)
    before = path.read_bytes() if path.is_file() else None
    outcome = write_file(
        path, changes, expected_stamp=state.stamp, journal=journal, write_id=write_id
    )
    assert outcome.status == FileStatus.REFUSED
    assert outcome.reason.startswith(reason)
    assert "\n" not in outcome.reason
    if before is not None:
        assert path.read_bytes() == before
    assert journal.files(write_id)[-1].state == RecordState.REFUSED
    assert journal.files(write_id)[-1].reason == outcome.reason
    assert temps(tmp_path) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores modes")
@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        pytest.param(make_unreadable, "unreadable", id="unreadable"),
        pytest.param(lambda p: p.parent.chmod(0o555), "cannot write in its folder", id="folder"),
    ],
)
def test_refusals_that_root_would_not_see(tmp_path, journal, write_id, spoil, reason):
    folder = tmp_path / "music"
    folder.mkdir()
    path = make_mp3(folder / "track.mp3")
    changes = (FieldChange("genre", "", "House", "empty in the file"),)
    spoil(path)
    try:
        outcome = write_file(path, changes, expected_stamp=None, journal=journal, write_id=write_id)
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)
    assert outcome.status == FileStatus.REFUSED
    assert outcome.reason.startswith(reason)


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        pytest.param(b"plain text " * 50, "notes.txt", "not an audio file", id="not-audio"),
        pytest.param(b"fLaC\x00\x00\x00\x22" + bytes(10), "cut.flac", "damaged", id="damaged"),
        pytest.param(b"", "empty.mp3", "damaged (empty file)", id="empty"),
    ],
)
def test_files_that_cannot_be_read_are_refused(tmp_path, journal, write_id, content, name, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileRefused, match=re.escape(reason)):
        read_state(path)
    changes = (FieldChange("genre", "", "House", "empty in the file"),)
    outcome = write_file(path, changes, expected_stamp=None, journal=journal, write_id=write_id)
    assert (outcome.status, outcome.reason.startswith(reason)) == (FileStatus.REFUSED, True)
    assert path.read_bytes() == content


HOLD_LOCK = textwrap.dedent(
    """
    import fcntl, sys
    handle = open(sys.argv[1], "rb")
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
    print("locked", flush=True)
    sys.stdin.read()
    """
)


@posix_only
def test_a_file_locked_by_another_process_is_refused(tmp_path, journal, write_id):
    path = make_mp3(tmp_path / "playing.mp3")
    before = path.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        outcome = write(path, journal, write_id)
        assert (outcome.status, outcome.reason) == (FileStatus.REFUSED, "locked by another program")
        assert path.read_bytes() == before
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
        holder.stdout.close()
    assert write(path, journal, write_id).status == FileStatus.WRITTEN  # free again


def test_a_value_that_does_not_read_back_is_refused(tmp_path, journal, write_id):
    path = make_mp3(tmp_path / "track.mp3")
    before = path.read_bytes()
    changes = (FieldChange("genre", "", "(13)", "empty in the file"),)  # reads back as "Pop"
    outcome = write_file(path, changes, expected_stamp=None, journal=journal, write_id=write_id)
    assert outcome.status == FileStatus.REFUSED
    assert outcome.reason == "the genre did not read back as written"
    assert path.read_bytes() == before
    assert temps(tmp_path) == []


def test_a_change_while_writing_is_caught_before_the_replace(
    tmp_path, journal, write_id, monkeypatch
):
    path = make_mp3(tmp_path / "track.mp3")
    real_compute = safe_write.compute_delta

    def compute_and_meanwhile_touch(before, after):
        delta = real_compute(before, after)
        touch(path)  # another program writes the file right now
        return delta

    monkeypatch.setattr(safe_write, "compute_delta", compute_and_meanwhile_touch)
    before = path.read_bytes()
    outcome = write(path, journal, write_id)
    assert (outcome.status, outcome.reason) == (
        FileStatus.REFUSED,
        "changed while it was being written",
    )
    assert path.read_bytes() == before
    (record,) = journal.files(write_id)
    assert (record.state, record.reason) == ("refused", "changed while it was being written")
    assert temps(tmp_path) == []


def test_a_journal_failure_stops_before_the_file_is_touched(
    tmp_path, journal, write_id, monkeypatch
):
    path = make_mp3(tmp_path / "track.mp3")
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise WriteJournalError("disk full while writing the journal")

    monkeypatch.setattr(journal, "record_pending", fail)
    with pytest.raises(WriteJournalError):
        write(path, journal, write_id)
    assert path.read_bytes() == before
    assert temps(tmp_path) == []


@posix_only
def test_a_symlink_is_followed_and_stays_a_link(tmp_path, journal, write_id):
    (tmp_path / "store").mkdir()
    real = make_flac(tmp_path / "store" / "real.flac")
    link = tmp_path / "link.flac"
    link.symlink_to(real)
    original = real.read_bytes()
    outcome = write(link, journal, write_id)
    assert outcome.status == FileStatus.WRITTEN, outcome.reason
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert read_state(link).values["genre"] == "Tech House"
    (record,) = journal.files(write_id)
    assert (record.path, record.real_path) == (str(link), str(real))
    assert restore_file(record, journal).status == FileStatus.RESTORED
    assert real.read_bytes() == original and link.is_symlink()


def test_restore_refuses_a_file_changed_since_the_write(tmp_path, journal, write_id):
    path = make_mp3(tmp_path / "track.mp3")
    write(path, journal, write_id)
    path.write_bytes(path.read_bytes() + b"more")
    (record,) = journal.files(write_id)
    outcome = restore_file(record, journal)
    assert (outcome.status, outcome.reason) == (FileStatus.REFUSED, "changed since the write")
    assert journal.files(write_id)[0].state == RecordState.WRITTEN


def test_restore_of_a_file_already_as_before(tmp_path, journal, write_id):
    path = make_mp3(tmp_path / "track.mp3")
    original = path.read_bytes()
    write(path, journal, write_id)
    path.write_bytes(original)  # e.g. the replace never happened (killed just before)
    (record,) = journal.files(write_id)
    outcome = restore_file(record, journal)
    assert (outcome.status, outcome.reason) == (FileStatus.UNCHANGED, "already as before")
    again = restore_file(journal.files(write_id)[0], journal)
    assert (again.status, again.reason) == (FileStatus.UNCHANGED, "nothing to undo")


def test_restore_of_a_missing_file_is_refused(tmp_path, journal, write_id):
    path = make_mp3(tmp_path / "track.mp3")
    write(path, journal, write_id)
    path.unlink()
    outcome = restore_file(journal.files(write_id)[0], journal)
    assert (outcome.status, outcome.reason) == (FileStatus.REFUSED, "missing")


def test_undo_write_restores_everything_and_sweeps(tmp_path, journal, write_id):
    files = [make_mp3(tmp_path / f"{n}.mp3", seed=n) for n in range(3)]
    originals = [p.read_bytes() for p in files]
    for path in files:
        assert write(path, journal, write_id).status == FileStatus.WRITTEN
    stray = tmp_path / f".0.mp3{temp_marker(write_id)}abc.tmp"
    stray.write_bytes(b"left by a kill -9")
    outcomes = undo_write(journal, write_id)
    assert [o.status for o in outcomes] == [FileStatus.RESTORED] * 3
    assert [p.read_bytes() for p in files] == originals
    assert not stray.exists()
    assert journal.write(write_id).state == WriteState.UNDONE


def test_sweep_removes_only_that_writes_temporary_files(tmp_path):
    mine = tmp_path / f".a.mp3{temp_marker('w1')}x1.tmp"
    theirs = tmp_path / f".a.mp3{temp_marker('w2')}x2.tmp"
    music = tmp_path / "a.mp3"
    for path in (mine, theirs, music):
        path.write_bytes(b"x")
    assert sweep_temps("w1", [tmp_path, tmp_path / "gone"]) == (mine,)
    assert not mine.exists() and theirs.exists() and music.exists()


def test_read_state_gives_what_a_plan_needs(tmp_path):
    path = make_mp3(tmp_path / "track.mp3")
    state = read_state(path)
    assert (state.format, state.container) == ("mp3", "id3")
    assert state.stamp.size == path.stat().st_size
    assert state.values["genre"] == ""
    assert state.stream.sample_rate == 44100


def test_undoing_an_unknown_write_is_an_undo_error(journal):
    with pytest.raises(UndoError, match="no write 'nope'"):
        undo_write(journal, "nope")
