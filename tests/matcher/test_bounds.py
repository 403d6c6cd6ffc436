"""matcher.bounds: no text field of an entry or catalog track outgrows MAX_FIELD, so no
result can outgrow what the journal reads back, whatever the input file holds."""

from __future__ import annotations

from pathlib import Path

from matcher.bounds import MAX_FIELD, MAX_NAMES, bounded_entry, bounded_playlist, bounded_track
from matcher.engine.journal import encode_result
from matcher.engine.serialize import loads_result
from matcher.model import (
    Candidate,
    CatalogTrack,
    MatchResult,
    MatchStatus,
    Playlist,
    PlaylistEntry,
)
from matcher.playlists import read_playlists

HUGE = "\U0001f3b5" * (MAX_FIELD * 4)  # 4 bytes each in UTF-8: the worst case


def test_short_records_are_returned_as_they_are() -> None:
    entry = PlaylistEntry("a.m3u", "a", 0, title="Glass Tide", artist="Nova Reyes")
    track = CatalogTrack("1", "Glass Tide", artists=("Nova Reyes",))
    playlist = Playlist(Path("a.m3u"), "a", "m3u", (entry,))
    assert bounded_entry(entry) is entry
    assert bounded_track(track) is track
    assert bounded_playlist(playlist) is playlist


def test_long_fields_are_cut_and_the_rest_kept() -> None:
    entry = PlaylistEntry("a.m3u", "a", 3, title=HUGE, artist="Nova", duration_s=12.0)
    cut = bounded_entry(entry)
    assert len(cut.title) == MAX_FIELD and cut.artist == "Nova"
    assert (cut.entry_index, cut.duration_s) == (3, 12.0)
    track = bounded_track(CatalogTrack("1", HUGE, artists=tuple(["x"] * 500) + (HUGE,)))
    assert len(track.title) == MAX_FIELD and len(track.artists) == MAX_NAMES


def test_the_worst_result_still_fits_a_journal_row() -> None:
    entry = bounded_entry(
        PlaylistEntry("a.m3u", HUGE, 0, **{f: HUGE for f in ("title", "artist", "comments",
                                                               "location", "source_id")})
    )  # fmt: skip
    track = bounded_track(CatalogTrack(HUGE, HUGE, mix=HUGE, label=HUGE, release=HUGE,
                                       artists=(HUGE,) * 3))  # fmt: skip
    best = Candidate(track, 0.9, {"title": 1.0})
    result = MatchResult(entry, MatchStatus.MATCHED, 0.9, "local", "x", best, (best,) * 10)
    assert loads_result(encode_result(result).data).entry.title == entry.title


def test_a_10_mb_m3u_line_is_read_and_cut(tmp_path: Path) -> None:
    path = tmp_path / "long.m3u8"
    path.write_text("#EXTM3U\n/Music/" + "p" * 10_000_000 + ".mp3\n", encoding="utf-8")
    (playlist,) = read_playlists(path)
    (entry,) = playlist.entries
    assert len(entry.location) == MAX_FIELD and len(entry.source_id) == MAX_FIELD
