"""The hardening figures: inputs tried, faults injected, results lost.

    .venv/bin/python tests/bench/hardening_counts.py [--examples 150] [--quick]

Runs the hardening tests (the hostile corpus through every reader, the catalog importer
and the command line; hypothesis on bytes, broken catalogs and mutated corpus files; the
fault scenarios) and the older fault tests they build on, with a ledger the tests write
to (tests/hardening/ledger.py), then adds it up. `--examples` sets how many mutated
corpus files hypothesis tries; `--quick` leaves out the slow tests. Every figure comes
from a test that passed: a failing test makes this script exit 1.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TESTS = [
    "tests/hardening",
    "tests/matcher/catalog/test_hostile_importers.py",
    "tests/matcher/playlists/test_properties.py",
    "tests/matcher/playlists/test_xmlsafe.py",
    "tests/matcher/test_hostile_core.py",
    "tests/matcher/outputs/test_hostile_outputs.py",
    "tests/ui/test_hostile_window.py",
    "tests/matcher/engine/test_engine_faults.py",
    "tests/matcher/engine/test_journal_db.py",
    "tests/matcher/outputs/test_atomic.py",
    "tests/matcher/providers/test_beatport.py",
    "tests/matcher/http/test_client.py",
]
# Fault tests written before the hardening work, by what they inject. Each asserts that
# every finished result survives (or, for HTTP faults, that each track gets its row).
EARLIER_FAULTS = {
    "test_engine_faults.py::test_a_killed_worker_costs_nothing": "kill -9 of a worker mid-batch",
    "test_engine_faults.py::test_a_killed_host_ends": "kill -9 of the engine host mid-batch",
    "test_engine_faults.py::test_kill_9_of_the_caller": "kill -9 of the command line mid-batch",
    "test_engine_faults.py::test_ctrl_c_cancels": "Ctrl-C mid-batch",
    "test_journal_db.py::test_kill_9_loses_no_committed_chunk": "kill -9 while journalling",
    "test_journal_db.py::test_damaged_pages": "journal pages damaged",
    "test_journal_db.py::test_non_sqlite_file_is_refused_then_rebuilt": "journal not a database",
    "test_atomic.py::test_disk_full": "disk full while writing a file",
    "test_atomic.py::test_fsync_failure": "fsync failure while writing a file",
    "test_atomic.py::test_unwritable_folder": "unwritable output folder",
    "test_beatport.py::test_429": "HTTP 429 with Retry-After",
    "test_beatport.py::test_a_503_storm": "HTTP 503 storm",
    "test_beatport.py::test_a_slow_answer": "HTTP answer slower than the timeout",
    "test_beatport.py::test_timeouts_every_time": "HTTP timeouts on every try",
    "test_beatport.py::test_a_connection_reset": "HTTP connection reset mid-answer",
    "test_beatport.py::test_malformed_json": "HTTP malformed JSON",
    "test_beatport.py::test_a_rejected_token": "HTTP 401 (rejected token)",
    "test_beatport.py::test_a_long_retry_after": "HTTP Retry-After past the cap",
    "test_beatport.py::test_an_unreachable_server": "HTTP server unreachable",
    "test_client.py::test_network_failures": "HTTP network failure",
    "test_client.py::test_a_503_storm": "HTTP 503 storm (client)",
}


def _pytest(ledger: Path, examples: int, quick: bool, junit: Path) -> tuple[int, str, float]:
    env = {**os.environ, "CRATEMATCH_HARDENING_LEDGER": str(ledger),
           "CRATEMATCH_FUZZ_EXAMPLES": str(examples),
           "HOME": os.environ.get("HOME") or tempfile.mkdtemp()}  # fmt: skip
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "--hypothesis-show-statistics", f"--junitxml={junit}", *TESTS]  # fmt: skip
    if quick:
        args += ["-m", "not slow"]
    started = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - started


def _passed(junit: Path) -> tuple[list[str], int, int]:
    """(node ids of passed tests, failed count, skipped count) from the JUnit report."""
    passed, failed, skipped = [], 0, 0
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        name = f"{case.get('classname', '').replace('.', '/')}.py::{case.get('name')}"
        kinds = {child.tag for child in case}
        if kinds & {"failure", "error"}:
            failed += 1
        elif "skipped" in kinds:
            skipped += 1
        else:
            passed.append(name)
    return passed, failed, skipped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=150, help="mutated corpus files")
    parser.add_argument("--quick", action="store_true", help="leave out the slow tests")
    args = parser.parse_args()
    from tests.hardening.corpus import CASES
    from tests.hardening.specials import SPECIAL_NAMES

    with tempfile.TemporaryDirectory() as work:
        ledger, junit = Path(work) / "ledger.jsonl", Path(work) / "junit.xml"
        code, output, took = _pytest(ledger, args.examples, args.quick, junit)
        lines = ledger.read_text().splitlines() if ledger.exists() else []
        records = [json.loads(line) for line in lines]
        passed, failed, skipped = _passed(junit)

    examples = sum(int(n) for n in re.findall(r"(\d+) passing(?: examples)?,", output))
    calls: Counter[str] = Counter()
    crashes = 0
    faults: list[tuple[str, int, int]] = []
    for record in records:
        if record["kind"] == "inputs":
            calls[record["target"]] += record["count"]
            crashes += record["crashes"]
        else:
            faults.append((record["name"], record["expected"], record["lost"]))
    for key, what in EARLIER_FAULTS.items():
        for node in passed:
            if key in node:
                faults.append((what, -1, 0))  # asserted by the test itself

    corpus = len(CASES) + len(SPECIAL_NAMES)
    inputs = corpus + examples
    lost = sum(f[2] for f in faults)
    print(f"CrateMatch hardening figures ({len(passed)} tests passed, {failed} failed, "
          f"{skipped} skipped; {took:.0f} s)")  # fmt: skip
    print(f"Inputs tried: {inputs:,}")
    print(f"  hostile corpus files            {corpus:>7,} ({len(CASES)} committed, "
          f"{len(SPECIAL_NAMES)} made at run time)")  # fmt: skip
    print(f"  hypothesis examples             {examples:>7,} (bytes, broken catalogs, "
          "mutated corpus files)")  # fmt: skip
    for target, count in sorted(calls.items()):
        print(f"  calls: {target:<36} {count:>7,}")
    print(f"Crashes, hangs or tracebacks: {crashes + failed}")
    print(f"Faults injected: {len(faults)}")
    for name, count in sorted(Counter(f[0] for f in faults).items()):
        mine = [f[1] for f in faults if f[0] == name]
        if all(e < 0 for e in mine):
            shown = "every result kept (asserted by the test)"
        elif sum(mine):
            shown = f"{sum(e for e in mine if e > 0):,} results at stake, all kept"
        else:
            shown = "no results at stake (refused before any work)"
        print(f"  {name:<58} x{count}  {shown}")
    print(f"Results lost: {lost}")
    if code != 0:
        print(output[-3000:], file=sys.stderr)
    return 0 if code == 0 and lost == 0 and crashes == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
