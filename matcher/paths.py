"""Where CrateMatch keeps its files.

Settings go in the user config dir, the local catalog and the journal in the user data
dir, the HTTP cache in the user cache dir (platformdirs decides where those are on each
OS). `CRATEMATCH_HOME` puts all of them under one folder, which is what tests use.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "CrateMatch"

__all__ = ["cache_dir", "config_dir", "data_dir", "default_catalog_path", "default_out_dir"]


def _home() -> Path | None:
    home = os.environ.get("CRATEMATCH_HOME")
    return Path(home).expanduser() if home else None


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    home = _home()
    return _ensure(home / "config" if home else platformdirs.user_config_path(APP, False))


def data_dir() -> Path:
    home = _home()
    return _ensure(home / "data" if home else platformdirs.user_data_path(APP, False))


def cache_dir() -> Path:
    home = _home()
    return _ensure(home / "cache" if home else platformdirs.user_cache_path(APP, False))


def default_catalog_path() -> Path:
    """The local catalog used when no `--catalog` is given."""
    return data_dir() / "catalog.sqlite"


def default_out_dir() -> Path:
    """Where results go when no `--out` is given: a CrateMatch folder in the user's Music."""
    home = _home()
    if home:
        return home / "results"
    return platformdirs.user_music_path() / "CrateMatch"
