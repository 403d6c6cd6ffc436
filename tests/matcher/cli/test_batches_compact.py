"""`cratematch batches --compact` end to end: a journal past its history limits, the real
command line in a subprocess, the old batch forgotten with its report and the file
smaller; the newest batches untouched."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

from matcher.engine.events import BatchState
from matcher.engine.journal import Journal
from matcher.engine.journal_db import default_journal_path
from matcher.performance.report import history_report_path
from tests.matcher.cli.test_compare import cratematch, one_error_line
from tests.matcher.engine.journal_fixtures import new_batch


def finished_batches(batches: list[tuple[str, int]]) -> Path:
    """The default journal holding finished batches of (id, results), oldest first."""
    path = default_journal_path()
    with Journal.open(path) as journal:
        for batch_id, done in batches:
            new_batch(journal, batch_id, BatchState.FINISHED, done=done)
    return path


def test_compact_forgets_what_the_history_no_longer_keeps_and_shrinks_the_file(
    cratematch_home: Path,
) -> None:
    # the newest 100 are the most the history keeps
    path = finished_batches([("old-big", 3000)] + [(f"new-{n:03d}", 1) for n in range(100)])
    with closing(sqlite3.connect(path)) as conn, conn:  # all of them a week old or more
        conn.execute(
            "UPDATE batches SET updated = updated - 8 * 86400 - 60 * (batch_id = 'old-big')"
        )
    report = history_report_path("old-big")
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("{}", encoding="utf-8")
    before = path.stat().st_size

    done = cratematch(cratematch_home, "batches", "--compact")

    assert done.returncode == 0 and done.stderr == "", done.stderr
    line = done.stdout.strip()
    assert re.fullmatch(
        r"Forgot 1 old batch \(3,000 results\); 100 kept\. The journal went from "
        r"[\d.,]+ MB to [\d.,]+ MB\.",
        line,
    ), line
    assert path.stat().st_size < before / 2
    assert not report.exists()
    with Journal.open(path, readonly=True) as journal:
        assert journal.batch("old-big") is None
        kept = {b.batch_id for b in journal.batch_sizes()}
        assert kept == {f"new-{n:03d}" for n in range(100)}
        assert len(journal.results("new-099", 0)) == 1

    again = cratematch(cratematch_home, "batches", "--compact")
    assert again.stdout.startswith("Forgot 0 old batches (0 results); 100 kept.")


def test_compact_is_not_taken_with_another_batches_option(cratematch_home: Path) -> None:
    assert "not allowed with" in one_error_line(
        cratematch(cratematch_home, "batches", "--compact", "--rebuild")
    )


def test_compact_while_another_cratematch_reads_the_journal_says_so(
    cratematch_home: Path,
) -> None:
    path = finished_batches([("only", 3)])
    with closing(sqlite3.connect(path, isolation_level=None)) as reader:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM results").fetchone()  # a read in progress
        done = cratematch(cratematch_home, "batches", "--compact")
        reader.execute("COMMIT")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout == (
        "Forgot 0 old batches (0 results); 1 kept. Another CrateMatch is reading the "
        "journal: its file shrinks once that one is done with it.\n"
    )
    with Journal.open(path, readonly=True) as journal:
        assert len(journal.results("only", 0)) == 3
