"""Tags of an audio file on disk, for playlist entries that are only a path.

mutagen reads ID3 (MP3, AIFF, WAV), MP4 atoms (M4A) and Vorbis-style comments (FLAC, Ogg,
Opus, APE). Its "easy" interfaces lack the initial key for ID3 and MP4, so the few fields
DJs need are mapped here from each container's own names. A broken or unusual audio file
never fails the playlist: it just gives no tags.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import mutagen
from mutagen.id3 import ID3
from mutagen.mp4 import MP4Tags

from matcher.playlists.fields import number, text

__all__ = ["AudioTags", "read_tags"]

log = logging.getLogger(__name__)

# field -> ID3 frame id
_ID3 = {
    "title": "TIT2", "artist": "TPE1", "album": "TALB", "genre": "TCON", "bpm": "TBPM",
    "key": "TKEY", "isrc": "TSRC", "label": "TPUB", "year": "TDRC", "remixer": "TPE4",
}  # fmt: skip
_MP4 = {
    "title": ("©nam",), "artist": ("©ART",), "album": ("©alb",), "genre": ("©gen",),
    "bpm": ("tmpo",), "year": ("©day",),
    "key": ("----:com.apple.iTunes:initialkey", "----:com.apple.iTunes:KEY"),
    "isrc": ("----:com.apple.iTunes:ISRC",),
    "label": ("----:com.apple.iTunes:LABEL", "----:com.apple.iTunes:publisher"),
}  # fmt: skip
# Vorbis comments, APEv2 and the like: case-insensitive names, first one present wins.
_COMMENTS = {
    "title": ("title",), "artist": ("artist",), "album": ("album",), "genre": ("genre",),
    "bpm": ("bpm", "tempo"), "key": ("initialkey", "key"), "isrc": ("isrc",),
    "label": ("organization", "label", "publisher"), "year": ("date", "year"),
    "remixer": ("remixer", "mixartist"),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class AudioTags:
    title: str = ""
    artist: str = ""
    album: str = ""
    genre: str = ""
    bpm: float | None = None
    key: str = ""
    isrc: str = ""
    label: str = ""
    year: str = ""
    remixer: str = ""
    duration_s: float | None = None


def _first(value: object) -> str:
    """The first value of a tag as text (tags are lists of str, bytes, ints or frames)."""
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace").strip()
    return text(str(value)) if value is not None else ""


def _id3_fields(tags: ID3) -> dict[str, str]:
    found = {}
    for field, frame_id in _ID3.items():
        frames = tags.getall(frame_id)
        if not frames:
            continue
        # TCON's `genres` turns "(13)" into "Pop"
        values = getattr(frames[0], "genres" if field == "genre" else "text", None)
        if values:
            found[field] = _first(values)
    return found


def _mp4_fields(tags: MP4Tags) -> dict[str, str]:
    found = {}
    for field, names in _MP4.items():
        for name in names:
            if name in tags and tags[name]:
                found[field] = _first(tags[name])
                break
    return found


def _comment_fields(tags: object) -> dict[str, str]:
    found = {}
    for field, names in _COMMENTS.items():
        for name in names:
            try:
                value = tags[name]  # type: ignore[index]
            except (KeyError, ValueError, TypeError):
                continue
            if value:
                found[field] = _first(value)
                break
    return found


def _fields(tags: object) -> dict[str, str]:
    if isinstance(tags, ID3):
        return _id3_fields(tags)
    if isinstance(tags, MP4Tags):
        return _mp4_fields(tags)
    return _comment_fields(tags) if tags is not None else {}


def read_tags(path: str | os.PathLike[str]) -> AudioTags | None:
    """The tags of the audio file at `path`; None when it is not a readable audio file
    (one stat says so for a path that names no file, the most common case in a long
    playlist from another computer)."""
    try:
        if not os.path.isfile(path):
            return None
        audio = mutagen.File(path)
        if audio is None:
            return None
        found = _fields(audio.tags)
        length = getattr(getattr(audio, "info", None), "length", None)
    except (OSError, ValueError):
        return None
    except Exception as err:  # mutagen raises many error types on damaged files
        log.debug("%s: tags unreadable: %s", path, err)
        return None
    return AudioTags(
        title=found.get("title", ""),
        artist=found.get("artist", ""),
        album=found.get("album", ""),
        genre=found.get("genre", ""),
        bpm=number(found.get("bpm")),
        key=found.get("key", ""),
        isrc=found.get("isrc", ""),
        label=found.get("label", ""),
        year=found.get("year", ""),
        remixer=found.get("remixer", ""),
        duration_s=number(length),
    )
