"""Atomic file writes: a report is either the old file or the complete new one.

A batch can be cancelled, the disk can fill up, the window can be closed mid-export. A
user who re-imports `enriched.xml` into Rekordbox must never get half a file, so every
output goes to a temporary file in the same folder (same filesystem, so the rename is
atomic), is flushed and fsynced, and only then replaces the target with `os.replace`.
On any failure the temporary file is removed, the previous file stays as it was and an
`OutputError` with one readable line is raised.

The folder is fsynced after the rename, so that the rename itself survives a power cut.
Files written together (a playlist's eight outputs) share that fsync: inside
`folder_synced_once`, each folder is fsynced once, when the group ends.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from matcher.errors import OutputError

__all__ = [
    "atomic_open",
    "atomic_write_text",
    "describe_os_error",
    "folder_synced_once",
    "fsync_dir",
]

_umask: int | None = None


def _file_mode(path: Path) -> int:
    """The permissions the final file should get: the old file's, else 0o666 minus umask.

    `mkstemp` creates 0o600 files; a report nobody else can read would surprise users
    who share their export folder.
    """
    global _umask
    with contextlib.suppress(OSError):
        return path.stat().st_mode & 0o777
    if _umask is None:
        _umask = os.umask(0o022)
        os.umask(_umask)
    return 0o666 & ~_umask


def describe_os_error(err: OSError) -> str:
    """An OSError as a short phrase: "No space left on device", "Permission denied"."""
    return err.strerror or str(err) or type(err).__name__


def fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX only; Windows cannot open directories)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_group = threading.local()  # .folders: the folders the writes of the open group renamed into


@contextmanager
def folder_synced_once() -> Iterator[None]:
    """Atomic writes in this block (on this thread) leave the fsync of their folder to its
    end, once per folder. Each file is still fsynced before its rename, so it is always
    the old file or the whole new one; only the renames' durability waits for the block
    to end (a playlist's outputs: 9 fsyncs instead of 16, some 2 ms each). Nested
    blocks join the outermost one."""
    if getattr(_group, "folders", None) is not None:
        yield
        return
    folders: dict[Path, None] = {}
    _group.folders = folders
    try:
        yield
    finally:
        _group.folders = None
        for folder in folders:
            fsync_dir(folder)


def _renamed_into(folder: Path) -> None:
    folders = getattr(_group, "folders", None)
    if folders is None:
        fsync_dir(folder)
    else:
        folders[folder] = None


@contextmanager
def atomic_open(
    path: Path, mode: str = "w", newline: str | None = "", encoding: str = "utf-8"
) -> Iterator[IO]:
    """Open a temporary file next to `path`; on a clean exit it replaces `path`.

    `mode` is "w" (text, `newline`/`encoding` apply) or "wb". Errors from the body
    (an OSError while writing) become `OutputError`; other exceptions pass through
    unchanged, and in every failing case the temporary file is removed.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open supports 'w' and 'wb', not {mode!r}")
    path = Path(path)
    folder = path.parent
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise OutputError(f"cannot write {path}: {describe_os_error(err)}") from err
    tmp = Path(tmp_name)
    try:
        if mode == "wb":
            handle = open(fd, "wb")  # noqa: SIM115 - closed below, before the rename
        else:
            # surrogateescape: a file name that is not valid UTF-8 is written back as the
            # very bytes it was read from, instead of failing the whole report
            handle = open(fd, "w", encoding=encoding, newline=newline, errors="surrogateescape")  # noqa: SIM115
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    try:
        try:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            handle.close()
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {describe_os_error(err)}") from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _renamed_into(folder)


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` atomically, UTF-8 without BOM, newlines as given."""
    with atomic_open(path, "w", newline="", encoding="utf-8") as handle:
        handle.write(text)
