"""The reports' fast paths write what the plain ones would: the csv module's bytes for
every character, and each score's own text however often its value repeats."""

from __future__ import annotations

import csv
import io
from enum import StrEnum

import pytest

from matcher.model import Candidate, CatalogTrack, MatchResult, MatchStatus, PlaylistEntry
from matcher.outputs.reports import (
    CANDIDATE_COLUMNS,
    _encoded,
    candidate_rows,
    format_penalties,
    render_bodies,
)


def csv_module_bytes(rows: list[list]) -> bytes:
    """What `csv.writer` writes for `rows`, encoded as the reports encode it."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8", "surrogateescape")


# every character below U+3000, the surrogates that stand for undecodable bytes, and a few
# beyond (a byte-order mark, an emoji, the last code point)
CHARACTERS = [
    *map(chr, range(0x3000)),
    *map(chr, range(0xDC80, 0xDD00)),
    "\ufeff",
    "\U0001f3a7",
    "\U0010ffff",
]


def test_rows_are_the_csv_modules_bytes_for_every_character() -> None:
    rows = [
        row
        for c in CHARACTERS
        for row in ([c, "x"], [f"a{c}b", "", f"c,{c}"], [c, c + c], [f" {c} ", ","])
    ]
    assert _encoded(rows) == csv_module_bytes(rows)
    for row in rows[:: len(rows) // 500]:  # and alone, with no neighbours to hide behind
        assert _encoded([row]) == csv_module_bytes([row]), row


class Kind(StrEnum):
    A = "a,b"
    B = "plain"


@pytest.mark.parametrize(
    "row",
    [
        pytest.param([""], id="lone-empty-value"),
        pytest.param([], id="no-values"),
        pytest.param(["", ""], id="empty-values"),
        pytest.param([",", ",,", "a,"], id="commas-only"),
        pytest.param(['"', '""', 'a"b'], id="quotes"),
        pytest.param(["a,b", "c\nd"], id="comma-and-newline"),
        pytest.param(["a,b", 'c"d'], id="comma-and-quote"),
        pytest.param([None, 7, 1.5, -0.0, "x,y"], id="not-strings"),
        pytest.param([Kind.A, Kind.B, "c"], id="str-enum-members"),
        pytest.param(["a\rb", "tab\there"], id="carriage-return-and-tab"),
    ],
)
def test_awkward_rows_are_the_csv_modules_bytes(row: list) -> None:
    assert _encoded([row, ["after"]]) == csv_module_bytes([row, ["after"]])


def test_a_row_of_the_wrong_width_is_refused_naming_its_report() -> None:
    with pytest.raises(ValueError, match="candidates: a row of 2 values for 3 columns"):
        _encoded([["a", "b", "c"], ["a", "b"]], 3, "candidates")


def _result(index: int, features: dict[str, float], penalties: dict[str, float]) -> MatchResult:
    track = CatalogTrack(f"cat-{index}", "Title", artists=("A", "B"))
    cand = Candidate(track, features.get("title", 0.5), features, penalties)
    entry = PlaylistEntry("set.m3u", "Set", index, title="Title")
    return MatchResult(entry, MatchStatus.REVIEW, 0.5, "local", "close", cand, (cand,))


# values that are equal keys but different texts (0.0 and -0.0), NaN (never equal to
# itself), and values that repeat
VALUES = [0.0, -0.0, 1.0, 0.0, -0.0, 0.12345, float("nan"), 1.0, 0.12345, float("nan"), 2.0]


def test_repeated_scores_keep_their_own_text() -> None:
    results = [
        _result(i, {"title": v, "key": VALUES[-1 - i]}, {"title": v, "bpm": -v})
        for i, v in enumerate(VALUES)
    ]
    rows = list(candidate_rows(results))
    title, key = CANDIDATE_COLUMNS.index("score_title"), CANDIDATE_COLUMNS.index("score_key")
    confidence = CANDIDATE_COLUMNS.index("confidence")
    why = CANDIDATE_COLUMNS.index("penalties")
    assert [r[title] for r in rows] == [f"{v:.3f}" for v in VALUES]
    assert [r[confidence] for r in rows] == [f"{v:.3f}" for v in VALUES]
    assert [r[key] for r in rows] == [f"{v:.3f}" for v in reversed(VALUES)]
    assert [r[why] for r in rows] == [format_penalties({"title": v, "bpm": -v}) for v in VALUES]
    assert rows[1][title] == "-0.000" and rows[3][title] == "0.000"
    assert format_penalties({"a": -0.0, "b": 0.0}) == "a=-0.00; b=0.00"
    assert format_penalties({"a": 0.0, "b": -0.0}) == "a=0.00; b=-0.00"
    assert render_bodies(results)[1] == csv_module_bytes(rows)
