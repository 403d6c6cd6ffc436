"""LazyEntries: a playlist's entries made on first use, behaving as the tuple they stand
for; and a Rekordbox XML or an M3U read lazily gives the playlists an eager read gives."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from matcher.bounds import MAX_FIELD
from matcher.model import PlaylistEntry
from matcher.playlists import load_playlists, read_playlists, rekordbox
from matcher.playlists.lazy import LazyEntries
from tests.matcher.playlists.test_m3u import write_mp3
from tests.matcher.playlists.test_rekordbox import (
    FULL_TRACK,
    UNKNOWNS,
    WINDOWS,
    playlist_node,
    rekordbox_track,
    rekordbox_xml,
)


def lazy_of(titles: list[str]) -> tuple[LazyEntries[str], list[int]]:
    made: list[int] = []

    def make(index: int, title: str) -> PlaylistEntry:
        made.append(index)
        return PlaylistEntry("x.m3u8", "x", index, title=title)

    return LazyEntries(titles, make), made


def test_entries_are_made_once_when_first_asked_for() -> None:
    entries, made = lazy_of(["a", "b", "c"])
    assert len(entries) == 3 and made == []
    assert entries[1].title == "b" and entries[-1].title == "c"
    assert entries[1] is entries[1]
    assert made == [1, 2]
    assert [e.title for e in entries] == ["a", "b", "c"] and made == [1, 2, 0]
    assert [e.title for e in entries[1:]] == ["b", "c"]
    with pytest.raises(IndexError):
        entries[3]


def test_they_equal_hash_and_pickle_as_the_tuple() -> None:
    entries, _made = lazy_of(["a", "b"])
    eager = tuple(PlaylistEntry("x.m3u8", "x", i, title=t) for i, t in enumerate("ab"))
    assert entries == eager and eager == entries and hash(entries) == hash(eager)
    assert entries != eager[:1]
    copy = pickle.loads(pickle.dumps(entries))
    assert type(copy) is tuple and copy == eager
    assert bool(lazy_of([])[0]) is False


@pytest.fixture
def export(tmp_path: Path) -> Path:
    long_title = "Long " + "x" * (MAX_FIELD + 10)
    tracks = FULL_TRACK + UNKNOWNS + WINDOWS + rekordbox_track("104", Name=long_title)
    location = "file://localhost/Users/dj/Music/deadmau5%20-%20Strobe.mp3"
    playlists = (playlist_node("Set", ["103", "999", "101", "104", "102"])
                 + playlist_node("ByPath", [location], "1"))  # fmt: skip
    path = tmp_path / "rekordbox.xml"
    path.write_text(rekordbox_xml(tracks, playlists), encoding="utf-8")
    return path


@pytest.mark.parametrize("one_pass", [True, False], ids=["read-once", "read-twice"])
def test_a_lazy_read_gives_the_eager_reads_playlists(
    export: Path, one_pass: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same entries in the same order (the dangling key skipped, Location keys), and an
    over-long field bounded as the eager read bounds it; a file too big to keep its
    collection while parsing (read twice) is made lazily too."""
    if not one_pass:
        monkeypatch.setattr(rekordbox, "ONE_PASS_BYTES", 0)
    eager = read_playlists(export, all_playlists=True)
    lazy = read_playlists(export, all_playlists=True, lazy=True)
    assert isinstance(lazy[0].entries, LazyEntries)
    assert lazy == eager
    assert [e.source_id for e in lazy[0].entries] == ["103", "101", "104", "102"]
    assert len(lazy[0].entries[2].title) == MAX_FIELD
    assert load_playlists([export], all_playlists=True, lazy=True) == eager


def test_a_lazy_m3u_gives_the_eager_entries_and_reads_tags_when_asked(tmp_path: Path) -> None:
    """The lines are read at once, each entry (its audio file's tags) when first asked
    for: a file tagged after the read is seen by the lazy entry and not by the eager
    one; the rest is the eager read, the over-long field bounded the same way."""
    song = tmp_path / "music" / "untitled.mp3"
    write_mp3(song)
    long_title = "Long " + "x" * (MAX_FIELD + 10)
    playlist = tmp_path / "set.m3u8"
    playlist.write_text(
        f"#EXTM3U\n#EXTINF:300,Moby - Porcelain\nmusic/porcelain.mp3\n{song}\n"
        f"#EXTINF:200,Someone - {long_title}\nmusic/long.mp3\n",
        encoding="utf-8",
    )
    eager = read_playlists(playlist)
    lazy = read_playlists(playlist, lazy=True)
    assert isinstance(lazy[0].entries, LazyEntries)
    assert len(lazy[0].entries) == 3
    write_mp3(song, TIT2="Teardrop", TPE1="Massive Attack")
    assert lazy[0].entries[1].title == "Teardrop"
    assert eager[0].entries[1].title == "untitled"
    song.unlink()
    assert [e.title for e in lazy[0].entries] == ["Porcelain", "Teardrop", long_title[:MAX_FIELD]]
    assert lazy[0].entries[0] == eager[0].entries[0]
    assert lazy[0].entries[2] == eager[0].entries[2]
    assert load_playlists([playlist], lazy=True)[0].entries[1].title == "untitled"
