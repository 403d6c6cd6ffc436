"""Rekordbox USB exports (PIONEER/rekordbox/export.pdb): the real one from ../shared
(skipped without it) and DeviceSQL files written by pdb_builder."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pytest

from matcher.errors import InputError
from matcher.playlists import detect_format, iter_collection, list_playlists, read_playlists
from matcher.playlists.devicesql import DeviceLibrary
from matcher.playlists.library_errors import LibraryDamaged, NotALibrary
from matcher.playlists.rekordbox_usb import ENTRIES, TRACKS, TREE, find_export
from tests.matcher.playlists import pdb_builder as pdb
from tests.matcher.playlists.rekordbox_fixtures import SHARED_DB


def real_export(tmp_path: Path) -> Path:
    source = SHARED_DB / "export.pdb"
    if not source.is_file():
        pytest.skip("export.pdb is not in ../shared/realfiles/rekordbox-db")
    stick = tmp_path / "USB"
    target = stick / "PIONEER" / "rekordbox" / "export.pdb"
    target.parent.mkdir(parents=True)
    return Path(shutil.copyfile(source, target))


def test_real_export_counts_equal_the_page_headers_and_a_second_reader(tmp_path: Path) -> None:
    """The page headers' own live-row counts are a second, independent reading; the
    figures (6 tracks, 3 tree nodes, 4 entries) are also what the Kaitai-based
    rekordbox-parser 0.1.2 (crate-digger's format description) reads from this file."""
    export = real_export(tmp_path)
    db = DeviceLibrary.open(export)
    raw = {kind: sum(c.alive for c in db.counts(kind)) for kind in (TRACKS, TREE, ENTRIES)}
    assert raw == {TRACKS: 6, TREE: 3, ENTRIES: 4}
    assert {kind: len(list(db.rows(kind))) for kind in raw} == raw
    collection = list(iter_collection(export))
    infos = list_playlists(export)
    playlists = read_playlists(export, all_playlists=True)
    assert len(collection) == raw[TRACKS]
    assert len(infos) == raw[TREE]
    assert sum(len(p.entries) for p in playlists) == raw[ENTRIES]
    assert [(i.path, i.entries, i.is_folder) for i in infos] == [
        ("Playlist 1", 2, False), ("Folder", 2, True), ("Folder/Sub Playlist", 2, False)
    ]  # fmt: skip
    assert sorted(e.title for e in collection) == [
        "Demo Track 1", "Demo Track 2", "HORN", "NOISE", "SINEWAVE", "SIREN"
    ]  # fmt: skip
    demo = playlists[0].entries[0]
    assert (demo.title, demo.artist, demo.label, demo.key, demo.bpm, demo.duration_s) == (
        "Demo Track 1", "Loopmasters", "Loopmasters", "Fm", 128.0, 172.0
    )  # fmt: skip
    assert demo.location == "/Contents/Loopmasters/UnknownAlbum/Demo Track 1.mp3"


@pytest.mark.parametrize("level", [0, 1, 2, 3], ids=["file", "rekordbox", "PIONEER", "root"])
def test_the_stick_root_and_its_folders_find_the_export(tmp_path: Path, level: int) -> None:
    export = real_export(tmp_path)
    given = export.parents[level - 1] if level else export
    assert find_export(given) == export
    assert detect_format(given) == "rekordbox-usb"
    assert list_playlists(given) == list_playlists(export)
    (playlist,) = read_playlists(given, ["Playlist 1"])
    assert playlist.file_name == given.name and len(playlist.entries) == 2


def test_a_folder_without_an_export_is_still_just_a_folder(tmp_path: Path) -> None:
    (tmp_path / "PIONEER").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        list_playlists(tmp_path)


# -- built exports ---------------------------------------------------------------------

ARTISTS = {1: "Âme", 2: "Dixon", 3: "A" * 300}  # 3: a long name, stored far
TRACKS_BUILT = [
    pdb.UsbTrack(id=n, title=f"Track {n}", path=f"/Contents/A/{n}.mp3", artist=1 + n % 3,
                 bpm=120 + n / 4, seconds=300 + n, year=2000 + n % 20)
    for n in range(1, 46)
] + [
    pdb.UsbTrack(id=100, title="Rej – Original Mix ✓", path="/Contents/Âme/Rej.flac", artist=1,
                 remixer=2, album=7, genre=5, label=9, key=4, bpm=123.45, seconds=612,
                 year=2005, mix="Dixon Remix", comment="c" * 200, isrc="DEZ650500001"),
]  # fmt: skip


def built_export(tmp_path: Path, deleted: int = 0) -> Path:
    rows: list[bytes | None] = [pdb.track_row(t) for t in TRACKS_BUILT]
    rows[3:3] = [None] * deleted
    tables = [
        pdb.Table(pdb.TRACKS, rows),
        pdb.Table(pdb.ARTISTS, [pdb.artist_row(i, n, len(n) > 200) for i, n in ARTISTS.items()]),
        pdb.Table(pdb.ALBUMS, [pdb.album_row(7, "Rej EP", far=True)]),
        pdb.Table(pdb.GENRES, [pdb.named_row(5, "Deep House")]),
        pdb.Table(pdb.LABELS, [pdb.named_row(9, "Innervisions")]),
        pdb.Table(pdb.KEYS, [pdb.named_row(4, "Am", name_at=8)]),
        pdb.Table(pdb.TREE, [pdb.tree_row(10, "Sets", order=1, folder=True),
                             pdb.tree_row(11, "Late", parent=10, order=0),
                             pdb.tree_row(12, "Early", order=0)]),
        pdb.Table(pdb.ENTRIES, [pdb.entry_row(2, 1, 11), pdb.entry_row(1, 100, 11),
                                pdb.entry_row(1, 45, 12), pdb.entry_row(3, 999, 11)]),
    ]  # fmt: skip
    path = tmp_path / "export.pdb"
    path.write_bytes(pdb.build(tables))
    return path


def test_built_export_reads_across_pages_row_groups_and_deleted_rows(tmp_path: Path) -> None:
    path = built_export(tmp_path, deleted=5)
    db = DeviceLibrary.open(path)
    counts = db.counts(TRACKS)
    assert len(counts) == 3 and sum(c.offsets for c in counts) == 51
    entries = list(iter_collection(path))
    assert [e.source_id for e in entries] == [str(t.id) for t in TRACKS_BUILT]
    assert [e.entry_index for e in entries] == list(range(len(TRACKS_BUILT)))
    assert entries[0].artist == "Dixon" and entries[1].artist == "A" * 300


def test_built_export_fields_and_strings(tmp_path: Path) -> None:
    rej = next(e for e in iter_collection(built_export(tmp_path)) if e.source_id == "100")
    assert (rej.title, rej.artist, rej.remixer, rej.mix) == (
        "Rej – Original Mix ✓", "Âme", "Dixon", "Dixon Remix"
    )  # fmt: skip
    assert (rej.album, rej.genre, rej.label, rej.key, rej.isrc) == (
        "Rej EP", "Deep House", "Innervisions", "Am", "DEZ650500001"
    )  # fmt: skip
    assert (rej.bpm, rej.duration_s, rej.year, rej.comments) == (123.45, 612.0, "2005", "c" * 200)
    assert rej.location == "/Contents/Âme/Rej.flac"


def test_built_export_tree_order_and_entry_positions(tmp_path: Path) -> None:
    path = built_export(tmp_path)
    assert [(i.path, i.entries) for i in list_playlists(path)] == [
        ("Early", 1), ("Sets", 3), ("Sets/Late", 3)
    ]  # fmt: skip
    (late,) = read_playlists(path, ["Late"])
    assert [e.source_id for e in late.entries] == ["100", "1"]  # 999 is not on the stick


# -- damaged files ---------------------------------------------------------------------


def test_cut_short(tmp_path: Path) -> None:
    path = built_export(tmp_path)
    path.write_bytes(path.read_bytes()[: 8192 * 3 + 100])
    with pytest.raises(LibraryDamaged, match="^export.pdb: the device library is damaged"):
        list(iter_collection(path))


def test_a_page_chain_that_loops_ends(tmp_path: Path) -> None:
    path = built_export(tmp_path)
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, 8192 * 4 + 12, 2)  # the last track page points back
    struct.pack_into("<I", data, 0x1C + 12, 99)  # and the table's last page is unknown
    path.write_bytes(bytes(data))
    with pytest.raises(LibraryDamaged):
        list(iter_collection(path))


def test_a_string_of_unknown_kind(tmp_path: Path) -> None:
    path = built_export(tmp_path)
    data = bytearray(path.read_bytes())
    row = 8192 * 2 + 0x28
    title_at = row + struct.unpack_from("<H", data, row + 0x5E + 2 * 17)[0]
    data[title_at] = 0x22
    path.write_bytes(bytes(data))
    with pytest.raises(LibraryDamaged, match="unknown kind 0x22"):
        list(iter_collection(path))


def test_not_a_device_library(tmp_path: Path) -> None:
    text = tmp_path / "export.pdb"
    text.write_text("not DeviceSQL\n")
    with pytest.raises(InputError):
        list_playlists(text)
    with pytest.raises(NotALibrary):
        DeviceLibrary.open(text)
