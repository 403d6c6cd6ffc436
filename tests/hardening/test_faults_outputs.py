"""Outputs that cannot be written mid-batch: the disk fills up half-way through a file,
the output folder turns read-only, or a file takes the place of a playlist's folder.

The batch runs for real (BatchRun, a real journal, real files) on the synchronous
stand-in pool of tests/matcher/test_batch_run.py, with the failure handled the way the
engine host handles it. Each case checks that nothing finished is lost: the previous
outputs are byte-identical, no temporary file is left, the error is one readable line,
the journal holds every result, and a resume writes every entry exactly once without
matching anything again.
"""

from __future__ import annotations

import builtins
import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from matcher.engine.batch_run import BatchRun
from matcher.engine.batch_spec import spec_from_journal
from matcher.engine.events import BatchFinished, BatchState, EngineError
from matcher.engine.journal import Journal
from matcher.errors import CrateMatchError
from matcher.model import MatchResult, MatchStatus
from matcher.outputs import atomic, write_playlist_outputs
from tests.hardening import ledger
from tests.matcher.engine.engine_fixtures import matches_rows
from tests.matcher.engine.test_batch_run import (
    BATCH_ID,
    FakePool,
    Recorder,
    canned_result,
    make_playlist,
    new_run,
)

SIZES = {"alpha": 23, "beta": 9}


class FullDisk:
    """A file whose writes fail with ENOSPC once `budget` bytes went through."""

    def __init__(self, real, budget: int) -> None:  # noqa: ANN001 - a file object
        self._real, self._budget = real, budget

    def write(self, data):  # noqa: ANN001, ANN201
        if len(data) > self._budget:
            self._real.write(data[: self._budget])
            self._budget = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._budget -= len(data)
        return self._real.write(data)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._real, name)


def disk_fills_while_writing(monkeypatch: pytest.MonkeyPatch, target: str, budget: int) -> None:
    """From the moment `target` ("matches.csv", "enriched.xml") starts being written, the
    disk holds only `budget` more bytes."""
    full = {"on": False}

    def opener(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        handle = builtins.open(*args, **kwargs)  # noqa: SIM115 - atomic_open closes it
        return FullDisk(handle, budget) if full["on"] else handle

    real_mkstemp = atomic.tempfile.mkstemp

    def mkstemp(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if str(kwargs.get("prefix", "")).startswith(f".{target}."):
            full["on"] = True
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(atomic, "open", opener, raising=False)
    monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp)


def drive_like_the_host(run: BatchRun, emit: Recorder, max_steps: int = 500) -> None:
    """Step the batch to its end; an error ends it the way matcher.engine.host does."""
    for _ in range(max_steps):
        if run.over:
            return
        try:
            run.step(0)
        except CrateMatchError as err:
            run.fail(str(err))
    raise AssertionError(f"the batch did not end in {max_steps} steps")


def playlists(tmp_path: Path) -> list:
    return [make_playlist(tmp_path, name, size) for name, size in SIZES.items()]


def snapshot(folder: Path) -> dict[str, bytes]:
    files = (p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


def earlier_outputs(tmp_path: Path, out_dir: Path) -> dict[str, bytes]:
    """Outputs of an earlier batch into the same folder: every entry unmatched."""
    for playlist in playlists(tmp_path):
        results = [
            MatchResult(e, MatchStatus.UNMATCHED, 0.1, "local", "earlier run")
            for e in playlist.entries
        ]
        write_playlist_outputs(out_dir / playlist.name, playlist, results,
                               provider="local", preset="fast")  # fmt: skip
    return snapshot(out_dir)


def resume_and_count_lost(tmp_path: Path, journal: Journal, out_dir: Path) -> tuple[int, FakePool]:
    """Resume the batch from the journal; returns (entries not in the outputs exactly once
    with their result, the pool the resume used)."""
    pool = FakePool(size=2)
    run, emit = new_run(journal, out_dir, pool, spec=spec_from_journal(journal, BATCH_ID))
    run.begin(playlists(tmp_path))
    drive_like_the_host(run, emit)
    assert isinstance(emit.events[-1], BatchFinished) and emit.events[-1].ok, emit.events[-3:]
    lost = 0
    for name, size in SIZES.items():
        rows = matches_rows(out_dir / name)
        by_index = {int(r["entry_index"]): r for r in rows}
        expected = {i: canned_result(make_playlist(tmp_path, name, size).entries[i]).catalog_id
                    for i in range(size)}  # fmt: skip
        lost += sum(
            1
            for i, catalog_id in expected.items()
            if i not in by_index or by_index[i]["catalog_id"] != catalog_id
        )
        lost += len(rows) - len(by_index)  # an entry written twice
    return lost, pool


def failed_batch(
    tmp_path: Path, journal: Journal, out_dir: Path, sabotage: Callable[[], None]
) -> tuple[BatchRun, Recorder]:
    """Run a batch that `sabotage` (called after begin) breaks while writing outputs."""
    run, emit = new_run(journal, out_dir, FakePool(size=2))
    run.begin(playlists(tmp_path))
    sabotage()
    drive_like_the_host(run, emit)
    assert run.state is BatchState.FAILED
    return run, emit


def assert_clean_failure(emit: Recorder, journal: Journal, words: str) -> None:
    (error,) = emit.of(EngineError)
    assert error.fatal and words in error.message and "\n" not in error.message
    record = journal.batch(BATCH_ID)
    assert record is not None and record.state is BatchState.FAILED and words in record.note
    assert BATCH_ID in [b.batch_id for b in journal.unfinished()]  # offered for resume


@pytest.fixture
def journal(tmp_path: Path):  # noqa: ANN201
    with Journal.open(tmp_path / "journal.sqlite") as j:
        yield j


@pytest.mark.parametrize(
    ("target", "budget"),
    [
        pytest.param("enriched.xml", 300, id="enriched-xml"),
        pytest.param("matches.csv", 200, id="matches-csv"),
        pytest.param("summary.json", 50, id="summary-json"),
    ],
)
def test_disk_full_while_writing_outputs_loses_nothing(
    tmp_path: Path, journal: Journal, monkeypatch: pytest.MonkeyPatch, target: str, budget: int
) -> None:
    out_dir = tmp_path / "out"
    before = earlier_outputs(tmp_path, out_dir)
    run, emit = failed_batch(
        tmp_path, journal, out_dir, lambda: disk_fills_while_writing(monkeypatch, target, budget)
    )
    assert_clean_failure(emit, journal, "No space left on device")
    assert (
        f"alpha/{target}" in before
        and snapshot(out_dir)[f"alpha/{target}"] == before[f"alpha/{target}"]
    )  # the file being written is the previous one, whole
    assert snapshot(out_dir)["alpha/summary.json"] == before["alpha/summary.json"]
    assert temp_files(out_dir) == []
    assert len(journal.results(BATCH_ID, 0)) == SIZES["alpha"]  # every result is kept

    monkeypatch.undo()  # space again
    lost, pool = resume_and_count_lost(tmp_path, journal, out_dir)
    assert len(pool.submitted_indices()) <= SIZES["beta"]  # alpha is not matched again
    assert lost == 0
    assert temp_files(out_dir) == []
    ledger.fault(f"disk full while writing {target}", expected=sum(SIZES.values()), lost=lost)


def test_a_file_in_place_of_the_output_folder_loses_nothing(
    tmp_path: Path, journal: Journal
) -> None:
    out_dir = tmp_path / "out"

    def file_for_folder() -> None:
        (out_dir / "beta").rmdir()
        (out_dir / "beta").write_text("someone else's file", encoding="utf-8")

    run, emit = failed_batch(tmp_path, journal, out_dir, file_for_folder)
    assert_clean_failure(emit, journal, "beta")
    assert (out_dir / "beta").read_text(encoding="utf-8") == "someone else's file"
    assert [int(r["entry_index"]) for r in matches_rows(out_dir / "alpha")] == list(range(23))
    assert len(journal.results(BATCH_ID, 1)) == SIZES["beta"]
    (out_dir / "beta").unlink()  # the user moves the file away
    lost, pool = resume_and_count_lost(tmp_path, journal, out_dir)
    assert pool.submitted == []  # everything was matched before: nothing is matched again
    assert lost == 0
    ledger.fault("output folder replaced by a file", expected=sum(SIZES.values()), lost=lost)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes to read-only folders"
)
def test_a_read_only_output_folder_loses_nothing(tmp_path: Path, journal: Journal) -> None:
    out_dir = tmp_path / "out"
    run, emit = failed_batch(tmp_path, journal, out_dir, lambda: (out_dir / "alpha").chmod(0o555))
    try:
        assert_clean_failure(emit, journal, "Permission denied")
        assert temp_files(out_dir) == []
    finally:
        (out_dir / "alpha").chmod(0o755)
    lost, _ = resume_and_count_lost(tmp_path, journal, out_dir)
    assert lost == 0
    ledger.fault("read-only output folder", expected=sum(SIZES.values()), lost=lost)


def test_a_read_only_output_folder_as_root_is_simulated(
    tmp_path: Path, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root ignores folder modes, so the OS's answer is simulated: creating the temporary
    file in alpha's folder fails with EACCES, as it would for a user."""
    out_dir = tmp_path / "out"
    real_mkstemp = atomic.tempfile.mkstemp

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if Path(kwargs.get("dir", "")).name == "alpha":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real_mkstemp(*args, **kwargs)

    run, emit = failed_batch(
        tmp_path, journal, out_dir, lambda: monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    )
    assert_clean_failure(emit, journal, "Permission denied")
    assert not (out_dir / "alpha" / "matches.csv").exists() and temp_files(out_dir) == []
    monkeypatch.undo()
    lost, _ = resume_and_count_lost(tmp_path, journal, out_dir)
    assert lost == 0
    ledger.fault("read-only output folder (simulated)", expected=sum(SIZES.values()), lost=lost)
