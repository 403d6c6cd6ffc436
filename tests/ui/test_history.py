"""ui/history.py: the window's read-only view of the journal: batches worth resuming,
dismissals for the session, full results for the review dialog, and a damaged journal
reported to the repair banner instead of raised."""

from __future__ import annotations

import os

from matcher import BatchState, default_journal_path
from matcher.engine.journal import Journal
from tests.ui.controller_fixtures import B, Harness
from tests.ui.results_fixtures import make_result


def test_no_journal_means_nothing_to_resume_and_no_result() -> None:
    h = Harness()
    h.c.history.refresh_unfinished()
    assert h.c.history.unfinished == []
    assert h.c.history.full_result(B, 0, 0) is None
    assert h.c.repair.damage is None
    assert not default_journal_path().exists()  # reading never creates one


def test_dismissed_batches_stay_hidden_for_the_session() -> None:
    with Journal.open() as journal:
        journal.create_batch(B, config={}, inputs=[], out_dir="/o")
    h = Harness()
    h.c.history.refresh_unfinished()
    assert [b.batch_id for b in h.c.history.unfinished] == [B]
    h.c.history.dismiss_unfinished(B)
    h.c.history.refresh_unfinished()
    assert h.c.history.unfinished == []
    again = Harness()  # the next session offers it again
    again.c.history.refresh_unfinished()
    assert [b.batch_id for b in again.c.history.unfinished] == [B]


def test_the_full_result_comes_from_the_journal() -> None:
    result = make_result(2, "review", 0.61, "Invented Artist", "Invented Title")
    with Journal.open() as journal:
        journal.create_batch(B, config={}, inputs=[], out_dir="/o")
        journal.add_playlist(B, 0, file="invented.m3u8", source="/m/invented.m3u8",
                             name="Invented Set", format="m3u", total=3)  # fmt: skip
        journal.record_results(B, 0, [result])
        journal.set_state(B, BatchState.CANCELLED)
    h = Harness()
    full = h.c.history.full_result(B, 0, 2)
    assert full is not None and (full.entry.title, full.status) == ("Invented Title", "review")
    assert h.c.history.full_result(B, 0, 1) is None
    (record,) = h.c.history.playlists(B)
    assert (record.name, record.total, record.done) == ("Invented Set", 3, 1)
    h.c.close()


def test_a_damaged_journal_reads_as_empty_and_is_offered_for_repair() -> None:
    path = default_journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(8192))
    h = Harness()
    h.c.history.refresh_unfinished()
    assert h.c.history.unfinished == []
    damage = h.c.repair.damage
    assert damage is not None and (damage.kind, damage.path) == ("journal", path)
    h.c.repair.damage = None
    h.c.repair.repairing = True  # a repair is moving the file: no second offer
    assert h.c.history.full_result(B, 0, 0) is None
    assert h.c.repair.damage is None
