"""`cratematch write OUT --to traktor|rekordbox` and the undo of a library write.

The same flow as a tag write (preview in tag_changes.csv, summary, ask or --yes, exit
codes, planned again when a review decision changed the results meanwhile), without the
worker pool: a library is one file, planned and written here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from matcher.cli.output import EXIT_OK, EXIT_TRACK_ERRORS, one_line
from matcher.cli.write import settled
from matcher.engine.history import History
from matcher.errors import InputError
from matcher.writeback.decisions import results_changed
from matcher.writeback.libraries import plan_write, undo_library, write_plan
from matcher.writeback.libraries.apps import default_library
from matcher.writeback.libraries.plan import LibraryPlan, library_outcomes, write_previews
from matcher.writeback.libraries.rekordbox import REVIEW_TAG
from matcher.writeback.libraries.targets import gathered_with
from matcher.writeback.plan import PlanStatus, summary_lines
from matcher.writeback.targets import WriteOptions
from matcher.writeback.undo_journal import WriteJournal

__all__ = ["run_library_undo", "run_library_write"]

_NAMES = {"traktor": "Traktor collection", "rekordbox": "Rekordbox library",
          "serato": "Serato crates"}  # fmt: skip


def run_library_write(
    args: argparse.Namespace, options: WriteOptions, ask: Callable[[str], str]
) -> int:
    library = Path(args.library).expanduser() if args.library else default_library(args.to)

    def approved() -> LibraryPlan | int:
        with History.open() as history:
            plan = plan_write(args.to, library.absolute(), history, args.out_dirs, options)
        if _asked(args, plan, ask):
            return plan
        refused = any(p.status is PlanStatus.REFUSED for p in plan.plans)
        return EXIT_TRACK_ERRORS if refused and (args.dry_run or not plan.to_write) else EXIT_OK

    def changed(plan: LibraryPlan) -> bool:
        # the journal; write_plan refuses a library changed since (its sha)
        with History.open() as history:
            return results_changed(history, args.out_dirs, gathered_with(args.to, options),
                                   plan.plans, catalog_files=True)  # fmt: skip

    plan = settled(approved, changed)
    if isinstance(plan, int):
        return plan
    return _write(args, plan, options, any(p.status is PlanStatus.REFUSED for p in plan.plans))


def _asked(args: argparse.Namespace, plan: LibraryPlan, ask: Callable[[str], str]) -> bool:
    """Print the plan's summary and ask; whether to write it (not for --dry-run, nothing
    to write, or a "no")."""
    previews = write_previews(plan.plans)
    for line in summary_lines(plan.plans, plan.skipped):
        print(line.replace(" files ", " tracks ", 1))
    print(f"library: {one_line(plan.library)}; new playlist {plan.playlist!r} "
          f"of {len(plan.found)} tracks")  # fmt: skip
    if plan.review and args.to == "rekordbox":
        print(f"review: {len(plan.review)} tracks get the MyTag {REVIEW_TAG!r}")
    print(f"Planned changes: {one_line(', '.join(map(str, previews)) or 'none')}")
    if args.dry_run or not plan.to_write:
        if not plan.to_write and not args.dry_run:
            print("Nothing to write.")
        return False
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise InputError("not asking on a non-terminal: add --yes to write, "
                         "or --dry-run to preview")  # fmt: skip
    question = (f"Write {plan.changes} fields and a playlist of {len(plan.found)} tracks "
                f"into the {_NAMES[args.to]}? [y/N] ")  # fmt: skip
    try:
        answer = ask(question)
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        print("Nothing written.")
        return False
    return True


def _write(args: argparse.Namespace, plan: LibraryPlan, options: WriteOptions,
           refused: bool) -> int:  # fmt: skip
    with WriteJournal() as journal:
        write_id = write_plan(plan, options, journal)
        written = str(journal.write(write_id).options.get("library", plan.library))
    write_previews(plan.plans, {o.path: o for o in library_outcomes(plan)})
    if args.to == "serato":
        print(f"Wrote crate {one_line(written)} of {len(plan.found)} tracks. Write {write_id}; "
              f"undo with: cratematch undo {write_id}")  # fmt: skip
        return EXIT_TRACK_ERRORS if refused else EXIT_OK
    tracks = sum(1 for p in plan.plans if p.changes)
    print(f"Wrote {plan.changes} fields into {tracks} tracks and playlist {plan.playlist!r} "
          f"into {one_line(plan.library)} (backup kept). Write {write_id}; "
          f"undo with: cratematch undo {write_id}")  # fmt: skip
    return EXIT_TRACK_ERRORS if refused else EXIT_OK


def run_library_undo(write_id: str, force: bool) -> int:
    with WriteJournal() as journal:
        done = undo_library(journal, write_id, force=force)
    if done.status == "restored":
        print(f"Restored {one_line(done.library)} as it was before write {write_id}.")
    else:
        print(f"{one_line(done.library)} was already as before write {write_id}.")
    return EXIT_OK
