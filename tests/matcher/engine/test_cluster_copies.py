"""The catalog copies Dask workers keep: the ones in use stay, the rest do not pile up
(a ten-million-track catalog is a 4 GB copy, and each re-import is a new one)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from matcher.engine.cluster_catalog import (  # noqa: E402
    KEEP_COPIES,
    KEEP_UNUSED_S,
    _taken,
    prune_copies,
)

DAY = 86400.0


def _copy(folder: Path, name: str, age_s: float, used_age_s: float | None = None) -> Path:
    now = time.time()
    path = folder / f"{name}.db"
    path.write_bytes(b"SQLite format 3\0" + name.encode())
    os.utime(path, (now - age_s, now - age_s))
    if used_age_s is not None:
        used = path.with_suffix(".used")
        used.touch()
        os.utime(used, (now - used_age_s, now - used_age_s))
    return path


def test_the_copies_used_last_stay_and_the_older_ones_go(tmp_path: Path) -> None:
    assert KEEP_COPIES == 3
    copies = [_copy(tmp_path, f"c{i}", age_s=DAY * (i + 1), used_age_s=DAY * (i + 1))
              for i in range(5)]  # fmt: skip
    keep = copies[4]  # the oldest, but the one this batch uses
    removed = prune_copies(tmp_path, keep=keep)
    assert sorted(removed) == sorted(copies[2:4])
    assert sorted(tmp_path.glob("*.db")) == sorted([copies[0], copies[1], keep])
    assert sorted(p.stem for p in tmp_path.glob("*.used")) == ["c0", "c1", "c4"]


def test_a_copy_unused_for_two_weeks_goes_however_few_there_are(tmp_path: Path) -> None:
    keep = _copy(tmp_path, "now", age_s=0)
    stale = _copy(tmp_path, "stale", age_s=KEEP_UNUSED_S + DAY)
    recent = _copy(tmp_path, "recent", age_s=KEEP_UNUSED_S - DAY)
    assert prune_copies(tmp_path, keep=keep) == [stale]
    assert recent.exists() and keep.exists()


def test_use_counts_not_the_day_it_was_fetched(tmp_path: Path) -> None:
    """A copy fetched a month ago and used yesterday is in use."""
    keep = _copy(tmp_path, "now", age_s=0)
    old_but_used = _copy(tmp_path, "old", age_s=30 * DAY, used_age_s=DAY)
    assert prune_copies(tmp_path, keep=keep) == []
    assert old_but_used.exists()


def test_taking_a_copy_marks_it_used_and_leaves_fetches_in_progress(tmp_path: Path) -> None:
    part = tmp_path / "next.db.123-abcd.part"
    part.write_bytes(b"half")
    stale = _copy(tmp_path, "stale", age_s=KEEP_UNUSED_S + DAY, used_age_s=KEEP_UNUSED_S + DAY)
    keep = _copy(tmp_path, "mine", age_s=40 * DAY)
    _taken(keep)
    assert keep.exists() and time.time() - keep.with_suffix(".used").stat().st_mtime < 60
    assert not stale.exists() and not stale.with_suffix(".used").exists()
    assert part.exists()
