"""Scoring a catalog track against an entry: named penalties, one per signal.

A perfect candidate (every present signal identical) has the preset's `bias` as its
log-odds; each signal present pays `weight * (1 - similarity)`. The confidence is the
logistic of what is left, so penalties add up and each one's share says why a candidate
scored as it did (the "why" of `candidates.csv` and the review dialog). Signals a side
lacks add nothing, except a missing artist, which is thin evidence and pays a fixed cost.

Release and label are support signals: real libraries disagree with catalogs on albums
and labels all the time, so a mismatch costs nothing while agreement adds evidence.

A guard is a hard rule (an Original is not a remix; two remixes by different people are
different recordings): a guarded candidate keeps its features for the audit trail but
gets no share of the confidence and can never be matched.
"""

from __future__ import annotations

import math

from matcher.matching.presets import Weights
from matcher.matching.readings import EntryReading, read_track
from matcher.matching.similarity import (
    artist_coverage,
    artist_similarity,
    bpm_similarity,
    duration_similarity,
    key_sim,
    text_similarity,
    title_similarity,
    version_similarity,
)
from matcher.model import Candidate, CatalogTrack

__all__ = ["SUPPORT", "features_of", "score", "support"]

SUPPORT = ("release", "label", "surface")  # signals that can only add evidence


def features_of(
    entry: EntryReading, track: CatalogTrack, weights: Weights
) -> tuple[dict[str, float], str]:
    """Each signal's similarity in [0, 1] (signals a side lacks are left out), and a guard."""
    t = read_track(track)
    best_title, best_artists, chosen = -1.0, None, entry.primary
    for reading in entry.readings:
        title = title_similarity((reading.title,), t.titles) * reading.prior
        artists = artist_similarity(reading.artists, t.artists + t.remixers)
        combined = title + (artists if artists is not None else 0.5)
        if combined > best_title + (best_artists if best_artists is not None else 0.5):
            best_title, best_artists, chosen = title, artists, reading
    features: dict[str, float] = {"title": best_title}
    if best_artists is not None:
        features["artists"] = best_artists
        cover = artist_coverage(chosen.artists, t.artists)
        if cover is not None:
            features["artist_cover"] = cover
    signal, version, guard = version_similarity(
        entry.version,
        t.version,
        t.remixers + t.artists,
        chosen.artists if best_artists is not None else (),
    )
    features[signal] = version
    if entry.surface in t.surfaces:
        features["surface"] = 1.0
    if entry.duration_s and not t.duration_s:
        features["duration_unknown"] = 0.0
    duration = duration_similarity(entry.duration_s, t.duration_s)
    confirms = duration is not None and duration >= weights.length_confirms
    if signal == "unstated_remix" and version == 0.0 and confirms:
        features[signal] = weights.length_remix_credit  # the length says it is this remix
    for name, value in (
        ("duration", duration),
        ("bpm", bpm_similarity(entry.bpm, t.bpm)),
        ("key", key_sim(entry.key, t.key)),
        ("release", text_similarity(entry.album, t.release)),
        ("label", text_similarity(entry.label, t.label)),
    ):
        if value is not None:
            features[name] = value
    return features, guard


def score(
    entry: EntryReading, track: CatalogTrack, weights: Weights, *, identifier: str = ""
) -> Candidate:
    """Score one candidate. Pure: the same inputs always give the same Candidate.

    `score` is the log-odds that this track is the entry rather than "not in the catalog";
    `confidence` is set here to its logistic and later shared among rivals by `decide`.
    `identifier` names the identifier ("isrc", "store-id") that found the track; it
    outweighs text noise, but only when the title agrees enough to rule out a bad tag.
    """
    features, guard = features_of(entry, track, weights)
    penalties = {
        name: getattr(weights, name) * (1.0 - value)
        for name, value in features.items()
        if name not in SUPPORT
    }
    if "artists" not in features:
        penalties["no_artist"] = weights.no_artist
    for name in SUPPORT:
        if name in features:  # agreement is evidence; disagreement is common and says little
            penalties[name] = -getattr(weights, name) * support(features[name], weights)
    logit = weights.bias - sum(penalties.values())
    if identifier and features["title"] >= weights.identifier_title:
        features["identifier"] = 1.0
        logit += weights.identifier
    return Candidate(
        track=track,
        confidence=round(_sigmoid(logit), 4) if not guard else 0.0,
        score=round(logit, 4),
        features={k: round(v, 4) for k, v in features.items()},
        penalties={k: round(v, 4) for k, v in penalties.items() if v},
        guard=guard,
    )


def support(similarity: float, weights: Weights) -> float:
    """How much an agreeing signal supports a candidate: nothing at or below the floor,
    rising to 1 for an identical value."""
    floor = weights.support_floor
    return max(0.0, (similarity - floor) / (1.0 - floor))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))
