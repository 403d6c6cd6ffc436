"""The packaged app's entry point: one executable for the window, the CLI and a self-test.

    cratematch [FILE...] [--catalog FILE] [--provider NAME] [--out DIR] [--start]   window
    cratematch match|catalog|batches|resume|demo ...                                CLI
    cratematch --version
    cratematch --self-test     the bundled demo through the real worker pool, no display

The engine spawns its host and workers, and a spawned child starts this same executable
again: `multiprocessing.freeze_support()` runs first and turns such a start into the
child, so nothing else here may run before it, and every import of the window waits
until the window is what was asked for.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matcher.model import MatchResult

__all__ = [
    "CLI_COMMANDS",
    "SelfTestFailed",
    "check_demo_results",
    "main",
    "self_test",
]

CLI_COMMANDS = frozenset({"match", "catalog", "batches", "resume", "demo"})
SELF_TEST_WORKERS = 2
SELF_TEST_TIMEOUT_S = 120.0
MIN_SELF_TEST_RECALL = 0.95  # share of in-catalog demo entries that must be matched

USAGE = """\
usage: cratematch [FILE...] [--catalog FILE] [--provider NAME] [--out DIR] [--start]
       cratematch {match,catalog,batches,resume,demo} ...
       cratematch --version | --self-test | --help

With no command, opens the CrateMatch window (FILE... are queued).
Commands run on the command line; `cratematch match --help` tells more.
--self-test matches the bundled demo through the worker pool and prints one line.
"""


class SelfTestFailed(Exception):
    """The self-test found something wrong; the message is one line for the user."""


def main(argv: Sequence[str] | None = None) -> int:
    args = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-psn_")]
    first = args[0] if args else ""
    if first == "--version":
        from matcher import __version__

        print(f"cratematch {__version__}")
        return 0
    if first in ("-h", "--help"):
        print(USAGE, end="")
        return 0
    if first == "--self-test":
        try:
            print(self_test())
        except SelfTestFailed as failure:
            print(f"cratematch self-test FAILED: {failure}")
            return 1
        return 0
    if first in CLI_COMMANDS:
        from matcher.cli import main as cli_main

        return cli_main(args)
    if problem := _no_display():
        print(f"cratematch: cannot open the window: {problem}", file=sys.stderr)
        return 2
    _point_matplotlib_at_cache()
    from ui.__main__ import main as window_main

    return window_main(args)


def _no_display() -> str:
    """Why an X11/Wayland desktop cannot show the window, "" when it can (or not X11)."""
    if sys.platform.startswith(("linux", "freebsd")) and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return "no display (DISPLAY is not set); try --help for the command line"
    return ""


# -- the window's matplotlib cache ------------------------------------------------------


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


# -- the self-test ----------------------------------------------------------------------


def self_test(workers: int = SELF_TEST_WORKERS, timeout_s: float = SELF_TEST_TIMEOUT_S) -> str:
    """Match the bundled demo on the real engine and check it against expected.csv.

    Everything it writes (catalog import, journal, outputs) goes to a temporary
    CRATEMATCH_HOME, deleted afterwards: a user's files are never read or touched.
    """
    import tempfile

    saved = os.environ.get("CRATEMATCH_HOME")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(
        prefix="cratematch-self-test-", ignore_cleanup_errors=True
    ) as tmp:
        os.environ["CRATEMATCH_HOME"] = str(Path(tmp) / "home")  # the spawned host inherits it
        try:
            results, used_workers = _run_demo(Path(tmp) / "out", workers, timeout_s)
        finally:
            if saved is None:
                os.environ.pop("CRATEMATCH_HOME", None)
            else:
                os.environ["CRATEMATCH_HOME"] = saved
    counts = check_demo_results(results, _expected())
    elapsed = time.perf_counter() - started
    return (
        f"cratematch self-test ok: {sum(counts.values())} tracks, {counts.get('matched', 0)}"
        f" matched, {counts.get('review', 0)} review, {counts.get('unmatched', 0)} unmatched,"
        f" {used_workers} workers, {elapsed:.1f} s"
    )


Key = tuple[str, str, int]  # playlist_file, playlist, entry_index


def _run_demo(out: Path, workers: int, timeout_s: float) -> tuple[dict[Key, tuple[str, str]], int]:
    """{key: (status, catalog_id)} for every demo entry, and the workers the batch used."""
    from matcher.config import EngineConfig
    from matcher.demo import DEMO_CATALOG, DEMO_PLAYLISTS, demo_dir
    from matcher.engine.client import Engine
    from matcher.engine.events import BatchFinished, BatchStarted, EngineError, TracksMatched
    from matcher.errors import CrateMatchError

    folder = demo_dir()
    config = EngineConfig(catalog=folder / DEMO_CATALOG, out_dir=out, workers=workers)
    results: dict[Key, tuple[str, str]] = {}
    used_workers = 0
    deadline = time.monotonic() + timeout_s
    try:
        with Engine(config) as engine:
            batch = engine.start([folder / n for n in DEMO_PLAYLISTS], all_playlists=True)
            while batch.final is None:
                if time.monotonic() > deadline:
                    batch.cancel()
                    raise SelfTestFailed(f"the demo did not finish within {timeout_s:.0f} s")
                for event in batch.events(timeout=0.1):
                    if isinstance(event, BatchStarted):
                        used_workers = event.workers
                    elif isinstance(event, TracksMatched):
                        results.update(_outcome(r) for r in event.results)
                    elif isinstance(event, EngineError) and event.fatal:
                        raise SelfTestFailed(f"engine error: {event.message}")
    except CrateMatchError as err:
        raise SelfTestFailed(str(err)) from err
    final = batch.final
    if not isinstance(final, BatchFinished) or not final.ok:
        raise SelfTestFailed(f"the demo batch ended as {type(final).__name__}")
    if not (out / "batch_summary.json").is_file():
        raise SelfTestFailed("the demo wrote no batch_summary.json")
    return results, used_workers


def _outcome(result: MatchResult) -> tuple[Key, tuple[str, str]]:
    entry = result.entry
    key = (entry.playlist_file, entry.playlist, entry.entry_index)
    return key, (str(result.status), result.best.track.catalog_id if result.best else "")


def _expected() -> dict[Key, str]:
    import csv

    from matcher.demo import DEMO_EXPECTED, demo_dir

    with (demo_dir() / DEMO_EXPECTED).open(newline="", encoding="utf-8") as handle:
        return {
            (r["playlist_file"], r["playlist"], int(r["entry_index"])): r["expected_catalog_id"]
            for r in csv.DictReader(handle)
        }


def check_demo_results(
    results: dict[Key, tuple[str, str]], expected: dict[Key, str]
) -> dict[str, int]:
    """Counts per status, or SelfTestFailed naming the first thing that is wrong."""
    if missing := sorted(set(expected) - set(results)):
        raise SelfTestFailed(f"{len(missing)} demo entries got no result, first {missing[0]}")
    if extra := sorted(set(results) - set(expected)):
        raise SelfTestFailed(f"{len(extra)} results for entries not in the demo, first {extra[0]}")
    counts: dict[str, int] = {}
    for key, (status, catalog_id) in sorted(results.items()):
        counts[status] = counts.get(status, 0) + 1
        if status == "error":
            raise SelfTestFailed(f"{key} ended in error")
        if status == "matched" and catalog_id != expected[key]:
            raise SelfTestFailed(f"{key} matched {catalog_id}, expected {expected[key] or 'none'}")
    in_catalog = [k for k, catalog_id in expected.items() if catalog_id]
    found = sum(results[k][0] == "matched" for k in in_catalog)
    if found < MIN_SELF_TEST_RECALL * len(in_catalog):
        raise SelfTestFailed(f"only {found} of {len(in_catalog)} in-catalog entries matched")
    return counts


if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
