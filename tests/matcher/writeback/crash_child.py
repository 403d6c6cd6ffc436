"""A write-back run to kill: writes every .mp3 in a folder, one after another, and prints
"done N" after each, so the crash test knows how far it got before its SIGKILL.

    python crash_child.py JOURNAL FOLDER WRITE_ID [STAGE FILE_NUMBER]

With STAGE, the process kills itself (SIGKILL) right after that stage of write_file for
the given file: "copied" (temporary copy made), "checked" (tags written and checked on
the copy), "journaled" (undo record durable), "replaced" (renamed over the original,
not yet marked written).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from matcher.writeback import (
    WRITE_FIELDS,
    WriteJournal,
    plan_changes,
    read_state,
    safe_write,
    write_file,
)

VALUES = {"genre": "Tech House", "key": "Am", "bpm": "126", "year": "2019", "label": "Kompakt"}


def die_after(function: Callable[..., Any], when: Callable[[], bool]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        if when():
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    return wrapper


def main() -> None:
    journal_path, folder, write_id = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    journal = WriteJournal(journal_path)
    current = [0]
    if len(sys.argv) > 4:
        stage, victim = sys.argv[4], int(sys.argv[5])

        def now() -> bool:
            return current[0] == victim

        if stage == "journaled":
            journal.record_pending = die_after(journal.record_pending, now)  # type: ignore[method-assign]
        else:
            name = {"copied": "_copy_file", "checked": "_check_copy", "replaced": "_replace"}[stage]
            setattr(safe_write, name, die_after(getattr(safe_write, name), now))
    for n, path in enumerate(sorted(folder.glob("*.mp3")), 1):
        current[0] = n
        state = read_state(path)
        changes = plan_changes(
            state.values,
            VALUES,
            fields=frozenset(WRITE_FIELDS),
            overwrite=True,
            container=state.container,
        )
        outcome = write_file(
            path, changes, expected_stamp=state.stamp, journal=journal, write_id=write_id
        )
        print(f"done {n} {outcome.status}", flush=True)


if __name__ == "__main__":
    main()
