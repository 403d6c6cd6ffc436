"""CrateMatch's engine: playlist readers, matching, catalogs and outputs.

This package never imports a GUI toolkit; everything the window does goes through it.
"""

from __future__ import annotations

from matcher.config import EngineConfig
from matcher.errors import CrateMatchError, InputError
from matcher.model import (
    Candidate,
    CatalogTrack,
    MatchResult,
    MatchStatus,
    Playlist,
    PlaylistEntry,
    PlaylistRef,
)
from matcher.presets import PRESETS, Preset

__version__ = "0.1.0"

__all__ = [
    "PRESETS",
    "Candidate",
    "CatalogTrack",
    "CrateMatchError",
    "EngineConfig",
    "InputError",
    "MatchResult",
    "MatchStatus",
    "Playlist",
    "PlaylistEntry",
    "PlaylistRef",
    "Preset",
    "__version__",
]
