"""How much batch history the journal keeps, so that it does not grow without end.

Every result is journalled at some 1.1 KB, for resuming, reviewing and `cratematch
write`. A DJ who matches a 10,000-track collection every week would otherwise pile up
gigabytes. The rule, newest batches first (by their last change, so a batch being
reviewed or resumed counts as new): batches are kept while they number at most
`max_batches` and their results add up to at most `max_results`; the newest batch is
always kept, and so is any batch changed within `protect_s` (today's work, and a batch
another CrateMatch is running right now). Older batches are forgotten whole: their
results, their playlists, their record and their performance report.

Forgetting runs in the engine host when it has nothing else to do (after a batch) and
deletes at most `per_pass` results each time, so a very large old batch costs several
passes rather than one long wait at the end of a run. A batch is made unusable in the
first pass (its playlists go first: `write` and `resume` then say it is no longer in the
history), and its record goes with its last results. The freed pages are reused by the
next batches, so in the steady state (a batch in, an old one out) the file keeps its
size. When forgetting is done and has left most of the file free (a journal from before
these limits, a huge batch gone), the host rewrites it once to give the space back
(`tidy`); `cratematch batches --compact` forgets all at once, then rewrites it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "BatchSize",
    "FileSpace",
    "Forgetting",
    "Retention",
    "drop_report",
    "forget_all",
    "forget_old_batches",
    "tidy",
    "to_forget",
    "worth_shrinking",
]


@dataclass(frozen=True, slots=True)
class Retention:
    """The journal's limits (see the module docstring)."""

    max_batches: int = 100
    max_results: int = 250_000  # about 275 MB of journal
    protect_s: float = 24 * 3600.0
    per_pass: int = 50_000  # results deleted per pass: some 0.3 s
    # the file is rewritten when its free pages are more than this share of it ...
    shrink_free_share: float = 0.5
    shrink_min_bytes: int = 64 * 1024 * 1024  # ... and at least this much


@dataclass(frozen=True, slots=True)
class FileSpace:
    """The journal file's size and how much of it is free pages."""

    total_bytes: int
    free_bytes: int


def worth_shrinking(space: FileSpace, keep: Retention) -> bool:
    """Whether rewriting the file gives back enough to be worth its cost (it rewrites
    what is kept: some 2 s for 250 MB). One forgotten batch in the steady state leaves
    too little free for it; the next batch reuses those pages anyway."""
    free = space.free_bytes
    return free >= keep.shrink_min_bytes and free > keep.shrink_free_share * space.total_bytes


@dataclass(frozen=True, slots=True)
class BatchSize:
    batch_id: str
    updated: float  # its last change (epoch seconds)
    results: int  # the results it holds


def to_forget(batches: Sequence[BatchSize], keep: Retention, now: float) -> list[str]:
    """The ids of the batches to forget under `keep`, oldest first. `batches` may come in
    any order."""
    newest_first = sorted(batches, key=lambda b: (-b.updated, b.batch_id))
    kept = results = 0
    doomed: list[str] = []
    for batch in newest_first:
        fits = kept < keep.max_batches and results + batch.results <= keep.max_results
        ends_kept = doomed or not (fits or kept == 0)  # the first that does not fit
        if ends_kept and now - batch.updated >= keep.protect_s:
            doomed.append(batch.batch_id)
            continue
        kept += 1
        results += batch.results
    return doomed[::-1]


class Forgetting(Protocol):
    """What `forget_old_batches` needs of the journal (matcher.engine.journal.Journal)."""

    def batch_sizes(self) -> list[BatchSize]: ...

    def forget_batch(self, batch_id: str, max_results: int) -> tuple[int, bool]: ...

    def space(self) -> FileSpace: ...

    def compact(self) -> bool: ...


def forget_old_batches(
    journal: Forgetting,
    keep: Retention,
    *,
    now: Callable[[], float] = time.time,
    forgotten: Callable[[str], None] | None = None,
) -> int:
    """One pass of forgetting in `journal` under `keep`: returns the results deleted.
    `forgotten(batch_id)` is called for each batch gone entirely (default: its report
    file goes then). A journal that fails midway keeps what it had: each batch's step is
    one transaction."""
    forgotten = forgotten or drop_report
    budget = keep.per_pass
    deleted = 0
    for batch_id in to_forget(journal.batch_sizes(), keep, now()):
        if budget <= 0:
            break
        count, whole = journal.forget_batch(batch_id, budget)
        deleted += count
        budget -= count
        if whole:
            forgotten(batch_id)
    return deleted


def tidy(
    journal: Forgetting, keep: Retention, *, forgotten: Callable[[str], None] | None = None
) -> int:
    """What the host does when it has nothing else to do: one pass of forgetting, then,
    once nothing is left to forget (the pass used less than its share) and that has left
    the file mostly free, the file rewritten to give the space back. Returns the results
    deleted."""
    deleted = forget_old_batches(journal, keep, forgotten=forgotten)
    if deleted < keep.per_pass and worth_shrinking(journal.space(), keep):
        journal.compact()
    return deleted


def forget_all(
    journal: Forgetting, keep: Retention, *, forgotten: Callable[[str], None] | None = None
) -> int:
    """Pass after pass until nothing is left to forget (`cratematch batches --compact`);
    returns the results deleted."""
    results = 0
    while deleted := forget_old_batches(journal, keep, forgotten=forgotten):
        results += deleted
    return results


def drop_report(batch_id: str) -> None:
    """Remove a forgotten batch's performance report from the data folder, if it can."""
    from matcher.performance.report import history_report_path

    with contextlib.suppress(OSError):
        history_report_path(batch_id).unlink(missing_ok=True)
