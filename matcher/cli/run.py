"""Running batches from the command line: `match`, `demo`, `resume` and `batches`.

The batch runs on the engine (its host on a thread of this process, and a pool of
worker processes); this module only turns its events into progress bars, a summary line
and an exit code. The first Ctrl-C cancels the batch cleanly (partial outputs are
written and marked, the journal keeps every finished chunk, `cratematch resume` finishes
it); a second Ctrl-C leaves at once.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from matcher.cli.follow import failed, follow
from matcher.cli.output import (
    EXIT_BAD_INPUT,
    EXIT_CANCELLED,
    EXIT_OK,
    EXIT_TRACK_ERRORS,
    REBUILD_HINT,
    one_line,
)
from matcher.config import EngineConfig
from matcher.engine.client import Batch, Engine
from matcher.engine.events import BatchCancelled, BatchFinished, BatchStarted, Event
from matcher.errors import CrateMatchError, InputError

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_CANCELLED",
    "EXIT_OK",
    "EXIT_TRACK_ERRORS",
    "REBUILD_HINT",
    "cancelled_line",
    "list_batches",
    "one_line",
    "rebuild_journal",
    "resume_batch",
    "run_batch",
    "summary_line",
    "warn_empty_playlists",
]


def run_batch(
    config: EngineConfig,
    inputs: Sequence[Path],
    names: Sequence[str],
    all_playlists: bool,
    *,
    quiet: bool,
) -> int:
    """Match `inputs` on a new engine; returns the exit code."""
    # the engine is started first: its host imports the catalog and starts the workers
    # while this thread checks the inputs; a failed check closes it again. Counts are all
    # a terminal shows (no results sent), and nothing but following the batch runs here
    # (the host on a thread of this process: no host process to start)
    with Engine(config, results=False, in_process=True) as engine:
        from matcher.engine.journal import Journal
        from matcher.playlists import detect_format

        Journal.open().close()  # a damaged journal fails here, in one line, before any work
        for path in inputs:  # so does a missing, empty, binary or unreadable input (its head)
            detect_format(Path(path))
        batch = engine.start(inputs, names=names, all_playlists=all_playlists)
        return _follow(batch, quiet=quiet)


def resume_batch(
    batch_id: str | None, workers: int | None, *, quiet: bool, cluster: str | None = None
) -> int:
    from matcher.engine.history import History

    with History.open(readonly=False) as journal:  # creates a missing journal: "no batch"
        if batch_id is None:
            unfinished = journal.unfinished()
            if not unfinished:
                raise InputError("no unfinished batch to resume")
            batch_id = unfinished[0].batch_id
        record = journal.batch(batch_id)
        if record is None:
            raise InputError(f"no batch {batch_id} in the journal (see `cratematch batches`)")
        if str(record.state) == "finished":
            raise InputError(f"batch {batch_id} is already finished; results in {record.out_dir}")
    print(f"Resuming batch {batch_id} ({record.done} of {record.total} tracks already done)")
    config = EngineConfig(workers=workers, cluster=cluster)
    with Engine(config, prepare=False, results=False, in_process=True) as engine:
        return _follow(engine.resume_batch(batch_id), quiet=quiet)


def rebuild_journal() -> int:
    """`cratematch batches --rebuild`: set a damaged journal aside, start a fresh one."""
    from matcher.engine.history import History
    from matcher.engine.journal_db import JournalDamaged, default_journal_path
    from matcher.engine.journal_db import rebuild_journal as move_aside_and_start_fresh

    path = default_journal_path()
    try:
        with History.open(readonly=False) as journal:
            journal.check()
            journal.batches(1)
    except JournalDamaged:
        aside = move_aside_and_start_fresh(path)
        print(
            f"The damaged journal was moved to {one_line(aside)}; a fresh one was started "
            f"at {one_line(path)}."
        )
        return EXIT_OK
    print(f"The journal at {one_line(path)} is not damaged; nothing to rebuild.")
    return EXIT_OK


def compact_journal() -> int:
    """`cratematch batches --compact`: forget every batch the history no longer keeps
    (not a bounded pass, as after a batch), then give the freed space back."""
    from matcher.engine.journal import Journal
    from matcher.engine.journal_db import default_journal_path
    from matcher.engine.retention import Retention, drop_report, forget_all

    path = default_journal_path()
    before = _journal_bytes(path)
    gone: list[str] = []

    def forgotten(batch_id: str) -> None:
        gone.append(batch_id)
        drop_report(batch_id)

    with Journal.open() as journal:
        results = forget_all(journal, Retention(), forgotten=forgotten)
        shrunk = journal.compact()
        kept = len(journal.batch_sizes())
    batches = "batch" if len(gone) == 1 else "batches"
    outcome = f"Forgot {len(gone)} old {batches} ({results:,} results); {kept} kept."
    if shrunk:
        print(f"{outcome} The journal went from {_megabytes(before)} to "
              f"{_megabytes(_journal_bytes(path))}.")  # fmt: skip
    else:
        print(f"{outcome} Another CrateMatch is reading the journal: its file shrinks once "
              "that one is done with it.")  # fmt: skip
    return EXIT_OK


def _journal_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def list_batches(limit: int = 20) -> int:
    from matcher.engine.history import History

    with History.open(readonly=False) as journal:
        records = journal.batches(limit)
    if not records:
        print("No batches yet.")
        return EXIT_OK
    print(f"{'batch':24} {'started':16} {'state':10} {'done':>13}  output")
    for r in records:
        started = time.strftime("%Y-%m-%d %H:%M", time.localtime(r.created))
        print(
            f"{r.batch_id:24} {started:16} {r.state!s:10} {r.done:>6}/{r.total:<6}  "
            f"{one_line(r.out_dir)}"
        )
    return EXIT_OK


def _follow(batch: Batch, *, quiet: bool) -> int:
    final, error, names = follow(batch, quiet=quiet, on_event=warn_empty_playlists)
    if isinstance(final, BatchCancelled):
        print(cancelled_line(final, batch.batch_id), file=sys.stderr)
        return EXIT_CANCELLED
    if not final.ok:
        return failed(error, "the batch failed")
    print(summary_line(final, len(names)))
    return EXIT_TRACK_ERRORS if final.counts.get("error") else EXIT_OK


def cancelled_line(final: BatchCancelled, batch_id: str) -> str:
    """What a cancelled run says. A batch cancelled before it began (Ctrl-C while the
    catalog was imported or the playlists read) was never journaled: nothing to resume,
    so it must not offer `cratematch resume`; the host then sends no figures (0 of 0),
    and the journal is asked whether the batch got that far."""
    done, total, out_dir = final.done, final.total, final.out_dir
    if not total:
        from matcher.engine.history import History

        try:
            with History.open() as journal:
                record = journal.batch(batch_id)
        except CrateMatchError:  # no journal yet, or one that cannot be read
            record = None
        if record is None:
            return "cratematch: cancelled before any track was matched; nothing was written"
        done, total, out_dir = record.done, record.total, record.out_dir
    return (
        f"cratematch: cancelled after {done} of {total} tracks; partial results in "
        f"{one_line(out_dir)}; finish with: cratematch resume {batch_id}"
    )


def warn_empty_playlists(event: Event) -> None:
    """One stderr line per empty playlist of a new batch (a batch with nothing but empty
    playlists never starts: the engine refuses it as bad input, exit 2)."""
    if isinstance(event, BatchStarted) and not event.resumed:
        for _pid, file, name, entries in event.playlists:
            if entries == 0:
                print(f"cratematch: warning: playlist {one_line(name)!r} in {one_line(file)} "
                      "is empty: nothing to match in it", file=sys.stderr)  # fmt: skip


def summary_line(final: BatchFinished, playlists: int) -> str:
    """match's and resume's last line: the outcome, the time (a resumed batch's figures
    are this run's, and say so), the catalog used, what the Rekordbox XML leaves out,
    and where the results are."""
    c = final.counts
    outcome = (
        f"{c.get('matched', 0)} matched, {c.get('review', 0)} to review, "
        f"{c.get('unmatched', 0)} unmatched, {c.get('error', 0)} errors of {final.total} "
        f"tracks in {playlists} playlist(s)"
    )
    this_run = final.done - final.already_done
    rate = this_run / final.elapsed_s if final.elapsed_s else 0.0
    timing = f"{final.elapsed_s:.1f} s ({rate:.0f} tracks/s)"
    if final.already_done:
        timing = f"{this_run} of them this run in {timing}"
    parts = [f"{outcome}, {timing}"]
    if final.catalog_tracks is not None:
        parts.append(f"catalog {one_line(final.catalog)} ({final.catalog_tracks} tracks)")
    elif final.catalog:
        parts.append(f"provider {one_line(final.catalog)}")
    if final.xml_without_file:
        parts.append(f"{final.xml_without_file} entries without a file left out of the "
                     "Rekordbox XML")  # fmt: skip
    return "; ".join(parts) + f". Results: {one_line(final.out_dir)}"
