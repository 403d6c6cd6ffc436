"""What a playlist keeps for writing its outputs without reading the journal at the end:
a resumed playlist's earlier results, read beside the matching (earlier.py), and the rows
of a chunk a review changed, rendered again. The files are the ones the journal gives;
a review or a cancel while earlier results are read still writes what the journal holds."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import matcher.engine.chunked_run as chunked_run_module
from matcher.engine.earlier import read_earlier
from matcher.engine.events import BatchState, PlaylistFinished
from matcher.engine.journal import Journal
from matcher.engine.rendered import RenderedRows
from matcher.model import MatchResult, MatchStatus
from matcher.outputs.reports import render_bodies
from tests.matcher.engine.engine_fixtures import matches_rows, read_summary
from tests.matcher.engine.test_batch_run import (
    BATCH_ID,
    FakePool,
    _files,
    cut_off_batch,
    decide,
    drive,
    make_playlist,
    new_run,
    resumed_run,
)


def one_run(tmp_path: Path, folder: Path) -> dict[str, bytes]:
    """The files of the same batch matched in one run, in a journal of its own."""
    with Journal.open(tmp_path / f"{folder.name}.sqlite") as own:
        run, _emit = new_run(own, folder, FakePool())
        run.begin([make_playlist(tmp_path, "alpha", 12), make_playlist(tmp_path, "beta", 8)])
        drive(run)
    return _files(folder)


def reads_of(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every read of results through the host's own journal connection."""
    reads: list[tuple] = []
    original = Journal.iter_results

    def counted(self: Journal, *args: object) -> Iterator[MatchResult]:
        reads.append(args)
        return original(self, *args)

    monkeypatch.setattr(Journal, "iter_results", counted)
    return reads


def test_a_resumed_batch_writes_what_one_run_writes_without_reading_the_journal(
    tmp_path: Path, journal: Journal, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cut_off_batch(tmp_path, journal, out_dir, {0: 7, 1: 3})
    reads = reads_of(monkeypatch)
    run, _emit = resumed_run(tmp_path, journal, out_dir)
    drive(run)
    assert run.state is BatchState.FINISHED
    assert reads == []  # the earlier results were read beside the matching, once
    monkeypatch.undo()
    assert _files(out_dir) == one_run(tmp_path, tmp_path / "one-run")


def test_a_review_of_an_earlier_entry_while_they_are_read_is_written_and_counted(
    tmp_path: Path, journal: Journal, out_dir: Path
) -> None:
    cut_off_batch(tmp_path, journal, out_dir, {0: 7, 1: 3})
    run, emit = resumed_run(tmp_path, journal, out_dir)
    assert decide(journal, run, 2).status is MatchStatus.UNMATCHED  # by the run before
    drive(run)
    rows = {int(r["entry_index"]): r for r in matches_rows(out_dir / "alpha")}
    assert sorted(rows) == list(range(12))
    assert (rows[2]["status"], rows[2]["reason"]) == ("review", "reviewed")
    alpha = next(f for f in emit.of(PlaylistFinished) if f.name == "alpha")
    assert {k: n for k, n in alpha.counts.items() if n} == {
        "matched": 8,
        "review": 1,
        "unmatched": 3,
    }  # counted with the decision, as the journal holds it


def test_a_resumed_batch_cancelled_writes_the_earlier_and_the_new_results(
    tmp_path: Path, journal: Journal, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunked_run_module, "CANCEL_GRACE_S", 0.0)
    cut_off_batch(tmp_path, journal, out_dir, {0: 7, 1: 3})
    run, _emit = resumed_run(tmp_path, journal, out_dir)
    run.step(0)  # alpha 7-11 done
    pool = run.pool
    assert isinstance(pool, FakePool)
    pool.hold = True
    run.cancel()
    run.step(0)
    assert run.state is BatchState.CANCELLED
    assert [int(r["entry_index"]) for r in matches_rows(out_dir / "alpha")] == list(range(12))
    assert [int(r["entry_index"]) for r in matches_rows(out_dir / "beta")] == [0, 1, 2]
    assert read_summary(out_dir / "beta")["partial"] is True


def test_reading_them_keeps_the_entries_done_at_resume_and_stops_when_told(
    tmp_path: Path, journal: Journal, out_dir: Path
) -> None:
    cut_off_batch(tmp_path, journal, out_dir, {0: 7, 1: 3})
    done = frozenset({0, 1, 2, 5, 6})  # 3 and 4 as if this run journalled them meanwhile
    earlier = read_earlier(journal.path, BATCH_ID, 0, done, threading.Event())
    assert earlier is not None
    results = {r.entry_index: r for r in journal.results(BATCH_ID, 0)}
    assert earlier.briefs == {i: results[i].brief() for i in done}
    bodies = earlier.rendered.bodies(len(done))
    assert bodies is not None
    expected = [results[i] for i in sorted(done)]
    joined = tuple(b"".join(part) for part in bodies.values())
    assert joined == render_bodies(expected)
    earlier.rendered.close()
    stop = threading.Event()
    stop.set()
    assert read_earlier(journal.path, BATCH_ID, 0, done, stop) is None


def test_rendered_rows_take_in_another_spools_chunks(tmp_path: Path, journal: Journal) -> None:
    cut_off_batch(tmp_path, journal, tmp_path / "out", {0: 12, 1: 0})
    results = journal.results(BATCH_ID, 0)
    mine, other = RenderedRows(), RenderedRows()
    assert mine.add(0, 4, render_bodies(results[:4]))
    assert other.add(8, 4, render_bodies(results[8:]))
    assert other.add(4, 4, render_bodies(results[4:8]))
    assert mine.absorb(other)
    bodies = mine.bodies(12)
    assert bodies is not None
    assert tuple(b"".join(part) for part in bodies.values()) == render_bodies(results)
    assert not mine.absorb(other)  # the same chunks twice
    mine.close()
    other.close()


def test_a_review_while_running_renders_its_chunk_again_and_the_files_hold_it(
    tmp_path: Path, journal: Journal, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = []
    for render, folder in ((True, out_dir), (False, tmp_path / "from-journal")):
        own = journal if render else Journal.open(tmp_path / "other.sqlite")
        reads = reads_of(monkeypatch)
        run, _emit = new_run(own, folder, FakePool(render=render))
        run.begin([make_playlist(tmp_path, "alpha", 12), make_playlist(tmp_path, "beta", 8)])
        run.step(0)  # alpha 0-4 done
        for index in (2, 3):  # two decisions in one chunk
            decide(own, run, index, f"r{index}")
        drive(run)
        monkeypatch.undo()
        assert (reads == []) is render  # rows rendered again, not the journal read
        outputs.append(_files(folder))
    assert outputs[0] == outputs[1]
    rows = {int(r["entry_index"]): r for r in matches_rows(out_dir / "alpha")}
    assert [(rows[i]["status"], rows[i]["reason"]) for i in (2, 3)] == [
        ("review", "r2"),
        ("review", "r3"),
    ]
    assert read_summary(out_dir / "alpha")["counts"]["review"] == 2
