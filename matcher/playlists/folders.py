"""What the folders around an audio file say about its artist.

Rippers, iTunes and most tag-based organisers file tracks as

    .../Simple Minds/Celebrate/2-11 All the Things She Said.m4a     Artist/Album/NN Title
    .../SpekrFreks/Unknown Album/The Future is Now.mp3              Artist/Unknown Album/Title

so when an entry carries no artist, the folder two levels up is evidence of one. Read
conservatively (pure, no file system access): only that layout (a track number on the
file, or iTunes's "Unknown Album" above it), only when the file name names no artist
itself, and never a folder that names a place, an app, a genre, a year or a collection
rather than a person ("Music", "Downloads", "iTunes Music", "Unknown Artist", "House",
"2019", a drive root ...). Both `/` and `\\` separate folders, as in `filenames.py`.
"""

from __future__ import annotations

import re

from matcher.playlists.filenames import parse_filename

__all__ = ["folder_artist"]

_FILE_NUMBER = re.compile(r"^(?:\d{1,2}-\d{1,3}|[A-Da-d][1-9]|\d{1,3})(?:\s*[.)_-]\s*|\s+)(?=\S)")
_UNKNOWN_ALBUM = frozenset({"unknown album", "unknownalbum"})
# Folders that hold music without naming who made it (compared case-folded, with "_" as
# a space): places, apps and shops, collections, genres.
_NOT_ARTISTS = frozenset(
    line.strip()
    for line in """
    music, my music, musik, musique, musica, muziek, audio, media, mp3, mp3s, flac, wav, aiff,
    downloads, download, desktop, documents, users, home, volumes, library, contents,
    itunes, itunes music, itunes media, apple music, amazon music, unknown, unknown artist,
    unknownartist, various, various artists, va, v.a., compilations, compilation,
    soundtrack, soundtracks, ost, dj, dj music, djing, tracks, songs, promos, promo,
    unsorted, new, new folder, incoming, sorted, playlists, playlist, collection, crates,
    sets, mixes, edits, remixes, bootlegs, samples, recordings, beatport, traktor,
    rekordbox, serato, virtualdj, mixxx, engine, spotify, youtube, soundcloud, bandcamp,
    juno, traxsource, torrents, dropbox, onedrive, google drive, icloud, shared, public,
    tunes, house, deep house, tech house, techno, trance, progressive, psytrance,
    drum & bass, drum and bass, drum n bass, dnb, jungle, dubstep, bass, garage,
    uk garage, breaks, breakbeat, electro, edm, dance, electronic, electronica, disco,
    nu disco, funk, soul, jazz, hip hop, hip-hop, rap, trap, r&b, rnb, pop, rock, indie,
    metal, reggae, reggaeton, latin, afro, afro house, amapiano, ambient, chill, chillout,
    downtempo, lounge, minimal, hardstyle, hardcore, classics, oldies, world, folk,
    country, blues, classical, misc, other, others
    """.replace("\n", ",").split(",")
    if line.strip()
)


# Words that make a folder a collection, a genre or a place rather than an artist.
_COLLECTION_WORDS = frozenset(
    """music musik mix mixes remix remixes hits top best playlist collection vol volume
    sampler samples kit kits pack sounds loops fx tools djs set sets promo promos chart
    charts radio downloads library house techno trance disco dubstep""".split()
)


def _parts(location: str) -> list[str]:
    return [p.strip() for p in re.split(r"[/\\]", location.strip()) if p.strip()]


def _generic(folder: str) -> bool:
    """A folder no album or artist would be named: "Downloads", "2019", "E:", "06 Kit"."""
    name = " ".join(folder.replace("_", " ").casefold().split())
    return (
        name in _NOT_ARTISTS
        or name.endswith(":")  # a drive root ("E:", "Macintosh HD:")
        or not any(ch.isalpha() for ch in name)  # "2019", "01", "__"
        or name[:1].isdigit()  # "06 Gmin 135" (a sample pack's kit), "2019 Promos"
        or name.startswith((".", "_", "["))
    )


def _names_no_one(folder: str) -> bool:
    """Whether an artist folder names a collection, a genre or a place, not a person."""
    name = " ".join(folder.replace("_", " ").casefold().split())
    return (
        _generic(folder)
        or bool(re.search(r"\b(?:19|20)\d\d\b", name))  # "Summer 2019", "Promos 2014-11"
        or bool(_COLLECTION_WORDS & set(name.split()))  # "DJ Music", "Hebrew Remix"
        or " - " in name  # "Pop - genre", "Artist - Album"
    )


def folder_artist(location: str) -> str:
    """The artist named by the folder two levels above the file (Artist/Album/NN Title),
    or "" when the path does not follow that layout or the folder names no one."""
    parts = _parts(location)
    if len(parts) < 3:
        return ""
    artist, album, file_name = parts[-3], parts[-2], parts[-1]
    numbered = bool(_FILE_NUMBER.match(file_name))
    unknown_album = " ".join(album.casefold().split()) in _UNKNOWN_ALBUM
    if not (numbered or unknown_album) or _names_no_one(artist):
        return ""
    if parse_filename(file_name).artist:  # "04. Optiv - Brainwork.mp3" names its own
        return ""
    if not unknown_album and _generic(album):
        return ""
    return artist
