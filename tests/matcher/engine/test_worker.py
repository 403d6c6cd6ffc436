"""Worker process helpers that are not matching: background priority."""

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
