"""How much batch history the journal keeps (matcher.engine.retention): the rule as a
pure function, forgetting on a real journal in bounded passes, and the engine host
forgetting old batches after a batch, with `write` then saying the batch is gone."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.config import EngineConfig
from matcher.engine.client import Engine
from matcher.engine.events import BatchFinished, BatchState
from matcher.engine.history import History
from matcher.engine.journal import Journal
from matcher.engine.retention import (
    BatchSize,
    FileSpace,
    Retention,
    forget_old_batches,
    tidy,
    to_forget,
    worth_shrinking,
)
from matcher.errors import InputError
from matcher.performance.report import history_report_path
from matcher.writeback.targets import resolve_sources
from tests.matcher.engine.engine_fixtures import WAIT_S, write_m3u8
from tests.matcher.engine.journal_fixtures import new_batch, python_child, sql

DAY = 24 * 3600.0
NOW = 100 * DAY


def sizes(*results: int, age_days: float = 2.0) -> list[BatchSize]:
    """Batches b0 (newest) .. bN (oldest), a minute apart, all older than `age_days`."""
    return [
        BatchSize(f"b{i}", NOW - age_days * DAY - 60 * i, count) for i, count in enumerate(results)
    ]


def test_batches_within_the_limits_are_all_kept() -> None:
    assert to_forget(sizes(10, 20, 30), Retention(max_batches=3, max_results=60), NOW) == []


def test_beyond_the_batch_count_the_oldest_go_oldest_first() -> None:
    doomed = to_forget(sizes(1, 1, 1, 1, 1), Retention(max_batches=3), NOW)
    assert doomed == ["b4", "b3"]


def test_the_first_batch_that_does_not_fit_ends_what_is_kept() -> None:
    # b1 would take the total past 100: it goes, and so does every older batch, small or not
    keep = Retention(max_results=100)
    assert to_forget(sizes(60, 50, 5, 5), keep, NOW) == ["b3", "b2", "b1"]


def test_the_newest_batch_is_kept_however_large() -> None:
    assert to_forget(sizes(1_000, 10), Retention(max_results=100), NOW) == ["b1"]


def test_batches_changed_within_the_protected_time_are_never_forgotten() -> None:
    recent = sizes(50, 50, 50, age_days=0.5)  # today's work, or another CrateMatch's
    old = [BatchSize("old", NOW - 3 * DAY, 50)]
    keep = Retention(max_batches=1, max_results=60)
    assert to_forget(recent + old, keep, NOW) == ["old"]


def test_the_order_batches_come_in_does_not_matter() -> None:
    batches = sizes(40, 30, 20, 10)
    keep = Retention(max_results=75)
    assert to_forget(batches[::-1], keep, NOW) == to_forget(batches, keep, NOW) == ["b3", "b2"]


batch_lists = st.lists(
    st.tuples(st.floats(0, 10 * DAY), st.integers(0, 500)),
    max_size=30,
    # no two batches changed at the same instant: ages 0 and 1e-236 s are one instant
    unique_by=lambda b: NOW - b[0],
)


@given(batch_lists, st.integers(1, 10), st.integers(0, 2_000), st.floats(0, 3 * DAY))
def test_what_is_kept_obeys_the_rule_and_keeping_it_again_forgets_nothing(
    raw: list[tuple[float, int]], max_batches: int, max_results: int, protect_s: float
) -> None:
    batches = [BatchSize(f"b{i}", NOW - age, n) for i, (age, n) in enumerate(raw)]
    keep = Retention(max_batches=max_batches, max_results=max_results, protect_s=protect_s)
    doomed = set(to_forget(batches, keep, NOW))
    newest_first = sorted(batches, key=lambda b: -b.updated)
    kept = [b for b in newest_first if b.batch_id not in doomed]
    # only batches older than the protected time go, and never the newest
    assert all(NOW - b.updated >= protect_s for b in batches if b.batch_id in doomed)
    assert not newest_first or newest_first[0] in kept
    # every unprotected batch kept fits the limits together with the newer ones kept
    for n, b in enumerate(kept[1:], start=2):
        if NOW - b.updated >= protect_s:
            assert n <= max_batches and sum(k.results for k in kept[:n]) <= max_results
    # nothing newer than a kept unprotected batch goes, and what stays is stable
    if doomed:
        oldest_kept = min((k.updated for k in kept if NOW - k.updated >= protect_s), default=NOW)
        assert all(b.updated < oldest_kept for b in batches if b.batch_id in doomed)
    assert to_forget(kept, keep, NOW) == []


# -- on a real journal ----------------------------------------------------------------


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    with Journal.open(tmp_path / "journal.sqlite") as j:
        yield j


def test_a_batch_is_forgotten_in_slices_its_playlists_first(journal: Journal) -> None:
    new_batch(journal, "old", BatchState.FINISHED, done=10)
    new_batch(journal, "new", BatchState.FINISHED, done=3)
    assert journal.forget_batch("old", 4) == (4, False)
    assert journal.playlists("old") == []  # no longer usable: write and resume refuse it
    assert journal.batch("old") is not None
    assert journal.forget_batch("old", 4) == (4, False)
    assert journal.forget_batch("old", 4) == (2, True)
    assert journal.batch("old") is None
    assert sql(journal.path, "SELECT COUNT(*) FROM results WHERE batch_id = 'old'") == [(0,)]
    assert journal.counts("new")["matched"] == 1 and len(journal.results("new", 0)) == 3
    assert journal.forget_batch("gone", 5) == (0, True)


def test_an_exact_last_slice_forgets_the_batch_whole(journal: Journal) -> None:
    new_batch(journal, "old", BatchState.FINISHED, done=4)
    assert journal.forget_batch("old", 4) == (4, True)
    assert journal.batch("old") is None


def test_a_pass_deletes_at_most_its_share_and_the_next_pass_goes_on(journal: Journal) -> None:
    for name, done in (("a", 5), ("b", 5), ("c", 5), ("d", 2)):
        new_batch(journal, name, BatchState.FINISHED, done=done)
    sql(journal.path, "UPDATE batches SET updated = CASE batch_id "
        "WHEN 'a' THEN 1 WHEN 'b' THEN 2 WHEN 'c' THEN 3 ELSE 4 END")  # fmt: skip
    keep = Retention(max_batches=1, protect_s=0.0, per_pass=7)
    gone: list[str] = []
    assert forget_old_batches(journal, keep, forgotten=gone.append) == 7
    assert gone == ["a"]  # oldest first; b is cut off half-way and unusable
    assert journal.batch("b") is not None and journal.playlists("b") == []
    assert forget_old_batches(journal, keep, forgotten=gone.append) == 3 + 4
    assert gone == ["a", "b"]
    assert forget_old_batches(journal, keep, forgotten=gone.append) == 1
    assert gone == ["a", "b", "c"]
    assert [b.batch_id for b in journal.batches()] == ["d"]
    assert forget_old_batches(journal, keep, forgotten=gone.append) == 0


MB = 1024 * 1024


def test_the_file_is_rewritten_only_when_most_of_it_is_free_and_that_is_much() -> None:
    keep = Retention()  # half the file, and 64 MB
    assert worth_shrinking(FileSpace(2000 * MB, 1800 * MB), keep)
    assert not worth_shrinking(FileSpace(300 * MB, 11 * MB), keep)  # steady state
    assert not worth_shrinking(FileSpace(100 * MB, 60 * MB), keep)  # too little to matter
    assert not worth_shrinking(FileSpace(200 * MB, 100 * MB), keep)  # exactly half
    assert worth_shrinking(FileSpace(200 * MB, 70 * MB), Retention(shrink_free_share=0.25))


def _filled(journal: Journal, *batches: tuple[str, int]) -> None:
    """Finished batches, the first oldest, of `n` results each."""
    for at, (name, done) in enumerate(batches, start=1):
        new_batch(journal, name, BatchState.FINISHED, done=done)
        sql(journal.path, f"UPDATE batches SET updated = {at} WHERE batch_id = '{name}'")


def test_tidy_gives_the_space_back_once_forgetting_has_left_the_file_mostly_free(
    journal: Journal,
) -> None:
    _filled(journal, ("old", 3000), ("new", 300))
    before = journal.space()
    keep = Retention(max_batches=1, protect_s=0.0, shrink_min_bytes=64 * 1024)
    assert tidy(journal, keep) == 3000
    after = journal.space()
    assert after.free_bytes == 0
    assert after.total_bytes < before.total_bytes / 3
    assert len(journal.results("new", 0)) == 300  # what is kept is intact
    assert tidy(journal, keep) == 0 and journal.space() == after  # nothing more to do


def test_tidy_leaves_the_file_as_it_is_in_the_steady_state(journal: Journal) -> None:
    _filled(journal, ("old", 300), ("mid", 1500), ("new", 1500))
    before = journal.space()
    keep = Retention(max_batches=2, protect_s=0.0, shrink_min_bytes=64 * 1024)
    assert tidy(journal, keep) == 300
    after = journal.space()  # a tenth freed: kept for the next batch, not given back
    assert after.total_bytes == before.total_bytes and after.free_bytes > 0


def test_tidy_waits_for_the_last_pass_before_rewriting_the_file(journal: Journal) -> None:
    _filled(journal, ("old", 3000), ("new", 100))
    keep = Retention(max_batches=1, protect_s=0.0, per_pass=2000, shrink_min_bytes=64 * 1024)
    size = journal.space().total_bytes
    assert tidy(journal, keep) == 2000
    assert journal.space().total_bytes == size  # more to forget: no rewrite yet
    assert tidy(journal, keep) == 1000
    assert journal.space().free_bytes == 0 and journal.space().total_bytes < size / 3


_REWRITING = """
import sys
from pathlib import Path
from matcher.engine.journal import Journal
with Journal.open(Path(sys.argv[1])) as journal:
    print("rewriting", flush=True)
    while True:
        journal.compact()
"""


def test_kill_9_while_the_file_is_rewritten_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal.open(path) as journal:
        _filled(journal, ("old", 6000), ("new", 3000))
        journal.forget_batch("old", 6000)  # most of the file free: what tidy rewrites
        before = journal.results("new", 0)
    assert len(before) == 3000
    with python_child(_REWRITING, str(path)) as child:
        assert child.stdout is not None and child.stdout.readline().strip() == "rewriting"
        time.sleep(0.4)  # several rewrites in: the kill lands in the middle of one
        child.kill()
        child.wait(timeout=10)
    assert sql(path, "PRAGMA integrity_check") == [("ok",)]
    with Journal.open(path) as journal:
        assert journal.results("new", 0) == before
        assert journal.batch("old") is None and journal.batch("new") is not None


# -- through the engine ------------------------------------------------------------------


def test_the_engine_forgets_old_batches_after_a_batch(catalog: Path, tmp_path: Path) -> None:
    playlists = [tmp_path / f"night {n}.m3u8" for n in range(3)]
    for n, path in enumerate(playlists):
        write_m3u8(path, 12, seed=n)
    keep = Retention(max_batches=2, protect_s=0.0)
    config = EngineConfig(catalog=catalog, workers=1, out_dir=tmp_path / "out", keep_history=keep)
    finished: list[BatchFinished] = []
    with Engine(config) as engine:
        for path in playlists:  # one after the other: each ends before the next starts
            final = engine.start([path]).wait(WAIT_S)
            assert isinstance(final, BatchFinished) and final.ok
            finished.append(final)
    first, second, third = (f.batch_id for f in finished)
    with History.open(readonly=True) as history:
        assert {b.batch_id for b in history.batches()} == {second, third}
        assert len(history.results(third, 0)) == 12
        assert history_report_path(second).is_file()
        assert not history_report_path(first).exists()
        folders = [tmp_path / "out" / path.stem for path in playlists]
        assert all((folder / "matches.csv").is_file() for folder in folders)
        with pytest.raises(InputError, match="no batch in the batch history wrote this"):
            resolve_sources(history, [folders[0]])  # `cratematch write` on its folder
        assert [s.batch_id for s in resolve_sources(history, folders[1:])] == [second, third]
