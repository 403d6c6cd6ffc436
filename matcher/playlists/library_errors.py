"""Why a DJ library (Rekordbox master.db, a USB export, Serato crates) cannot be read.

    PlaylistParseError                    (matcher.errors: an InputError, exit 2)
     └── LibraryError                     a library file we cannot read
          ├── LibraryLocked               encrypted, and no key we have opens it
          ├── LibraryDamaged              cut short, overwritten, not what it claims
          ├── LibrarySchemaUnknown        written by a newer app: tables or columns
          │                               we need are not there
          └── NotALibrary                 some other file (text, another SQLite db)

Each message is one line naming the file and saying what the user can do, because the
CLI prints it as it is and the window shows it next to the dropped file. They are
InputErrors rather than CatalogErrors even when a catalog import raised them: the file
the user pointed at is the problem, not CrateMatch's own catalog.
"""

from __future__ import annotations

from matcher.errors import PlaylistParseError

__all__ = [
    "KEY_ENV",
    "LibraryDamaged",
    "LibraryError",
    "LibraryLocked",
    "LibrarySchemaUnknown",
    "NotALibrary",
]

# Where a user gives the Rekordbox database key when pyrekordbox does not know it.
KEY_ENV = "CRATEMATCH_REKORDBOX_KEY"


class LibraryError(PlaylistParseError):
    """A DJ library file that cannot be read; `str(err)` is the line to show."""


class LibraryLocked(LibraryError):
    """Encrypted, and neither the key pyrekordbox knows nor CRATEMATCH_REKORDBOX_KEY opens it."""


class LibraryDamaged(LibraryError):
    """The file is damaged: cut short, overwritten, or its structure points nowhere."""


class LibrarySchemaUnknown(LibraryError):
    """A newer (or unknown) version of the app wrote it: what we read is not there."""


class NotALibrary(LibraryError):
    """Not a library at all (text, an image, another program's SQLite database)."""
