"""`cratematch batches --compare OLD NEW`: two batches' performance side by side.

Each batch's figures come from its performance report, found again wherever it still
is (matcher.performance.figures: the data dir's copy, the out folder, or rebuilt from
the journal), so the comparison works long after the out folder was reused. An id is
what `cratematch batches` lists, or the start of one no other batch shares; an unknown
one is bad input: one line on stderr, exit 2.
"""

from __future__ import annotations

from matcher.cli.output import EXIT_OK, one_line
from matcher.engine.history import History
from matcher.performance.compare import compare_reports
from matcher.performance.figures import load_report

__all__ = ["compare_batches"]


def compare_batches(old: str, new: str) -> int:
    with History.open(readonly=False) as journal:  # creates a missing journal: "no batch"
        before = load_report(old, history=journal)
        after = load_report(new, history=journal)
    for line in compare_reports(before, after).lines():
        print(one_line(line))
    return EXIT_OK
