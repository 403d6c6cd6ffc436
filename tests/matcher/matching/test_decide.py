"""Deciding: candidates share one belief with "not in the catalog"; the best is matched,
sent to review or left unmatched, with a reason."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from matcher.matching.decide import decide, shares
from matcher.matching.presets import PRESETS, Preset
from matcher.model import Candidate, CatalogTrack, MatchStatus

BALANCED = PRESETS["balanced"]


def cand(cid: str, score: float, guard: str = "", **penalties: float) -> Candidate:
    return Candidate(CatalogTrack(cid, "Glass Tide"), 0.0, score=score, guard=guard,
                     penalties=penalties)  # fmt: skip


# -- shares ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        pytest.param([0.0], [0.5], id="even-with-not-in-catalog"),
        pytest.param([math.log(3)], [0.75], id="three-to-one"),
        pytest.param([0.0, 0.0], [1 / 3, 1 / 3], id="two-even"),
        pytest.param([math.log(2), 0.0], [0.5, 0.25], id="two-uneven"),
        pytest.param([-30.0], [0.0], id="hopeless"),
        pytest.param([800.0], [1.0], id="huge-no-overflow"),
    ],
)
def test_shares_values(scores: list[float], expected: list[float]) -> None:
    result = shares(cand(f"c{i}", s) for i, s in enumerate(scores))
    assert [c.confidence for c in result] == pytest.approx(expected, abs=1e-4)


def test_shares_are_ordered_sum_to_at_most_one_and_skip_guards() -> None:
    pool = [cand("a", 1.0), cand("b", 4.0), cand("g", 9.0, guard="different remix"),
            cand("c", 2.5), cand("d", -1.0)]  # fmt: skip
    result = shares(pool)
    assert [c.track.catalog_id for c in result] == ["b", "c", "a", "d", "g"]
    confidences = [c.confidence for c in result]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) < 1.0
    assert result[-1].confidence == 0.0
    assert [c.score for c in result] == [4.0, 2.5, 1.0, -1.0, 9.0]  # scores untouched


def test_shares_break_ties_by_catalog_id() -> None:
    result = shares([cand("b", 2.0), cand("a", 2.0)])
    assert [c.track.catalog_id for c in result] == ["a", "b"]


def test_shares_of_nothing() -> None:
    assert shares([]) == []


# -- decisions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pool", "status", "reason"),
    [
        pytest.param([], MatchStatus.UNMATCHED, "no candidates found", id="nothing"),
        pytest.param([cand("a", 6.0)], MatchStatus.MATCHED, "confident", id="one-strong"),
        pytest.param(
            [cand("a", 6.0), cand("b", 2.0, title=4.0)],
            MatchStatus.MATCHED,
            "confident",
            id="strong-over-weak",
        ),
        pytest.param(
            [cand("a", 6.0), cand("b", 6.0)],
            MatchStatus.REVIEW,
            "ambiguous: b is almost as likely",
            id="two-near-identical",
        ),
        pytest.param(
            [cand("a", 1.0, title=2.0), cand("b", 0.5)],
            MatchStatus.REVIEW,
            "ambiguous: b is almost as likely",
            id="two-weak-close",
        ),
        pytest.param(
            [cand("a", 0.5, title=2.0, bpm=1.0)],
            MatchStatus.REVIEW,
            "thin evidence (weakest: title)",
            id="thin-evidence",
        ),
        pytest.param(
            [cand("a", -3.0, title=6.0)], MatchStatus.UNMATCHED, "below threshold", id="weak"
        ),
        pytest.param(
            [cand("a", 8.0, guard="remix vs original")],
            MatchStatus.UNMATCHED,
            "guard: remix vs original",
            id="guarded-only",
        ),
        pytest.param(
            [cand("a", 8.0, guard="different remix"), cand("b", 6.0, guard="remix vs original")],
            MatchStatus.UNMATCHED,
            "guard: different remix",
            id="all-guarded-highest-score-named",
        ),
        pytest.param(
            [cand("g", 9.0, guard="different remix"), cand("a", 6.0)],
            MatchStatus.MATCHED,
            "confident",
            id="guard-does-not-block-a-rival",
        ),
    ],
)
def test_decide(pool: list[Candidate], status: MatchStatus, reason: str) -> None:
    decision = decide(pool, BALANCED)
    assert (decision.status, decision.reason) == (status, reason)
    if pool:
        assert decision.best is decision.ranked[0]
    else:
        assert decision.best is None and decision.ranked == ()


def test_guarded_best_has_no_confidence() -> None:
    decision = decide([cand("a", 8.0, guard="remix vs original")], BALANCED)
    assert decision.best is not None
    assert decision.best.confidence == 0.0
    assert decision.best.note == "best"


def test_notes_say_why_each_candidate_lost() -> None:
    pool = [cand("a", 6.0), cand("b", 3.5, key=0.3, duration=2.2),
            cand("g", 7.0, guard="remix vs original")]  # fmt: skip
    decision = decide(pool, BALANCED)
    assert decision.status is MatchStatus.MATCHED
    notes = {c.track.catalog_id: c.note for c in decision.ranked}
    assert notes == {
        "a": "chosen",
        "b": "2.50 log-odds below the best (weakest: duration)",
        "g": "guard: remix vs original",
    }


def test_the_best_of_a_review_is_noted_best_not_chosen() -> None:
    decision = decide([cand("a", 6.0), cand("b", 6.0)], BALANCED)
    assert [c.note for c in decision.ranked][0] == "best"


def preset_with(**changes: object) -> Preset:
    return replace(BALANCED, **changes)


def test_match_threshold_takes_effect() -> None:
    pool = [cand("a", 2.5)]  # share 0.924
    assert decide(pool, preset_with(match_threshold=0.9)).status is MatchStatus.MATCHED
    assert decide(pool, preset_with(match_threshold=0.95)).status is MatchStatus.REVIEW


def test_review_threshold_takes_effect() -> None:
    pool = [cand("a", 0.0, title=3.0)]  # share 0.5
    assert decide(pool, preset_with(review_threshold=0.45)).status is MatchStatus.REVIEW
    assert decide(pool, preset_with(review_threshold=0.55)).status is MatchStatus.UNMATCHED


def test_margin_takes_effect() -> None:
    pool = [cand("a", 5.0), cand("b", 2.0)]  # shares about 0.946 and 0.047
    assert decide(pool, preset_with(margin=0.5)).status is MatchStatus.MATCHED
    assert decide(pool, preset_with(margin=0.95)).status is not MatchStatus.MATCHED


def test_decide_is_pure() -> None:
    pool = [cand("a", 3.0, title=1.0), cand("b", 2.9), cand("c", -2.0)]
    assert decide(pool, BALANCED) == decide(list(reversed(pool)), BALANCED)
