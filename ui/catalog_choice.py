"""The catalog a batch matches against, chosen before Start rather than after a failed
batch. No Tk here.

A new user drops playlists and presses Start. With the local catalog selected and no
catalog at all (no file in Settings, none imported with `cratematch catalog import`), the
batch could only fail, every playlist with a message about command-line options. The
window asks instead: the catalog banner says what is missing and offers to choose the
file. The choice becomes Settings' catalog file (saved), and the batch starts with it.
The queue keeps its playlists waiting meanwhile; Dismiss leaves them waiting.

    Start ──▶ ready()? ── no ──▶ asking: the banner ──▶ choose(path) ──▶ Start again
                └── yes ──▶ the batch
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from matcher import default_catalog_path
from ui.preset_words import PRESET_NAMES
from ui.session import Session
from ui.settings import PROVIDER_NAMES, Settings

__all__ = ["CATALOG_TYPES", "CatalogChoice", "describe_target"]

# What the file dialog offers: what `--catalog` and Settings' catalog file take.
CATALOG_TYPES = [
    ("Catalogs", "*.csv *.csv.gz *.tsv *.xml *.nml *.sqlite *.db"),
    ("All files", "*"),
]


def describe_target(settings: Settings, imported: bool) -> str:
    """What the next Start matches against, in one line under the Start button: the
    catalog (its file's name), the preset and where the matching runs. `imported`: a
    catalog imported with `cratematch catalog import` is there."""
    if settings.provider != "local":
        catalog = f"{PROVIDER_NAMES.get(settings.provider, settings.provider)} (online)"
    elif settings.catalog.strip():
        catalog = Path(settings.catalog.strip()).name or settings.catalog.strip()
    else:
        catalog = "the imported one" if imported else "none yet (Start asks for one)"
    text = f"Catalog: {catalog} · {PRESET_NAMES.get(settings.preset, settings.preset)} preset"
    if settings.cluster and settings.provider == "local":
        text += " · on a Dask cluster"
    return text


class CatalogChoice:
    def __init__(
        self,
        session: Session,
        apply: Callable[[Settings], None],
        start: Callable[[], bool],
        imported: Callable[[], Path] = default_catalog_path,
    ) -> None:
        self.session = session
        self.asking = False  # the banner shows while True
        self._apply = apply  # keep and save new settings (Controller.apply_settings)
        self._start = start  # Controller.start
        self._imported = imported  # where `cratematch catalog import` puts the catalog

    def ready(self) -> bool:
        """Whether a batch with the current settings has a catalog to match against (an
        online provider needs none); otherwise ask for one, and say no."""
        has = self._named() or self._imported().exists()
        self._set_asking(not has)
        return has

    def choose(self, path: str) -> bool:
        """Use the catalog file at `path` from now on and start the waiting playlists;
        an empty path (the dialog cancelled) changes nothing."""
        if not path:
            return False
        self._apply(replace(self.session.settings, catalog=path))
        self._set_asking(False)
        return self._start()

    def target(self) -> str:
        """`describe_target` for the current settings (the window refreshes it after
        every event: the disk is asked only when no catalog is named)."""
        imported = not self._named() and self._imported().exists()
        return describe_target(self.session.settings, imported)

    def _named(self) -> bool:
        """Whether the settings name what to match against: an online provider, or a
        catalog file."""
        settings = self.session.settings
        return settings.provider != "local" or bool(settings.catalog.strip())

    def dismiss(self) -> None:
        self._set_asking(False)

    def _set_asking(self, asking: bool) -> None:
        if self.asking is not asking:
            self.asking = asking
            self.session.changed()
