"""Small hand-built playlists and results for the output tests."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from matcher.model import (
    Candidate,
    CatalogTrack,
    MatchResult,
    MatchStatus,
    Playlist,
    PlaylistEntry,
    QueryRecord,
)


def entry(index: int, file: str = "set.m3u8", playlist: str = "Set", **fields) -> PlaylistEntry:
    fields.setdefault("artist", f"Artist {index}")
    fields.setdefault("title", f"Title {index}")
    return PlaylistEntry(playlist_file=file, playlist=playlist, entry_index=index, **fields)


def track(catalog_id: str, **fields) -> CatalogTrack:
    fields.setdefault("title", f"Catalog {catalog_id}")
    fields.setdefault("artists", ("Cat Artist",))
    return CatalogTrack(catalog_id=catalog_id, **fields)


def matched(e: PlaylistEntry, t: CatalogTrack, confidence: float = 0.93, **kw) -> MatchResult:
    best = Candidate(t, confidence, {"title": 1.0, "artists": 0.9}, {"artists": 0.05})
    kw.setdefault("candidates", (best,))
    return MatchResult(e, MatchStatus.MATCHED, confidence, "local", "confident", best, **kw)


def unmatched(e: PlaylistEntry, reason: str = "below threshold") -> MatchResult:
    return MatchResult(e, MatchStatus.UNMATCHED, 0.21, "local", reason)


def playlist(entries, source: Path, name: str = "Set", fmt: str = "m3u") -> Playlist:
    return Playlist(source=source, name=name, format=fmt, entries=tuple(entries))


@pytest.fixture
def make() -> SimpleNamespace:
    """Builders: make.entry, make.track, make.matched, make.unmatched, make.playlist,
    plus the record types, so tests read as data."""
    return SimpleNamespace(
        entry=entry,
        track=track,
        matched=matched,
        unmatched=unmatched,
        playlist=playlist,
        Candidate=Candidate,
        MatchResult=MatchResult,
        MatchStatus=MatchStatus,
        QueryRecord=QueryRecord,
    )


@pytest.fixture
def mixed_results(tmp_path: Path, make) -> tuple[Playlist, list[MatchResult]]:
    """Four entries, one per status, returned out of order."""
    source = tmp_path / "in" / "set.m3u8"
    source.parent.mkdir()
    source.write_text("#EXTM3U\n", encoding="utf-8")
    entries = [
        make.entry(0, location="/music/a.mp3", duration_s=301.0, bpm=124.0, key="8A"),
        make.entry(1, title="Close Call", album="LP", label="Lbl"),
        make.entry(2, title="Nowhere", mix="Dub", duration_s=200.5, bpm=122.5, key="Am"),
        make.entry(3, title="Broken", location="/music/d.mp3"),
    ]
    t_a = make.track(
        "cat-a",
        title="Alpha",
        mix="Extended Mix",
        artists=("Ann", "Bob"),
        remixers=("Rex",),
        label="Label A",
        release="Rel A",
        release_date="2020-03-01",
        bpm=124.0,
        key="A Minor",
        genre="House",
        duration_s=301.0,
        isrc="GBAAA2000001",
        location="/owned/alpha.flac",
    )
    best_b = make.Candidate(
        make.track("cat-b1", title="Close Call"),
        0.71,
        {"title": 1.0, "artists": 0.6, "version": 0.5, "duration": 0.8, "bpm": 1.0, "key": 0.2},
        {"title": 0.0, "version": 0.4, "artists": 0.12},
        note="",
    )
    second_b = make.Candidate(
        make.track("cat-b2", title="Close Call", mix="Dub"),
        0.69,
        {"title": 1.0},
        {"version": 0.5},
        guard="",
        note="runner-up within margin",
    )
    review = make.MatchResult(
        entries[1],
        make.MatchStatus.REVIEW,
        0.71,
        "local",
        "ambiguous",
        best_b,
        (best_b, second_b),
        (
            make.QueryRecord("title+artist", "close call artist 1", 2, 1.5),
            make.QueryRecord("title", "close call", 5, 0.25),
        ),
        elapsed_ms=3.0,
    )
    rejected = make.Candidate(
        make.track("cat-c", title="Nowhere (Remix)"), 0.4, {}, {}, "guard: remix vs original"
    )
    results = [
        make.MatchResult(
            entries[3], make.MatchStatus.ERROR, 0.0, "local", "provider down: timeout"
        ),
        review,
        make.matched(entries[0], t_a, 0.96, query_log=(make.QueryRecord("isrc", "x", 1),)),
        make.MatchResult(
            entries[2],
            make.MatchStatus.UNMATCHED,
            0.4,
            "local",
            "below threshold",
            None,
            (rejected,),
        ),
    ]
    return make.playlist(entries, source, name="Set", fmt="m3u"), results
