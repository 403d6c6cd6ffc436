"""`cratematch`, the command line: the entry point of both installs (`launch`: the
window, --self-test, or a command), the parser and dispatch (`commands`), batches
followed to their end with progress bars and exit codes (`run`, `follow`, `progress`),
write-back (`write`), and showing a folder (`opener`)."""

from __future__ import annotations

from matcher.cli.launch import main

__all__ = ["main"]
