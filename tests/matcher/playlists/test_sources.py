from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from matcher.errors import InputError, PlaylistParseError
from matcher.playlists.sources import decode_text, looks_binary, read_bytes, read_head

TEXT = "#EXTINF:1,Tiësto - Café ☆ 塊魂\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(codecs.BOM_UTF8 + TEXT.encode(), TEXT, id="utf8-bom"),
        pytest.param(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), TEXT, id="utf16-le-bom"),
        pytest.param(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), TEXT, id="utf16-be-bom"),
        pytest.param(codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), TEXT, id="utf32-le-bom"),
        pytest.param(TEXT.encode(), TEXT, id="utf8"),
        pytest.param(
            "#EXTINF:1,Plain ascii\n".encode("utf-16-le"),
            "#EXTINF:1,Plain ascii\n",
            id="utf16-le-no-bom",
        ),
        pytest.param(
            "La liberación 99.9 F°".encode("cp1252"), "La liberación 99.9 F°", id="cp1252"
        ),
        pytest.param("“quoted” – dash".encode("cp1252"), "“quoted” – dash", id="cp1252-smart"),
        pytest.param(b"\x81\x8d\xff", "\x81\x8d\xff", id="latin1-fallback"),
    ],
)
def test_decode_text(data: bytes, expected: str) -> None:
    assert decode_text(data) == expected


def test_decode_partial_head_cut_inside_a_character() -> None:
    data = "ab塊".encode()[:-1]  # the head of a file ends inside a 3-byte character
    assert decode_text(data, partial=True) == "ab"
    assert decode_text(data) != "ab"  # a whole file that ends like that is not UTF-8


@pytest.mark.parametrize(
    ("text", "expected"),
    [("plain text\r\n", False), ("a\x00b", True), ("\x01\x02\x03\x04" * 10, True), ("", False)],
)
def test_looks_binary(text: str, expected: bool) -> None:
    assert looks_binary(text) is expected


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.m3u: file not found"):
        read_head(tmp_path / "nope.m3u")


def test_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        read_bytes(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(PlaylistParseError, match="empty.csv: the file is empty"):
        read_bytes(empty)


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root every file is readable, so the OS error is raised by hand."""
    path = tmp_path / "locked.m3u"
    path.write_text("/a.mp3\n")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError, match=r"^locked.m3u: cannot be read \(permission denied\)$"):
        read_head(path)
