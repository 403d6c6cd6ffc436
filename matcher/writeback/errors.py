"""Typed errors of write-back. The edges turn them into one line for users.

    CrateMatchError (matcher.errors)
     ├── WriteError                  tags could not be written as asked
     │    ├── FileRefused            one file was left as it was: `reason` says why
     │    ├── DecisionsChanged       a review decision changed the results after the plan
     │    ├── WriteJournalError      the writes journal cannot be used
     │    │    └── WriteJournalDamaged  damaged or not a journal: `rebuild_write_journal`
     │    └── LibraryWriteError      a DJ library (collection.nml, master.db, crates) was
     │         │                     not written, or not restored
     │         ├── LibraryBusy       its app (Traktor, Rekordbox) is running
     │         ├── LibraryMalformed  not a library we can edit without guessing
     │         └── LibraryChanged    changed since it was read (write) or written (undo)
     └── UndoError                   a write cannot be undone (unknown id, nothing to undo)

A refusal is per file and the run goes on; the journal errors stop a run, because a file
must never be replaced without its undo record being durable first.
"""

from __future__ import annotations

from pathlib import Path

from matcher.errors import CrateMatchError, StoreDamaged

__all__ = [
    "DecisionsChanged",
    "FileRefused",
    "LibraryBusy",
    "LibraryChanged",
    "LibraryMalformed",
    "LibraryWriteError",
    "UndoError",
    "WriteError",
    "WriteJournalDamaged",
    "WriteJournalError",
]


class WriteError(CrateMatchError):
    """Tags could not be written as asked."""


class FileRefused(WriteError):
    """A file was not written (or not restored) and is as it was. `reason` is one short
    line ("read-only", "locked by another program", ...); `str(err)` adds the path."""

    def __init__(self, path: str | Path, reason: str) -> None:
        reason = " ".join(str(reason).split())  # one line, whatever the OS said
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (self.path, self.reason))


class DecisionsChanged(WriteError):
    """The results decide otherwise than when the write was planned (a review decision
    made since, in this window or another): nothing was written, the plan is read again."""


class WriteJournalError(WriteError):
    """The writes journal cannot be opened or written: nothing is replaced without it."""


class WriteJournalDamaged(StoreDamaged, WriteJournalError):
    """The writes journal is damaged or is not one; `rebuild_write_journal` moves it aside."""

    damaged_store = "writes journal"


class UndoError(CrateMatchError):
    """A write cannot be undone as asked (no such write, nothing written)."""


class LibraryWriteError(WriteError):
    """A DJ library was left as it was; the message says why, in one line."""


class LibraryBusy(LibraryWriteError):
    """The library's app is running: it keeps the library in memory and would overwrite
    (or be confused by) what we write."""


class LibraryMalformed(LibraryWriteError):
    """The library is not one we can edit without guessing (damaged, or not the format)."""


class LibraryChanged(LibraryWriteError):
    """Undo: the library changed since the write; restoring would lose those changes."""
