"""Presets: every number that tunes matching, in one frozen dataclass per preset.

The scorer and the planner receive a `Preset` as an argument and never read globals, so
choosing a preset always takes effect and tests need no global state.

`Weights` are the coefficients of the confidence model (see `scoring.py`), fitted on the
labelled development set by `tests/bench/calibrate.py` (which prints them). Thresholds
were chosen on the same set's held-apart stress playlist; see that script's output.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

__all__ = ["BALANCED", "PRESETS", "Preset", "Weights", "get_preset"]


@dataclass(frozen=True, slots=True)
class Weights:
    """Each signal's weight: a candidate pays `weight * (1 - similarity)` per signal present
    (support signals add `weight * support` instead). Fitted by tests/bench/calibrate.py."""

    bias: float = 3.94  # log-odds of a candidate that agrees on everything present
    title: float = 9.42
    artists: float = 8.25
    artist_cover: float = 2.09
    version: float = 2.66
    unstated_remix: float = 2.52  # the entry names no version, the track is a remix
    unknown_version: float = 3.33  # the entry names a remix, the track names no version
    duration: float = 7.69
    duration_unknown: float = 5.46  # the entry has a duration, the track has none
    bpm: float = 3.29
    key: float = 2.38
    release: float = 1.13  # support: the album agrees with the release
    label: float = 0.74  # support: the label agrees
    surface: float = 2.26  # support: the title written exactly as the catalog writes it
    no_artist: float = 1.96  # the entry names no artist at all: thin evidence
    identifier: float = 8.0  # bonus when an ISRC or store id found the candidate (not fitted:
    # the development set has no identifiers; 8 makes an agreeing identifier decisive)
    # Rules of the model (set by hand, not fitted):
    identifier_title: float = 0.6  # an identifier counts only when the title is this similar
    support_floor: float = 0.6  # a support signal adds evidence above this similarity
    length_confirms: float = 0.95  # duration similarity at which an unnamed remix is this one
    length_remix_credit: float = 0.6  # the version similarity that the length then earns

    def as_table(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    description: str
    max_queries: int  # text queries per entry (identifier look-ups come on top)
    candidates_per_query: int
    time_budget_ms: float  # stop planning more queries once an entry has used this much
    early_exit: float  # stop once the best candidate is this confident and clear of the rest
    match_threshold: float  # confidence needed to call a match
    review_threshold: float  # below this, the entry is unmatched
    margin: float  # how far the best must beat the runner-up to be matched
    ambiguous_share: float = 0.2  # a runner-up this likely makes a close call "ambiguous"
    weights: Weights = field(default_factory=Weights)

    def as_table(self) -> dict[str, object]:
        """The preset's numbers, for the settings view and `summary.json`."""
        table: dict[str, object] = {
            name: getattr(self, name) for name in self.__slots__ if name != "weights"
        }
        table.update({f"weight.{k}": v for k, v in self.weights.as_table().items()})
        return table


BALANCED = Preset(
    name="balanced",
    description="The default: a short plan with typo-tolerant fallbacks.",
    max_queries=4,
    candidates_per_query=20,
    time_budget_ms=60.0,
    early_exit=0.95,
    match_threshold=0.85,
    review_threshold=0.45,
    margin=0.0,
)
# The others differ from it in how hard they search, not in how they decide.
PRESETS: dict[str, Preset] = {
    "fast": replace(
        BALANCED,
        name="fast",
        description="Fewest queries: identifiers and the two most specific searches.",
        max_queries=2,
        candidates_per_query=10,
        time_budget_ms=20.0,
        early_exit=0.90,
    ),
    "balanced": BALANCED,
    "thorough": replace(
        BALANCED,
        name="thorough",
        description="Every query in the plan and more candidates, for messy libraries.",
        max_queries=6,
        candidates_per_query=40,
        time_budget_ms=250.0,
        early_exit=0.99,
        review_threshold=0.35,
    ),
}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        from matcher.errors import InputError

        raise InputError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}") from None
