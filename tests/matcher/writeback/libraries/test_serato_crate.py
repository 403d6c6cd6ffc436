"""A new Serato crate of the found tracks, read back by serato-tools (a second reader)
and by our own crate reader, and deleted by undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from serato_tools.crate import Crate

from matcher.engine.journal import Journal
from matcher.playlists import read_playlists
from matcher.writeback import WriteJournal
from matcher.writeback.errors import LibraryChanged, LibraryWriteError
from matcher.writeback.libraries import plan_write, undo_library, write_plan
from matcher.writeback.libraries.serato_crate import crate_bytes
from matcher.writeback.plan import PlanStatus
from matcher.writeback.targets import WriteOptions
from tests.matcher.writeback.batches import MATCHED, REVIEW, Batches, result

OPTIONS = WriteOptions(target="serato")


@pytest.fixture
def music(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "Music"
    (folder / "_Serato_" / "Subcrates").mkdir(parents=True)
    files = [folder / n for n in ("Ä b.mp3", "c (Extended Mix).flac", "d.mp3", "review.mp3")]
    for file in files:
        file.write_bytes(b"audio")
    return files


def test_a_crate_round_trips_through_serato_tools_and_our_reader(
    music: list[Path], tmp_path: Path, batch_journal: Journal, writes: WriteJournal
) -> None:
    *found, review = music
    rows = [result(i, str(p)) for i, p in enumerate(found)]
    rows += [result(3, str(review), REVIEW), result(4, "spotify:track:x", MATCHED)]
    out = Batches(tmp_path, batch_journal).add({"Peak": rows})
    serato = tmp_path / "Music" / "_Serato_"
    plan = plan_write("serato", serato, batch_journal, [out], OPTIONS)
    assert [p.status for p in plan.plans] == [PlanStatus.SAME] * 3  # no fields in a crate
    write_id = write_plan(plan, OPTIONS, writes)
    crate = serato / "Subcrates" / "CrateMatch%%CrateMatch Peak.crate"
    kept = writes.write(write_id).options
    assert kept["library"] == str(crate) and kept["playlist"] == "CrateMatch Peak"
    assert kept["playlist_tracks"] == 3 and kept["tracks"] == {"unchanged": 3}

    theirs = Crate(str(crate)).tracks()
    assert ["/" + t for t in theirs] == [p.as_posix() for p in found]  # from the drive's root
    (ours,) = read_playlists(crate)
    assert [e.location for e in ours.entries] == [str(p) for p in found]
    (listed,) = read_playlists(serato, ["CrateMatch/CrateMatch Peak"])
    assert len(listed.entries) == 3

    again = plan_write("serato", serato, batch_journal, [out], OPTIONS)
    assert again.playlist == "CrateMatch Peak 2"  # never over an existing crate

    assert undo_library(writes, write_id).status == "restored"
    assert not crate.exists()


def test_undo_keeps_a_crate_serato_changed_unless_forced(
    music: list[Path], tmp_path: Path, batch_journal: Journal, writes: WriteJournal
) -> None:
    out = Batches(tmp_path, batch_journal).add({"Peak": [result(0, str(music[0]))]})
    serato = tmp_path / "Music" / "_Serato_"
    write_id = write_plan(plan_write("serato", serato, batch_journal, [out], OPTIONS), OPTIONS,
                          writes)  # fmt: skip
    crate = next((serato / "Subcrates").glob("*.crate"))
    crate.write_bytes(crate.read_bytes() + crate_bytes(["Music/more.mp3"])[-40:])
    with pytest.raises(LibraryChanged, match="--force"):
        undo_library(writes, write_id)
    undo_library(writes, write_id, force=True)
    assert not crate.exists()


def test_not_a_serato_folder(tmp_path: Path, batch_journal: Journal) -> None:
    with pytest.raises(LibraryWriteError, match="not a _Serato_ folder"):
        plan_write("serato", tmp_path, batch_journal, [tmp_path], OPTIONS)
