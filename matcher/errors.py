"""Typed errors of the core. The edges (CLI, window) turn them into one readable line.

CrateMatchError
 ├── InputError                 bad input from the user: CLI exit code 2
 │    ├── UnsupportedFormat     not a playlist format we read
 │    ├── PlaylistParseError    a playlist file that is broken
 │    ├── UnsafeXmlError        XML with entities, a DTD or other hostile constructs
 │    ├── PlaylistSelectionError  --playlist names nothing in the file, or a choice is needed
 │    └── CatalogImportError    a catalog source that cannot be imported
 ├── CatalogError               the catalog database is missing, corrupt or unusable
 ├── OutputError                outputs could not be written (disk full, read-only, ...)
 └── ProviderError              a catalog provider failed for a track
"""

from __future__ import annotations

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
    "UnsafeXmlError",
    "UnsupportedFormat",
]


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
    pass


class OutputError(CrateMatchError):
    pass


class ProviderError(CrateMatchError):
    pass
