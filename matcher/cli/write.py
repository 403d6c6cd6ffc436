"""`cratematch write`, `undo` and `writes`: the matched metadata into the DJ's own files.

    write OUT...   plan (read every file on the worker pool; tag_changes.csv in each OUT
                   folder), show the summary, ask on a terminal (or --yes), then write;
                   a review decision made meanwhile (the results no longer decide as
                   planned) plans again and asks again rather than write the old plan
    undo [ID]      restore every file of a write, byte for byte (default: the last one);
                   a library write (--to traktor|rekordbox) from its backup, a new Serato
                   crate deleted; --force if it changed since
    writes         the writes, newest first, with their files counted

Exit codes as for `match`: 0; 1 when some files were refused; 2 for bad input; 130
when cancelled with Ctrl-C (what was written stays undoable).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import TypeVar

from matcher.cli.follow import failed, follow
from matcher.cli.output import EXIT_CANCELLED, EXIT_OK, EXIT_TRACK_ERRORS, one_line
from matcher.config import EngineConfig
from matcher.engine.client import Engine
from matcher.engine.events import BatchCancelled, Event, FilesPlanned, FilesWritten
from matcher.engine.file_run import LEFT_OUT
from matcher.engine.history import History
from matcher.errors import InputError
from matcher.writeback.decisions import results_changed
from matcher.writeback.fields import parse_fields
from matcher.writeback.libraries import LIBRARY_TARGETS, WRITABLE
from matcher.writeback.plan import FilePlan, PlanStatus, summary_lines
from matcher.writeback.records import FileOutcome, FileStatus, WriteSummary
from matcher.writeback.targets import WriteOptions
from matcher.writeback.undo_journal import WriteJournal

__all__ = ["list_writes", "run_undo", "run_write"]

_LATER = "writing into the {} library is not in this version yet; use --to tags"
# The key as each target's app shows it by default (Traktor writes Open Key: "8m").
_NOTATION = {"tags": "musical", "traktor": "openkey", "rekordbox": "musical", "serato": "musical"}
_NO_TERMINAL = "not asking on a non-terminal: add --yes to write, or --dry-run to preview"
CHANGED = ("cratematch: the results changed since this preview (a review decision); "
           "nothing written, planning again")  # fmt: skip
PLANS = 3  # plans made before giving up on results that keep changing
KEPT_CHANGING = ("the results kept changing while planning (review decisions); nothing "
                 "written: run it again once the review is done")  # fmt: skip


def _options(args: argparse.Namespace) -> WriteOptions:
    if args.to != "tags" and args.to not in WRITABLE:
        raise InputError(_LATER.format(args.to.capitalize()))
    if args.to == "tags" and getattr(args, "library", None):
        raise InputError("--library is for --to traktor, rekordbox or serato")
    return WriteOptions(
        fields=parse_fields(args.fields),
        overwrite=args.overwrite,
        include_review=args.include_review,
        key_notation=args.key_notation or _NOTATION[args.to],
        target=args.to,
    )


def _collect(into: list, kind: type, attribute: str) -> Callable[[Event], None]:
    def take(event: Event) -> None:
        if isinstance(event, kind):
            into.extend(getattr(event, attribute))

    return take


def run_write(args: argparse.Namespace, *, ask: Callable[[str], str] = input) -> int:
    options = _options(args)
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers must be at least 1")
    if not (args.yes or args.dry_run or sys.stdin.isatty()):  # before reading any file
        raise InputError(_NO_TERMINAL)
    if options.target in LIBRARY_TARGETS:
        from matcher.cli.write_library import run_library_write

        return run_library_write(args, options, ask)
    with Engine(EngineConfig(workers=args.workers), prepare=False) as engine:

        def changed(plans: list[FilePlan]) -> bool:
            with History.open() as history:  # the journal only: no file is read
                return results_changed(history, args.out_dirs, options, plans)

        plans = settled(lambda: _approved(engine, args, options, ask), changed)
        return plans if isinstance(plans, int) else _write(engine, plans, options, args)


P = TypeVar("P")


def settled(approved: Callable[[], P | int], changed: Callable[[P], bool]) -> P | int:
    """A plan the user approved (`approved()`: plan, show and ask; an exit code when it
    ends there) whose results still decide what they did when it was made: after a review
    decision made meanwhile (`changed`), it plans and asks again, PLANS times at most."""
    for _attempt in range(PLANS):
        plan = approved()
        if isinstance(plan, int) or not changed(plan):
            return plan
        print(CHANGED, file=sys.stderr)
    raise InputError(KEPT_CHANGING)


def _approved(
    engine: Engine, args: argparse.Namespace, options: WriteOptions, ask: Callable[[str], str]
) -> list[FilePlan] | int:
    """Read the files for a plan, print its summary and ask: the plans to write, or the
    exit code when it ends here (stopped, --dry-run, nothing to write, a "no")."""
    plans: list[FilePlan] = []
    batch = engine.plan_tags(args.out_dirs, options)
    final, error, _ = follow(batch, quiet=args.quiet, unit="file",
                             on_event=_collect(plans, FilesPlanned, "plans"))  # fmt: skip
    if isinstance(final, BatchCancelled):
        print("cratematch: cancelled while reading the files; nothing written",
              file=sys.stderr)  # fmt: skip
        return EXIT_CANCELLED
    if not final.ok:
        return failed(error, "the files could not be read")
    skipped = {k[len(LEFT_OUT) :]: n for k, n in final.counts.items() if k.startswith(LEFT_OUT)}
    for line in summary_lines(plans, skipped):
        print(line)
    print(f"Planned changes: {one_line(final.summary_path or 'none')}")
    refused = any(p.status is PlanStatus.REFUSED for p in plans)
    to_write = [p for p in plans if p.status is PlanStatus.CHANGE]
    if args.dry_run or not to_write:
        if not to_write and not args.dry_run:
            print("Nothing to write.")
        return EXIT_TRACK_ERRORS if refused else EXIT_OK
    if not args.yes and not _confirmed(to_write, ask):
        print("Nothing written.")
        return EXIT_OK
    return plans


def _confirmed(to_write: list[FilePlan], ask: Callable[[str], str]) -> bool:
    if not sys.stdin.isatty():
        raise InputError(_NO_TERMINAL)
    fields = sum(len(p.changes) for p in to_write)
    try:
        answer = ask(f"Write {fields} fields into {len(to_write)} files? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _write(engine: Engine, plans: list[FilePlan], options: WriteOptions,
           args: argparse.Namespace) -> int:  # fmt: skip
    outcomes: list[FileOutcome] = []
    batch = engine.write_tags(plans, options, args.out_dirs)
    final, error, _ = follow(batch, quiet=args.quiet, unit="file",
                             on_event=_collect(outcomes, FilesWritten, "outcomes"))  # fmt: skip
    written = [o for o in outcomes if o.status is FileStatus.WRITTEN]
    undo = f"undo with: cratematch undo {batch.batch_id}"
    if isinstance(final, BatchCancelled):
        print(f"cratematch: cancelled after writing {len(written)} files; {undo}",
              file=sys.stderr)  # fmt: skip
        return EXIT_CANCELLED
    if not final.ok:
        return failed(error, "the write failed")
    failures = [o for o in outcomes if o.status is FileStatus.REFUSED]
    for outcome in failures[:10]:
        print(f"refused: {one_line(outcome.path)}: {one_line(outcome.reason)}")
    planned = sum(p.status is PlanStatus.REFUSED for p in plans)
    fields = sum(len(o.changes) for o in written)
    print(
        f"Wrote {fields} fields into {len(written)} files; {len(failures) + planned} refused "
        f"({final.elapsed_s:.1f} s). Write {batch.batch_id}; {undo}"
    )
    return EXIT_TRACK_ERRORS if failures or planned else EXIT_OK


def run_undo(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers must be at least 1")
    with WriteJournal() as journal:  # an unknown id fails here, in one line
        write_id = args.write_id or journal.last_write_id()
        if not write_id:
            raise InputError("no write to undo (see `cratematch writes`)")
        summary = journal.write(write_id)
    if summary.target in LIBRARY_TARGETS:
        from matcher.cli.write_library import run_library_undo

        return run_library_undo(write_id, getattr(args, "force", False))
    written = summary.counts.get("written", 0) + summary.counts.get("pending", 0)
    print(f"Undoing write {write_id} ({written} files written)")
    outcomes: list[FileOutcome] = []
    with Engine(EngineConfig(workers=args.workers), prepare=False) as engine:
        batch = engine.undo_write(write_id)
        final, error, _ = follow(batch, quiet=args.quiet, unit="file",
                                 on_event=_collect(outcomes, FilesWritten, "outcomes"))  # fmt: skip
    if isinstance(final, BatchCancelled):
        print(f"cratematch: cancelled; run `cratematch undo {write_id}` again to finish",
              file=sys.stderr)  # fmt: skip
        return EXIT_CANCELLED
    if not final.ok:
        return failed(error, "the undo failed")
    failures = [o for o in outcomes if o.status is FileStatus.REFUSED]
    for outcome in failures[:10]:
        print(f"not restored: {one_line(outcome.path)}: {one_line(outcome.reason)}")
    restored = sum(o.status is FileStatus.RESTORED for o in outcomes)
    print(f"Restored {restored} files as they were before write {write_id}, "
          f"{len(failures)} could not be restored.")  # fmt: skip
    return EXIT_TRACK_ERRORS if failures else EXIT_OK


def _origin(summary: WriteSummary) -> str:
    """Where a write came from; a library write also names the library it went into."""
    sources = ", ".join(summary.sources)
    if summary.target in LIBRARY_TARGETS:
        return f"{summary.target} {summary.options.get('library', '')} <- {sources}"
    return sources


def list_writes() -> int:
    with WriteJournal() as journal:
        writes = journal.writes()
    if not writes:
        print("No writes yet.")
        return EXIT_OK
    # what each write did (files; a library write's tracks) and whether it still holds,
    # as the window's Writes tab says it
    print(f"{'write':24} {'when':16} {'state':14} {'written':>7} {'refused':>7} "
          f"{'unchanged':>9}  from")  # fmt: skip
    for w in writes:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(w.created))
        did = w.did()
        figures = [f"{did[k]:,}" if did else "-" for k in ("written", "refused", "unchanged")]
        print(f"{w.write_id:24} {when:16} {w.holds():14} {figures[0]:>7} {figures[1]:>7} "
              f"{figures[2]:>9}  {one_line(_origin(w))}")  # fmt: skip
    return EXIT_OK
