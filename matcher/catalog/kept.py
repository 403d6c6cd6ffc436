"""Content-named catalog files kept by use, so that re-imports do not pile up.

Every changed catalog source is a new database named by its content hash: the local
imports (`<data>/catalogs/<hash>.sqlite`, one per version of a `--catalog FILE`, and a
Rekordbox master.db changes at every session) and a Dask worker's copies
(`cluster-catalogs/<hash>.db`). Each time one is used it is marked (`<hash>.used` beside
it, whose mtime says when); then the others beyond the `count` used last, and any unused
for `unused_s`, are deleted with their side files. A file another process has open stays
readable to it until closed (POSIX); where the OS refuses (Windows), it stays until a
later prune.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from matcher.sqlite_aside import side_paths

__all__ = ["last_use", "mark_used", "prune_unused"]


def mark_used(path: Path) -> None:
    """Mark the database at `path` used now."""
    with contextlib.suppress(OSError):
        path.with_suffix(".used").touch()


def last_use(path: Path) -> float:
    """When the database at `path` was used last: its mark, else when it was written."""
    times = []
    for each in (path, path.with_suffix(".used")):
        with contextlib.suppress(OSError):
            times.append(each.stat().st_mtime)
    return max(times, default=0.0)


def prune_unused(
    folder: Path,
    keep: Path,
    pattern: str,
    *,
    count: int,
    unused_s: float,
    now: float | None = None,
) -> list[Path]:
    """Delete the databases matching `pattern` in `folder`, other than `keep`, that are
    older than the `count - 1` used last, or unused for `unused_s`; returns what went."""
    now = time.time() if now is None else now
    used = {db: last_use(db) for db in folder.glob(pattern) if db != keep}
    removed = []
    for rank, db in enumerate(sorted(used, key=used.__getitem__, reverse=True), start=1):
        if rank < count and now - used[db] < unused_s:
            continue
        try:
            db.unlink()
        except OSError:
            continue
        for side in (db.with_suffix(".used"), *side_paths(db)):
            with contextlib.suppress(OSError):
                side.unlink(missing_ok=True)
        removed.append(db)
    return removed
