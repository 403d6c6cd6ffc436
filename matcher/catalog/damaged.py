"""A catalog database that cannot be read any more: the error that says so, and moving
the file aside so a fresh import can take its place.

SQLite reports a damaged file when a page is overwritten or the file is cut short (a disk
that failed, a copy that stopped half-way). Nothing is deleted: the damaged file is
renamed to `<name>.corrupt-<timestamp>` next to where it was, with its -wal/-shm/-journal
files, so a user can still hand it to someone who can recover it.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from matcher.errors import CatalogError

__all__ = ["CatalogDamaged", "catalog_error", "set_aside"]

_SIDE_FILES = ("-wal", "-shm", "-journal")


class CatalogDamaged(CatalogError):
    """The catalog database is damaged or not a database at all. `path` is the file
    (None after pickling, which keeps only the message)."""

    damaged_store = "catalog"

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


def catalog_error(err: sqlite3.Error, path: Path, message: str) -> CatalogError:
    """The typed error for an SQLite failure on the catalog at `path`."""
    name = getattr(err, "sqlite_errorname", "") or ""
    text = str(err)
    damaged = name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "malformed" in text
    return CatalogDamaged(message, path) if damaged else CatalogError(message)


def set_aside(path: Path) -> Path:
    """Rename a damaged database (and its side files) to `<name>.corrupt-<stamp>`;
    returns the new path. CatalogError when the rename fails."""
    path = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    try:
        if path.exists():
            os.replace(path, aside)
        for suffix in _SIDE_FILES:
            side = Path(f"{path}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{aside}{suffix}"))
    except OSError as err:
        raise CatalogError(f"cannot move the catalog aside: {err.strerror or err}") from None
    return aside
