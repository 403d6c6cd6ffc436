"""Fixtures of the write-back tests: a writes journal per test, the real audio corpus
(copied before any write: ../shared is never written to), and small helpers."""

from __future__ import annotations

import hashlib
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.writeback import WriteJournal


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def copy_writable(source: Path, dest: Path) -> Path:
    """Copy a corpus file (read-only in ../shared) into a test folder, writable."""
    shutil.copyfile(source, dest)
    dest.chmod(dest.stat().st_mode | stat.S_IWUSR)
    return dest


@pytest.fixture
def real_audio(shared: Path) -> Path:
    folder = shared / "realfiles" / "audio"
    if not folder.is_dir():
        pytest.skip("../shared/realfiles/audio is not present")
    return folder


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[WriteJournal]:
    with WriteJournal(tmp_path / "writes.sqlite") as opened:
        yield opened


@pytest.fixture
def write_id(journal: WriteJournal) -> str:
    return journal.begin(options={"overwrite": True}, sources=["out"])
