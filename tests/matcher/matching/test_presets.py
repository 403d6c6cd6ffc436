"""Presets: one frozen table of numbers each, looked up by name, with the fitted model."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from matcher.errors import InputError
from matcher.matching.features import FEATURES
from matcher.matching.fitted import default_model, model_from
from matcher.matching.presets import PRESETS, Preset, get_preset

NAMES = ["fast", "balanced", "thorough"]
# What a preset decides with besides the model; the search numbers are the rest.
DECIDING = ("match_threshold", "margin", "ambiguous_share", "model")


def test_the_three_presets() -> None:
    assert list(PRESETS) == NAMES
    assert all(PRESETS[name].name == name for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_get_preset(name: str) -> None:
    assert get_preset(name) is PRESETS[name]


@pytest.mark.parametrize("name", ["", "Balanced", "quick", "fast "])
def test_unknown_preset_is_an_input_error(name: str) -> None:
    with pytest.raises(InputError, match="unknown preset") as info:
        get_preset(name)
    assert "fast, balanced, thorough" in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("name", NAMES)
def test_as_table_has_every_number_and_every_weight(name: str) -> None:
    preset = PRESETS[name]
    table = preset.as_table()
    numbers = {f.name for f in dataclasses.fields(Preset)} - {"model"}
    weights = {"weight.bias"} | {f"weight.{feature}" for feature in FEATURES}
    assert set(table) == numbers | weights
    assert table["max_queries"] == preset.max_queries
    assert table["weight.bias"] == round(preset.model.bias, 3)
    assert all(table[f"weight.{f}"] == round(preset.model.weight(f), 3) for f in FEATURES)


def test_as_table_shows_the_preset_s_own_model() -> None:
    model = model_from({"bias": -1.23456, "weights": {"title": 2.0, "duration_off": -0.5}})
    table = dataclasses.replace(PRESETS["balanced"], model=model).as_table()
    assert (table["weight.bias"], table["weight.title"]) == (-1.235, 2.0)
    assert (table["weight.duration_off"], table["weight.surface"]) == (-0.5, 0.0)


def test_a_preset_takes_the_shipped_model_unless_given_one() -> None:
    preset = Preset(name="custom", description="", max_queries=1, candidates_per_query=1,
                    any_word_candidates=1, time_budget_ms=1.0, early_exit=0.9, match_threshold=0.8,
                    review_threshold=0.5, margin=0.1)  # fmt: skip
    assert preset.model is default_model()
    assert all(PRESETS[name].model is default_model() for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_thresholds_are_ordered(name: str) -> None:
    p = PRESETS[name]
    assert 0.0 < p.review_threshold < p.match_threshold <= p.early_exit < 1.0
    assert 0.0 <= p.margin < 1.0
    assert 0.0 < p.ambiguous_share < p.review_threshold
    assert p.max_queries >= 1 and p.candidates_per_query >= 1 and p.time_budget_ms > 0


@pytest.mark.parametrize(
    "field",
    ["max_queries", "candidates_per_query", "any_word_candidates", "time_budget_ms", "early_exit"],
)
def test_presets_grow_from_fast_to_thorough(field: str) -> None:
    fast, balanced, thorough = (getattr(PRESETS[n], field) for n in NAMES)
    assert fast < balanced < thorough


@pytest.mark.parametrize("field", DECIDING)
def test_presets_differ_in_how_hard_they_search_not_in_how_they_decide(field: str) -> None:
    assert len({getattr(PRESETS[n], field) for n in NAMES}) == 1


def test_thorough_sends_at_least_as_much_to_review() -> None:
    assert PRESETS["thorough"].review_threshold <= PRESETS["balanced"].review_threshold


def test_presets_and_their_model_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        PRESETS["fast"].max_queries = 99  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        PRESETS["fast"].model.bias = 0.0  # type: ignore[misc]


@pytest.mark.parametrize("name", NAMES)
def test_presets_travel_to_worker_processes(name: str) -> None:
    preset = PRESETS[name]
    travelled = pickle.loads(pickle.dumps(preset))
    assert travelled == preset
    assert travelled.model == preset.model


@pytest.mark.parametrize("name", NAMES)
def test_the_any_word_query_brings_its_own_number_of_candidates(name: str) -> None:
    p = PRESETS[name]
    assert p.candidates_for("any") == p.any_word_candidates
    for mode in ("all", "artist+any", "trigram"):
        assert p.candidates_for(mode) == p.candidates_per_query
