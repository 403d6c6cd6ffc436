"""The `cratematch match` command line the benchmarks run in a subprocess."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path


def match_command(
    playlists: Iterable[Path],
    catalog: Path,
    out: Path,
    *,
    preset: str = "balanced",
    workers: int | None = None,
) -> list[str]:
    """`python -m matcher match PLAYLISTS --all-playlists --catalog ... --quiet`."""
    cmd = [sys.executable, "-m", "matcher", "match", *map(str, playlists), "--all-playlists",
           "--catalog", str(catalog), "--preset", preset, "--out", str(out), "--quiet"]  # fmt: skip
    if workers:
        cmd += ["--workers", str(workers)]
    return cmd
