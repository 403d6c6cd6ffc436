"""The fitted scoring model: weights learnt from labelled data, and a calibration map.

The numbers are data, not code: `scorer_model.json` beside this module, written by
`tests/bench/fit_scorer.py` (which says how they were fitted and on what). A candidate's
log-odds against "this entry is not in the catalog" is `bias + sum(weight * feature)`
over the features of `features.py`; `decide` shares the belief among the candidates and
then maps the best one's share through `calibration`, a monotone curve fitted on data the
weights were not fitted on, so that a confidence of 0.9 is right about nine times in ten.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from operator import mul
from typing import Any

from matcher.matching.feature_names import FEATURES

__all__ = ["MODEL_FILE", "ScoringModel", "default_model", "model_from"]

MODEL_FILE = "scorer_model.json"


@dataclass(frozen=True, slots=True)
class ScoringModel:
    bias: float
    weights: tuple[tuple[str, float], ...]  # (feature, weight), in FEATURES order
    calibration: tuple[tuple[float, float], ...]  # (share, probability right), increasing
    fitted_on: str = ""  # one line: the data and the method
    # weights by name: `weight` is asked for hundreds of times per entry
    table: dict[str, float] = field(init=False, repr=False, compare=False, hash=False)
    # names, weights and zeros as three tuples: `logit` runs for every candidate
    _columns: tuple[tuple[str, ...], tuple[float, ...], tuple[float, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )
    # the calibration's shares alone: `calibrate` bisects them several times per entry
    _knot_shares: tuple[float, ...] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", dict(self.weights))
        names = tuple(name for name, _ in self.weights)
        columns = (names, tuple(w for _, w in self.weights), (0.0,) * len(names))
        object.__setattr__(self, "_columns", columns)
        object.__setattr__(self, "_knot_shares", tuple(x for x, _ in self.calibration))

    def logit(self, features: Mapping[str, float]) -> float:
        names, weights, zeros = self._columns
        return self.bias + sum(map(mul, weights, map(features.get, names, zeros)))

    def weight(self, name: str) -> float:
        return self.table.get(name, 0.0)

    def contributions(self, features: Mapping[str, float]) -> dict[str, float]:
        """Each feature's part of the log-odds, the ones that count (for the "why")."""
        out = {}
        for name, w in self.weights:
            value = features.get(name)
            if value and w:
                part = w * value
                if abs(part) >= 0.005:
                    out[name] = round(part, 4)
        return out

    def calibrate(self, share: float) -> float:
        """The probability that a best candidate with this share is the right track
        (piecewise linear between the knots; the ends are held)."""
        knots = self.calibration
        if not knots:
            return share
        i = bisect.bisect_right(self._knot_shares, share)
        if i == 0:
            return knots[0][1]
        if i == len(knots):
            return knots[-1][1]
        (x0, y0), (x1, y1) = knots[i - 1], knots[i]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (share - x0) / (x1 - x0)

    def as_table(self) -> dict[str, float]:
        return {"bias": self.bias, **dict(self.weights)}


def model_from(document: Mapping[str, Any]) -> ScoringModel:
    """A model from its JSON document; ValueError when it does not fit FEATURES."""
    weights = document["weights"]
    unknown = set(weights) - set(FEATURES)
    if unknown:
        raise ValueError(f"the scoring model names unknown features: {sorted(unknown)}")
    knots = tuple((float(x), float(y)) for x, y in document.get("calibration", ()))
    if any(b[0] < a[0] or b[1] < a[1] for a, b in zip(knots, knots[1:], strict=False)):
        raise ValueError("the calibration curve must rise")
    return ScoringModel(
        bias=float(document["bias"]),
        weights=tuple((name, float(weights.get(name, 0.0))) for name in FEATURES),
        calibration=knots,
        fitted_on=str(document.get("fitted_on", "")),
    )


@lru_cache(maxsize=1)
def default_model() -> ScoringModel:
    """The model shipped with CrateMatch (read once per process)."""
    text = resources.files("matcher.matching").joinpath(MODEL_FILE).read_text("utf-8")
    return model_from(json.loads(text))
