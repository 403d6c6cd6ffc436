"""Moving a damaged SQLite database aside, for the journal and the catalog alike.

Nothing is deleted: the file is renamed to `<name>.corrupt-<timestamp>` next to where it
was, with its -wal/-shm/-journal files, so a user can still hand it to someone who can
recover it, and a fresh database can take its place.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = ["SIDE_FILES", "move_aside", "side_paths"]

SIDE_FILES = ("-wal", "-shm", "-journal")


def side_paths(path: Path) -> list[Path]:
    """Where SQLite keeps the side files of the database at `path` (they may not exist)."""
    return [Path(f"{path}{suffix}") for suffix in SIDE_FILES]


def move_aside(path: Path) -> Path:
    """Rename `path` and its side files to a free `<name>.corrupt-<stamp>[-n]`; returns the
    new path. OSError when a rename fails (callers say which store it was)."""
    path = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    if path.exists():
        os.replace(path, aside)
    for side, moved in zip(side_paths(path), side_paths(aside), strict=True):
        if side.exists():
            os.replace(side, moved)
    return aside
