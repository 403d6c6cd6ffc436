"""The public surface of matcher.playlists, across formats."""

from __future__ import annotations

import pickle

import pytest

import matcher.playlists as playlists
from matcher.errors import PlaylistParseError, UnsupportedFormat


def test_public_names() -> None:
    for name in (
        "detect_format",
        "list_playlists",
        "read_playlists",
        "iter_collection",
        "parse_filename",
        "FileNameInfo",
        "COLLECTION",
    ):
        assert name in playlists.__all__
        assert hasattr(playlists, name)


def test_iter_collection_of_a_playlist_format_is_refused_at_once(write) -> None:
    path = write("set.m3u8", "#EXTM3U\n/a.mp3\n")
    with pytest.raises(UnsupportedFormat, match="set.m3u8: an M3U playlist has no collection"):
        playlists.iter_collection(path)


def test_a_single_name_as_a_string(write) -> None:
    path = write("set.m3u8", "#EXTM3U\n/a.mp3\n")
    assert [p.name for p in playlists.read_playlists(path, "set")] == ["set"]


def test_paths_as_strings(write) -> None:
    path = write("set.m3u8", "/a.mp3\n")
    assert playlists.detect_format(str(path)) == "m3u"  # type: ignore[arg-type]
    assert len(playlists.read_playlists(str(path))[0].entries) == 1  # type: ignore[arg-type]


def test_playlists_pickle(write) -> None:
    """Playlists travel to worker processes."""
    (playlist,) = playlists.read_playlists(write("set.m3u8", "#EXTINF:1,A - B\n/a.mp3\n"))
    assert pickle.loads(pickle.dumps(playlist)) == playlist


def test_csv_field_too_large_is_a_parse_error(write) -> None:
    path = write("huge.csv", 'Title,Artist\n"' + "x" * 200_000 + '",B\n')
    with pytest.raises(PlaylistParseError, match="^huge.csv: "):
        playlists.read_playlists(path)
