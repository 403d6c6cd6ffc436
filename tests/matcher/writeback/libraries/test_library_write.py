"""The backup-first library write under kill -9, and the refusal while Traktor runs,
with real processes: a child that kills itself mid-write, a process named Traktor."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from matcher.engine.journal import Journal
from matcher.writeback import WriteJournal
from matcher.writeback.errors import LibraryBusy
from matcher.writeback.libraries import backups_dir, plan_write, undo_library
from matcher.writeback.libraries.apps import default_traktor_collection, running_process
from matcher.writeback.targets import WriteOptions
from tests.matcher.writeback.libraries.nml_setup import COLLECTIONS, copy_collection, nml_batch
from tests.matcher.writeback.libraries.running_app import app_running

ROOT = Path(__file__).resolve().parents[4]
posix_only = pytest.mark.skipif(os.name != "posix", reason="SIGKILL")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@posix_only
@pytest.mark.parametrize("stage", ["before-replace", "after-replace"])
def test_a_kill_mid_write_leaves_a_backup_and_an_undo(
    stage: str, shared: Path, tmp_path: Path, batch_journal: Journal
) -> None:
    library = copy_collection(shared, COLLECTIONS[3], tmp_path / "traktor")
    original = library.read_bytes()
    batch = nml_batch(tmp_path, batch_journal, library)
    writes = tmp_path / "writes.sqlite"
    child = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("crash_child.py")),
         str(tmp_path / "journal.sqlite"), str(writes), str(batch.out), str(library), stage],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert child.returncode == -9, child.stderr
    assert child.stdout.split() == ["planned"]
    with WriteJournal(writes) as journal:
        (summary,) = journal.writes()
        (record,) = journal.files(summary.write_id)
        assert record.state == "pending"  # the undo record was durable before the rename
        backup = backups_dir() / summary.write_id / library.name
        assert backup.read_bytes() == original
        now = library.read_bytes()
        assert now == original if stage == "before-replace" else now != original
        assert sha(library) in (record.before_sha256, record.after_sha256)
        undone = undo_library(journal, summary.write_id)
        assert undone.status == ("already as before" if stage == "before-replace" else "restored")
    assert library.read_bytes() == original
    assert [p.name for p in library.parent.iterdir()] == [library.name]  # temp copy swept


@posix_only
def test_refuses_while_traktor_runs(tmp_path: Path, shared: Path, batch_journal: Journal) -> None:
    library = copy_collection(shared, COLLECTIONS[0], tmp_path / "traktor")
    with (
        app_running(tmp_path, "traktor", "Traktor"),
        pytest.raises(LibraryBusy, match=r"^Traktor is running \(process \d+\): quit it"),
    ):
        plan_write("traktor", library, batch_journal, [tmp_path], WriteOptions())
    assert running_process("traktor") == 0


def test_default_collection_is_the_newest(tmp_path: Path) -> None:
    base = tmp_path / "Documents" / "Native Instruments"
    assert default_traktor_collection(tmp_path) is None
    for version, mtime in (("Traktor 3.4.0", 1_000), ("Traktor 4.0.1", 2_000)):
        (base / version).mkdir(parents=True)
        (base / version / "collection.nml").write_bytes(b"<NML/>")
        os.utime(base / version / "collection.nml", (mtime, mtime))
    assert default_traktor_collection(tmp_path) == base / "Traktor 4.0.1" / "collection.nml"
