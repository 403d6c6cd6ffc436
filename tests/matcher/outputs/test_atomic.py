from __future__ import annotations

import builtins
import errno
import os
import stat
import tempfile

import pytest

from matcher.errors import OutputError
from matcher.outputs import atomic, atomic_open, atomic_write_text, write_playlist_outputs


class FullDisk:
    """A file proxy whose writes fail with ENOSPC once `budget` bytes went through,
    like a disk filling up half-way through a report."""

    def __init__(self, real, budget: int) -> None:
        self._real, self._budget = real, budget

    def write(self, data):
        if len(data) > self._budget:
            self._real.write(data[: self._budget])
            self._budget = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._budget -= len(data)
        return self._real.write(data)

    def __getattr__(self, name):
        return getattr(self._real, name)


def fill_disk_after(monkeypatch, budget: int) -> None:
    def opener(*args, **kwargs):
        return FullDisk(builtins.open(*args, **kwargs), budget)

    monkeypatch.setattr(atomic, "open", opener, raising=False)


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_atomic_write_text_writes_utf8_without_bom(tmp_path):
    path = tmp_path / "a.txt"
    atomic_write_text(path, "Café\r\nline\n")
    assert path.read_bytes() == "Café\r\nline\n".encode()
    assert leftovers(tmp_path) == []


def test_atomic_open_binary_and_replace(tmp_path):
    path = tmp_path / "b.bin"
    path.write_bytes(b"old")
    with atomic_open(path, "wb") as handle:
        handle.write(b"new")
        assert path.read_bytes() == b"old"  # nothing visible until the end
    assert path.read_bytes() == b"new"


def test_new_files_get_normal_permissions_and_replaced_files_keep_theirs(tmp_path):
    fresh = tmp_path / "fresh.txt"
    atomic_write_text(fresh, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    kept = tmp_path / "kept.txt"
    kept.write_text("x")
    kept.chmod(0o640)
    atomic_write_text(kept, "y")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


def test_disk_full_mid_write_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "report.csv"
    path.write_bytes(b"previous content\n")
    fill_disk_after(monkeypatch, 10)
    with pytest.raises(OutputError) as info:
        atomic_write_text(path, "a much longer new content that does not fit\n" * 10)
    message = str(info.value)
    assert message == f"cannot write {path}: No space left on device"
    assert "\n" not in message
    assert path.read_bytes() == b"previous content\n"
    assert leftovers(tmp_path) == []


def test_fsync_failure_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "summary.json"
    path.write_text("{}")

    def failing_fsync(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(atomic.os, "fsync", failing_fsync)
    with pytest.raises(OutputError, match="Input/output error"):
        atomic_write_text(path, '{"new": 1}')
    assert path.read_text() == "{}"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("code", "words"),
    [
        pytest.param(errno.EROFS, "Read-only file system", id="read-only"),
        pytest.param(errno.EACCES, "Permission denied", id="permission"),
    ],
)
def test_unwritable_folder_gives_output_error(tmp_path, monkeypatch, code, words):
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match=words):
        atomic_write_text(tmp_path / "x.txt", "data")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores modes")
def test_real_read_only_folder_gives_output_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "x.txt").write_text("old")
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="Permission denied"):
            atomic_write_text(folder / "x.txt", "new")
        assert (folder / "x.txt").read_text() == "old"
    finally:
        folder.chmod(0o755)


def test_other_exceptions_pass_through_and_clean_up(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("old")
    with pytest.raises(KeyError), atomic_open(path) as handle:
        handle.write("partial")
        raise KeyError("bug")
    assert path.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_atomic_open_rejects_append_mode(tmp_path):
    with pytest.raises(ValueError), atomic_open(tmp_path / "x", "a"):
        pass


def test_temp_file_lives_next_to_the_target(tmp_path, monkeypatch):
    seen = []
    real = tempfile.mkstemp

    def spy(*args, **kwargs):
        seen.append(kwargs["dir"])
        return real(*args, **kwargs)

    monkeypatch.setattr(atomic.tempfile, "mkstemp", spy)
    atomic_write_text(tmp_path / "x.txt", "data")
    assert seen == [tmp_path]


def test_disk_full_during_enriched_xml_leaves_previous_outputs_intact(
    tmp_path, monkeypatch, mixed_results
):
    playlist, results = mixed_results
    folder = tmp_path / "out"
    write_playlist_outputs(folder, playlist, results, provider="local", preset="fast")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    import matcher.outputs.writer as writer

    real_write_enriched = writer.write_enriched

    def enriched_on_full_disk(path, *args):
        fill_disk_after(monkeypatch, 200)
        return real_write_enriched(path, *args)

    monkeypatch.setattr(writer, "write_enriched", enriched_on_full_disk)
    with pytest.raises(OutputError, match="enriched.xml: No space left on device"):
        write_playlist_outputs(folder, playlist, results[:1], provider="other", preset="fast")
    assert (folder / "enriched.xml").read_bytes() == before["enriched.xml"]
    assert (folder / "summary.json").read_bytes() == before["summary.json"]
    assert leftovers(folder) == []
    assert sorted(p.name for p in folder.iterdir()) == sorted(before)


def test_disk_full_during_a_csv_leaves_it_byte_identical(tmp_path, monkeypatch, mixed_results):
    playlist, results = mixed_results
    folder = tmp_path / "out"
    write_playlist_outputs(folder, playlist, results, provider="local", preset="fast")
    before = (folder / "matches.csv").read_bytes()
    fill_disk_after(monkeypatch, 300)  # the header and part of the first row fit
    with pytest.raises(OutputError, match="matches.csv"):
        write_playlist_outputs(folder, playlist, results[:2], provider="x", preset="fast")
    assert (folder / "matches.csv").read_bytes() == before
    assert leftovers(folder) == []


def record_folder_syncs(monkeypatch) -> list:
    """The folders `fsync_dir` is asked to sync, in order (and synced for real)."""
    synced: list = []
    real = atomic.fsync_dir

    def fsync_dir(folder):
        synced.append(folder)
        real(folder)

    monkeypatch.setattr(atomic, "fsync_dir", fsync_dir)
    return synced


def test_each_write_syncs_its_folder_outside_a_group(tmp_path, monkeypatch):
    synced = record_folder_syncs(monkeypatch)
    atomic_write_text(tmp_path / "a.txt", "a")
    atomic_write_text(tmp_path / "b.txt", "b")
    assert synced == [tmp_path, tmp_path]


def test_a_group_syncs_each_folder_once_after_its_last_rename(tmp_path, monkeypatch):
    synced = record_folder_syncs(monkeypatch)
    other = tmp_path / "other"
    other.mkdir()
    with atomic.folder_synced_once():
        for name in ("a.txt", "b.txt", "c.txt"):
            atomic_write_text(tmp_path / name, name)
        with atomic.folder_synced_once():  # a nested group joins the outer one
            atomic_write_text(other / "d.txt", "d")
        assert synced == []
        assert (tmp_path / "c.txt").read_text() == "c.txt"  # renamed at once all the same
    assert synced == [tmp_path, other]
    atomic_write_text(tmp_path / "e.txt", "e")  # the group is over
    assert synced == [tmp_path, other, tmp_path]


def test_a_failing_group_still_syncs_what_it_renamed(tmp_path, monkeypatch):
    synced = record_folder_syncs(monkeypatch)
    with pytest.raises(RuntimeError), atomic.folder_synced_once():
        atomic_write_text(tmp_path / "a.txt", "a")
        raise RuntimeError("the next file failed")
    assert synced == [tmp_path]
    assert (tmp_path / "a.txt").read_text() == "a"


def test_a_playlists_outputs_share_one_folder_sync(tmp_path, monkeypatch, mixed_results):
    playlist, results = mixed_results
    synced = record_folder_syncs(monkeypatch)
    folder = tmp_path / "out"
    write_playlist_outputs(folder, playlist, results, provider="local", preset="fast")
    assert len(list(folder.iterdir())) == 8
    assert synced == [folder]
