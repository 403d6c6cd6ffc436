"""Scoring a catalog track against an entry: features in, log-odds out.

`score` reads what is known about one candidate (features.py) and keeps it with the
track; `decide` adds what depends on the other candidates (how many share the title),
weighs the features with the preset's fitted model (fitted.py) and shares the belief.
The model's weight of each feature times its value is that feature's part of the
log-odds, so the "why" in `candidates.csv` and the review dialog is the model itself:
a positive penalty is evidence against the candidate, a negative one evidence for it.

A guard is a hard rule (an original is not a remix; two remixes by different people are
different recordings): a guarded candidate keeps its features for the audit trail but
gets no share of the confidence and can never be matched.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from matcher.matching.features import Evidence, evidence
from matcher.matching.fitted import ScoringModel
from matcher.matching.readings import EntryReading
from matcher.model import CatalogTrack

__all__ = ["Scored", "score"]


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate before the decision: the track and what is known about it."""

    track: CatalogTrack
    evidence: Evidence
    identifier: str = ""  # "isrc" or "store-id" when an identifier found it
    base: float = 0.0  # the log-odds before the context (`decide` adds it); -inf if guarded

    @property
    def guard(self) -> str:
        return self.evidence.guard


def score(
    entry: EntryReading,
    track: CatalogTrack,
    model: ScoringModel,
    *,
    identifier: str = "",
    location: str = "",
) -> Scored:
    """Score one candidate (pure: the same inputs always give the same Scored).

    `identifier` names what found the track ("isrc", "store-id"): it outweighs text
    noise, but only when the title agrees enough to rule out a bad tag. `location` is
    the entry's file: the same file as the catalog row's is certain."""
    ev = evidence(entry, track, location=location, identifier=identifier)
    base = -math.inf if ev.guard else model.logit(ev.features)
    return Scored(track, ev, identifier, base)
