"""Deciding from scored candidates: matched, review or unmatched, with a reason.

    identity first   the entry's own file is a catalog row's file: certain
    copies           catalog rows that are one track (the same artists, title, mix and
                     length to the second: a collection holding a file twice) count once;
                     the best copy stands for them and the others' files are listed
    belief           each remaining candidate's share is exp(logit) / (1 + sum exp), the
                     1 standing for "not in the catalog", so near-identical rivals split
                     it and ambiguity lowers confidence by itself; the best share is then
                     mapped through the model's calibration to the probability of being
                     right, which is the confidence users see
    rules            a guard vetoes; a title-only match (no artist to confirm it) is
                     matched only when the title is unique among the candidates and the
                     length agrees, or an identifier (ISRC, store id) found that row;
                     a remix the entry does not name likewise needs a length to agree;
                     matched needs the match threshold and the margin, review the review
                     threshold; the rest is unmatched

Every decision carries its reason, which reaches `matches.csv`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from matcher.matching.features import (
    context_counts,
    context_values,
    timed_siblings,
    with_context,
)
from matcher.matching.presets import Preset
from matcher.matching.readings import read_track
from matcher.matching.scoring import Scored
from matcher.model import Candidate, MatchStatus

__all__ = ["Decision", "best_share", "decide", "may_reach"]

SAME_FILE = "the same file as the catalog row"
TITLE_ONLY = "title only: no artist to confirm it"
UNCONFIRMED_REMIX = "a remix the playlist does not name, and no length to confirm it"
_CONTEXT_FEATURES = ("title_twins", "siblings", "timed_sibling")  # set by the candidates
_context_of = itemgetter(*_CONTEXT_FEATURES)  # their values in a candidate's features
MAX_COPIES_SHOWN = 3


@dataclass(frozen=True, slots=True)
class Decision:
    status: MatchStatus
    reason: str
    best: Candidate | None
    # best first (as many as asked for), each with its share and why it lost
    ranked: tuple[Candidate, ...]
    copies: tuple[str, ...] = ()  # files of the catalog rows that are the best one again


@dataclass(slots=True)
class _Live:
    scored: Scored
    features: dict[str, float]
    logit: float
    twins: int = 0  # other candidates with this title, copies included
    share: float = 0.0
    copies: tuple[Scored, ...] = ()
    guard: str = ""  # the scored candidate's (sorting asks often: kept, not looked up)
    same_file: bool = False  # the `same_file` feature, as a flag


def _identity(scored: Scored) -> tuple[frozenset[str], tuple[str, ...], object]:
    """Artists, titles and version as read, so "Zenxow VIP" and "ZENXOW VIP VIP" are
    one mix written twice (the length must agree too: see `_merge_copies`)."""
    t = scored.evidence.track or read_track(scored.track)
    return (frozenset(t.artists), t.titles, t.version)


def _prepare(candidates: Sequence[Scored], preset: Preset) -> list[_Live]:
    """Context features, log-odds, copies merged (the best-scoring copy stands)."""
    weights = _signal_terms(preset.model).context_weights
    evidence = [c.evidence for c in candidates]
    context = zip(context_counts(evidence), timed_siblings(evidence), strict=True)
    live = []
    for scored, ((twins, siblings), timed) in zip(candidates, context, strict=True):
        features = with_context(scored.evidence.features, twins, siblings, timed)
        logit = scored.base + _context_logit(_context_of(features), weights)
        same = bool(features.get("same_file"))
        live.append(_Live(scored, features, logit, twins, guard=scored.guard, same_file=same))
    return _merge_copies(live)


def _context_logit(
    values: tuple[float, float, float], weights: tuple[float, float, float]
) -> float:
    """The part of the log-odds the other candidates decide (`scored.base` has the rest):
    `values` and `weights` are those of `_CONTEXT_FEATURES`, in order."""
    (twins, siblings, timed), (w_twins, w_siblings, w_timed) = values, weights
    # 0 + ...: the same sum, in the same order, as sum() makes
    return 0 + w_twins * twins + w_siblings * siblings + w_timed * timed


def _logits(candidates: Sequence[Scored], preset: Preset) -> list[float]:
    """The log-odds alone (the early-exit test: no features copied, no copies merged,
    which can only make a best look less certain than `decide` will find it)."""
    weights = _signal_terms(preset.model).context_weights
    evidence = [c.evidence for c in candidates]
    out = []
    for e, scored, (twins, siblings), timed in zip(
        evidence, candidates, context_counts(evidence), timed_siblings(evidence), strict=True
    ):
        values = context_values(e.features, twins, siblings, timed)
        out.append(scored.base + _context_logit(values, weights))
    return out


def _merge_copies(live: list[_Live]) -> list[_Live]:
    if len(live) < 2:
        return live  # most entries bring one candidate: nothing to merge
    groups: dict[tuple, list[_Live]] = {}
    out: list[_Live] = []
    # the entry's own file stands for its copies; ties go by catalog id, not input order
    for item in sorted(live, key=lambda c: (not c.same_file, -c.logit,
                                            c.scored.track.catalog_id)):  # fmt: skip
        duration = item.scored.track.duration_s
        if item.guard or duration is None:
            out.append(item)
            continue
        group = groups.setdefault(_identity(item.scored), [])
        same = next(
            (g for g in group if abs((g.scored.track.duration_s or 0) - duration) <= 1.0), None
        )
        if same is None:
            group.append(item)
            out.append(item)
        else:
            same.copies = (*same.copies, item.scored)
    return out


def _share(live: list[_Live]) -> None:
    logits = [c.logit for c in live if not c.guard]
    top = max([0.0, *logits])
    denominator = math.exp(-top) + sum(math.exp(s - top) for s in logits)
    for c in live:
        c.share = 0.0 if c.guard else math.exp(c.logit - top) / denominator


def may_reach(candidates: Sequence[Scored], preset: Preset, confidence: float) -> bool:
    """False when no candidate's log-odds could give `confidence`, whatever the others
    say: a share is at most sigmoid(log-odds). Cheap (no context counts), so the
    early-exit test asks it first."""
    model = preset.model
    ceiling = max([c.base for c in candidates], default=-math.inf)
    ceiling += _signal_terms(model).lift
    if ceiling == -math.inf:
        return False
    return ceiling >= 30.0 or model.calibrate(1.0 / (1.0 + math.exp(-ceiling))) >= confidence


def best_share(candidates: Sequence[Scored], preset: Preset) -> float:
    """The best candidate's calibrated confidence, without building the decision (the
    early-exit test)."""
    logits = [z for z in _logits(candidates, preset) if z != -math.inf]
    if not logits:
        return 0.0
    top = max([0.0, *logits])
    best = max(logits)
    share = math.exp(best - top) / (math.exp(-top) + sum(math.exp(z - top) for z in logits))
    return preset.model.calibrate(share)


def decide(candidates: Sequence[Scored], preset: Preset, shortlist: int | None = None) -> Decision:
    """The decision over an entry's candidates. `ranked` holds the first `shortlist` of
    them (all by default): a caller that keeps only a few need not have the rest
    described, a fifth of all candidates on the stress playlist."""
    if not candidates:
        return Decision(MatchStatus.UNMATCHED, "no candidates found", None, ())
    live = _prepare(candidates, preset)
    _share(live)
    ranked = sorted(live, key=lambda c: (not c.same_file, bool(c.guard), -c.share, -c.logit,
                                         c.scored.track.catalog_id))  # fmt: skip
    model = preset.model
    best = ranked[0]
    confidence = model.calibrate(best.share) if not best.guard else 0.0
    runner = model.calibrate(ranked[1].share) if len(ranked) > 1 and not ranked[1].guard else 0.0
    status, reason = _status(best, confidence, runner, ranked, preset)
    if status is MatchStatus.MATCHED and best.features.get("same_file"):
        confidence = max(confidence, 0.999)
    copies = tuple(c.track.location or c.track.catalog_id for c in best.copies)
    if copies and status is not MatchStatus.UNMATCHED:
        shown = "; ".join(copies[:MAX_COPIES_SHOWN])
        extra = len(copies) - MAX_COPIES_SHOWN
        reason += f"; the same track also at {shown}" + (f" and {extra} more" if extra > 0 else "")
    first = "chosen" if status is MatchStatus.MATCHED else "best"
    terms = _signal_terms(model)
    noted = [_candidate(best, confidence, first, terms)]
    for c in ranked[1:shortlist]:
        note = f"guard: {c.guard}" if c.guard else _why_lost(best, c)
        noted.append(_candidate(c, model.calibrate(c.share) if not c.guard else 0.0, note,
                                terms))  # fmt: skip
    return Decision(status, reason, noted[0], tuple(noted), copies)


def _status(
    best: _Live, confidence: float, runner: float, ranked: list[_Live], preset: Preset
) -> tuple[MatchStatus, str]:
    if best.same_file:  # identity first, whatever the tags say
        return MatchStatus.MATCHED, SAME_FILE
    if best.guard:
        return MatchStatus.UNMATCHED, f"guard: {best.guard}"
    f = best.features
    title_only = not f.get("artists")
    # copies count once; an identifier (ISRC, the file name's store id) found this very row
    unique = best.twins == len(best.copies) and f.get("duration_close")
    confirmed = unique or f.get("identifier")
    if confidence >= preset.match_threshold and confidence - runner >= preset.margin:
        if title_only and not confirmed:
            return MatchStatus.REVIEW, TITLE_ONLY
        if _unconfirmed_remix(best):
            return MatchStatus.REVIEW, UNCONFIRMED_REMIX
        return MatchStatus.MATCHED, "confident"
    close_call = len(ranked) > 1 and runner >= preset.ambiguous_share
    # two rivals that split the belief: each alone may fall short of the review threshold
    # while "one of these two" clears it, which is worth a human's look
    if close_call and confidence + runner >= preset.review_threshold:
        return MatchStatus.REVIEW, (
            f"ambiguous: {ranked[1].scored.track.catalog_id} is almost as likely"
        )
    if confidence >= preset.review_threshold:
        return MatchStatus.REVIEW, "thin evidence" + _weakest(best, preset)
    return MatchStatus.UNMATCHED, "below threshold"


def _unconfirmed_remix(best: _Live) -> bool:
    """The row is a remix the entry does not name (nor its remixer among the artists), and
    no length could tell it from the version the entry may be: an original whose remix
    alone is in the catalog reads exactly like this."""
    return (
        best.features.get("unstated_remix", 0.0) >= 1.0
        and not best.features.get("identifier")
        and "duration" not in best.scored.evidence.similarities
    )


# The features of each signal, for the "why": a signal's cost is how far the candidate's
# log-odds fall short of a perfect agreement on that signal (0 for a perfect one), shown
# only for the signals both sides carry; a missing signal costs nothing.
SIGNALS: dict[str, tuple[str, ...]] = {
    "title": ("title", "title_exact"),
    "artists": ("artists", "artist_cover"),
    "version": ("version", "version_exact", "length_differs", "unstated_remix",
                "unstated_remix_confirmed", "unknown_version"),
    "duration": ("duration", "duration_close", "duration_off"),
    "bpm": ("bpm", "bpm_off"),
    "key": ("key", "key_off"),
}  # fmt: skip
_PERFECT = {"title": 1.0, "title_exact": 1.0, "artists": 1.0,
            "artist_cover": 1.0, "version": 1.0, "version_exact": 1.0, "duration": 1.0,
            "duration_close": 1.0, "bpm": 1.0, "key": 1.0}  # fmt: skip
# agreement only, shown as evidence for: the title as written is one (a title that reads
# the same but is written otherwise, "The Island, Pt. II" for "The Island - Pt. II", is
# no evidence against it)
_SUPPORT = ("release", "label", "identifier", "surface", "title_tag")
_CONTEXT = (*_CONTEXT_FEATURES, "no_version")  # what the other candidates say


@dataclass(frozen=True, slots=True)
class _Terms:
    """A model's weights as `costs` reads them (worked out once per model)."""

    # per signal: its name, the features that say whether both sides carry it, and its
    # (feature, weight, perfect value) with a weight
    signals: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, float, float], ...]], ...]
    no_artist: float  # the cost of naming no artist
    support: tuple[tuple[str, float], ...]  # (feature, weight) with a weight
    context: tuple[tuple[str, float], ...]
    context_weights: tuple[float, float, float]  # the weights of _CONTEXT_FEATURES, in order
    lift: float  # the most the context can add to a candidate's log-odds


_TERMS: dict[int, tuple[object, _Terms]] = {}  # id(model) -> (the model, kept alive; terms)


def _signal_terms(model) -> _Terms:  # noqa: ANN001
    """The model's `_Terms`, by identity: a model's hash goes over every weight and knot,
    and `costs` runs for every candidate (`may_reach` and `_logits` after every query)."""
    hit = _TERMS.get(id(model))
    if hit is not None and hit[0] is model:
        return hit[1]
    weights = model.table
    twins, siblings, timed = (weights.get(name, 0.0) for name in _CONTEXT_FEATURES)
    terms = _Terms(
        signals=tuple(
            (
                signal,
                (signal, *names),
                tuple((n, model.weight(n), _PERFECT.get(n, 0.0)) for n in names if model.weight(n)),
            )
            for signal, names in SIGNALS.items()
        ),  # fmt: skip
        no_artist=round(weights.get("artists", 0.0) + weights.get("artist_cover", 0.0), 4),
        support=tuple((n, weights[n]) for n in _SUPPORT if weights.get(n, 0.0)),
        context=tuple((n, weights[n]) for n in _CONTEXT if weights.get(n, 0.0)),
        context_weights=(twins, siblings, timed),
        lift=sum(max(0.0, w) for w in (twins, siblings, timed)),
    )
    if len(_TERMS) >= 8:
        _TERMS.clear()
    _TERMS[id(model)] = (model, terms)
    return terms


def costs(features: dict[str, float], similarities: dict[str, float], model) -> dict[str, float]:  # noqa: ANN001
    """Per signal, what kept the candidate from a perfect score (positive), and the
    support that lifted it (negative)."""
    return _costs_by(features, similarities, _signal_terms(model))


def _costs_by(
    features: dict[str, float], similarities: dict[str, float], terms: _Terms
) -> dict[str, float]:
    """`costs` with the model's terms at hand (`decide` asks for every candidate)."""
    get = features.get
    out = {}
    carried = similarities.keys()
    for signal, names, weighted in terms.signals:
        if carried.isdisjoint(names):
            continue  # a signal one side lacks: no evidence either way
        gap = 0.0
        for n, w, perfect in weighted:
            gap += w * (perfect - get(n, 0.0))
        if abs(gap) >= 0.005:
            out[signal] = round(gap, 4)
    if not get("artists") and get("no_artist"):
        out["no_artist"] = terms.no_artist
    for name, w in terms.support:  # a feature without a weight lifts nothing
        part = w * get(name, 0.0)
        if part >= 0.005:
            out[name] = round(-part, 4)
    for name, w in terms.context:
        part = w * get(name, 0.0)
        if abs(part) >= 0.005:
            out[name] = round(-part, 4)
    return out


def _costs(c: _Live, preset: Preset) -> dict[str, float]:
    """What counted against a candidate (positive: evidence against it)."""
    return costs(c.features, c.scored.evidence.similarities, preset.model)


def _weakest(c: _Live, preset: Preset) -> str:
    """ " (weakest: title)": the evidence that cost the candidate most, if any did."""
    costs = {k: v for k, v in _costs(c, preset).items() if v > 0}
    return f" (weakest: {max(costs, key=lambda k: costs[k])})" if costs else ""


def _why_lost(best: _Live, c: _Live) -> str:
    if best.same_file:
        return "another row is the entry's own file"
    gap = best.logit - c.logit
    if gap < 0.7:
        return "about as likely as the best"
    if gap > math.log(999):
        return "far less likely than the best"
    return f"{math.exp(gap):.0f} times less likely than the best"


def _candidate(c: _Live, confidence: float, note: str, terms: _Terms) -> Candidate:
    similarities = c.scored.evidence.similarities
    return Candidate(
        track=c.scored.track,
        confidence=round(confidence, 4),
        features=dict(similarities),
        penalties=_costs_by(c.features, similarities, terms),
        guard=c.guard,
        note=note,
        score=round(c.logit, 4) if math.isfinite(c.logit) else -99.0,
    )
