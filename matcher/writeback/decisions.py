"""Whether the results a write was planned from still decide the same.

A plan is made from the batch journal as it was when the plan run gathered its files.
A review decision made after that (in the window, while `cratematch write` waits for
its y/N, or in a second window while this one shows its preview) changes which track a
row stands for, or whether it is written at all; the plan would write the old decision.
So before writing, the caller gathers again (the journal only: no audio file is read, a
fraction of a plan run) and compares what each file is decided to be: if anything
differs, it plans again rather than write. The engine's write runs check once more as
they begin (DecisionsChanged), so a decision sent after Write was pressed is not
written over either.

    plans ──decisions()──▶ {(file, track, status, rows, conflict)} ◀── gather() now
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from matcher.writeback.plan import FilePlan
from matcher.writeback.targets import FileTarget, Gathered, Results, WriteOptions, gather

__all__ = ["CHANGED_SINCE_PLAN", "Decision", "decided_otherwise", "decisions", "results_changed"]

CHANGED_SINCE_PLAN = (
    "a review decision changed these results after the files were planned: nothing "
    "written; preview the write again"
)

# (path, catalog_id, status, rows, conflict): what a file is decided to be
Decision = tuple[str, str, str, tuple[tuple[int, int], ...], str]


def decisions(targets: Iterable[FileTarget]) -> frozenset[Decision]:
    """What the results decide for each file (not the values: those come from the
    catalog track, named by its id)."""
    return frozenset(
        (t.path, t.catalog_id, t.status, tuple(sorted(t.rows)), t.conflict) for t in targets
    )


def results_changed(
    results: Results,
    out_dirs: Sequence[str | Path],
    options: WriteOptions,
    planned: Iterable[FilePlan],
    *,
    catalog_files: bool = False,
) -> bool:
    """Whether the results of `out_dirs` now decide otherwise than when `planned` was
    made (gathered as the plan was: the same options, `catalog_files` for a library)."""
    return decided_otherwise(gather(results, out_dirs, options, catalog_files=catalog_files),
                             planned)  # fmt: skip


def decided_otherwise(now: Gathered, planned: Iterable[FilePlan]) -> bool:
    """Whether results gathered now decide otherwise than when `planned` was made."""
    return decisions(now.targets) != decisions(p.target for p in planned)
