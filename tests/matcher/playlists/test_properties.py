"""Whatever bytes a file holds, a reader gives a result or one of our typed errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.errors import CrateMatchError
from matcher.model import Playlist
from matcher.playlists import iter_collection, list_playlists, read_playlists
from matcher.playlists.csvfile import parse_text as parse_csv
from matcher.playlists.m3u import parse_text as parse_m3u

PREFIXES = {
    "rekordbox": '<?xml version="1.0" encoding="UTF-8"?>\n<DJ_PLAYLISTS Version="1.0.0">'
    '<COLLECTION Entries="1"><TRACK TrackID="1" Name="a"/></COLLECTION><PLAYLISTS>'
    '<NODE Type="0" Name="ROOT">',
    "nml": '<?xml version="1.0" encoding="UTF-8" standalone="no" ?><NML VERSION="19">'
    '<COLLECTION ENTRIES="1"><ENTRY TITLE="a"><LOCATION DIR="/:" FILE="a" VOLUME="v"/></ENTRY>',
    "m3u": "#EXTM3U\n#EXTINF:",
    "csv": '"Track Name","Artist Name(s)","Key","Mode","Track Duration (ms)"\n',
}
EXTENSIONS = {"rekordbox": ".xml", "nml": ".nml", "m3u": ".m3u8", "csv": ".csv"}
# XML fragments make broken-but-plausible documents more likely than pure noise does.
XML_BITS = st.sampled_from(
    [
        '<NODE Type="1" Name="p" KeyType="0">',
        "</NODE>",
        '<TRACK Key="1"/>',
        "<TRACK ",
        "</PLAYLISTS>",
        "</DJ_PLAYLISTS>",
        "</COLLECTION>",
        "<PLAYLISTS>",
        "&amp;",
        "&bogus;",
        "<![CDATA[x]]>",
        "<!DOCTYPE x>",
        '<NODE TYPE="PLAYLIST" NAME="n"><PLAYLIST>',
        '<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="v/:a"/></ENTRY>',
        "</PLAYLIST></NODE>",
        "</NML>",
        "\x00",
        "\ufeff",
        "é",
        "\r\n",
    ]
)
TAILS = st.one_of(
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
    st.text(max_size=300),
    st.lists(st.one_of(XML_BITS, st.text(max_size=12)), max_size=25).map("".join),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-16", "utf-16-be", "cp1252", "latin-1"])
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


def _exercise(path: Path) -> None:
    try:
        list_playlists(path)
        read = read_playlists(path, all_playlists=True)
        assert all(isinstance(p, Playlist) for p in read)
        for playlist in read:
            assert [e.entry_index for e in playlist.entries] == list(range(len(playlist.entries)))
    except CrateMatchError as err:
        assert str(err) and "\n" not in str(err)
    try:
        for _ in iter_collection(path):
            pass
    except CrateMatchError as err:
        assert str(err) and "\n" not in str(err)


@pytest.mark.parametrize("fmt", list(PREFIXES))
@SETTINGS
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes(tmp_path: Path, fmt: str, data: bytes) -> None:
    path = tmp_path / f"any{EXTENSIONS[fmt]}"
    path.write_bytes(data)
    _exercise(path)


@pytest.mark.parametrize("fmt", list(PREFIXES))
@SETTINGS
@given(tail=TAILS, encoding=ENCODINGS)
def test_plausible_beginnings(tmp_path: Path, fmt: str, tail: str, encoding: str) -> None:
    path = tmp_path / f"any{EXTENSIONS[fmt]}"
    path.write_bytes(_encode(PREFIXES[fmt] + tail, encoding))
    _exercise(path)


@SETTINGS
@given(content=st.text(max_size=400))
def test_m3u_text_always_parses(tmp_path: Path, content: str) -> None:
    playlist = parse_m3u(content, tmp_path / "x.m3u")
    assert all(e.source_id for e in playlist.entries)


@SETTINGS
@given(tail=TAILS)
def test_csv_text_parses_or_refuses(tmp_path: Path, tail: str) -> None:
    try:
        playlists = parse_csv(PREFIXES["csv"] + tail, tmp_path / "x.csv")
    except CrateMatchError:
        return
    assert playlists and all(p.format == "csv" for p in playlists)
