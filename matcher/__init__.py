"""CrateMatch's engine: playlist readers, matching, catalogs and outputs.

This package never imports a GUI toolkit; everything the window does goes through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from matcher.engine import Batch, Engine

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """`Engine` and `Batch` load on first use: worker processes import this package and
    need none of the engine's machinery."""
    if name in ("Engine", "Batch"):
        from matcher import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'matcher' has no attribute {name!r}")


__all__ = [
    "PRESETS",
    "Batch",
    "Engine",
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
