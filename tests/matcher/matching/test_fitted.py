"""The fitted scoring model: log-odds from weights, the "why" from the same weights, and
a monotone calibration curve; read from a JSON document, the shipped one included.

The arithmetic is tested on models built here; the last section tests that the SHIPPED
model (scorer_model.json) behaves sensibly on plain cases, whatever its exact numbers.
"""

from __future__ import annotations

import dataclasses
import json
import math
from importlib import resources

import pytest

from matcher.matching.decide import decide
from matcher.matching.features import FEATURES
from matcher.matching.fitted import MODEL_FILE, ScoringModel, default_model, model_from
from matcher.matching.presets import PRESETS
from matcher.matching.readings import read_entry
from matcher.matching.scoring import score
from matcher.model import CatalogTrack, MatchStatus, PlaylistEntry

MODEL = model_from(
    {
        "bias": -2.0,
        "weights": {"title": 4.0, "artists": 3.0, "duration_off": -5.0, "key": 0.001},
        "calibration": [[0.2, 0.1], [0.6, 0.5], [0.9, 0.95]],
        "fitted_on": "by hand, for the tests",
    }
)


# -- log-odds and the "why" ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("features", "logit"),
    [
        pytest.param({}, -2.0, id="nothing-known-is-the-bias"),
        pytest.param({"title": 1.0, "artists": 1.0}, 5.0, id="title-and-artist"),
        pytest.param({"title": 0.5, "artists": 1.0, "duration_off": 1.0}, -2.0, id="mixed"),
        pytest.param({"title": 1.0, "surface": 1.0}, 2.0, id="unweighted-feature-adds-nothing"),
    ],
)
def test_logit_is_the_bias_plus_weighted_features(features: dict[str, float], logit: float) -> None:
    assert MODEL.logit(features) == pytest.approx(logit)


def test_weight() -> None:
    assert (MODEL.weight("title"), MODEL.weight("surface"), MODEL.weight("bias")) == (4.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("features", "contributions"),
    [
        pytest.param({"title": 1.0, "artists": 0.5}, {"title": 4.0, "artists": 1.5}, id="plain"),
        pytest.param({"duration_off": 1.0}, {"duration_off": -5.0}, id="against"),
        pytest.param({"title": 0.0, "surface": 1.0}, {}, id="zero-value-or-weight-left-out"),
        pytest.param({"key": 1.0}, {}, id="too-small-to-show"),
        pytest.param({"title": 1 / 3}, {"title": 1.3333}, id="rounded"),
    ],
)
def test_contributions_are_each_feature_s_part_of_the_log_odds(
    features: dict[str, float], contributions: dict[str, float]
) -> None:
    assert MODEL.contributions(features) == contributions


def test_contributions_add_up_to_the_log_odds_less_the_bias() -> None:
    features = {"title": 0.9, "artists": 0.7, "duration_off": 1.0}
    assert sum(MODEL.contributions(features).values()) == pytest.approx(
        MODEL.logit(features) - MODEL.bias
    )


# -- calibration -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "probability"),
    [
        pytest.param(0.0, 0.1, id="below-the-first-knot-held"),
        pytest.param(0.2, 0.1, id="on-the-first-knot"),
        pytest.param(0.4, 0.3, id="between-knots"),
        pytest.param(0.6, 0.5, id="on-a-middle-knot"),
        pytest.param(0.75, 0.725, id="between-later-knots"),
        pytest.param(0.9, 0.95, id="on-the-last-knot"),
        pytest.param(1.0, 0.95, id="above-the-last-knot-held"),
    ],
)
def test_calibrate_is_piecewise_linear_with_the_ends_held(share: float, probability: float) -> None:
    assert MODEL.calibrate(share) == pytest.approx(probability)


@pytest.mark.parametrize("share", [0.0, 0.3, 0.999, 1.0])
def test_no_calibration_is_the_share_itself(share: float) -> None:
    assert dataclasses.replace(MODEL, calibration=()).calibrate(share) == share


def test_a_step_in_the_curve_is_taken_at_the_step() -> None:
    step = model_from({"bias": 0, "weights": {},
                       "calibration": [[0, 0], [0.5, 0.2], [0.5, 0.8], [1, 1]]})  # fmt: skip
    assert step.calibrate(0.25) == pytest.approx(0.1)
    assert step.calibrate(0.5) == pytest.approx(0.8)
    assert step.calibrate(0.75) == pytest.approx(0.9)


def test_calibrate_never_falls() -> None:
    grid = [i / 200 for i in range(201)]
    values = [MODEL.calibrate(x) for x in grid]
    assert values == sorted(values)


# -- the document ----------------------------------------------------------------------------


def test_model_from_reads_every_part() -> None:
    assert MODEL.bias == -2.0
    assert [name for name, _ in MODEL.weights] == list(FEATURES)  # every feature, in order
    assert dict(MODEL.weights)["title"] == 4.0
    assert dict(MODEL.weights)["no_version"] == 0.0  # missing weights are 0
    assert MODEL.calibration == ((0.2, 0.1), (0.6, 0.5), (0.9, 0.95))
    assert MODEL.fitted_on == "by hand, for the tests"


def test_as_table_is_the_bias_and_every_weight() -> None:
    table = MODEL.as_table()
    assert list(table) == ["bias", *FEATURES]
    assert (table["bias"], table["title"], table["surface"]) == (-2.0, 4.0, 0.0)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        pytest.param({"bias": 0, "weights": {"tittle": 1.0}}, "unknown features: ['tittle']",
                     id="unknown-feature"),
        pytest.param({"bias": 0, "weights": {"duration_unknown": 1.0, "bias": 2.0}},
                     "unknown features: ['bias', 'duration_unknown']",
                     id="old-feature-and-bias-among-weights"),
        pytest.param({"bias": 0, "weights": {}, "calibration": [[0.1, 0.5], [0.9, 0.4]]},
                     "must rise", id="probability-falls"),
        pytest.param({"bias": 0, "weights": {}, "calibration": [[0.9, 0.1], [0.1, 0.5]]},
                     "must rise", id="shares-out-of-order"),
    ],
)  # fmt: skip
def test_model_from_refuses_a_document_that_does_not_fit(
    document: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        model_from(document)


def test_model_from_takes_a_flat_stretch_of_the_curve() -> None:
    flat = model_from({"bias": 0, "weights": {}, "calibration": [[0.1, 0.5], [0.9, 0.5]]})
    assert flat.calibrate(0.5) == 0.5


def test_a_model_is_frozen_and_comparable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        MODEL.bias = 0.0  # type: ignore[misc]
    again = model_from({"bias": -2.0, "weights": {"title": 4.0, "artists": 3.0,
                                                  "duration_off": -5.0, "key": 0.001},
                        "calibration": [[0.2, 0.1], [0.6, 0.5], [0.9, 0.95]],
                        "fitted_on": "by hand, for the tests"})  # fmt: skip
    assert again == MODEL and hash(again) == hash(MODEL)


# -- the shipped model -----------------------------------------------------------------------


def shipped_document() -> dict[str, object]:
    text = resources.files("matcher.matching").joinpath(MODEL_FILE).read_text("utf-8")
    return json.loads(text)


def test_the_shipped_model_loads_once_and_names_only_known_features() -> None:
    document = shipped_document()
    assert set(document["weights"]) <= set(FEATURES)  # type: ignore[arg-type]
    model = default_model()
    assert isinstance(model, ScoringModel)
    assert model is default_model()  # read once per process
    assert model == model_from(document)
    assert all(math.isfinite(w) for _, w in model.weights) and math.isfinite(model.bias)
    assert model.fitted_on  # says what it was fitted on


def test_the_shipped_calibration_rises_from_about_0_to_about_1() -> None:
    model = default_model()
    assert len(model.calibration) >= 2
    grid = [i / 1000 for i in range(1001)]
    values = [model.calibrate(x) for x in grid]
    assert values == sorted(values)
    assert all(0.0 <= v <= 1.0 for v in values)
    assert values[0] <= 0.05 and values[-1] >= 0.95
    assert model.calibrate(0.25) < model.calibrate(0.5) < model.calibrate(0.99)


def test_every_preset_decides_with_the_shipped_model() -> None:
    assert all(p.model is default_model() for p in PRESETS.values())


GLASS = CatalogTrack("glass", "Glass Tide", mix="Original Mix", artists=("Nova Reyes",),
                     duration_s=412.0, bpm=124.0, key="A Minor")  # fmt: skip
DECOY = CatalogTrack("decoy", "Glass Tide", mix="Original Mix", artists=("Corin Adebayo",),
                     duration_s=412.0)  # fmt: skip
REMIX = CatalogTrack("remix", "Glass Tide", mix="Kaito Brenn Remix", artists=("Nova Reyes",),
                     remixers=("Kaito Brenn",), duration_s=430.0)  # fmt: skip
NO_LENGTH = CatalogTrack("glass", "Glass Tide", artists=("Nova Reyes",))


def shipped(fields: dict[str, object], tracks: list[CatalogTrack]):
    balanced = PRESETS["balanced"]
    reading = read_entry(PlaylistEntry("set.m3u8", "set", 0, **fields))  # type: ignore[arg-type]
    return decide([score(reading, t, balanced.model) for t in tracks], balanced)


@pytest.mark.parametrize(
    ("fields", "tracks", "best", "floor"),
    [
        pytest.param({"title": "Glass Tide", "artist": "Nova Reyes", "duration_s": 412.0},
                     [GLASS], "glass", 0.95, id="artist-title-length"),
        pytest.param({"title": "Glass Tide", "artist": "Nova Reyes", "mix": "Original Mix",
                      "duration_s": 412.0, "bpm": 124.0, "key": "8A"},
                     [GLASS], "glass", 0.99, id="everything-agrees"),
        pytest.param({"title": "Glass Tide", "artist": "Nova Reyes", "duration_s": 412.0},
                     [DECOY, GLASS], "glass", 0.95, id="beside-another-artist-s-track"),
        pytest.param({"title": "Glass Tide", "artist": "Nova Reyes", "duration_s": 412.0},
                     [GLASS, REMIX], "glass", 0.95, id="beside-its-remix"),
        pytest.param({"title": "Glass Tide (Kaito Brenn Remix)", "artist": "Nova Reyes",
                      "duration_s": 430.0}, [GLASS, REMIX], "remix", 0.95, id="the-remix"),
        pytest.param({"title": "Glass Tide", "artist": "Nova Reyes", "duration_s": 412.0},
                     [NO_LENGTH], "glass", 0.95, id="catalog-row-without-length"),
        pytest.param({"title": "Glass Tide", "artist": "Nova Reyes"},
                     [NO_LENGTH], "glass", 0.95, id="no-length-anywhere"),
    ],
)  # fmt: skip
def test_the_shipped_model_matches_a_plain_exact_entry_with_high_confidence(
    fields: dict[str, object], tracks: list[CatalogTrack], best: str, floor: float
) -> None:
    decision = shipped(fields, tracks)
    assert decision.best is not None
    assert (decision.status, decision.reason, decision.best.track.catalog_id) == (
        MatchStatus.MATCHED, "confident", best
    )  # fmt: skip
    assert decision.best.confidence >= floor


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"title": "Glass Tide", "artist": "Nova Reyes", "duration_s": 412.0},
                     id="same-title-and-length"),
        pytest.param({"title": "Glass Tide", "artist": "Nova Reyes"}, id="same-title"),
        pytest.param({"title": "Glass Tide", "artist": "Mira Solen", "mix": "Original Mix",
                      "duration_s": 412.0}, id="same-title-mix-and-length"),
    ],
)  # fmt: skip
def test_the_shipped_model_does_not_match_another_artist_s_track(
    fields: dict[str, object],
) -> None:
    decision = shipped(fields, [DECOY])
    assert decision.best is not None
    assert decision.status is not MatchStatus.MATCHED, decision.reason
    assert decision.best.confidence < PRESETS["balanced"].review_threshold


def test_the_shipped_model_does_not_take_an_unnamed_entry_for_a_remix_of_another_length() -> None:
    decision = shipped({"title": "Glass Tide", "artist": "Nova Reyes", "duration_s": 380.0},
                       [REMIX])  # fmt: skip
    assert decision.status is MatchStatus.UNMATCHED, decision.reason
