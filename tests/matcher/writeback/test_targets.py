"""Which files a write touches: from output folders, through the batch journal (real
SQLite, written by the journal's own API), to one FileTarget per real file.

Each test writes a small batch into a journal in tmp_path: playlists whose results name
files by every kind of location a playlist holds, and the output folders a batch leaves
(batch_summary.json naming the batch, a matches.csv per playlist folder).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.engine.journal import Journal
from matcher.errors import InputError
from matcher.model import MatchStatus
from matcher.outputs.locations import file_url
from matcher.writeback.targets import (
    SKIP_NO_FILE,
    SKIP_REVIEW,
    WriteOptions,
    gather,
    resolve_sources,
)
from tests.matcher.writeback.batches import BATCH, MATCHED, REVIEW, Batches, result


@pytest.fixture
def batches(tmp_path: Path) -> Iterator[Batches]:
    with Journal.open(tmp_path / "journal.sqlite") as journal:
        yield Batches(tmp_path, journal)


@pytest.fixture
def music(tmp_path: Path) -> Path:
    folder = tmp_path / "Music"
    folder.mkdir()
    for name in ("a.mp3", "b.mp3", "c.flac", "d.mp3"):
        (folder / name).write_bytes(b"audio")
    return folder


def names(gathered) -> list[str]:  # noqa: ANN001
    return [Path(t.path).name for t in gathered.targets]


# -- which folder --------------------------------------------------------------------------


def test_a_batch_folder_reads_every_playlist_and_a_playlist_folder_one(batches, music):
    out = batches.add({
        "Peak": [result(0, str(music / "a.mp3"))],
        "Warm": [result(0, str(music / "b.mp3"))],
    })  # fmt: skip
    whole = resolve_sources(batches.journal, [out])
    assert [(s.name, s.playlist_id, s.out_dir) for s in whole] == [
        ("Peak", 0, str(out)), ("Warm", 1, str(out)),
    ]  # fmt: skip
    one = resolve_sources(batches.journal, [out / "Warm"])
    assert [(s.batch_id, s.name, s.out_dir) for s in one] == [(BATCH, "Warm", str(out / "Warm"))]
    assert names(gather(batches.journal, [out / "Warm"], WriteOptions())) == ["b.mp3"]


def test_a_playlist_folder_written_twice_is_read_from_the_newest_batch(batches, music):
    older, newer = "20260301-010101-aaaaaa", "20260302-010101-bbbbbb"
    batches.add({"Peak": [result(0, str(music / "a.mp3"))]}, batch_id=older)
    out = batches.add({"Peak": [result(0, str(music / "b.mp3"))]}, batch_id=newer)
    (source,) = resolve_sources(batches.journal, [out / "Peak"])
    assert source.batch_id == newer


def _junk_summary(root: Path) -> Path:
    (root / "junk").mkdir()
    (root / "junk" / "batch_summary.json").write_text("{not json")
    return root / "junk"


def _nameless_summary(root: Path) -> Path:
    (root / "nameless").mkdir()
    (root / "nameless" / "batch_summary.json").write_text('{"playlists": []}')
    return root / "nameless"


def _forgotten_batch(root: Path) -> Path:
    (root / "old").mkdir()
    (root / "old" / "batch_summary.json").write_text('{"batch_id": "19990101-000000-dead00"}')
    return root / "old"


def _unknown_playlist_folder(root: Path) -> Path:
    (root / "copied" / "Peak").mkdir(parents=True)
    (root / "copied" / "Peak" / "matches.csv").write_text("playlist_file\n")
    return root / "copied" / "Peak"


def _plain_folder(root: Path) -> Path:
    (root / "Music2").mkdir()
    return root / "Music2"


@pytest.mark.parametrize(
    ("make", "says"),
    [
        pytest.param(_plain_folder, "not a CrateMatch results folder", id="neither"),
        pytest.param(lambda root: root / "nowhere", "no such folder", id="missing"),
        pytest.param(_junk_summary, "cannot be read", id="unreadable-summary"),
        pytest.param(_nameless_summary, "names no batch", id="summary-without-batch"),
        pytest.param(_forgotten_batch, "is not in the batch history", id="batch-not-journalled"),
        pytest.param(_unknown_playlist_folder, "no batch in the batch history wrote this folder",
                     id="playlist-folder-not-journalled"),
    ],
)  # fmt: skip
def test_a_folder_that_is_not_results_is_one_line(batches, tmp_path, make, says):
    folder = make(tmp_path)
    with pytest.raises(InputError) as raised:
        gather(batches.journal, [folder], WriteOptions())
    message = str(raised.value)
    assert says in message and "\n" not in message
    assert message.startswith(str(folder))


def test_an_unknown_key_notation_is_one_line() -> None:
    with pytest.raises(InputError, match=r"unknown key notation 'lancelot' \(choose from"):
        WriteOptions(key_notation="lancelot")


# -- which rows ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("include_review", "expected", "skipped"),
    [
        pytest.param(False, [("a.mp3", "matched")], {SKIP_REVIEW: 1}, id="matched-only"),
        pytest.param(True, [("a.mp3", "matched"), ("b.mp3", "review")], {},
                     id="with-review"),
    ],
)  # fmt: skip
def test_review_rows_are_left_out_unless_asked(batches, music, include_review, expected, skipped):
    out = batches.add({"Peak": [
        result(0, str(music / "a.mp3")),
        result(1, str(music / "b.mp3"), REVIEW),
        result(2, str(music / "c.flac"), MatchStatus.UNMATCHED),
        result(3, str(music / "d.mp3"), MatchStatus.ERROR),
    ]})  # fmt: skip
    gathered = gather(batches.journal, [out], WriteOptions(include_review=include_review))
    assert [(Path(t.path).name, t.status) for t in gathered.targets] == expected
    assert gathered.skipped == skipped  # unmatched and error rows propose nothing


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        pytest.param("{music}/a.mp3", "{music}/a.mp3", id="absolute-path"),
        pytest.param("{url}", "{music}/a.mp3", id="rekordbox-file-url"),
        pytest.param("file://{music}/a.mp3", "{music}/a.mp3", id="file-triple-slash"),
        pytest.param("Music/a.mp3", "{root}/Music/a.mp3", id="relative-to-the-playlist"),
        pytest.param("../Music/a.mp3", "{root}/Music/a.mp3", id="relative-dot-dot"),
        pytest.param("https://example.invalid/a.mp3", None, id="web-url"),
        pytest.param("spotify:track:0aaaaaaaaaaaaaaaaaaaa1", None, id="streaming-uri"),
        pytest.param("", None, id="no-location"),
    ],
)
def test_locations_become_files_or_are_left_out(batches, music, tmp_path, location, expected):
    filled = location.format(music=music, url=file_url(str(music / "a.mp3")), root=tmp_path)
    source = tmp_path / ("lists" if location.startswith("..") else "") / "Peak.m3u8"
    out = batches.add({"Peak": [result(0, filled)]}, sources={"Peak": source})
    gathered = gather(batches.journal, [out], WriteOptions())
    if expected is None:
        assert gathered.targets == ()
        assert gathered.skipped == {SKIP_NO_FILE: 1}
    else:
        (target,) = gathered.targets
        assert target.path == expected.format(music=music, root=tmp_path)
        assert gathered.skipped == {}


def test_a_relative_m3u_location_is_read_from_the_playlist_folder(batches, tmp_path):
    lists = tmp_path / "crates" / "friday"
    (lists / "tracks").mkdir(parents=True)
    (lists / "tracks" / "x.mp3").write_bytes(b"audio")
    out = batches.add({"Friday": [result(0, "tracks/x.mp3", playlist="Friday")]},
                      sources={"Friday": lists / "friday.m3u8"})  # fmt: skip
    (target,) = gather(batches.journal, [out], WriteOptions()).targets
    assert target.path == str(lists / "tracks" / "x.mp3")


# -- one file, many rows -----------------------------------------------------------------


def test_one_file_in_two_playlists_is_one_target(batches, music):
    a = music / "a.mp3"
    out = batches.add({
        "Peak": [result(0, str(a), catalog_id="c1"), result(1, str(music / "b.mp3"))],
        "Warm": [result(0, file_url(str(a)), catalog_id="c1", playlist="Warm")],
    })  # fmt: skip
    gathered = gather(batches.journal, [out], WriteOptions())
    assert names(gathered) == ["a.mp3", "b.mp3"]
    first = gathered.targets[0]
    assert (first.group, first.playlist, first.rows) == (0, "Peak", ((0, 0), (1, 0)))
    assert first.conflict == ""


def test_the_same_file_named_through_a_symlink_is_one_target(batches, music):
    link = music.parent / "Link"
    os.symlink(music, link)
    out = batches.add({"Peak": [
        result(0, str(music / "a.mp3"), catalog_id="c1"),
        result(1, str(link / "a.mp3"), catalog_id="c1"),
    ]})  # fmt: skip
    assert names(gather(batches.journal, [out], WriteOptions())) == ["a.mp3"]


def test_a_matched_row_wins_over_a_review_row_of_the_same_track(batches, music):
    out = batches.add({"Peak": [
        result(0, str(music / "a.mp3"), REVIEW, catalog_id="c1"),
        result(1, str(music / "a.mp3"), MATCHED, catalog_id="c1"),
    ]})  # fmt: skip
    (target,) = gather(batches.journal, [out], WriteOptions(include_review=True)).targets
    assert target.status == "matched" and target.conflict == ""


def test_two_rows_matching_one_file_to_different_tracks_are_a_conflict(batches, music):
    out = batches.add({
        "Peak": [result(0, str(music / "a.mp3"), catalog_id="c1")],
        "Warm": [result(0, str(music / "a.mp3"), catalog_id="c2", playlist="Warm")],
    })  # fmt: skip
    (target,) = gather(batches.journal, [out], WriteOptions()).targets
    assert target.conflict == "matched to two different tracks (c1 in Peak, c2 in Warm)"
    assert target.catalog_id == "c1" and target.rows == ((0, 0), (1, 0))


def test_two_folders_of_one_batch_name_each_file_once(batches, music):
    out = batches.add({
        "Peak": [result(0, str(music / "a.mp3"))],
        "Warm": [result(0, str(music / "b.mp3"), playlist="Warm")],
    })  # fmt: skip
    gathered = gather(batches.journal, [out / "Peak", out / "Warm"], WriteOptions())
    assert names(gathered) == ["a.mp3", "b.mp3"]
    assert [t.out_dir for t in gathered.targets] == [str(out / "Peak"), str(out / "Warm")]


# -- what each target carries ------------------------------------------------------------


@pytest.mark.parametrize(
    ("notation", "key"),
    [
        pytest.param("musical", "Am", id="musical"),
        pytest.param("camelot", "8A", id="camelot"),
        pytest.param("openkey", "1m", id="openkey"),
    ],
)
def test_a_target_proposes_the_tracks_values_in_the_chosen_notation(batches, music, notation, key):
    stamp = (5, 1_700_000_000_000_000_000)
    out = batches.add({"Peak": [result(0, str(music / "a.mp3"), catalog_id="c9", stamp=stamp)]})
    (target,) = gather(batches.journal, [out], WriteOptions(key_notation=notation)).targets
    assert target.batch_stamp == stamp
    assert target.proposed == {
        "genre": "Deep House", "label": "Quarrystone", "key": key, "bpm": "124",
        "year": "2022", "remixers": "Nimo Fell", "mix": "Extended Mix", "isrc": "QZQRY2200001",
        "comment": "CrateMatch: local c9 (Quarry EP)",
    }  # fmt: skip
