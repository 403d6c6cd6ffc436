from __future__ import annotations

import logging
from pathlib import Path

import pytest

from matcher.errors import PlaylistParseError, PlaylistSelectionError
from matcher.model import PlaylistEntry, PlaylistInfo
from matcher.playlists import iter_collection, list_playlists, read_playlists, rekordbox


def rekordbox_track(track_id: str, **attrs: str) -> str:
    """One COLLECTION TRACK with a TEMPO and a POSITION_MARK, as Rekordbox writes them."""
    attrs = {"TrackID": track_id, "Name": f"Title {track_id}", "Artist": "", **attrs}
    text = " ".join(f'{k}="{v}"' for k, v in attrs.items())
    return (
        f"    <TRACK {text}>\n"
        '      <TEMPO Inizio="0.025" Bpm="124.00" Metro="4/4" Battito="1"/>\n'
        '      <POSITION_MARK Name="" Type="0" Start="0.025" Num="-1"/>\n'
        "    </TRACK>\n"
    )


def rekordbox_xml(tracks: str, playlists: str) -> str:
    """A Rekordbox export; `playlists` is the XML inside the ROOT node ("" for none)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n\n<DJ_PLAYLISTS Version="1.0.0">\n'
        '  <PRODUCT Name="rekordbox" Version="6.8.5" Company="AlphaTheta"/>\n'
        f'  <COLLECTION Entries="999">\n{tracks}  </COLLECTION>\n'
        f'  <PLAYLISTS>\n    <NODE Type="0" Name="ROOT" Count="1">\n{playlists}'
        "    </NODE>\n  </PLAYLISTS>\n</DJ_PLAYLISTS>\n"
    )


def playlist_node(name: str, keys: list[str], key_type: str = "0") -> str:
    rows = "".join(f'        <TRACK Key="{k}"/>\n' for k in keys)
    return (
        f'      <NODE Name="{name}" Type="1" KeyType="{key_type}" Entries="{len(keys)}">\n'
        f"{rows}      </NODE>\n"
    )


def folder_node(name: str, inner: str) -> str:
    return f'      <NODE Name="{name}" Type="0" Count="1">\n{inner}      </NODE>\n'


FULL_TRACK = rekordbox_track(
    "101",
    Name="Strobe (Club Edit)",
    Artist="deadmau5",
    Remixer="Someone",
    Mix="Club Edit",
    Album="For Lack Of A Better Name",
    Label="mau5trap",
    Genre="Progressive House",
    Comments="8A - Energy 6",
    Year="2009",
    TotalTime="634",
    AverageBpm="128.00",
    Tonality="8A",
    Location="file://localhost/Users/dj/Music/deadmau5%20-%20Strobe.mp3",
    Size="25362432",
)
UNKNOWNS = rekordbox_track(
    "102",
    Name=" Padded ",
    Year="0",
    TotalTime="0",
    AverageBpm="0.00",
    Tonality="",
    Location="file://localhost/C:/Users/dj/Music/x.mp3",
)
WINDOWS = rekordbox_track("103", Location="file://localhostD:/Music/y.mp3")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """Folders nested two deep, duplicate names in one folder, an empty playlist."""
    playlists = (
        playlist_node("Warm Up", ["101", "102"])
        + folder_node(
            "House",
            playlist_node("Test", ["103"])
            + playlist_node("Test", ["101", "999", "103"])
            + folder_node("Deep", playlist_node("Late", ["102"])),
        )
        + '      <NODE Name="Empty" Type="1" KeyType="0" Entries="0"/>\n'
    )
    path = tmp_path / "rekordbox.xml"
    path.write_text(rekordbox_xml(FULL_TRACK + UNKNOWNS + WINDOWS, playlists), encoding="utf-8")
    return path


def test_list_playlists(library: Path) -> None:
    assert list_playlists(library) == [
        PlaylistInfo("Warm Up", 2),
        PlaylistInfo("House", 5, is_folder=True),
        PlaylistInfo("House/Test", 1),
        PlaylistInfo("House/Test (2)", 3),
        PlaylistInfo("House/Deep", 1, is_folder=True),
        PlaylistInfo("House/Deep/Late", 1),
        PlaylistInfo("Empty", 0),
    ]


def test_track_fields(library: Path) -> None:
    (playlist,) = read_playlists(library, ["Warm Up"])
    assert playlist.name == "Warm Up" and playlist.format == "rekordbox"
    assert playlist.entries[0] == PlaylistEntry(
        playlist_file="rekordbox.xml",
        playlist="Warm Up",
        entry_index=0,
        source_id="101",
        title="Strobe (Club Edit)",
        artist="deadmau5",
        remixer="Someone",
        mix="Club Edit",
        album="For Lack Of A Better Name",
        label="mau5trap",
        genre="Progressive House",
        comments="8A - Energy 6",
        year="2009",
        duration_s=634.0,
        bpm=128.0,
        key="8A",
        location="/Users/dj/Music/deadmau5 - Strobe.mp3",
        file_size=25_362_432,
    )


def test_unknown_values_and_windows_locations(library: Path) -> None:
    entries = {e.source_id: e for e in iter_collection(library)}
    unknown = entries["102"]
    assert (unknown.title, unknown.year, unknown.duration_s, unknown.bpm) == (
        "Padded",
        "",
        None,
        None,
    )
    assert unknown.location == "C:/Users/dj/Music/x.mp3"
    assert entries["103"].location == "D:/Music/y.mp3"


def test_missing_collection_track_is_skipped_and_counted(
    library: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        (playlist,) = read_playlists(library, ["House/Test (2)"])
    assert [(e.entry_index, e.source_id) for e in playlist.entries] == [(0, "101"), (1, "103")]
    assert "1 entries skipped" in caplog.text


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        pytest.param(["Late"], ["House/Deep/Late"], id="bare-name"),
        pytest.param(["House"], ["House/Test", "House/Test (2)", "House/Deep/Late"], id="folder"),
        pytest.param(["Empty"], ["Empty"], id="empty-playlist"),
    ],
)
def test_selection(library: Path, names: list[str], expected: list[str]) -> None:
    assert [p.name for p in read_playlists(library, names)] == expected


def test_all_playlists(library: Path) -> None:
    playlists = read_playlists(library, all_playlists=True)
    assert [len(p.entries) for p in playlists] == [2, 1, 2, 1, 0]
    assert playlists[-1].entries == ()


def test_several_playlists_need_a_choice(library: Path) -> None:
    with pytest.raises(PlaylistSelectionError, match="holds 5 playlists"):
        read_playlists(library)


def test_single_playlist_is_read_without_a_name(tmp_path: Path) -> None:
    path = tmp_path / "one.xml"
    path.write_text(rekordbox_xml(FULL_TRACK, playlist_node("Only", ["101"])), encoding="utf-8")
    assert [p.name for p in read_playlists(path)] == ["Only"]


def test_no_playlists_gives_the_collection(tmp_path: Path) -> None:
    path = tmp_path / "collection.xml"
    path.write_text(rekordbox_xml(FULL_TRACK + UNKNOWNS, ""), encoding="utf-8")
    (playlist,) = read_playlists(path)
    assert playlist.name == "COLLECTION"
    assert [(e.playlist, e.entry_index, e.source_id) for e in playlist.entries] == [
        ("COLLECTION", 0, "101"),
        ("COLLECTION", 1, "102"),
    ]


def test_location_keyed_playlist(tmp_path: Path) -> None:
    location = "file://localhost/Users/dj/Music/deadmau5%20-%20Strobe.mp3"
    path = tmp_path / "keytype1.xml"
    xml = rekordbox_xml(FULL_TRACK + UNKNOWNS, playlist_node("ByPath", [location], "1"))
    path.write_text(xml, encoding="utf-8")
    (playlist,) = read_playlists(path)
    assert [e.source_id for e in playlist.entries] == ["101"]


def test_crlf_wrapped_attributes_and_entities(tmp_path: Path) -> None:
    xml = rekordbox_xml(
        rekordbox_track("1", Name="Rock &amp; Roll", Artist="Sage&apos;s Band").replace(
            " Artist=", "\r\n        Artist="
        ),
        '      <NODE Name="sAGE&apos;S mUSIC" Type="1"\r\n        KeyType="0" Entries="1">'
        '<TRACK Key="1"/></NODE>\r\n',
    ).replace("\n", "\r\n")
    path = tmp_path / "crlf.xml"
    path.write_bytes(xml.encode())
    (playlist,) = read_playlists(path)
    assert playlist.name == "sAGE'S mUSIC"
    assert playlist.entries[0].title == "Rock & Roll"
    assert playlist.entries[0].artist == "Sage's Band"


def test_entries_attribute_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "lies.xml"
    path.write_text(rekordbox_xml(FULL_TRACK + UNKNOWNS + WINDOWS, ""), encoding="utf-8")
    assert 'Entries="999"' in path.read_text()
    assert sum(1 for _ in iter_collection(path)) == 3


def test_collection_streams_before_the_end_of_the_file(tmp_path: Path) -> None:
    """The first tracks arrive even though the file breaks later: nothing waits for the
    whole document."""
    xml = rekordbox_xml(FULL_TRACK + UNKNOWNS, "")
    path = tmp_path / "truncated.xml"
    path.write_text(xml[: xml.index("</COLLECTION>")] + "<TRACK TrackID=", encoding="utf-8")
    entries = iter_collection(path)
    assert [next(entries).source_id, next(entries).source_id] == ["101", "102"]
    with pytest.raises(PlaylistParseError, match="truncated.xml: broken XML"):
        next(entries)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("<DJ_PLAYLISTS><COLLECTION><TRACK></COLLECTION>", id="mismatched-tags"),
        pytest.param('<DJ_PLAYLISTS><COLLECTION><TRACK Name="a" Name="b"/>', id="duplicate-attr"),
        pytest.param(
            "<DJ_PLAYLISTS><COLLECTION>&undefined;</COLLECTION></DJ_PLAYLISTS>",
            id="undefined-entity",
        ),
        pytest.param("<DJ_PLAYLISTS>\x01</DJ_PLAYLISTS>", id="control-character"),
    ],
)
def test_broken_xml_is_a_parse_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "broken.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PlaylistParseError, match="^broken.xml: "):
        read_playlists(path, all_playlists=True)


def test_large_files_read_in_two_passes_give_the_same_playlists(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file up to ONE_PASS_BYTES is parsed once and its collection kept; a larger one is
    parsed twice and keeps nothing: both readings give the same entries, a Location-keyed
    playlist and the first COLLECTION only (a second one, hand-made, is not read) too."""
    location = "file://localhost/Users/dj/Music/deadmau5%20-%20Strobe.mp3"
    keyed = tmp_path / "keytype1.xml"
    xml = rekordbox_xml(FULL_TRACK + UNKNOWNS, playlist_node("ByPath", [location], "1"))
    keyed.write_text(xml, encoding="utf-8")
    second = tmp_path / "two-collections.xml"
    xml = rekordbox_xml(FULL_TRACK, "")
    second.write_text(xml.replace("  <PLAYLISTS>", f"  <COLLECTION>\n{WINDOWS}  </COLLECTION>\n"
                                  "  <PLAYLISTS>"), encoding="utf-8")  # fmt: skip

    def readings() -> list[object]:
        return [
            read_playlists(library, all_playlists=True),
            read_playlists(library, ["COLLECTION"]),
            read_playlists(keyed),
            read_playlists(second, ["COLLECTION"]),
        ]

    once = readings()
    monkeypatch.setattr(rekordbox, "ONE_PASS_BYTES", 0)
    assert rekordbox.scan(library).tracks is None
    assert readings() == once
    assert [e.source_id for e in once[3][0].entries] == ["101"]
    assert [len(p.entries) for p in once[0]] == [2, 1, 2, 1, 0]
