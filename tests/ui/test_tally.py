"""The one count of results (ui/tally.py): entries, not events, are counted."""

from __future__ import annotations

from tests.ui.results_fixtures import make_result
from ui.tally import Counts, Tally

B = "20260101-000000-tttttt"


def _results(statuses: str, start: int = 0):
    names = {"m": "matched", "r": "review", "u": "unmatched", "e": "error"}
    return [make_result(start + n, names[c], 0.5, "A", "B") for n, c in enumerate(statuses)]


def test_a_chunk_sent_twice_counts_once_and_a_decision_moves_one_entry() -> None:
    tally = Tally()
    assert tally.add(B, 0, _results("mmru"))
    assert not tally.add(B, 0, _results("mmru"))  # a retried chunk: nothing new
    assert tally.playlist(B, 0) == Counts(matched=2, review=1, unmatched=1)
    assert tally.add(B, 0, [make_result(2, "matched", 1.0, "A", "B")])  # the user accepted
    assert tally.playlist(B, 0) == Counts(matched=3, unmatched=1)
    tally.add(B, 1, _results("e"))
    assert tally.batch(B) == Counts(matched=3, unmatched=1, error=1)


def test_a_resumed_playlist_counts_what_came_before() -> None:
    tally = Tally()
    tally.add(B, 0, _results("mu", start=100))  # this run's first chunk
    assert tally.prior(B, 0, {"matched": 60, "unmatched": 42})  # the engine's whole playlist
    assert tally.playlist(B, 0) == Counts(matched=60, unmatched=42)
    assert tally.counts([(B, 0)], with_prior=False) == Counts(matched=1, unmatched=1)
    assert not tally.prior(B, 0, {"matched": 60, "unmatched": 42})  # unchanged
    tally.forget([(B, 0)])
    assert tally.playlist(B, 0) == Counts()
