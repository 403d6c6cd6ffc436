"""Engine process helpers that are not matching: background priority, the collector."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


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
