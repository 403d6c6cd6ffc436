"""`cratematch`, the command line: the parser and dispatch (`commands`), batches followed
to their end with progress bars and exit codes (`run`, `progress`)."""

from __future__ import annotations

from matcher.cli.commands import main

__all__ = ["main"]
