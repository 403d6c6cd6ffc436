"""The checks a file passes before it is replaced, and the lock held while it is.

Each failed check is a FileRefused with a one-line reason. Checks on the file system
only (no tag parsing) so they are cheap enough to run at preview time as well:

    missing            the path (or a symlink's target) does not exist
    not a file         a folder, a device, a pipe
    unreadable         no read permission
    read-only          no write permission, or the user took write bits away: a user's
                       sign that the file must not change, even for root
    hard-linked        st_nlink > 1: replacing one name would split the links, leaving
                       the other names with the old tags
    locked             another program holds a lock on it: POSIX flock, or on Windows a
                       byte-range lock or an open without write sharing. flock is
                       advisory: a program that writes without locking is caught by the
                       stamp and mtime checks instead

Symlinks: the real file is checked and replaced, so the link stays a link.

`refusal_now` runs the checks but the lock for a preview shown again: a file refused as
read-only that the user made writable since must not stay refused (FilePlan.stale).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from matcher.writeback.errors import FileRefused

__all__ = [
    "CHECKED_REASONS",
    "FileLock",
    "check_file",
    "checked_reason",
    "hold_lock",
    "real_file",
    "refusal_now",
]

# the first words of the reasons check_file gives (the rest is detail: "hard-linked (2 names...)")
CHECKED_REASONS = ("missing", "not a file", "unreadable", "read-only", "hard-linked")

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt
else:
    import fcntl


def real_file(path: str | Path) -> Path:
    """The file `path` names, symlinks resolved; FileRefused("missing") if there is none."""
    real = Path(os.path.realpath(path))
    if not os.path.lexists(path) or not real.exists():
        raise FileRefused(path, "missing")
    return real


def check_file(path: str | Path, real: str | Path) -> os.stat_result:
    """The checks above but the lock, on `real` (or on `path` itself: a stat and access
    follow symlinks); the file's stat when it passes."""
    try:
        st = os.stat(real)
    except FileNotFoundError:
        raise FileRefused(path, "missing") from None
    except OSError as err:
        raise FileRefused(path, f"unreadable ({err.strerror or err})") from None
    if not stat.S_ISREG(st.st_mode):
        raise FileRefused(path, "not a file")
    if not os.access(real, os.R_OK):
        raise FileRefused(path, "unreadable (Permission denied)")
    if not os.access(real, os.W_OK) or not st.st_mode & stat.S_IWUSR:
        raise FileRefused(path, "read-only")
    if st.st_nlink > 1:
        raise FileRefused(path, f"hard-linked ({st.st_nlink} names; replacing it would split them)")
    return st


def refusal_now(path: str | Path) -> tuple[str, os.stat_result | None]:
    """Why the file at `path` would be refused now by the checks above but the lock ("" when
    it would not), and its stat when it passes: a few system calls, no tag read."""
    try:  # no realpath: it costs more than the checks, and stat and access follow links
        return "", check_file(path, path)
    except FileRefused as err:
        return err.reason, None


def checked_reason(reason: str) -> bool:
    """Whether `reason` is one the checks above give (not what the file holds)."""
    return reason.split(" (", 1)[0] in CHECKED_REASONS


class FileLock:
    """An exclusive lock on a file, held until `release` (which is idempotent)."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            if os.name == "nt":  # pragma: no cover
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            else:
                fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextlib.contextmanager
def hold_lock(path: str | Path, real: Path) -> Iterator[FileLock]:
    """Lock `real` without waiting; FileRefused("locked by another program") if another
    process holds it. On Windows the lock must be released before the file is replaced
    (an open file cannot be renamed over); on POSIX it is held through the replace."""
    locked = FileRefused(path, "locked by another program")
    flags = os.O_RDWR | getattr(os, "O_BINARY", 0) if os.name == "nt" else os.O_RDONLY
    try:
        fd = os.open(real, flags)
    except PermissionError:  # on Windows: another program opened it without sharing
        raise (locked if os.name == "nt" else FileRefused(path, "unreadable")) from None
    except OSError as err:
        raise FileRefused(path, f"unreadable ({err.strerror or err})") from None
    try:
        if os.name == "nt":  # pragma: no cover
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise locked from None
    lock = FileLock(real, fd)
    try:
        yield lock
    finally:
        lock.release()
