"""The results table's pure logic: rows, filters, sorting, edits, batches and export."""

from __future__ import annotations

import csv
import io

import pytest

from matcher.model import MATCH_COLUMNS
from tests.ui.results_fixtures import candidate, make_result, track
from ui.results_model import (
    ALL,
    COLUMNS,
    ResultsModel,
    RowFilter,
    SortOrder,
    export_csv,
    filter_rows,
    make_row,
    sort_rows,
)

BATCH = "20260101-000000-aaaaaa"


def _model() -> ResultsModel:
    """Twelve rows: matched, review, unmatched and error, invented names."""
    model = ResultsModel()
    results = []
    for i in range(12):
        status = ("matched", "review", "unmatched", "error")[i % 4]
        t = track(i, f"Artist{i} Zoltarin", f"Song {i} Velmora", bpm=float(90 + (i * 7) % 40))
        cands = [candidate(t, 0.9 - i / 20)] if status in ("matched", "review") else []
        results.append(make_result(i, status, 0.9 - i / 20, f"Artist{i} Zoltarin",
                                   f"Song {i} Velmora", cands))  # fmt: skip
    model.add(BATCH, 0, results)
    return model


def _indices(rows) -> list[int]:
    return [row.key[2] for row in rows]


def test_row_shows_source_and_best_candidate():
    t = track(7, "Nyra Castell", "Ember Glass", mix="Extended Mix", key="F# Major", bpm=126.0)
    result = make_result(4, "review", 0.55, "Nyra Castell", "Ember Glass", [candidate(t, 0.55)])
    row = make_row(BATCH, 2, result, "r1")
    shown = dict(zip([c.key for c in COLUMNS], row.values, strict=True))
    assert row.key == (BATCH, 2, 4)
    assert shown["index"] == "5"  # 1-based, like the playlist
    assert shown["status"] == "review" and shown["confidence"] == "55 %"
    assert (shown["artists"], shown["title"], shown["mix"]) == ("Nyra Castell", "Ember Glass",
                                                                "Extended Mix")  # fmt: skip
    assert (shown["key"], shown["bpm"], shown["label"]) == ("F# Major", "126", "Invented Tone")


def test_unmatched_row_has_no_match_columns():
    row = make_row(BATCH, 0, make_result(0, "unmatched", 0.1, "A", "B"), "r1")
    assert row.values[6:13] == ("", "", "", "", "", "", "")
    assert row.bpm is None


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        pytest.param(RowFilter(), list(range(12)), id="open"),
        pytest.param(RowFilter(status="review"), [1, 5, 9], id="status-review"),
        pytest.param(RowFilter(status="error"), [3, 7, 11], id="status-error"),
        pytest.param(RowFilter(min_confidence=0.7), [0, 1, 2, 3, 4], id="min-confidence"),
        pytest.param(RowFilter(status="matched", min_confidence=0.6), [0, 4], id="both"),
        pytest.param(RowFilter(text="song 1"), [1, 10, 11], id="text-words-any-field"),
        pytest.param(RowFilter(text="velmora artist5"), [5], id="text-two-fields"),
        pytest.param(RowFilter(text="VELMORÂ  zoltarin"), list(range(12)), id="text-folded"),
        pytest.param(RowFilter(text="inv-0004"), [4], id="catalog-id"),
        pytest.param(RowFilter(text="no such words"), [], id="no-hit"),
    ],
)
def test_filter(flt: RowFilter, expected: list[int]):
    model = _model()
    assert _indices(filter_rows(model.rows(), flt)) == expected


def test_text_search_does_not_look_at_unmatched_catalog_fields():
    model = _model()
    # entry 2 is unmatched: its (absent) catalog id must not be searchable
    assert _indices(filter_rows(model.rows(), RowFilter(text="inv-0002"))) == []


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        pytest.param(SortOrder(), list(range(12)), id="playlist-order"),
        pytest.param(SortOrder("index", True), list(range(11, -1, -1)), id="index-desc"),
        pytest.param(SortOrder("confidence"), list(range(11, -1, -1)), id="confidence-asc"),
        pytest.param(SortOrder("status"), [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11], id="status"),
    ],
)
def test_sort(order: SortOrder, expected: list[int]):
    assert _indices(sort_rows(_model().rows(), order)) == expected


def test_unsorted_means_playlist_order_whatever_the_arrival():
    model = ResultsModel()
    for i in (5, 1, 3):
        model.add(BATCH, 0, [make_result(i, "unmatched", 0.1, "A", "B")])
    model.add(BATCH, -1, [make_result(9, "unmatched", 0.1, "A", "B")])
    assert [r.key[1:] for r in sort_rows(model.rows(), SortOrder())] == [(-1, 9), (0, 1),
                                                                        (0, 3), (0, 5)]  # fmt: skip


def test_numeric_sort_is_not_text_sort():
    model = ResultsModel()
    for i in (2, 10, 1):
        t = track(i, "Kel Ormand", f"Tune {i}", bpm=float(i * 10))  # 20, 100, 10
        model.add(BATCH, 0, [make_result(i, "matched", 0.9, "Kel Ormand", f"Tune {i}",
                                         [candidate(t, 0.9)])])  # fmt: skip
    assert _indices(sort_rows(model.rows(), SortOrder("index"))) == [1, 2, 10]
    assert _indices(sort_rows(model.rows(), SortOrder("bpm"))) == [1, 2, 10]
    assert _indices(sort_rows(model.rows(), SortOrder("bpm", True))) == [10, 2, 1]


def test_empty_cells_sort_last_both_ways():
    model = _model()  # unmatched and error rows have no BPM
    for descending in (False, True):
        rows = sort_rows(model.rows(), SortOrder("bpm", descending))
        assert [r.bpm is None for r in rows] == [False] * 6 + [True] * 6
        bpms = [r.bpm for r in rows[:6]]
        assert bpms == sorted(bpms, reverse=descending)


def test_text_sort_ignores_case():
    model = ResultsModel()
    for i, artist in enumerate(("beta Quay", "Alpha Rune", "alpha Lisk")):
        model.add(BATCH, 0, [make_result(i, "unmatched", 0.1, artist, "x")])
    rows = sort_rows(model.rows(), SortOrder("source_artist"))
    assert [r.values[2] for r in rows] == ["alpha Lisk", "Alpha Rune", "beta Quay"]


def test_toggle_sort_flips_then_switches_column():
    model = _model()
    assert model.toggle_sort("bpm") == SortOrder("bpm", False)
    assert model.toggle_sort("bpm") == SortOrder("bpm", True)
    assert model.toggle_sort("title") == SortOrder("title", False)
    assert not model.is_plain


def test_result_edited_replaces_the_row_under_the_same_key():
    model = _model()
    before = model.row((BATCH, 0, 1))
    t = track(99, "Other Artist", "Other Song")
    edited = make_result(1, "matched", 0.8, "Artist1 Zoltarin", "Song 1 Velmora",
                         [candidate(t, 0.8)], reason="chosen by the user")  # fmt: skip
    row = model.edit(BATCH, 0, edited)
    assert len(model) == 12
    assert row.iid == before.iid
    assert model.row_by_iid(before.iid) is row
    assert (row.status, row.values[8], row.values[-1]) == ("matched", "Other Song",
                                                           "chosen by the user")  # fmt: skip
    assert model.counts() == {"matched": 4, "review": 2, "unmatched": 3, "error": 3}


def test_other_batches_and_playlists_do_not_collide():
    model = _model()
    model.add("other-batch", 0, [make_result(1, "error", 0.0, "A", "B")])
    model.add(BATCH, 1, [make_result(1, "error", 0.0, "A", "B", playlist="Second")])
    assert len(model) == 14


def test_new_batch_replaces_the_same_playlist_only():
    model = ResultsModel()
    model.start_batch("b1", [(0, "set.m3u8", "Set", 2), (1, "other.m3u8", "Other", 1)])
    model.add("b1", 0, [make_result(i, "unmatched", 0.1, "A", "B") for i in range(2)])
    model.add("b1", 1, [make_result(0, "unmatched", 0.1, "C", "D", playlist="Other")])
    removed = model.start_batch("b2", [(0, "set.m3u8", "Set", 2)])
    assert sorted(r.key for r in removed) == [("b1", 0, 0), ("b1", 0, 1)]
    assert [r.key for r in model.rows()] == [("b1", 1, 0)]
    assert model.row_by_iid(removed[0].iid) is None
    assert model.start_batch("b1", [(0, "other.m3u8", "Other", 1)]) == []  # a resumed batch


def test_visible_combines_filter_and_sort():
    model = _model()
    model.filter = RowFilter(status="review")
    model.toggle_sort("confidence")
    assert _indices(model.visible()) == [9, 5, 1]
    model.filter = RowFilter(status=ALL)
    assert len(model.visible()) == 12


def test_export_csv_uses_matches_columns_for_the_rows_given():
    model = _model()
    rows = filter_rows(model.rows(), RowFilter(status="matched"))
    table = list(csv.reader(io.StringIO(export_csv(rows))))
    assert tuple(table[0]) == MATCH_COLUMNS
    assert [r[MATCH_COLUMNS.index("entry_index")] for r in table[1:]] == ["0", "4", "8"]
    assert {r[MATCH_COLUMNS.index("catalog_id")] for r in table[1:]} == {
        "inv-0000", "inv-0004", "inv-0008"}  # fmt: skip


def test_pairs_are_the_playlists_with_rows():
    model = ResultsModel()
    assert model.pairs() == []
    model.add(BATCH, 0, [make_result(0, "matched", 0.9, "A", "B")])
    model.add(BATCH, 1, [make_result(0, "review", 0.5, "A", "B", playlist="Other")])
    assert sorted(model.pairs()) == [(BATCH, 0), (BATCH, 1)]
    model.start_batch("20260202-000000-dddddd", [(0, "invented.m3u8", "Other", 1)])
    assert model.pairs() == [(BATCH, 0)]  # a new batch of "Other" replaced its rows
