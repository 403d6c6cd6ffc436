from __future__ import annotations

import pytest

from matcher.writeback import WRITE_FIELDS, FieldChange, plan_changes
from matcher.writeback.policy import WHY_EMPTY, WHY_REPLACES, is_empty, same_value

ALL = frozenset(WRITE_FIELDS)


@pytest.mark.parametrize(
    ("field", "a", "b"),
    [
        pytest.param("key", "Am", "A Minor", id="key-short-vs-long"),
        pytest.param("key", "Am", "8A", id="key-vs-camelot"),
        pytest.param("key", "1m", "8A", id="openkey-vs-camelot"),
        pytest.param("key", "Bbm", "A#m", id="flat-vs-sharp"),
        pytest.param("bpm", "128", "128.00", id="bpm-trailing-zeros"),
        pytest.param("bpm", "124,5", "124.5", id="bpm-decimal-comma"),
        pytest.param("year", "2019", "2019-05-01", id="year-in-a-date"),
        pytest.param("genre", "Tech House", "  tech   house ", id="case-and-space"),
        pytest.param("isrc", "US-ABC-12-34567", "usabc1234567", id="isrc-hyphens"),
        pytest.param("label", "Drumcode", "DRUMCODE", id="label-case"),
    ],
)
def test_same_value(field, a, b):
    assert same_value(field, a, b)
    assert same_value(field, b, a)


@pytest.mark.parametrize(
    ("field", "a", "b"),
    [
        pytest.param("key", "Am", "C", id="relative-major-is-another-key"),
        pytest.param("key", "Am", "weird", id="unreadable-key-compared-as-text"),
        pytest.param("bpm", "128", "128.5", id="bpm"),
        pytest.param("year", "2019", "2020-01-01", id="year"),
        pytest.param("genre", "House", "Tech House", id="text"),
    ],
)
def test_different_values(field, a, b):
    assert not same_value(field, a, b)


@pytest.mark.parametrize(
    ("field", "value", "empty"),
    [
        pytest.param("bpm", "0", True, id="bpm-zero"),
        pytest.param("bpm", "0.00", True, id="bpm-zero-decimals"),
        pytest.param("year", "0", True, id="year-zero"),
        pytest.param("year", "0000", True, id="year-zeros"),
        pytest.param("genre", "0", False, id="genre-zero-is-a-value"),
        pytest.param("genre", "  ", True, id="blank"),
        pytest.param("bpm", "fast", False, id="bpm-garbage-counts-as-present"),
    ],
)
def test_is_empty(field, value, empty):
    assert is_empty(field, value) is empty


PROPOSED = {"genre": "Techno", "key": "Am", "bpm": "128", "year": "2019", "label": "Drumcode"}


@pytest.mark.parametrize(
    ("current", "overwrite", "expected"),
    [
        pytest.param(
            {},
            False,
            [
                ("genre", "", "Techno", WHY_EMPTY),
                ("label", "", "Drumcode", WHY_EMPTY),
                ("key", "", "Am", WHY_EMPTY),
                ("bpm", "", "128", WHY_EMPTY),
                ("year", "", "2019", WHY_EMPTY),
            ],
            id="all-empty",
        ),
        pytest.param(
            {"genre": "House", "label": "Drumcode", "key": "8A", "bpm": "0", "year": "0"},
            False,
            [("bpm", "0", "128", WHY_EMPTY), ("year", "0", "2019", WHY_EMPTY)],
            id="fill-only-keeps-values",
        ),
        pytest.param(
            {
                "genre": "House",
                "label": "drumcode",
                "key": "A Minor",
                "bpm": "128.00",
                "year": "2019-05-01",
            },
            True,
            [("genre", "House", "Techno", WHY_REPLACES)],
            id="overwrite-only-what-differs",
        ),
    ],
)
def test_plan_changes(current, overwrite, expected):
    changes = plan_changes(current, PROPOSED, fields=frozenset(WRITE_FIELDS), overwrite=overwrite)
    assert changes == tuple(FieldChange(*c) for c in expected)


def test_only_the_chosen_fields_are_planned():
    changes = plan_changes({}, PROPOSED, fields=frozenset({"key"}), overwrite=False)
    assert [c.field for c in changes] == ["key"]


def test_an_mp4_bpm_is_planned_as_the_integer_it_will_be():
    proposed = {"bpm": "124.5"}
    (change,) = plan_changes({}, proposed, fields=ALL, overwrite=False, container="mp4")
    assert change.new == "125"
    assert not plan_changes({"bpm": "125"}, proposed, fields=ALL, overwrite=True, container="mp4")
    (change,) = plan_changes({}, proposed, fields=ALL, overwrite=False, container="id3")
    assert change.new == "124.5"


def test_blank_proposals_are_ignored():
    assert plan_changes({}, {"genre": "  "}, fields=ALL, overwrite=True) == ()
