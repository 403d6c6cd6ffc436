from __future__ import annotations

import codecs
import os

import pytest

from matcher.errors import InputError, PlaylistParseError, UnsupportedFormat
from matcher.playlists import detect_format, read_playlists

REKORDBOX = (
    '<?xml version="1.0" encoding="UTF-8"?>\n\n<DJ_PLAYLISTS Version="1.0.0"></DJ_PLAYLISTS>\n'
)
NML = '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n<NML VERSION="19"></NML>\n'
M3U = "#EXTM3U\n#EXTINF:1,A - B\n/m/a.mp3\n"
CSV = "Track Name,Artist Name(s)\nA,B\n"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        pytest.param("lib.xml", REKORDBOX, "rekordbox", id="rekordbox-xml"),
        pytest.param("collection.xml", NML, "nml", id="nml-saved-as-xml"),
        pytest.param("collection.nml", NML, "nml", id="nml"),
        pytest.param("export.txt", REKORDBOX, "rekordbox", id="rekordbox-as-txt"),
        pytest.param("lib.xml", "<!-- exported -->\n" + REKORDBOX, "rekordbox", id="xml-comment"),
        pytest.param(
            "lib.xml",
            codecs.BOM_UTF16_LE + REKORDBOX.replace("UTF-8", "UTF-16").encode("utf-16-le"),
            "rekordbox",
            id="rekordbox-utf16",
        ),
        pytest.param("set.txt", M3U, "m3u", id="m3u-as-txt"),
        pytest.param("set.csv", M3U, "m3u", id="m3u-as-csv"),
        pytest.param("set", "/m/a.mp3\r\n/m/b.flac\r\n", "m3u", id="paths-no-header"),
        pytest.param(
            "set.dat", "C:\\Music\\a, b.mp3\nD:\\x.wav\n", "m3u", id="windows-paths-commas"
        ),
        pytest.param(
            "set.m3u",
            codecs.BOM_UTF8 + b"#EXTVDJ:<title>x</title>\n/a.m4a\n",
            "m3u",
            id="bom-extvdj",
        ),
        pytest.param(
            "set.m3u8", codecs.BOM_UTF16_BE + M3U.encode("utf-16-be"), "m3u", id="m3u-utf16"
        ),
        pytest.param("list.txt", CSV, "csv", id="csv-as-txt"),
        pytest.param("list.m3u", CSV, "csv", id="csv-as-m3u"),
        pytest.param("list.csv", codecs.BOM_UTF8 + CSV.encode(), "csv", id="csv-bom"),
        pytest.param("list.tsv", "Title\tArtist\nA\tB\n", "csv", id="tsv"),
        pytest.param("odd.csv", "x;y\n1;2\n", "csv", id="unrecognised-csv-by-extension"),
        pytest.param("odd.m3u", "just some words\n", "m3u", id="unrecognised-m3u-by-extension"),
    ],
)
def test_detect_by_content(write, name: str, content: str | bytes, expected: str) -> None:
    assert detect_format(write(name, content)) == expected


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        pytest.param(
            "a.xml",
            '<?xml version="1.0"?><playlist version="1"/>',
            UnsupportedFormat,
            "<playlist> is not a Rekordbox",
            id="xspf",
        ),
        pytest.param(
            "a.html", "<html><body>x</body></html>", UnsupportedFormat, "<html>", id="html"
        ),
        pytest.param(
            "a.txt",
            "Dear diary, today I played records.\n",
            UnsupportedFormat,
            "not a playlist",
            id="prose",
        ),
        pytest.param(
            "a.mp3", b"\xff\xfb\x90\x00" + bytes(400), UnsupportedFormat, "binary", id="audio-file"
        ),
        pytest.param(
            "a.m3u", b"\x00\x01\x02\x03junk\x00\x00", UnsupportedFormat, "binary", id="junk"
        ),
        pytest.param("a.m3u", b"", PlaylistParseError, "a.m3u: the file is empty", id="empty"),
        pytest.param("a.csv", "\r\n  \n\t\n", PlaylistParseError, "only blank lines", id="blank"),
    ],
)
def test_refused(write, name: str, content: str | bytes, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        detect_format(write(name, content))


def test_missing_file(tmp_path) -> None:
    with pytest.raises(InputError, match="^gone.xml: file not found"):
        read_playlists(tmp_path / "gone.xml")


def test_directory(tmp_path) -> None:
    (tmp_path / "folder.m3u").mkdir()
    with pytest.raises(InputError, match="^folder.m3u: is a folder"):
        read_playlists(tmp_path / "folder.m3u")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(write) -> None:
    path = write("locked.m3u", M3U)
    path.chmod(0)
    with pytest.raises(InputError, match="^locked.m3u: cannot be read"):
        read_playlists(path)
