from __future__ import annotations

import pytest

from matcher.errors import PlaylistSelectionError
from matcher.model import PlaylistInfo
from matcher.playlists.select import COLLECTION, choose, unique_path, with_folder_counts

TREE = [
    PlaylistInfo("House", 0, is_folder=True),
    PlaylistInfo("House/Deep", 10),
    PlaylistInfo("House/Test", 1),
    PlaylistInfo("House/Sub", 0, is_folder=True),
    PlaylistInfo("House/Sub/Test", 2),
    PlaylistInfo("Techno", 5),
    PlaylistInfo("Empty Folder", 0, is_folder=True),
]


def pick(*names: str, tree: list[PlaylistInfo] = TREE, collection: bool = True) -> list[str]:
    return choose(tree, names, file_name="lib.xml", collection=collection)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        pytest.param(("House/Deep",), ["House/Deep"], id="full-path"),
        pytest.param(("Techno",), ["Techno"], id="top-level"),
        pytest.param(("Deep",), ["House/Deep"], id="unique-bare-name"),
        pytest.param(("house/deep",), ["House/Deep"], id="case-insensitive"),
        pytest.param(("House/Sub",), ["House/Sub/Test"], id="folder"),
        pytest.param(("House",), ["House/Deep", "House/Test", "House/Sub/Test"], id="folder-all"),
        pytest.param(("ROOT/Techno",), ["Techno"], id="root-prefix"),
        pytest.param(("/House/Deep/",), ["House/Deep"], id="slashes"),
        pytest.param(
            ("Techno", "House/Deep", "Techno"), ["Techno", "House/Deep"], id="order-dedup"
        ),
        pytest.param(("COLLECTION",), [COLLECTION], id="collection"),
    ],
)
def test_names(names: tuple[str, ...], expected: list[str]) -> None:
    assert pick(*names) == expected


def test_ambiguous_bare_name_lists_the_paths() -> None:
    with pytest.raises(PlaylistSelectionError, match='"Test" matches 2.*"House/Sub/Test"'):
        pick("Test")


def test_unknown_name_lists_what_there_is() -> None:
    with pytest.raises(PlaylistSelectionError, match='no playlist "Trance".*"House/Deep"'):
        pick("Trance")


def test_empty_folder_selects_nothing() -> None:
    with pytest.raises(PlaylistSelectionError, match="selects no playlists"):
        pick("Empty Folder")


def test_collection_is_not_a_name_in_a_playlist_file() -> None:
    with pytest.raises(PlaylistSelectionError):
        pick("COLLECTION", collection=False)


def test_all_playlists() -> None:
    assert choose(TREE, all_playlists=True, file_name="x") == [
        "House/Deep",
        "House/Test",
        "House/Sub/Test",
        "Techno",
    ]


def test_all_playlists_of_a_collection_without_playlists() -> None:
    assert choose([], all_playlists=True, file_name="x", collection=True) == [COLLECTION]


def test_single_playlist_needs_no_name() -> None:
    assert choose([PlaylistInfo("set", 3)], file_name="set.m3u") == ["set"]


def test_no_playlists_gives_the_collection() -> None:
    assert choose([PlaylistInfo("F", 0, True)], file_name="x", collection=True) == [COLLECTION]


def test_several_playlists_ask_for_a_choice() -> None:
    many = [PlaylistInfo(f"P{i}", 1) for i in range(9)]
    with pytest.raises(PlaylistSelectionError) as err:
        choose(many, file_name="lib.xml")
    message = str(err.value)
    assert "holds 9 playlists" in message
    assert '"P0"' in message and "4 more" in message
    assert '--playlist "Folder/Name"' in message and "--all-playlists" in message
    assert "\n" not in message


def test_unique_path_suffixes() -> None:
    seen: set[str] = set()
    assert [unique_path("F/Test", seen) for _ in range(3)] == ["F/Test", "F/Test (2)", "F/Test (3)"]


def test_folder_counts_sum_the_playlists_below() -> None:
    counted = {i.path: i.entries for i in with_folder_counts(TREE)}
    assert counted["House"] == 13
    assert counted["House/Sub"] == 2
    assert counted["Empty Folder"] == 0
