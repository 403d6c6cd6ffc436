"""The DJ apps a library write must wait for, and where their libraries live by default.

Traktor and Rekordbox keep their library in memory while they run and write it back
when they quit (Traktor rewrites collection.nml whole), so a write made while one runs
is lost or, worse, mixed with theirs: a write refuses, in one line, until the app quits.
"""

from __future__ import annotations

from pathlib import Path

import psutil

from matcher.playlists.libraries import default_master_db, default_serato_folder
from matcher.writeback.errors import LibraryBusy, LibraryWriteError

__all__ = [
    "default_library",
    "default_traktor_collection",
    "refuse_while_running",
    "running_process",
]

_APPS = {"traktor": "Traktor", "rekordbox": "Rekordbox", "serato": "Serato"}


def running_process(app: str) -> int:
    """The process id of a running `app` ("traktor", "rekordbox"), else 0. Traktor's
    process is "Traktor" on macOS and "Traktor.exe" on Windows (any edition)."""
    if app == "rekordbox":
        from pyrekordbox.utils import get_rekordbox_pid  # the check pyrekordbox itself uses

        return int(get_rekordbox_pid() or 0)
    for process in psutil.process_iter(["name"]):
        name = (process.info.get("name") or "").casefold()
        if name.startswith(app):
            return process.pid
    return 0


def refuse_while_running(app: str) -> None:
    """LibraryBusy (one line) while `app` runs. Serato is not waited for: a new crate
    is a new file, which Serato lists the next time it starts."""
    if app not in ("traktor", "rekordbox"):
        return
    pid = running_process(app)
    if pid:
        raise LibraryBusy(
            f"{_APPS[app]} is running (process {pid}): quit it, then write into its library"
        )


def default_traktor_collection(home: Path | None = None) -> Path | None:
    """The newest ~/Documents/Native Instruments/Traktor */collection.nml (one folder per
    Traktor version; the newest is the one in use), or None."""
    base = (home or Path.home()) / "Documents" / "Native Instruments"
    found = [p for p in base.glob("Traktor*/collection.nml") if p.is_file()]
    return max(found, key=lambda p: p.stat().st_mtime_ns) if found else None


def default_library(app: str, home: Path | None = None) -> Path:
    """The library `--to app` writes into when no --library is given."""
    finders = {
        "traktor": lambda: default_traktor_collection(home),
        "rekordbox": default_master_db,
        "serato": lambda: default_serato_folder(home),
    }
    found = finders[app]()
    if found is None:
        where = {
            "traktor": "~/Documents/Native Instruments/Traktor */collection.nml",
            "rekordbox": "Rekordbox's master.db",
            "serato": "~/Music/_Serato_",
        }[app]
        raise LibraryWriteError(f"no {_APPS[app]} library found ({where}); give it with --library")
    return found
