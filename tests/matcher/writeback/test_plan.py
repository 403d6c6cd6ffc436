"""The preview of a write: plan_file and replan under each option, summary_lines, and
tag_changes.csv, with and without what happened to each file. Pure: no file is read."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from matcher.writeback.fields import DEFAULT_FIELDS
from matcher.writeback.plan import (
    TAG_CHANGES,
    FilePlan,
    PlanStatus,
    plan_file,
    replan,
    summary_lines,
    with_notation,
    write_tag_changes,
)
from matcher.writeback.policy import WHY_EMPTY, WHY_REPLACES
from matcher.writeback.records import FileOutcome, FileStamp, FileState, FileStatus, StreamInfo
from matcher.writeback.targets import FileTarget, WriteOptions

PROPOSED = {
    "genre": "Deep House", "label": "Quarrystone", "key": "Am", "bpm": "124.5", "year": "2022",
    "remixers": "Nimo Fell", "mix": "Extended Mix", "isrc": "QZQRY2200001",
    "comment": "CrateMatch: local c1 (Quarry EP)",
}  # fmt: skip
EMPTY = dict.fromkeys(PROPOSED, "")


def target(path: str = "/music/a.mp3", conflict: str = "", **proposed: str) -> FileTarget:
    return FileTarget(
        path=path, group=0, playlist="Peak", out_dir="/out/Peak", rows=((0, 0),),
        catalog_id="c1", status="matched", proposed={**PROPOSED, **proposed}, conflict=conflict,
    )  # fmt: skip


def state(container: str = "id3", **values: str) -> FileState:
    return FileState(
        "/music/a.mp3", "/music/a.mp3", {"id3": "mp3", "mp4": "mp4", "vorbis": "flac"}[container],
        container, FileStamp(1000, 1, "t" * 64), {**EMPTY, **values}, StreamInfo(2.0, 44100, 2),
    )  # fmt: skip


def fields_of(plan: FilePlan) -> dict[str, tuple[str, str, str]]:
    return {c.field: (c.old, c.new, c.why) for c in plan.changes}


# -- plan_file ---------------------------------------------------------------------------


FILLED = {"genre": "Techno", "key": "8A", "bpm": "124.50", "year": "2022-04-01", "label": ""}


@pytest.mark.parametrize(
    ("overwrite", "expected"),
    [
        pytest.param(False, {
            "label": ("", "Quarrystone", WHY_EMPTY), "remixers": ("", "Nimo Fell", WHY_EMPTY),
            "mix": ("", "Extended Mix", WHY_EMPTY), "isrc": ("", "QZQRY2200001", WHY_EMPTY),
        }, id="fill-only"),
        pytest.param(True, {
            "genre": ("Techno", "Deep House", WHY_REPLACES),
            "label": ("", "Quarrystone", WHY_EMPTY), "remixers": ("", "Nimo Fell", WHY_EMPTY),
            "mix": ("", "Extended Mix", WHY_EMPTY), "isrc": ("", "QZQRY2200001", WHY_EMPTY),
        }, id="overwrite-replaces-what-differs"),
    ],
)  # fmt: skip
def test_fill_only_and_overwrite(overwrite, expected):
    # the key (8A = Am), the BPM (124.50) and the year (a full date) say the same already
    plan = plan_file(target(), state(**FILLED), WriteOptions(overwrite=overwrite))
    assert fields_of(plan) == expected
    assert plan.status is PlanStatus.CHANGE and plan.reason == ""


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param(DEFAULT_FIELDS, ["genre", "label", "key", "bpm", "year", "remixers", "mix",
                                      "isrc"], id="default-fields-leave-the-comment"),
        pytest.param(frozenset({"comment", "key"}), ["key", "comment"], id="asked-fields-only"),
    ],
)  # fmt: skip
def test_only_the_chosen_fields_change(fields, expected):
    plan = plan_file(target(), state(), WriteOptions(fields=fields))
    assert [c.field for c in plan.changes] == expected


def test_an_mp4_plan_shows_the_bpm_as_the_file_will_hold_it():
    plan = plan_file(target(), state("mp4"), WriteOptions(fields=frozenset({"bpm"})))
    assert fields_of(plan) == {"bpm": ("", "125", WHY_EMPTY)}


@pytest.mark.parametrize(
    ("file_state", "refused", "conflict", "reason"),
    [
        pytest.param(None, "damaged (empty file)", "", "damaged (empty file)", id="unreadable"),
        pytest.param(None, "", "", "could not be read", id="no-state-no-reason"),
        pytest.param(state(), "", "matched to two different tracks (c1 in A, c2 in B)",
                     "matched to two different tracks (c1 in A, c2 in B)", id="conflict"),
        pytest.param(state(), "locked by another program", "", "locked by another program",
                     id="read-but-refused"),
    ],
)  # fmt: skip
def test_a_refused_file_plans_nothing(file_state, refused, conflict, reason):
    plan = plan_file(target(conflict=conflict), file_state, WriteOptions(), refused)
    assert (plan.status, plan.reason, plan.changes) == (PlanStatus.REFUSED, reason, ())


def test_a_file_that_says_it_all_already_is_up_to_date():
    values = {**PROPOSED, "key": "A Minor", "isrc": "QZ-QRY-22-00001"}
    plan = plan_file(target(), state(**values), WriteOptions(overwrite=True))
    assert plan.status is PlanStatus.SAME and plan.changes == ()


# -- replan ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notation", "key"),
    [
        pytest.param("musical", "Am", id="musical"),
        pytest.param("camelot", "8A", id="camelot"),
        pytest.param("openkey", "1m", id="openkey"),
    ],
)
def test_replan_switches_the_key_notation_without_reading_again(notation, key):
    first = plan_file(target(), state(), WriteOptions())
    again = replan(first, WriteOptions(key_notation=notation))
    assert fields_of(again)["key"] == ("", key, WHY_EMPTY)
    assert again.state is first.state and again.target is first.target


def test_replan_follows_the_policy_and_the_fields():
    first = plan_file(target(), state(genre="Techno"), WriteOptions())
    assert "genre" not in fields_of(first)
    wider = replan(first, WriteOptions(overwrite=True))
    assert fields_of(wider)["genre"] == ("Techno", "Deep House", WHY_REPLACES)
    narrow = replan(wider, WriteOptions(overwrite=True, fields=frozenset({"genre"})))
    assert list(fields_of(narrow)) == ["genre"]
    assert replan(narrow, WriteOptions(fields=frozenset({"genre"}))).status is PlanStatus.SAME


def test_a_key_in_another_notation_is_not_a_change_when_overwriting():
    plan = plan_file(target(), state(key="8A"), WriteOptions(overwrite=True))
    for notation in ("musical", "camelot", "openkey"):
        options = WriteOptions(overwrite=True, key_notation=notation)
        assert "key" not in fields_of(replan(plan, options))


def test_replan_keeps_a_refused_plan_refused():
    refused = plan_file(target(), None, WriteOptions(), "read-only")
    assert replan(refused, WriteOptions(overwrite=True)) is refused


@pytest.mark.parametrize(
    ("key", "notation", "expected"),
    [
        pytest.param("Am", "camelot", "8A", id="musical-to-camelot"),
        pytest.param("8A", "openkey", "1m", id="camelot-to-openkey"),
        pytest.param("F# Major", "musical", "F#", id="long-to-short"),
        pytest.param("not a key", "camelot", "not a key", id="unreadable-key-kept"),
    ],
)
def test_with_notation(key, notation, expected):
    proposed = {"key": key, "genre": "House"}
    assert with_notation(proposed, notation) == {"key": expected, "genre": "House"}


# -- summary_lines -------------------------------------------------------------------------


def plans() -> list[FilePlan]:
    options = WriteOptions(fields=frozenset({"genre", "key"}))
    return [
        plan_file(target("/m/1.mp3"), state(), options),
        plan_file(target("/m/2.mp3"), state(genre="Techno"), options),
        plan_file(target("/m/3.mp3"), state(genre="Techno", key="Am"), options),
        plan_file(target("/m/4.mp3"), None, options, "damaged (empty file)"),
        plan_file(target("/m/5.mp3"), None, options, "damaged (empty file)"),
        plan_file(target("/m/6.mp3"), None, options, "read-only"),
    ]


def test_summary_lines():
    skipped = {"to review (not included)": 3, "no local file": 2}
    assert summary_lines(plans(), skipped) == [
        "2 files to change, 1 already up to date, 3 refused",
        "fields: genre 1, key 2",
        "refused, damaged (empty file): 2",
        "refused, read-only: 1",
        "rows left out, no local file: 2",
        "rows left out, to review (not included): 3",
    ]


def test_summary_of_nothing():
    assert summary_lines([]) == ["0 files to change, 0 already up to date, 0 refused"]


# -- tag_changes.csv ---------------------------------------------------------------------


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_tag_changes_csv_before_a_write(tmp_path):
    path = write_tag_changes(tmp_path / TAG_CHANGES, plans())
    assert read_csv(path) == [
        ["file", "field", "old", "new", "why"],
        ["/m/1.mp3", "genre", "", "Deep House", WHY_EMPTY],
        ["/m/1.mp3", "key", "", "Am", WHY_EMPTY],
        ["/m/2.mp3", "key", "", "Am", WHY_EMPTY],
        ["/m/4.mp3", "", "", "", "refused: damaged (empty file)"],
        ["/m/5.mp3", "", "", "", "refused: damaged (empty file)"],
        ["/m/6.mp3", "", "", "", "refused: read-only"],
    ]
    assert path.read_bytes().count(b"\r\n") == 7  # csv's own line ends, as matches.csv
    assert [p.name for p in tmp_path.iterdir()] == [TAG_CHANGES]  # written atomically


def test_tag_changes_csv_after_a_write_says_what_happened(tmp_path):
    outcomes = {
        "/m/1.mp3": FileOutcome("/m/1.mp3", FileStatus.WRITTEN),
        "/m/2.mp3": FileOutcome("/m/2.mp3", FileStatus.REFUSED, "changed since it was read"),
    }  # 3 (nothing to change) and the refused ones have no outcome: their plan's status
    rows = read_csv(write_tag_changes(tmp_path / TAG_CHANGES, plans(), outcomes))
    assert rows[0] == ["file", "field", "old", "new", "why", "outcome", "reason"]
    assert rows[1:] == [
        ["/m/1.mp3", "genre", "", "Deep House", WHY_EMPTY, "written", ""],
        ["/m/1.mp3", "key", "", "Am", WHY_EMPTY, "written", ""],
        ["/m/2.mp3", "key", "", "Am", WHY_EMPTY, "refused", "changed since it was read"],
        ["/m/4.mp3", "", "", "", "refused: damaged (empty file)", "refused",
         "damaged (empty file)"],
        ["/m/5.mp3", "", "", "", "refused: damaged (empty file)", "refused",
         "damaged (empty file)"],
        ["/m/6.mp3", "", "", "", "refused: read-only", "refused", "read-only"],
    ]  # fmt: skip


def test_tag_changes_csv_keeps_odd_text_in_one_cell(tmp_path):
    odd = target('/m/a "b",\nc.mp3', genre='Drum, "Bass"\nand more')
    plan = plan_file(odd, state(), WriteOptions(fields=frozenset({"genre"})))
    rows = read_csv(write_tag_changes(tmp_path / TAG_CHANGES, [plan]))
    assert rows[1] == ['/m/a "b",\nc.mp3', "genre", "", 'Drum, "Bass"\nand more', WHY_EMPTY]
