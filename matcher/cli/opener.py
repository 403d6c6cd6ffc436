"""Showing a folder in the user's file manager (`cratematch demo --open`).

The OS opens it: `xdg-open` on Linux and the BSDs, `open` on macOS, `os.startfile` on
Windows. The folder goes to the program as one argument, never through a shell, so no
character in a path can run anything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from matcher.cli.output import one_line

__all__ = ["open_command", "open_folder"]


def open_command(folder: Path, platform: str | None = None) -> list[str] | None:
    """The argv that shows `folder` (absolute) on `platform`; None on Windows, where
    `os.startfile` does it."""
    platform = platform or sys.platform
    path = str(Path(folder).absolute())
    if platform.startswith(("win", "cygwin")):
        return None
    if platform == "darwin":
        return ["open", path]
    return ["xdg-open", path]


def open_folder(
    folder: Path,
    *,
    platform: str | None = None,
    run: Callable[..., object] = subprocess.Popen,
) -> str:
    """Ask the OS to show `folder`, without waiting for the file manager; "" when asked,
    else one line saying why not."""
    argv = open_command(folder, platform)
    try:
        if argv is None:
            os.startfile(str(Path(folder).absolute()))  # type: ignore[attr-defined]  # Windows
        else:
            run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    except (OSError, AttributeError) as err:
        program = argv[0] if argv else "the file manager"
        return f"could not open {one_line(folder)} with {program}: {one_line(err)}"
    return ""
