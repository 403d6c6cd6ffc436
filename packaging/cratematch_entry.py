"""The packaged app's entry point: one executable for the window, the CLI and a self-test.

    cratematch [FILE...] [--catalog FILE] [--provider NAME] [--out DIR] [--start]   window
    cratematch match|catalog|batches|resume|write|undo|writes|demo ...               CLI
    cratematch --version | --help
    cratematch --self-test     the bundled demo through the real worker pool, no display

What each of those does is `matcher.cli.launch.main`'s, the same code a pip install's
`cratematch` runs. This file adds only what a frozen build needs: the engine spawns its
host and workers, and a spawned child starts this same executable again, so
`multiprocessing.freeze_support()` runs first and turns such a start into the child
(nothing else may run before it); and the window is opened through `open_window`, which
keeps matplotlib's cache where it survives a relaunch. Every import of the window waits
until the window is what was asked for.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Sequence

__all__ = ["main", "open_window"]


def main(argv: Sequence[str] | None = None) -> int:
    from matcher.cli.launch import main as launch

    return launch(argv, open_window=open_window)


def open_window(args: list[str]) -> int:
    """The window, with `args` (files to queue, --catalog, --start ...)."""
    _point_matplotlib_at_cache()
    from ui.__main__ import main as window_main

    return window_main(args)


def _point_matplotlib_at_cache() -> None:
    """Frozen only: keep matplotlib's config and font list in the user cache dir.

    PyInstaller's run-time hook gives matplotlib a new temporary config dir at every
    launch, so the font list would be rebuilt every time. matplotlib stores the paths of
    its own fonts relative to its data folder, so the list stays valid for a one-file app
    (unpacked to a new folder at each launch) and for a moved app folder. This runs after
    that hook and before anything imports matplotlib.
    """
    if not getattr(sys, "frozen", False):
        return
    from matcher.paths import cache_dir

    folder = cache_dir() / "matplotlib"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["MPLCONFIGDIR"] = str(folder)


if __name__ == "__main__":
    multiprocessing.freeze_support()
    from matcher.cli.launch import run

    run(open_window=open_window)
