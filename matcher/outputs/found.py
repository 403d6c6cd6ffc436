"""`found.m3u8`: the matched entries as a playlist any DJ software can open.

Each matched entry points at the catalog track's file when it has one (a collection
imported as the catalog: the copy the user owns), else at the entry's own file or URL.
Entries with neither cannot be played and are left out; the caller reports how many.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matcher.model import MatchResult, MatchStatus
from matcher.outputs.locations import playable_location

__all__ = ["FoundPlaylist", "found_playlist"]


@dataclass(frozen=True, slots=True)
class FoundPlaylist:
    text: str  # the whole .m3u8, "\n" line endings
    written: int  # entries in it
    without_file: int  # matched entries left out for want of a file


def _single_line(text: str) -> str:
    """M3U is line-based: a newline inside a title would start a bogus path line."""
    return " ".join(text.split())


def _label(result: MatchResult) -> str:
    """ "Artist - Title (Mix)", or the title alone when no artist is known (players show
    "#EXTINF:…,- Title" as a stray dash)."""
    track = result.track
    if track is None:
        artist, title = result.entry.artist.strip(), result.entry.title
    else:
        artist, title = ", ".join(track.artists), track.title
        if track.mix and track.mix.casefold() not in title.casefold():
            title = f"{title} ({track.mix})"
    return f"{artist} - {title}" if artist else title


def _seconds(result: MatchResult) -> int:
    track = result.track
    for value in (track.duration_s if track else None, result.entry.duration_s):
        if value and value > 0:
            return round(value)
    return -1


def found_playlist(results: Sequence[MatchResult], base: Path) -> FoundPlaylist:
    """Build found.m3u8 from `results` (already in entry order); `base` resolves
    relative entry paths (the input playlist's folder)."""
    lines = ["#EXTM3U"]
    written = without_file = 0
    for result in results:
        if result.status != MatchStatus.MATCHED:
            continue
        location = playable_location(result.entry, result.track, base)
        if not location or "\n" in location or "\r" in location:
            without_file += 1
            continue
        lines.append(f"#EXTINF:{_seconds(result)},{_single_line(_label(result))}")
        lines.append(location)
        written += 1
    return FoundPlaylist("\n".join(lines) + "\n", written, without_file)
