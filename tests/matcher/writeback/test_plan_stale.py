"""FilePlan.stale: whether a preview's plan still holds for the file as it is now, on real
files read the way a plan run's worker reads them (jobs.run_job) in a temporary folder.
A preview shown again is read again only when this says a file moved on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from matcher.writeback.jobs import Action, FileJob, run_job
from matcher.writeback.plan import FilePlan, PlanStatus, plan_file
from matcher.writeback.targets import FileTarget, WriteOptions
from tests.matcher.writeback.synth import make_mp3

PROPOSED = {"genre": "Deep House", "label": "Quarrystone", "bpm": "124"}


def planned(path: Path, conflict: str = "") -> FilePlan:
    """The plan a plan run makes of `path` now (read in this process, as a worker would)."""
    target = FileTarget(
        path=str(path), group=0, playlist="Peak", out_dir=str(path.parent), rows=((0, 0),),
        catalog_id="c1", status="matched", proposed=dict(PROPOSED), conflict=conflict,
    )  # fmt: skip
    if conflict:
        return plan_file(target, None, WriteOptions())
    done = run_job(Action.READ, FileJob(0, str(path)), None, "")
    return plan_file(target, done.state, WriteOptions(), done.refused)


@pytest.fixture
def mp3(tmp_path: Path) -> Path:
    return make_mp3(tmp_path / "01 Ember Glass.mp3")


def test_a_read_only_file_made_writable_is_stale(mp3: Path) -> None:
    os.chmod(mp3, 0o444)
    plan = planned(mp3)
    assert plan.status is PlanStatus.REFUSED and plan.reason == "read-only"
    assert not plan.stale()
    os.chmod(mp3, 0o644)
    assert plan.stale()
    assert planned(mp3).status is PlanStatus.CHANGE  # what reading it again finds


def test_a_missing_file_that_came_back_is_stale(mp3: Path, tmp_path: Path) -> None:
    away = tmp_path / "away.mp3"
    mp3.rename(away)
    plan = planned(mp3)
    assert plan.reason == "missing" and not plan.stale()
    away.rename(mp3)
    assert plan.stale()


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda p: os.chmod(p, 0o444), id="made-read-only"),
        pytest.param(lambda p: p.unlink(), id="deleted"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes() + b"\0"), id="rewritten"),
        pytest.param(lambda p: os.utime(p, ns=(1, 1)), id="touched"),
    ],
)
def test_a_file_read_is_stale_once_it_changes(mp3: Path, change) -> None:  # noqa: ANN001
    plan = planned(mp3)
    assert plan.status is PlanStatus.CHANGE and not plan.stale()
    change(mp3)
    assert plan.stale()


def test_a_file_refused_for_what_it_holds_stays_put_until_the_checks_refuse_it(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "05 Hollow Tide.mp3"
    empty.write_bytes(b"")
    plan = planned(empty)
    assert plan.reason.startswith("damaged") and not plan.stale()  # read again: the same
    empty.unlink()
    assert plan.stale()


def test_a_conflict_between_rows_is_not_about_the_file(mp3: Path) -> None:
    plan = planned(mp3, conflict="two rows propose different tracks")
    os.chmod(mp3, 0o444)
    assert not plan.stale()


def test_a_symlink_is_checked_through(mp3: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.mp3"
    link.symlink_to(mp3)
    plan = planned(link)
    assert plan.status is PlanStatus.CHANGE and not plan.stale()
    os.chmod(mp3, 0o444)
    assert plan.stale()
