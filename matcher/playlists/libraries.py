"""Where DJ libraries live on this computer, and what a dropped folder holds.

    folder_format(path)       "rekordbox-usb" for a USB stick's root (or its PIONEER
                              folder), "serato" for a _Serato_ folder, its Subcrates or
                              a drive whose root holds one; None for any other folder
    default_master_db()       Rekordbox 6/7's master.db, or None
    default_serato_folder()   the _Serato_ folder of the user's music, or None
    found_libraries()         every library found here (for the settings view)

Rekordbox keeps master.db in `~/Library/Pioneer/rekordbox` (macOS) or
`%APPDATA%\\Pioneer\\rekordbox` (Windows) unless the user moved it; where it is now is in
rekordboxAgent's `storage/options.json` ("db-path"), which is read first. Rekordbox does
not run on Linux, so there is no default there. Serato keeps `_Serato_` in the Music
folder, and one more at the root of every drive it has crates on.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from matcher.playlists.rekordbox_usb import find_export

__all__ = [
    "default_master_db",
    "default_serato_folder",
    "folder_format",
    "found_libraries",
]

_SERATO = "_Serato_"
_SUBCRATES = "Subcrates"


def folder_format(path: Path) -> str | None:
    """The library format a folder holds (see the module's docstring), or None."""
    path = Path(path)
    if path.is_dir() and find_export(path) is not None:
        return "rekordbox-usb"
    if (path / _SUBCRATES).is_dir() or (path / _SERATO / _SUBCRATES).is_dir():
        return "serato"
    if path.name == _SUBCRATES and path.parent.name == _SERATO:
        return "serato"
    return None


def _pioneer_dirs(platform: str, env: Mapping[str, str], home: Path) -> tuple[Path, Path] | None:
    """(the app-data folder Rekordbox's settings are in, its default database folder)."""
    if platform == "darwin":
        return home / "Library" / "Application Support" / "Pioneer", home / "Library" / "Pioneer"
    if platform == "win32":
        appdata = env.get("APPDATA")
        base = Path(appdata) if appdata else home / "AppData" / "Roaming"
        return base / "Pioneer", base / "Pioneer"
    return None


def _options_db_path(app_dir: Path) -> Path | None:
    """The "db-path" in rekordboxAgent's options.json: where the user keeps master.db."""
    options = app_dir / "rekordboxAgent" / "storage" / "options.json"
    try:
        data = json.loads(options.read_text(encoding="utf-8"))
        pairs = data.get("options", []) if isinstance(data, dict) else []
        for pair in pairs:
            if isinstance(pair, list) and len(pair) == 2 and pair[0] == "db-path":
                return Path(str(pair[1]))
    except (OSError, ValueError):
        return None
    return None


def default_master_db(
    platform: str = sys.platform,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> Path | None:
    """Rekordbox 6/7's master.db on this computer, or None when none is found.
    The arguments stand in for the real OS, environment and home folder in tests."""
    dirs = _pioneer_dirs(platform, os.environ if env is None else env, home or Path.home())
    if dirs is None:
        return None
    app_dir, db_dir = dirs
    for candidate in (_options_db_path(app_dir), db_dir / "rekordbox" / "master.db"):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def default_serato_folder(home: Path | None = None) -> Path | None:
    """~/Music/_Serato_ when it holds crates, else None."""
    folder = (home or Path.home()) / "Music" / _SERATO
    return folder if (folder / _SUBCRATES).is_dir() else None


def found_libraries(
    platform: str = sys.platform,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> dict[str, Path]:
    """{"Rekordbox": master.db, "Serato": _Serato_} for the libraries found here."""
    found = {"Rekordbox": default_master_db(platform, env, home),
             "Serato": default_serato_folder(home)}  # fmt: skip
    return {name: path for name, path in found.items() if path is not None}
