"""Deciding from scored candidates: matched, review or unmatched, with a reason.

Candidates compete for one belief: each unguarded candidate's share is
`exp(score) / (1 + sum of exp(score))`, where the 1 stands for "this entry is not in the
catalog". Two near-identical candidates therefore split the belief and neither is
matched: ambiguity lowers confidence by itself, and the confidence stays a probability
that was calibrated on labelled data.

Tiered, like a careful person would: a guard vetoes; a best whose share clears the
match threshold (and the runner-up by the margin) is a match; a plausible best goes to
review; anything less is unmatched. The reason reaches `matches.csv`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

from matcher.matching.presets import Preset
from matcher.model import Candidate, MatchStatus

__all__ = ["Decision", "best_share", "decide", "shares"]


@dataclass(frozen=True, slots=True)
class Decision:
    status: MatchStatus
    reason: str
    best: Candidate | None
    ranked: tuple[Candidate, ...]  # best first, each with its share and why it lost


def best_share(candidates: Iterable[Candidate]) -> float:
    """The best candidate's share, without building the ranked list (the early-exit test)."""
    live = [c.score for c in candidates if not c.guard]
    if not live:
        return 0.0
    top = max(live)
    return 1.0 / (math.exp(-top) + sum(math.exp(s - top) for s in live))


def shares(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The candidates with `confidence` set to their share of the belief, best first."""
    cands = list(candidates)
    share = _share_of(cands)
    ranked = sorted(cands, key=lambda c: _rank_key(c, share[id(c)]))
    return [replace(c, confidence=share[id(c)]) for c in ranked]


def decide(candidates: Iterable[Candidate], preset: Preset) -> Decision:
    cands = list(candidates)
    if not cands:
        return Decision(MatchStatus.UNMATCHED, "no candidates found", None, ())
    share = _share_of(cands)
    ranked = sorted(cands, key=lambda c: _rank_key(c, share[id(c)]))
    best = ranked[0]
    best_share = share[id(best)]
    runner_share = share[id(ranked[1])] if len(ranked) > 1 else 0.0
    margin = best_share - runner_share

    if best.guard:
        status, reason = MatchStatus.UNMATCHED, f"guard: {best.guard}"
    elif best_share >= preset.match_threshold and margin >= preset.margin:
        status, reason = MatchStatus.MATCHED, "confident"
    elif (
        len(ranked) > 1
        and best_share >= preset.review_threshold
        and runner_share >= preset.ambiguous_share
    ):
        status = MatchStatus.REVIEW
        reason = f"ambiguous: {ranked[1].track.catalog_id} is almost as likely"
    elif best_share >= preset.review_threshold:
        status, reason = MatchStatus.REVIEW, "thin evidence" + _weakest(best)
    else:
        status, reason = MatchStatus.UNMATCHED, "below threshold"

    first = "chosen" if status is MatchStatus.MATCHED else "best"
    noted = [replace(best, confidence=best_share, note=first)]
    for c in ranked[1:]:
        if c.guard:
            note = f"guard: {c.guard}"
        else:
            note = f"{best.score - c.score:.2f} log-odds below the best" + _weakest(c)
        noted.append(replace(c, confidence=share[id(c)], note=note))
    return Decision(status, reason, noted[0], tuple(noted))


def _share_of(cands: list[Candidate]) -> dict[int, float]:
    live = [c.score for c in cands if not c.guard]
    top = max([0.0, *live])
    denominator = math.exp(-top) + sum(math.exp(s - top) for s in live)
    return {
        id(c): 0.0 if c.guard else round(math.exp(c.score - top) / denominator, 4) for c in cands
    }


def _rank_key(c: Candidate, share: float) -> tuple[bool, float, float, str]:
    return (bool(c.guard), -share, -c.score, c.track.catalog_id)


def _weakest(c: Candidate) -> str:
    """ " (weakest: title)": the signal that cost the candidate most, if any did."""
    costs = {k: v for k, v in c.penalties.items() if v > 0}
    return f" (weakest: {max(costs, key=lambda k: costs[k])})" if costs else ""
