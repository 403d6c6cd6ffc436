"""A folder of audio files as a catalog, from the files' own tags (read with mutagen).

Tag names differ by container (ID3 frames in MP3/WAV/AIFF, atoms in MP4, free-form
Vorbis/APE/ASF keys), so each field lists the names it goes by. Files mutagen cannot read
are counted and skipped; an untagged file still counts, titled from its file name
("Artist - Title.mp3" is split, since that is how DJ downloads are named).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import mutagen
from mutagen.id3 import ID3
from mutagen.mp4 import MP4Tags

from matcher.catalog.fields import (
    ReadStats,
    parse_number,
    short_hash,
    split_artists,
    tidy_date,
    tidy_key,
    title_and_mix,
)
from matcher.catalog.hashing import walk_audio_files
from matcher.catalog.store import normalise_isrc
from matcher.model import CatalogTrack

__all__ = ["read_audio_folder", "read_tags", "track_from_tags"]

_ID3_FRAMES = {
    "title": ("TIT2",), "artist": ("TPE1",), "albumartist": ("TPE2",), "remixer": ("TPE4",),
    "album": ("TALB",), "label": ("TPUB",), "genre": ("TCON",), "date": ("TDRC", "TYER"),
    "bpm": ("TBPM",), "key": ("TKEY",), "isrc": ("TSRC",),
}  # fmt: skip
_ITUNES = "----:com.apple.iTunes:"
_MP4_ATOMS = {
    "title": ("©nam",), "artist": ("©ART",), "albumartist": ("aART",), "album": ("©alb",),
    "genre": ("©gen",), "date": ("©day",), "bpm": ("tmpo",),
    "remixer": (_ITUNES + "REMIXER", _ITUNES + "MIXARTIST"),
    "label": (_ITUNES + "LABEL", _ITUNES + "publisher", _ITUNES + "PUBLISHER"),
    "key": (_ITUNES + "initialkey", _ITUNES + "INITIALKEY", _ITUNES + "KEY"),
    "isrc": (_ITUNES + "ISRC",),
}  # fmt: skip
# Vorbis comments, APEv2 and ASF: matched without regard to case.
_FREE_KEYS = {
    "title": ("title",), "artist": ("artist", "author"),
    "albumartist": ("albumartist", "album artist", "wm/albumartist"),
    "remixer": ("remixer", "mixartist", "wm/modifiedby"),
    "album": ("album", "wm/albumtitle"),
    "label": ("label", "organization", "publisher", "wm/publisher"),
    "genre": ("genre", "wm/genre"), "date": ("date", "year", "wm/year"),
    "bpm": ("bpm", "tempo", "wm/beatsperminute"),
    "key": ("initialkey", "key", "wm/initialkey"), "isrc": ("isrc", "wm/isrc"),
}  # fmt: skip


def read_audio_folder(root: Path, stats: ReadStats) -> Iterator[CatalogTrack]:
    """Every readable audio file under `root` as a catalog row."""
    for file in walk_audio_files(root):
        stats.rows_read += 1
        tags = read_tags(file)
        if tags is None:
            stats.rows_skipped += 1
            stats.note(f"unreadable audio file: {file.name}")
            continue
        yield track_from_tags(file, tags, stats)


def read_tags(path: Path) -> dict[str, str] | None:
    """The fields we use, as text ("" when absent), plus "length"; None if unreadable."""
    try:
        audio = mutagen.File(path)
    except Exception:  # mutagen raises many kinds (struct.error, ValueError, ...) on junk
        return None
    if audio is None:
        return None
    tags = audio.tags
    if isinstance(tags, ID3):
        fields = {name: _id3_text(tags, frames) for name, frames in _ID3_FRAMES.items()}
    elif isinstance(tags, MP4Tags):
        fields = {name: _first(tags, atoms) for name, atoms in _MP4_ATOMS.items()}
    elif hasattr(tags, "keys"):
        # Vorbis comments and ASF tags are lists of pairs that also offer keys(); iterating
        # them directly would give the pairs, so the names come from keys()
        names = tags.keys()
        lowered = {str(k).lower(): k for k in names}
        fields = {
            name: _first(tags, [lowered[k] for k in keys if k in lowered])
            for name, keys in _FREE_KEYS.items()
        }
    else:  # no tags at all
        fields = dict.fromkeys(_FREE_KEYS, "")
    length = getattr(getattr(audio, "info", None), "length", None)
    fields["length"] = f"{length:.3f}" if length else ""
    return fields


def track_from_tags(path: Path, tags: Mapping[str, str], stats: ReadStats) -> CatalogTrack:
    title, artist = tags.get("title", "").strip(), tags.get("artist", "").strip()
    if not title:
        stem = path.stem
        if not artist and " - " in stem:
            artist, stem = (part.strip() for part in stem.split(" - ", 1))
        title = stem
    artist = artist or tags.get("albumartist", "").strip()
    title, mix = title_and_mix(title, "")
    resolved = path.resolve()
    return CatalogTrack(
        catalog_id=f"file:{short_hash(str(resolved))}",
        title=title,
        mix=mix,
        artists=split_artists(artist),
        remixers=split_artists(tags.get("remixer", "")),
        label=tags.get("label", "").strip(),
        release=tags.get("album", "").strip(),
        release_date=tidy_date(tags.get("date", "")),
        bpm=parse_number(tags.get("bpm", ""), stats, f"bpm in {path.name}"),
        key=tidy_key(tags.get("key", "")),
        genre=tags.get("genre", "").strip(),
        duration_s=parse_number(tags.get("length", "")),
        isrc=normalise_isrc(tags.get("isrc", "")),
        location=str(resolved),
        file_size=_size(resolved),
    )


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size or None
    except OSError:
        return None


def _id3_text(tags: ID3, frames: tuple[str, ...]) -> str:
    for frame_id in frames:
        for frame in tags.getall(frame_id):
            text = ", ".join(str(t) for t in getattr(frame, "text", ()) if str(t).strip())
            if text:
                return text
    return ""


def _first(tags: Mapping[str, object], keys: list[str] | tuple[str, ...]) -> str:
    for key in keys:
        values = tags.get(key)
        if values is None:
            continue
        items = values if isinstance(values, list) else [values]
        texts = [_as_text(v) for v in items]
        text = ", ".join(t for t in texts if t)
        if text:
            return text
    return ""


def _as_text(value: object) -> str:
    if isinstance(value, bytes):  # MP4 free-form atoms
        return value.decode("utf-8", "replace").strip()
    inner = getattr(value, "value", value)  # ASF attributes
    if isinstance(inner, bytes):
        return inner.decode("utf-8", "replace").strip()
    return str(inner).strip()
