"""What the hardening tests tried, for tests/bench/hardening_counts.py to add up.

When CRATEMATCH_HARDENING_LEDGER names a file, `inputs(...)` and `fault(...)` append one
JSON line each to it; otherwise they do nothing, so the tests run the same either way.
Results lost are measured by the fault tests (expected entries minus entries present
exactly once after recovery), not assumed: the tests assert 0 and record what they saw.
"""

from __future__ import annotations

import json
import os
import threading

__all__ = ["LEDGER_ENV", "fault", "inputs"]

LEDGER_ENV = "CRATEMATCH_HARDENING_LEDGER"
_lock = threading.Lock()


def _append(record: dict[str, object]) -> None:
    path = os.environ.get(LEDGER_ENV)
    if not path:
        return
    with _lock, open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


def inputs(target: str, count: int, *, crashes: int = 0) -> None:
    """`count` inputs went through `target` (a reader, the importer, the CLI); `crashes`
    of them ended in anything but a result or a clean typed error."""
    _append({"kind": "inputs", "target": target, "count": count, "crashes": crashes})


def fault(name: str, *, expected: int, lost: int) -> None:
    """A fault was injected; `expected` results should survive it, `lost` did not."""
    _append({"kind": "fault", "name": name, "expected": expected, "lost": lost})
