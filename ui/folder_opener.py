"""Whether the OS can show a folder in its file manager, asked before trying: on Linux
and the BSDs that takes xdg-open, which servers and containers often lack, and launching
it there failed with "No such file or directory", which read as if the folder were
missing."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = ["no_folder_opener"]


def no_folder_opener(
    folder: Path, platform: str = sys.platform, which: Callable[[str], str | None] = shutil.which
) -> str:
    """Why the OS cannot show `folder`, in one line with the folder's path (so it can be
    opened by hand), or "" when it can try. Linux and the BSDs open folders with xdg-open,
    which servers and containers often lack; Windows and macOS always have a way."""
    if platform.startswith(("win", "cygwin", "darwin")) or which("xdg-open"):
        return ""
    return (
        "No program to open folders with is installed (xdg-open, from xdg-utils): "
        f"the folder is {Path(folder).absolute()}"
    )
