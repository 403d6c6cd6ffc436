"""Serato crates as playlists, checked against serato-tools' own crate reader and writer."""

from __future__ import annotations

from pathlib import Path

import pytest
from serato_tools.crate import Crate

from matcher.errors import InputError
from matcher.playlists import detect_format, iter_collection, list_playlists, read_playlists
from matcher.playlists.library_errors import LibraryDamaged, NotALibrary
from matcher.playlists.serato import crate_name
from matcher.playlists.serato_binary import read_fields
from tests.matcher.playlists.serato_builder import CRATE_HEAD, field


def serato_tools_crate(path: Path, tracks: list[str]) -> Path:
    """A crate written by serato-tools (its reader and writer are the second opinion)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    crate = Crate.__new__(Crate)  # its constructor warns about a file that is not there yet
    crate.filepath, crate.data = str(path), list(CRATE_HEAD)
    for track in tracks:
        crate.add_track(track)
    crate.save()
    return path


@pytest.fixture
def drive(tmp_path: Path) -> Path:
    """A music drive: two crates (one a subcrate), some of their files, a database V2."""
    root = tmp_path / "Drive"
    music = root / "Music"
    music.mkdir(parents=True)
    (music / "Kerri Chandler - Rain.mp3").write_bytes(b"")
    (music / "unknown.mp3").write_bytes(b"")
    subcrates = root / "_Serato_" / "Subcrates"
    serato_tools_crate(subcrates / "House.crate", ["Music/Kerri Chandler - Rain.mp3"])
    deep = ["Music/unknown.mp3", "Music/Gone Away.mp3", "Music/tagged.mp3"]
    serato_tools_crate(subcrates / "House%%Deep.crate", deep)
    library = field("vrsn", "2.0/Serato Scratch LIVE Database") + field("otrk", [
        ("ttyp", "mp3"), ("pfil", "Music/tagged.mp3"), ("tsng", "Can You Feel It"),
        ("tart", "Mr. Fingers"), ("tbpm", "120.00"), ("tkey", "Am"), ("tlbl", "Trax"),
        ("ttyr", "1986"), ("tgen", "House"), ("bmis", True), ("uadd", 1700000000),
    ])  # fmt: skip
    (root / "_Serato_" / "database V2").write_bytes(library)
    return root


@pytest.mark.parametrize("where", ["root", "_Serato_", "Subcrates"])
def test_a_drive_a_serato_folder_or_subcrates_lists_every_crate(drive: Path, where: str) -> None:
    given = {"root": drive, "_Serato_": drive / "_Serato_",
             "Subcrates": drive / "_Serato_" / "Subcrates"}[where]  # fmt: skip
    assert detect_format(given) == "serato"
    assert [(i.path, i.entries) for i in list_playlists(given)] == [
        ("House", 1), ("House/Deep", 3)
    ]  # fmt: skip


def test_our_paths_are_serato_tools_paths(drive: Path) -> None:
    for crate in sorted((drive / "_Serato_" / "Subcrates").glob("*.crate")):
        (playlist,) = read_playlists(crate)
        theirs = Crate(str(crate)).tracks()
        assert len(playlist.entries) == len(theirs)
        for entry, track in zip(playlist.entries, theirs, strict=True):
            assert Path(entry.location).as_posix().endswith("/" + track)


def test_serato_tools_reads_what_serato_writes_as_we_read_it(tmp_path: Path) -> None:
    crate = tmp_path / "_Serato_" / "Subcrates" / "Hand%%Made.crate"
    crate.parent.mkdir(parents=True)
    tracks = ["Music/Ä.mp3", "Volumes/x/y.flac"]
    crate.write_bytes(b"".join(field(t, v) for t, v in CRATE_HEAD) +
                      b"".join(field("otrk", [("ptrk", p)]) for p in tracks))  # fmt: skip
    assert Crate(str(crate)).tracks() == tracks
    assert [i.path for i in list_playlists(crate)] == ["Hand/Made"]
    assert [str(v[0][1]) for t, v in read_fields(crate) if t == "otrk"] == tracks


def test_entries_from_serato_library_then_file_names(drive: Path) -> None:
    (deep,) = read_playlists(drive, ["House/Deep"])
    assert deep.format == "serato" and deep.file_name == "Drive"
    unknown, gone, tagged = deep.entries
    assert (unknown.title, unknown.location) == ("unknown", str(drive / "Music" / "unknown.mp3"))
    assert (gone.artist, gone.title) == ("", "Gone Away")
    assert (tagged.artist, tagged.title, tagged.bpm, tagged.key, tagged.label, tagged.year) == (
        "Mr. Fingers", "Can You Feel It", 120.0, "Am", "Trax", "1986"
    )  # fmt: skip
    (house,) = read_playlists(drive, ["House"])  # the crate, not its subcrates
    assert [(e.artist, e.title) for e in house.entries] == [("Kerri Chandler", "Rain")]


def test_all_playlists_reads_every_crate(drive: Path) -> None:
    assert [p.name for p in read_playlists(drive, all_playlists=True)] == ["House", "House/Deep"]


def test_subcrate_names() -> None:
    assert crate_name(Path("House%%Deep%%Dub.crate")) == "House/Deep/Dub"


def test_crates_have_no_collection(drive: Path) -> None:
    with pytest.raises(InputError, match="Serato crates has no collection"):
        iter_collection(drive)


def test_damaged_crate(drive: Path) -> None:
    crate = drive / "_Serato_" / "Subcrates" / "House.crate"
    crate.write_bytes(crate.read_bytes()[:-3])
    with pytest.raises(LibraryDamaged, match="^House.crate: the Serato file is damaged"):
        list_playlists(drive)


def test_the_library_file_is_not_a_crate(drive: Path) -> None:
    library = drive / "_Serato_" / "database V2"
    assert detect_format(library) == "serato"
    with pytest.raises(NotALibrary, match="not a crate"):
        list_playlists(library)


def test_a_folder_without_crates(tmp_path: Path) -> None:
    (tmp_path / "_Serato_").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        list_playlists(tmp_path / "_Serato_")
