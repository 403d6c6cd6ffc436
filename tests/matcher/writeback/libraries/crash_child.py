"""A Traktor library write to kill: plans and writes, and SIGKILLs itself at STAGE.

    python crash_child.py BATCH_JOURNAL WRITES_JOURNAL OUT LIBRARY STAGE

STAGE "before-replace": right before the new collection is renamed over the old one
(backup and undo record durable); "after-replace": right after it (not yet marked
written). Prints "planned" before writing, so the test knows it got that far.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from matcher.engine.journal import Journal
from matcher.writeback import WriteJournal
from matcher.writeback.libraries import plan_write, write_plan
from matcher.writeback.targets import WriteOptions


def main() -> None:
    batch_journal, writes, out, library, stage = sys.argv[1:6]
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        if Path(dst) == Path(library) and stage == "before-replace":
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst)
        if Path(dst) == Path(library) and stage == "after-replace":
            os.kill(os.getpid(), signal.SIGKILL)

    os.replace = replace  # type: ignore[assignment]
    options = WriteOptions(overwrite=True, target="traktor")
    with Journal.open(Path(batch_journal)) as journal:
        plan = plan_write("traktor", Path(library), journal, [out], options)
    print("planned", flush=True)
    with WriteJournal(Path(writes)) as journal:
        write_plan(plan, options, journal)
    print("written", flush=True)


if __name__ == "__main__":
    main()
