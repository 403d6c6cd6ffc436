"""CrateMatch's bundled demo: an invented catalog and three playlists that use it.

Everything in these files (artists, titles, labels, releases, ISRCs, store ids) is made
up for the demo, so `cratematch demo` runs fully offline with nothing real in it. The
playlists carry the noise real libraries have (versions in titles, Camelot keys, typos,
feat. placement, file names as titles) and about a fifth of their entries are not in the
catalog; `expected.csv` says which catalog row each entry should match ("" = none).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["DEMO_CATALOG", "DEMO_EXPECTED", "DEMO_PLAYLISTS", "demo_dir"]

DEMO_CATALOG = "catalog.csv"
DEMO_EXPECTED = "expected.csv"
DEMO_PLAYLISTS: tuple[str, ...] = (
    "Warehouse Sets.xml",  # Rekordbox XML: Club/Peak Time and Club/Warm Up
    "Sunday Session.m3u8",
    "Spotify Finds.csv",  # Exportify-style CSV
)


def demo_dir() -> Path:
    """The folder holding the demo files, wherever the package is installed."""
    return Path(str(resources.files(__name__)))
