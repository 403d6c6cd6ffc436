"""How long one text field may be once read: an upper bound no real file comes near.

Playlists and catalogs are other people's files; a hostile or broken one can hold a
10 MB "title" (an M3U line, an XML attribute). Kept whole, it would make every journal
row and report of that entry huge, and a result could outgrow what the journal reads
back. So every entry and catalog track keeps at most MAX_FIELD characters per text field
(and MAX_NAMES names per list); the rest is cut where the file is read.

    MAX_FIELD x (17 entry fields + 11 candidates x 13 track fields) x 4 bytes < the
    journal's 16 MB row limit (matcher.engine.serialize), whatever the text.
"""

from __future__ import annotations

from dataclasses import fields, replace
from operator import attrgetter

from matcher.model import CatalogTrack, Playlist, PlaylistEntry

__all__ = ["MAX_FIELD", "MAX_NAMES", "bounded_entry", "bounded_playlist", "bounded_track"]

MAX_FIELD = 16_384  # characters of one text field
MAX_NAMES = 100  # artists or remixers of one track

_ENTRY_TEXT = tuple(f.name for f in fields(PlaylistEntry) if f.name not in
                    ("entry_index", "duration_s", "bpm", "file_size"))  # fmt: skip
_TRACK_TEXT = tuple(f.name for f in fields(CatalogTrack) if f.name not in
                    ("bpm", "duration_s", "artists", "remixers", "file_size"))  # fmt: skip


_entry_text = attrgetter(*_ENTRY_TEXT)


def bounded_entry(entry: PlaylistEntry) -> PlaylistEntry:
    """`entry`, or a copy with its over-long text fields cut to MAX_FIELD."""
    if max(map(len, _entry_text(entry))) <= MAX_FIELD:
        return entry
    return replace(entry, **{n: getattr(entry, n)[:MAX_FIELD] for n in _ENTRY_TEXT})


def bounded_playlist(playlist: Playlist) -> Playlist:
    """`playlist` with its name and every entry bounded (itself when nothing is long).
    Entries made lazily are bounded as they are made (keyed.keyed_playlist)."""
    name = playlist.name[:MAX_FIELD]
    entries = playlist.entries
    if isinstance(entries, tuple):
        bounded = tuple(bounded_entry(e) for e in entries)
        if any(a is not b for a, b in zip(bounded, entries, strict=True)):
            entries = bounded
    if name == playlist.name and entries is playlist.entries:
        return playlist
    return replace(playlist, name=name, entries=entries)


def bounded_track(track: CatalogTrack) -> CatalogTrack:
    """`track`, or a copy with over-long text cut to MAX_FIELD and MAX_NAMES names."""
    names = (track.artists, track.remixers)
    if all(len(getattr(track, n)) <= MAX_FIELD for n in _TRACK_TEXT) and all(
        len(group) <= MAX_NAMES and all(len(x) <= MAX_FIELD for x in group) for group in names
    ):
        return track
    return replace(
        track,
        **{n: getattr(track, n)[:MAX_FIELD] for n in _TRACK_TEXT},
        artists=tuple(a[:MAX_FIELD] for a in track.artists[:MAX_NAMES]),
        remixers=tuple(r[:MAX_FIELD] for r in track.remixers[:MAX_NAMES]),
    )
