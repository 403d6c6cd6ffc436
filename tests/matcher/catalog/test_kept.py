"""Content-named catalog databases kept by use (matcher.catalog.kept): the imports of a
`--catalog FILE` that keeps changing do not pile up, and the one in use always stays."""

from __future__ import annotations

import os
import time
from pathlib import Path

from matcher.catalog import resolve_catalog
from matcher.catalog.kept import last_use, mark_used, prune_unused
from matcher.catalog.sync import KEEP_IMPORTS, KEEP_IMPORTS_UNUSED_S

DAY = 86400.0
CATALOG_HEADER = "catalog_id,title,artists,duration_s\n"


def _db(folder: Path, name: str, used_days_ago: float, sides: bool = False) -> Path:
    path = folder / f"{name}.sqlite"
    path.write_bytes(b"SQLite format 3\0" + name.encode())
    when = time.time() - used_days_ago * DAY
    os.utime(path, (when, when))
    if sides:
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").write_bytes(b"side")
    return path


def test_the_databases_used_last_stay_the_older_ones_go_with_their_side_files(
    tmp_path: Path,
) -> None:
    dbs = [_db(tmp_path, f"d{i}", used_days_ago=i + 1, sides=True) for i in range(5)]
    keep = dbs[4]  # the oldest, but in use now
    removed = prune_unused(tmp_path, keep, "*.sqlite", count=3, unused_s=30 * DAY)
    assert sorted(removed) == sorted(dbs[2:4])
    assert sorted(tmp_path.glob("*.sqlite")) == sorted([dbs[0], dbs[1], keep])
    assert sorted(p.name for p in tmp_path.glob("d3*")) == []  # its -wal and -shm too
    assert Path(f"{dbs[0]}-wal").exists()


def test_a_mark_of_use_counts_not_the_day_it_was_written(tmp_path: Path) -> None:
    keep = _db(tmp_path, "now", used_days_ago=0)
    old = _db(tmp_path, "old", used_days_ago=40)
    assert prune_unused(tmp_path, keep, "*.sqlite", count=3, unused_s=30 * DAY) == [old]
    again = _db(tmp_path, "again", used_days_ago=40)
    mark_used(again)
    assert abs(last_use(again) - time.time()) < 60
    assert prune_unused(tmp_path, keep, "*.sqlite", count=3, unused_s=30 * DAY) == []


def test_a_catalog_file_that_keeps_changing_leaves_only_its_recent_imports(
    tmp_path: Path, cratematch_home: Path
) -> None:
    source = tmp_path / "weekly export.csv"
    built = []
    for week in range(KEEP_IMPORTS + 2):
        source.write_text(CATALOG_HEADER + f"w{week},Week {week} Anthem,Someone,300\n",
                          encoding="utf-8")  # fmt: skip
        built.append(resolve_catalog(source))
        when = time.time() - (KEEP_IMPORTS + 2 - week) * 60  # each used a minute apart
        os.utime(built[-1].with_suffix(".used"), (when, when))
    folder = built[0].parent
    assert sorted(folder.glob("*.sqlite")) == sorted(built[-KEEP_IMPORTS:])
    assert not any(p.exists() or p.with_suffix(".used").exists() for p in built[:2])
    assert resolve_catalog(source) == built[-1]  # the one in use: reused, not re-imported
    assert KEEP_IMPORTS_UNUSED_S >= 14 * DAY
