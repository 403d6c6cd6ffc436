"""Typed errors of the core. The edges (CLI, window) turn them into one readable line.

CrateMatchError
 ├── InputError                 bad input from the user: CLI exit code 2
 │    ├── UnsupportedFormat     not a playlist format we read
 │    │    └── UnsupportedCatalogSource  not a catalog source we import (also a
 │    │                                  CatalogImportError; catalog/importers.py)
 │    ├── PlaylistParseError    a playlist file that is broken
 │    │    └── LibraryError      a DJ library that cannot be read (playlists/library_errors.py)
 │    │         ├── LibraryLocked         encrypted, and no key we have opens it
 │    │         ├── LibraryDamaged        cut short or overwritten
 │    │         ├── LibrarySchemaUnknown  a newer app's layout: what we read is not there
 │    │         └── NotALibrary           another kind of file
 │    ├── UnsafeXmlError        XML with entities, a DTD or other hostile constructs
 │    ├── PlaylistSelectionError  --playlist names nothing in the file, or a choice is needed
 │    └── CatalogImportError    a catalog source that cannot be imported
 ├── CatalogError               the catalog database is missing, corrupt or unusable
 │    └── CatalogDamaged        the file is damaged or not a database: set it aside and
 │                              import again (catalog/damaged.py)
 ├── JournalError               the batch journal cannot be opened, read or written
 │    └── JournalDamaged        the file is damaged or not a journal: rebuild it
 │                              (engine/journal_db.py)
 ├── OutputError                outputs could not be written (disk full, read-only, ...)
 ├── ProviderError              a catalog provider failed for a track (http/errors.py)
 │    ├── ProviderAuthError     the token is missing or the service rejected it
 │    ├── ProviderUnavailable   unreachable, timing out, or failing (5xx) after retries
 │    ├── ProviderRateLimited   asked to wait longer than we will, or kept saying 429
 │    └── ProviderResponseError an answer we cannot use (malformed JSON, odd status)
 ├── WriteError                 tags could not be written as asked (writeback/errors.py)
 │    ├── FileRefused           one file was left as it was: `reason` says why
 │    ├── DecisionsChanged      a review decision changed the results after the plan:
 │    │                         nothing written (writeback/decisions.py)
 │    ├── WriteJournalError     the writes journal cannot be used
 │    │    └── WriteJournalDamaged  damaged or not a journal: rebuild it
 │    └── LibraryWriteError     a DJ library was not written or restored (one line why)
 │         ├── LibraryBusy       its app is running: quit it first
 │         ├── LibraryMalformed  not a library we can edit without guessing
 │         └── LibraryChanged    changed since it was read, or since the write (undo)
 ├── UndoError                  a write cannot be undone (writeback/errors.py)
 └── ClusterUnavailable         the Dask cluster cannot be reached, has no workers, was
                                lost mid-batch, or dask is not installed
                                (engine/cluster_pool.py)

The subclasses defined elsewhere live next to the code that raises them; the
`...Damaged` errors mix in `StoreDamaged` (`damaged_store`, `path`), which
`damage_of` turns into an EngineError the window can offer a repair for.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CatalogError",
    "CatalogImportError",
    "CrateMatchError",
    "InputError",
    "JournalError",
    "OutputError",
    "PlaylistParseError",
    "PlaylistSelectionError",
    "ProviderError",
    "StoreDamaged",
    "UnsafeXmlError",
    "UnsupportedFormat",
    "damage_of",
]


class StoreDamaged:
    """Mixed into the errors for a store file (catalog, journal, writes journal) that is
    damaged or not ours. `damaged_store` names the store for the window's repair prompt;
    `path` is the file (None after pickling, which keeps only the message)."""

    damaged_store = ""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


def damage_of(err: BaseException) -> dict[str, str]:
    """EngineError's `damaged` and `damaged_path` for an error saying the journal or the
    catalog file is damaged (JournalDamaged, CatalogDamaged), else no fields."""
    kind = getattr(err, "damaged_store", "")
    if not kind:
        return {}
    return {"damaged": kind, "damaged_path": str(getattr(err, "path", "") or "")}


class CrateMatchError(Exception):
    """Base of every error CrateMatch raises on purpose. `str(err)` is one line for users."""


class InputError(CrateMatchError):
    """The user gave us something we cannot use."""


class UnsupportedFormat(InputError):
    pass


class PlaylistParseError(InputError):
    pass


class UnsafeXmlError(InputError):
    pass


class PlaylistSelectionError(InputError):
    pass


class CatalogImportError(InputError):
    pass


class CatalogError(CrateMatchError):
    pass


class JournalError(CrateMatchError):
    """The batch journal cannot be opened, read or written (engine/journal_db.py)."""


class OutputError(CrateMatchError):
    pass


class ProviderError(CrateMatchError):
    pass
