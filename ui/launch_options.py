"""What the command line asks of the window: files to queue, and a catalog, provider or
output folder for this session only. No Tk here, so `--help` and a bad option are
answered before anything opens a display.

    cratematch-gui [FILES…] [--catalog F] [--provider P] [--out DIR] [--start]
        ──parse_options()──▶ LaunchOptions ──with_overrides(settings)──▶ this session's
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from matcher import PROVIDERS
from ui.settings import Settings

__all__ = ["LaunchOptions", "parse_options", "with_overrides"]


@dataclass(frozen=True, slots=True)
class LaunchOptions:
    files: tuple[Path, ...] = ()
    catalog: str | None = None
    provider: str | None = None
    out: str | None = None
    start: bool = False


def parse_options(argv: Sequence[str] | None = None) -> LaunchOptions:
    parser = argparse.ArgumentParser(prog="cratematch-gui", description="The CrateMatch window.")
    parser.add_argument("files", nargs="*", type=Path, help="playlist files or folders to queue")
    parser.add_argument("--catalog", help="catalog file for this session")
    parser.add_argument("--provider", choices=PROVIDERS, help="provider for this session")
    parser.add_argument("--out", help="output folder for this session")
    parser.add_argument("--start", action="store_true", help="start the batch at once")
    args = parser.parse_args(argv)
    return LaunchOptions(tuple(args.files), args.catalog, args.provider, args.out, args.start)


def with_overrides(settings: Settings, options: LaunchOptions) -> Settings:
    """Command-line choices apply to this session only (saved only if the user saves)."""
    changes = {}
    if options.catalog:
        changes.update(catalog=str(Path(options.catalog).expanduser().absolute()), provider="local")
    if options.provider:
        changes["provider"] = options.provider
    if options.out:
        changes["out_dir"] = str(Path(options.out).expanduser().absolute())
    return replace(settings, **changes)
