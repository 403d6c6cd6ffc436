"""Presets: every number that tunes matching, in one frozen dataclass per preset.

The scorer and the planner receive a `Preset` as an argument and never read globals, so
choosing a preset always takes effect and tests need no global state.

The scoring model (the weights of the evidence and the calibration of confidence) is
fitted data, read from `scorer_model.json` (fitted.py); the thresholds say what is done
with a calibrated confidence: 0.9 means "right nine times in ten". They were chosen by
`tests/bench/fit_scorer.py` on the part of the labelled devset it may tune on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from matcher.matching.fitted import ScoringModel, default_model

__all__ = ["BALANCED", "PRESETS", "Preset", "get_preset"]


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    description: str
    max_queries: int  # text queries per entry (identifier look-ups come on top)
    candidates_per_query: int
    # rows the "any word" query brings: it runs only for an entry nothing else found, its
    # rows are mostly rivals and each is scored (at a million rows, 20 -> 10 made matching
    # 5 % faster; the devset, stress playlist and padded catalog score the same down to 5)
    any_word_candidates: int
    time_budget_ms: float  # stop planning more queries once an entry has used this much
    early_exit: float  # stop once the best candidate is this confident and clear of the rest
    match_threshold: float  # confidence needed to call a match
    review_threshold: float  # below this, the entry is unmatched
    margin: float  # how far the best must beat the runner-up to be matched
    ambiguous_share: float = 0.2  # a runner-up this likely makes a close call "ambiguous"
    model: ScoringModel = field(default_factory=default_model)  # the fitted weights

    def candidates_for(self, mode: str) -> int:
        """How many rows a query of `mode` ("all", "artist+any", "any", ...) brings."""
        return self.any_word_candidates if mode == "any" else self.candidates_per_query

    def as_table(self) -> dict[str, object]:
        """The preset's numbers, for the settings view and `summary.json`."""
        table: dict[str, object] = {
            name: getattr(self, name) for name in self.__slots__ if name != "model"
        }
        table.update({f"weight.{k}": round(v, 3) for k, v in self.model.as_table().items()})
        return table


BALANCED = Preset(
    name="balanced",
    description="The default: a short plan with typo-tolerant fallbacks.",
    max_queries=4,
    candidates_per_query=20,
    any_word_candidates=10,
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
        any_word_candidates=5,  # its two queries never reach "any word"
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
        any_word_candidates=40,
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
