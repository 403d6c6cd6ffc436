"""A consistent private copy of an SQLite database another program is writing.

Rekordbox keeps master.db open while it runs. Reading it in place would take SQLite
locks on the user's live library (in rollback-journal mode a reader's lock makes
Rekordbox's next commit wait or fail), so CrateMatch never opens the original: it copies
the database and its side files (-wal, -journal) into a temporary folder and opens the
copy. The copy takes no lock at all, so it cannot disturb Rekordbox.

A copy taken while Rekordbox writes could mix two states, so each file's size and
modification time are read before and after copying; if anything moved, the copy is
taken again (a few times, then the last one is used and SQLite judges it). Opening the
copy replays a -wal or rolls back a hot -journal exactly as SQLite would have done on
the original, which gives the state of the last finished transaction.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["SIDE_FILES", "snapshot"]

SIDE_FILES = ("-wal", "-journal")  # -shm is rebuilt from the -wal; never copied
_TRIES = 5
_PAUSE_S = 0.05

Stamp = tuple[tuple[int, int] | None, ...]


def _stamp(files: list[Path]) -> Stamp:
    """(size, mtime_ns) of each file, None for one that does not exist (now)."""
    stamps: list[tuple[int, int] | None] = []
    for file in files:
        try:
            stat = file.stat()
        except FileNotFoundError:
            stamps.append(None)
        else:
            stamps.append((stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


def _copy(files: list[Path], folder: Path, name: str) -> None:
    for file, suffix in zip(files, ("", *SIDE_FILES), strict=True):
        target = folder / f"{name}{suffix}"
        target.unlink(missing_ok=True)
        try:
            shutil.copyfile(file, target)
        except FileNotFoundError:
            if suffix == "":
                raise
            # a side file that went away during the copy: the stamps say so


@contextmanager
def snapshot(path: Path, name: str = "library.db") -> Iterator[Path]:
    """A private copy of the database at `path` (with its side files), deleted on exit.

    OSError when `path` cannot be read (the caller turns it into a one-line error).
    """
    path = Path(path)
    files = [path, *(path.with_name(path.name + s) for s in SIDE_FILES)]
    with tempfile.TemporaryDirectory(prefix="cratematch-snapshot-") as temp:
        folder = Path(temp)
        for attempt in range(_TRIES):
            before = _stamp(files)
            _copy(files, folder, name)
            if _stamp(files) == before:
                break
            if attempt < _TRIES - 1:
                time.sleep(_PAUSE_S)
        yield folder / name
