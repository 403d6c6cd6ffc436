from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from mutagen.id3 import ID3, TALB, TBPM, TCON, TDRC, TIT2, TKEY, TPE1, TPUB, TSRC

from matcher.model import PlaylistInfo
from matcher.playlists import list_playlists, read_playlists
from matcher.playlists.audiotags import read_tags
from matcher.playlists.m3u import parse_text

MPEG_FRAME = b"\xff\xfb\x90\x00" + bytes(413)  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz


def write_mp3(path: Path, **frames: str) -> Path:
    """A short silent MP3 with ID3 frames (TIT2="...", TPE1="...", ...)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(MPEG_FRAME * 40)
    tags = ID3()
    kinds = {
        "TIT2": TIT2,
        "TPE1": TPE1,
        "TALB": TALB,
        "TCON": TCON,
        "TBPM": TBPM,
        "TKEY": TKEY,
        "TPUB": TPUB,
        "TSRC": TSRC,
        "TDRC": TDRC,
    }
    for frame_id, value in frames.items():
        tags.add(kinds[frame_id](encoding=3, text=value))
    tags.save(path)
    return path


def one(content: str, tmp_path: Path, name: str = "set.m3u8"):
    return parse_text(content, tmp_path / name).entries


@pytest.mark.parametrize(
    ("content", "artist", "title", "duration"),
    [
        pytest.param("#EXTINF:245,Artist - Title\n/m/x.mp3", "Artist", "Title", 245.0, id="extinf"),
        pytest.param(
            "#EXTINF:231,燃える Stage A-1,Staff\n/m/02.mp3",
            "",
            "燃える Stage A-1,Staff",
            231.0,
            id="commas-in-title",
        ),
        pytest.param(
            "#EXTINF:208,Phace, Mefjus - Clock Off\n/m/x.mp3",
            "Phace, Mefjus",
            "Clock Off",
            208.0,
            id="comma-in-artist",
        ),
        pytest.param("#EXTINF:-1,A - B - C\n/m/x.mp3", "A", "B - C", None, id="minus-one-duration"),
        pytest.param(
            "#EXTINF\n/m/Kate Bush - Lily.m4a",
            "Kate Bush",
            "Lily",
            None,
            id="bare-extinf-uses-file-name",
        ),
        pytest.param(
            "#EXTINF:0,01 Intro.mp3\n01 Intro.mp3", "", "Intro", None, id="title-is-file-name"
        ),
        pytest.param("#EXTINF:12\n/m/A - B.mp3", "A", "B", 12.0, id="no-comma"),
        pytest.param('#EXTINF:-1 tvg-id="x",Name\nhttp://h/s', "", "Name", None, id="attributes"),
        pytest.param(
            "/m/Artist_-_Title_(Original_Mix).mp3",
            "Artist",
            "Title (Original Mix)",
            None,
            id="path-only",
        ),
        pytest.param(
            "#EXTVDJ:<filesize>1</filesize><artist>AC &amp; DC</artist><title>T</title>"
            "<songlength>246.000</songlength>\n/m/x.m4a",
            "AC & DC",
            "T",
            246.0,
            id="extvdj",
        ),
    ],
)
def test_entry_text(
    content: str, artist: str, title: str, duration: float | None, tmp_path: Path
) -> None:
    (entry,) = one(content, tmp_path)
    assert (entry.artist, entry.title, entry.duration_s) == (artist, title, duration)


def test_entries_positions_and_names(tmp_path: Path) -> None:
    entries = one("#EXTM3U\n\n# a comment\n/m/a.mp3\n\n/m/b.mp3\n#EXTINF:1,X - Y\n", tmp_path)
    assert [(e.entry_index, e.source_id) for e in entries] == [(0, "/m/a.mp3"), (1, "/m/b.mp3")]
    assert {(e.playlist_file, e.playlist) for e in entries} == {("set.m3u8", "set")}


@pytest.mark.parametrize(
    ("line", "location"),
    [
        pytest.param("C:\\Users\\dj\\x.mp3", "C:\\Users\\dj\\x.mp3", id="windows-kept"),
        pytest.param("/abs/x.mp3", "/abs/x.mp3", id="posix-absolute"),
        pytest.param("file:///abs/a%20b.mp3", "/abs/a b.mp3", id="file-url"),
        pytest.param("https://host/a.mp3", "https://host/a.mp3", id="http-url"),
    ],
)
def test_locations(line: str, location: str, tmp_path: Path) -> None:
    (entry,) = one(line, tmp_path)
    assert (entry.source_id, entry.location) == (line, location)


def test_relative_location_is_made_absolute(tmp_path: Path) -> None:
    (entry,) = one("sub/01 Intro.mp3", tmp_path)
    assert entry.source_id == "sub/01 Intro.mp3"
    assert entry.location == str(tmp_path.absolute() / "sub" / "01 Intro.mp3")


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        pytest.param("utf-8", codecs.BOM_UTF8, id="utf8-bom"),
        pytest.param("utf-16-le", codecs.BOM_UTF16_LE, id="utf16-le"),
        pytest.param("utf-16-be", codecs.BOM_UTF16_BE, id="utf16-be"),
        pytest.param("utf-8", b"", id="utf8"),
        pytest.param("cp1252", b"", id="cp1252"),
    ],
)
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_encodings_and_line_endings(write, encoding: str, bom: bytes, newline: str) -> None:
    lines = [
        "#EXTM3U",
        "#EXTINF:200,Tiësto - La liberación",
        "/m/La liberación/x.mp3",
        "",
        "#EXTINF:100,CSS - 99.9 F°",
        "/m/y.mp3",
    ]
    path = write("list.m3u", bom + newline.join(lines).encode(encoding))
    (playlist,) = read_playlists(path)
    assert [(e.artist, e.title) for e in playlist.entries] == [
        ("Tiësto", "La liberación"),
        ("CSS", "99.9 F°"),
    ]
    assert playlist.entries[0].source_id == "/m/La liberación/x.mp3"


def test_bom_before_extvdj(write) -> None:
    path = write(
        "vdj.m3u", codecs.BOM_UTF8 + b"#EXTVDJ:<artist>ACTORS</artist><title>Once</title>\n/a.m4a\n"
    )
    (playlist,) = read_playlists(path)
    assert [(e.artist, e.title, e.source_id) for e in playlist.entries] == [
        ("ACTORS", "Once", "/a.m4a")
    ]


def test_list_playlists_names_the_file(write) -> None:
    path = write("My Set.m3u8", "#EXTM3U\n/a.mp3\n/b.mp3\n")
    assert list_playlists(path) == [PlaylistInfo("My Set", 2)]


def test_header_only_playlist_is_empty(write) -> None:
    (playlist,) = read_playlists(write("empty.m3u", "#EXTM3U\r\n"))
    assert playlist.entries == ()


def test_audio_tags_fill_what_the_playlist_does_not_say(tmp_path: Path) -> None:
    write_mp3(
        tmp_path / "music" / "01 file name.mp3",
        TIT2="Tagged",
        TPE1="Tag Artist",
        TALB="Album",
        TCON="House",
        TBPM="124",
        TKEY="Am",
        TPUB="Label",
        TSRC="GBAAA2000001",
        TDRC="2020-03-01",
    )
    playlist = tmp_path / "set.m3u8"
    playlist.write_text(
        "#EXTM3U\nmusic/01 file name.mp3\n#EXTINF:300,Said - So\nmusic/01 file name.mp3\n"
    )
    tagged, said = read_playlists(playlist)[0].entries
    assert (tagged.artist, tagged.title, tagged.album, tagged.genre) == (
        "Tag Artist",
        "Tagged",
        "Album",
        "House",
    )
    assert (tagged.bpm, tagged.key, tagged.label, tagged.isrc, tagged.year) == (
        124.0,
        "Am",
        "Label",
        "GBAAA2000001",
        "2020-03-01",
    )
    assert tagged.duration_s == pytest.approx(1.04, abs=0.01)
    assert (said.artist, said.title, said.duration_s, said.bpm) == ("Said", "So", 300.0, 124.0)


def test_title_only_extinf_takes_the_artist_from_tags(tmp_path: Path) -> None:
    write_mp3(tmp_path / "a.mp3", TIT2="Tagged", TPE1="Tag Artist")
    (entry,) = one("#EXTINF:10,gravity\na.mp3", tmp_path)
    assert (entry.artist, entry.title) == ("Tag Artist", "gravity")


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"not audio at all", id="text"),
        pytest.param(b"ID3\x04\x00\x00\x00\x00\x00\x10garbage", id="broken-id3"),
        pytest.param(MPEG_FRAME[:10], id="truncated-mpeg"),
    ],
)
def test_unreadable_audio_gives_no_tags(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "Artist - Song.mp3"
    path.write_bytes(content)
    assert read_tags(path) is None or read_tags(path).title == ""
    (entry,) = one(path.name, tmp_path)
    assert (entry.artist, entry.title) == ("Artist", "Song")


def test_folders_and_devices_are_not_read_as_audio(tmp_path: Path) -> None:
    (tmp_path / "dir.mp3").mkdir()
    assert read_tags(tmp_path / "dir.mp3") is None
    assert read_tags(Path("/dev/zero")) is None
