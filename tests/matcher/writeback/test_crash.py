"""kill -9 in the middle of a write: every file is as it was or as written, never half of
either, and undo brings every one back byte for byte."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from matcher.writeback import FileStatus, WriteJournal, undo_write
from tests.matcher.writeback.conftest import sha
from tests.matcher.writeback.synth import REAL_AUDIO, make_mp3

CHILD = Path(__file__).with_name("crash_child.py")
COPIES = 300
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL"),
]


def source(tmp_path: Path) -> Path:
    """A real MP3 when ../shared is there, else a synthesised one."""
    real = REAL_AUDIO / "silence-44-s.mp3"
    if real.is_file():
        return Path(shutil.copyfile(real, tmp_path / "source.mp3"))
    return make_mp3(tmp_path / "source.mp3")


def run_child(journal: Path, folder: Path, write_id: str, *crash: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(journal), str(folder), write_id, *crash],
        stdout=subprocess.PIPE,
        text=True,
    )


def written_version(tmp_path: Path, original: Path) -> str:
    """The sha256 of the file as a complete write leaves it (mutagen is deterministic)."""
    folder = tmp_path / "reference"
    folder.mkdir()
    shutil.copyfile(original, folder / "one.mp3")
    with WriteJournal(tmp_path / "reference.sqlite") as journal:
        write_id = journal.begin(options={}, sources=[])
    child = run_child(tmp_path / "reference.sqlite", folder, write_id)
    out, _ = child.communicate(timeout=60)
    assert out.split() == ["done", "1", "written"]
    return sha(folder / "one.mp3")


def test_kill_9_leaves_every_file_whole_and_undo_restores_all(tmp_path):
    original = source(tmp_path)
    before, after = sha(original), written_version(tmp_path, original)
    assert before != after
    rng = random.Random(20240613)
    for round_ in range(4):
        folder = tmp_path / f"round{round_}"
        folder.mkdir()
        for n in range(COPIES):
            shutil.copyfile(original, folder / f"{n:03d}.mp3")
        journal_path = tmp_path / f"writes{round_}.sqlite"
        with WriteJournal(journal_path) as journal:
            write_id = journal.begin(options={}, sources=[str(folder)])
        target = rng.randint(1, COPIES - 20)
        child = run_child(journal_path, folder, write_id)
        done = 0
        while done < target:
            line = child.stdout.readline()
            assert line, "the writer ended before it was killed"
            done = int(line.split()[1])
        time.sleep(rng.uniform(0, 0.02))  # somewhere inside the next files
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()

        states = [sha(p) for p in sorted(folder.glob("*.mp3"))]
        assert len(states) == COPIES
        assert set(states) <= {before, after}, "a file is neither as it was nor as written"
        written = states.count(after)
        assert written >= target

        with WriteJournal(journal_path) as journal:
            outcomes = undo_write(journal, write_id)
        assert all(o.status != FileStatus.REFUSED for o in outcomes)
        assert sum(o.status == FileStatus.RESTORED for o in outcomes) == written
        assert {sha(p) for p in folder.glob("*.mp3")} == {before}
        assert [p.name for p in folder.iterdir() if p.suffix == ".tmp"] == []


@pytest.mark.parametrize(
    ("stage", "temps_left", "file_written"),
    [
        pytest.param("copied", 1, False, id="after-the-temporary-copy"),
        pytest.param("checked", 1, False, id="after-writing-the-copy"),
        pytest.param("journaled", 1, False, id="after-the-undo-record"),
        pytest.param("replaced", 0, True, id="after-the-rename"),
    ],
)
def test_kill_9_at_each_step_of_a_file(tmp_path, stage, temps_left, file_written):
    original = source(tmp_path)
    before, after = sha(original), written_version(tmp_path, original)
    folder = tmp_path / "music"
    folder.mkdir()
    for n in range(5):
        shutil.copyfile(original, folder / f"{n}.mp3")
    journal_path = tmp_path / "writes.sqlite"
    with WriteJournal(journal_path) as journal:
        write_id = journal.begin(options={}, sources=[])
    child = run_child(journal_path, folder, write_id, stage, "3")
    out, _ = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert len(out.splitlines()) == 2  # files 1 and 2 were done
    states = [sha(folder / f"{n}.mp3") for n in range(5)]
    assert states == [after, after, after if file_written else before, before, before]
    assert len([p for p in folder.iterdir() if p.suffix == ".tmp"]) == temps_left

    with WriteJournal(journal_path) as journal:
        outcomes = undo_write(journal, write_id)
        rows = {r.path.rsplit("/", 1)[-1]: r.state for r in journal.files(write_id)}
    assert [o.status for o in outcomes].count(FileStatus.REFUSED) == 0
    assert {sha(folder / f"{n}.mp3") for n in range(5)} == {before}
    assert [p.name for p in folder.iterdir() if p.suffix == ".tmp"] == []
    assert rows["0.mp3"] == rows["1.mp3"] == "restored"
    if stage in ("journaled", "replaced"):  # the pending row of file 3 is settled by undo
        assert rows["2.mp3"] == "restored"
