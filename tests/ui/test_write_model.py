"""The "Write tags" preview without Tk: counts, table rows, re-planning under each
option (in slices), what is handed to write_tags, and the words the dialog shows."""

from __future__ import annotations

import pytest

from matcher import DEFAULT_WRITE_FIELDS, PlanStatus, WriteOptions
from tests.ui.write_fixtures import plan, refused_plan
from ui.progress_model import plural
from ui.write_model import (
    LEFT_OUT,
    PreviewCounts,
    WritePreview,
    left_out_of,
    preview_rows,
)

FILLED = {"genre": "Techno", "key": "8A", "bpm": "124", "year": "2022"}  # key, bpm, year agree


def _preview(options: WriteOptions | None = None) -> WritePreview:
    preview = WritePreview(options or WriteOptions())
    preview.add([plan("/m/a.mp3", **FILLED), plan("/m/b.mp3"), refused_plan("/m/c.mp3")])
    preview.add(
        [
            plan(
                "/m/d.mp3",
                **dict.fromkeys(
                    ("genre", "label", "remixers", "mix", "isrc", "key", "bpm", "year"), "x"
                ),
            )
        ]
    )
    return preview  # fmt: skip


def test_counts_and_headline_under_the_defaults():
    preview = _preview()
    counts = preview.counts()
    # a: label, remixers, mix, isrc empty (genre differs: kept); b: all 8 default fields
    assert (counts.to_change, counts.same, counts.refused) == (2, 1, 1)
    assert counts.changes == 4 + 8
    assert dict(counts.by_field)["genre"] == 1 and "comment" not in dict(counts.by_field)
    assert counts.refusals == (("damaged (empty file)", 1),)
    assert counts.headline() == ("2 files to change (12 fields) · 1 already up to date · 1 refused")
    assert preview.writable and len(preview.to_write()) == 4  # refused ones go too


def test_rows_list_each_change_and_each_refused_file_in_order():
    rows, total = _preview().rows()
    assert total == 13 == len(rows)
    assert rows[0].values[:2] == ("a.mp3", "Label") and rows[0].values[2] == "—"
    refused = [r for r in rows if r.tag == "refused"]
    assert [r.values for r in refused] == [("c.mp3", "—", "", "", "refused: damaged (empty file)")]
    assert len({r.iid for r in rows}) == 13


def test_rows_stop_at_the_limit_but_count_everything():
    rows, total = preview_rows(_preview().plans, limit=5)
    assert (len(rows), total) == (5, 13)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param(WriteOptions(overwrite=True), (5 + 8 + 8, 0), id="overwrite-what-differs"),
        pytest.param(WriteOptions(fields=frozenset({"genre"})), (1, 2), id="genre-only"),
        pytest.param(WriteOptions(fields=frozenset()), (0, 3), id="no-field"),
        pytest.param(WriteOptions(fields=frozenset(DEFAULT_WRITE_FIELDS | {"comment"})),
                     (5 + 9 + 1, 0), id="with-comment"),
    ],
)  # fmt: skip
def test_options_replan_without_reading(options, expected):
    preview = _preview()
    assert preview.set_options(options) is False  # no new read needed
    assert not preview.ready
    while not preview.step(budget_s=0):
        pass
    counts = preview.counts()
    assert (counts.changes, counts.same) == expected
    assert preview.writable is (counts.to_change > 0)


def test_key_notation_changes_the_new_value():
    preview = _preview()
    preview.set_options(WriteOptions(key_notation="camelot"))
    preview.step()
    keys = [c.new for p in preview.plans for c in p.changes if c.field == "key"]
    assert keys == ["8A"]  # b's key is empty; a already says 8A
    rows, _ = preview.rows()
    assert ("b.mp3", "Key", "—", "8A", "empty in the file") in [r.values for r in rows]


def test_include_review_asks_for_a_new_read():
    preview = _preview()
    assert preview.set_options(WriteOptions(include_review=True)) is True


def test_replanning_runs_in_slices():
    preview = WritePreview(WriteOptions())
    preview.add(plan(f"/m/{n}.mp3") for n in range(600))
    preview.set_options(WriteOptions(overwrite=True))
    steps = 0
    while not preview.step(budget_s=0):  # one chunk per step when the budget is spent
        steps += 1
    assert steps >= 2
    assert all(p.status is PlanStatus.CHANGE for p in preview.plans)


def test_plans_arriving_while_replanning_are_replanned_too():
    preview = WritePreview(WriteOptions())
    preview.add([plan("/m/a.mp3", genre="Techno")])
    preview.set_options(WriteOptions(overwrite=True))
    preview.add([plan("/m/b.mp3", genre="Techno")])  # planned by the run under old options
    assert not preview.ready
    preview.step()
    genres = [c.why for p in preview.plans for c in p.changes if c.field == "genre"]
    assert genres == ["replaces a different value"] * 2


def test_left_out_rows_come_from_the_final_counts():
    counts = {"to change": 3, LEFT_OUT + "no local file": 2, LEFT_OUT + "to review": 0}
    assert left_out_of(counts) == {"no local file": 2}
    preview = _preview()
    preview.finish(counts)
    assert preview.counts().left_out == (("no local file", 2),)
    assert preview.counts().headline().endswith("· 2 rows left out")
    assert "Left out: 2 no local file" in preview.counts().detail_lines()


def test_refused_lists_paths_and_reasons():
    assert _preview().refused() == [("/m/c.mp3", "damaged (empty file)")]


def test_words():
    assert plural(1, "file") == "1 file" and plural(2_000, "file") == "2,000 files"
    assert PreviewCounts().headline() == "0 files to change (0 fields)"
