"""Presets: one frozen table of numbers each, looked up by name."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from matcher.errors import InputError
from matcher.matching.presets import PRESETS, Preset, Weights, get_preset

NAMES = ["fast", "balanced", "thorough"]


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
def test_as_table_has_every_field(name: str) -> None:
    preset = PRESETS[name]
    table = preset.as_table()
    preset_fields = {f.name for f in dataclasses.fields(Preset)} - {"weights"}
    weight_fields = {f"weight.{f.name}" for f in dataclasses.fields(Weights)}
    assert set(table) == preset_fields | weight_fields
    assert table["max_queries"] == preset.max_queries
    assert table["weight.bias"] == preset.weights.bias


@pytest.mark.parametrize("name", NAMES)
def test_thresholds_are_ordered(name: str) -> None:
    p = PRESETS[name]
    assert 0.0 < p.review_threshold < p.match_threshold <= p.early_exit < 1.0
    assert 0.0 <= p.margin < 1.0
    assert p.max_queries >= 1 and p.candidates_per_query >= 1 and p.time_budget_ms > 0


@pytest.mark.parametrize(
    "field", ["max_queries", "candidates_per_query", "time_budget_ms", "early_exit"]
)
def test_presets_grow_from_fast_to_thorough(field: str) -> None:
    fast, balanced, thorough = (getattr(PRESETS[n], field) for n in NAMES)
    assert fast < balanced < thorough


def test_thorough_sends_at_least_as_much_to_review() -> None:
    assert PRESETS["thorough"].review_threshold <= PRESETS["balanced"].review_threshold


@pytest.mark.parametrize("name", NAMES)
def test_weights_are_positive(name: str) -> None:
    assert all(value > 0 for value in PRESETS[name].weights.as_table().values())


def test_presets_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        PRESETS["fast"].max_queries = 99  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        PRESETS["fast"].weights.title = 0.0  # type: ignore[misc]


@pytest.mark.parametrize("name", NAMES)
def test_presets_travel_to_worker_processes(name: str) -> None:
    preset = PRESETS[name]
    assert pickle.loads(pickle.dumps(preset)) == preset
