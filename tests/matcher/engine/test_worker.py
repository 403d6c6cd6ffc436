"""Engine process helpers (background priority, the collector) and a worker's chunk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from matcher.catalog import resolve_catalog
from matcher.engine.messages import Chunk
from matcher.engine.metered import MeteredProvider
from matcher.engine.worker import _match_chunk
from matcher.matching.match import match_entry
from matcher.matching.presets import get_preset
from matcher.model import PlaylistEntry
from matcher.providers.local import LocalCatalog
from tests.matcher.engine.engine_fixtures import playlist_tracks


@pytest.mark.skipif(sys.platform == "win32", reason="nice values are POSIX")
def test_background_priority_is_set_not_added() -> None:
    """The host lowers its priority, then its workers (which inherit it) do the same:
    they must end at the background level, not at the lowest priority there is."""
    code = (
        "import os\n"
        "from matcher.engine.processes import BACKGROUND_NICE, lower_priority\n"
        "lower_priority(); lower_priority()\n"
        "print(os.getpriority(os.PRIO_PROCESS, 0), BACKGROUND_NICE)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60, env=env)  # fmt: skip
    nice, wanted = map(int, out.stdout.split())
    assert nice == max(wanted, os.getpriority(os.PRIO_PROCESS, 0))


def test_the_collector_runs_less_often_but_still_collects_cycles() -> None:
    """An engine process collects its youngest generation every COLLECT_EVERY allocations,
    with the imported modules frozen out of the passes; cyclic garbage is still freed
    without anyone asking."""
    code = (
        "import gc, weakref\n"
        "from matcher.engine.processes import COLLECT_EVERY, calm_collector\n"
        "calm_collector()\n"
        "print(gc.get_threshold()[0] == COLLECT_EVERY, gc.get_freeze_count() > 1000)\n"
        "class Node: pass\n"
        "freed = []\n"
        "a, b = Node(), Node(); a.other, b.other = b, a\n"
        "weakref.finalize(a, freed.append, 1); del a, b\n"
        "keep = [[] for _ in range(3 * COLLECT_EVERY)]\n"  # allocations: passes run
        "print(freed == [1])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60, env=env)  # fmt: skip
    assert out.stdout.split() == ["True", "True", "True"]


def test_a_chunk_looks_up_in_one_read_transaction_and_ends_it(catalog: Path) -> None:
    """Every lookup of a chunk runs inside one read transaction of the worker's catalog
    (one file lock for the chunk, not one per query), the results are those of lookups
    made one by one, and the transaction is over when the chunk's answer is built."""
    db = resolve_catalog(catalog)
    entries = [
        PlaylistEntry("p.m3u8", "p", i, title=t.title, artist=t.artist, duration_s=t.duration_s)
        for i, t in enumerate(playlist_tracks(30))
    ]
    preset = get_preset("balanced")
    in_transaction: list[bool] = []

    class Watched(LocalCatalog):
        def search(self, query, limit):  # type: ignore[no-untyped-def]
            in_transaction.append(self.store._conn.in_transaction)
            return super().search(query, limit)

    with LocalCatalog(db) as plain:
        one_by_one = [match_entry(e, plain, preset) for e in entries]
    with Watched(db) as watched:
        done = _match_chunk(Chunk(1, entries), MeteredProvider(watched), preset)
        assert not watched.store._conn.in_transaction
    assert len(in_transaction) >= len(entries)
    assert all(in_transaction)
    assert [(r.status, r.best and r.best.track.catalog_id) for r in done.results] == [
        (r.status, r.best and r.best.track.catalog_id) for r in one_by_one
    ]
    assert {r.status.value for r in one_by_one} == {"matched", "unmatched"}
