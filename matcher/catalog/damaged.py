"""A catalog database that cannot be read any more: the error that says so, and moving
the file aside so a fresh import can take its place.

SQLite reports a damaged file when a page is overwritten or the file is cut short (a disk
that failed, a copy that stopped half-way). Nothing is deleted (see matcher.sqlite_aside).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from matcher.errors import CatalogError, StoreDamaged
from matcher.sqlite_aside import move_aside

__all__ = ["CatalogDamaged", "catalog_error", "describe", "set_aside"]


class CatalogDamaged(StoreDamaged, CatalogError):
    """The catalog database is damaged or not a database at all."""

    damaged_store = "catalog"


def catalog_error(err: sqlite3.Error, path: Path, message: str) -> CatalogError:
    """The typed error for an SQLite failure on the catalog at `path`."""
    name = getattr(err, "sqlite_errorname", "") or ""
    text = str(err)
    damaged = name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "malformed" in text
    return CatalogDamaged(message, path) if damaged else CatalogError(message)


def set_aside(path: Path) -> Path:
    """Rename a damaged database (and its side files) to `<name>.corrupt-<stamp>`;
    returns the new path. CatalogError when the rename fails."""
    try:
        return move_aside(path)
    except OSError as err:
        raise CatalogError(f"cannot move the catalog aside: {err.strerror or err}") from None


def describe(err: sqlite3.Error, path: Path) -> str:
    """One line for the user about an SQLite failure on the catalog at `path`."""
    text = str(err)
    if "not a database" in text:
        return f"not a CrateMatch catalog (not an SQLite database): {path}"
    if "malformed" in text or "corrupt" in text:
        return f"catalog database is corrupt: {path} (delete it and import again)"
    if "unable to open" in text:
        return f"cannot open catalog: {path}"
    return f"catalog error in {path}: {text}"
