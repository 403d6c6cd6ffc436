"""`cratematch --self-test`: the bundled demo through the real engine and worker pool,
checked against `expected.csv`, in one line. It needs no display, and a pip install
and the packaged app run the very same code (matcher.cli.launch).

Everything it writes (catalog import, journal, outputs) goes to a temporary
CRATEMATCH_HOME, deleted afterwards: a user's files are never read or touched.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matcher.model import MatchResult

__all__ = [
    "MIN_SELF_TEST_RECALL",
    "SELF_TEST_TIMEOUT_S",
    "SELF_TEST_WORKERS",
    "SelfTestFailed",
    "check_demo_results",
    "self_test",
]

SELF_TEST_WORKERS = 2
SELF_TEST_TIMEOUT_S = 120.0
MIN_SELF_TEST_RECALL = 0.95  # share of in-catalog demo entries that must be matched


class SelfTestFailed(Exception):
    """The self-test found something wrong; the message is one line for the user."""


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
