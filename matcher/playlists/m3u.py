"""M3U and M3U8 playlists.

One playlist per file, named after the file. Lines are paths or URLs; comment lines may
carry what the writer knew about the next path:

    #EXTINF:<seconds>,Artist - Title       (Winamp style; "-1" or "0" for no duration)
    #EXTINF                                (Mixxx: a bare marker, no information)
    #EXTINF:0,01 Intro.mp3                 (the "title" is only the file name)
    #EXTVDJ:<artist>..</artist><title>..</title><songlength>..</songlength>   (VirtualDJ)

Where the playlist says nothing, the audio file's own tags are used when the file exists
(absolute, or relative to the playlist's folder), and then what its file name says.
Text is decoded by BOM, else UTF-8, else cp1252 (`sources.decode_text`); lines end in
CRLF, LF or CR.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from matcher.bounds import bounded_entry
from matcher.model import Playlist, PlaylistEntry
from matcher.playlists.audiotags import AudioTags, read_tags
from matcher.playlists.fields import decode_location, duration, is_absolute, number, text
from matcher.playlists.filenames import AUDIO_EXTENSIONS, parse_filename
from matcher.playlists.lazy import LazyEntries
from matcher.playlists.parsed import ParsedFile
from matcher.playlists.sources import decode_text, read_bytes

__all__ = ["parse", "parse_text", "path_entry", "scan"]

_LINES = re.compile(r"\r\n|\r|\n")
_VDJ_TAG = re.compile(r"<(\w+)>(.*?)</\1>", re.S)
_VDJ_FIELDS = {
    "artist": "artist", "title": "title", "songlength": "duration_s", "remix": "mix",
    "remixer": "remixer", "bpm": "bpm", "key": "key", "genre": "genre", "year": "year",
    "album": "album", "comment": "comments", "label": "label", "isrc": "isrc",
}  # fmt: skip
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
_SAID_TEXT = frozenset({"remixer", "mix", "album", "label", "genre", "comments", "year", "key",
                        "isrc"})  # fmt: skip
_NO_TAGS = AudioTags()


def _extinf(line: str) -> dict[str, object]:
    """`#EXTINF:<seconds> [attributes],<display>`; a bare `#EXTINF` says nothing."""
    body = line[len("#EXTINF") :]
    if not body.startswith(":"):
        return {}
    head, _, display = body[1:].partition(",")
    tokens = head.split()
    found: dict[str, object] = {"duration_s": number(tokens[0]) if tokens else None}
    if display.strip():
        found["display"] = display.strip()
    return found


def _extvdj(line: str) -> dict[str, object]:
    found: dict[str, object] = {}
    for name, value in _VDJ_TAG.findall(line):
        field = _VDJ_FIELDS.get(name.lower())
        value = html.unescape(value).strip()
        if field and value:
            if field == "duration_s":
                found[field] = duration(value)
            else:
                found[field] = number(value) if field == "bpm" else value
    return found


def _is_file_name(display: str, line: str) -> bool:
    """True when an EXTINF "title" is just the entry's file name (with or without its
    extension)."""
    base = re.split(r"[/\\]", line)[-1]
    stem = base.rsplit(".", 1)[0]
    ext = display.rsplit(".", 1)[-1].lower() if "." in display else ""
    return display in (base, stem) or ext in AUDIO_EXTENSIONS


def _local(line: str, folder: Path) -> tuple[str, str | None]:
    """The entry's location (decoded, absolute when it was relative) and, for a local
    file, the path to look for it on this computer."""
    if line.lower().startswith("file:"):
        location = decode_location(line)
        return location, location if not _SCHEME.match(location) else None
    if _SCHEME.match(line):  # http://, spotify:, ...
        return line, None
    if line.startswith("~"):
        return line, os.path.expanduser(line)  # "~nobody/x" stays as it is
    if is_absolute(line):
        return line, line
    relative = line.replace("\\", "/") if os.sep == "/" else line
    joined = str(folder / relative)
    return joined, joined


def _artist_title(said: dict[str, object], line: str, tags: AudioTags) -> tuple[str, str]:
    """What the playlist says (#EXTVDJ, then #EXTINF "Artist - Title"), then the audio
    file's tags, then its file name."""
    display = str(said.get("display", ""))
    guessed_from = line
    if display and _is_file_name(display, line):
        guessed_from, display = display, ""
    artist, title = str(said.get("artist", "")), str(said.get("title", ""))
    if display and not title:
        before, dash, after = display.partition(" - ")
        if dash and before.strip() and after.strip():
            artist, title = artist or before.strip(), after.strip()
        else:
            title = display
    if title:
        return artist or tags.artist, title
    if tags.title:
        return artist or tags.artist, tags.title
    guess = parse_filename(guessed_from)
    return artist or guess.artist or tags.artist, guess.title


def path_entry(
    line: str, said: dict[str, object], folder: Path, file_name: str, name: str, index: int
) -> PlaylistEntry:
    """The entry for a path (or URL) `line` of a playlist: what the playlist `said` about
    it, then the file's own tags, then its file name. Serato crates reuse it."""
    location, on_disk = _local(line, folder)
    tags = (read_tags(on_disk) if on_disk is not None else None) or _NO_TAGS
    artist, title = _artist_title(said, line, tags)
    said_text = {k: t for k, v in said.items() if k in _SAID_TEXT and (t := text(str(v)))}

    def pick(field: str, tag_value: str) -> str:
        return said_text.get(field) or tag_value

    return PlaylistEntry(
        playlist_file=file_name,
        playlist=name,
        entry_index=index,
        source_id=line,
        title=title,
        artist=artist,
        remixer=pick("remixer", tags.remixer),
        mix=pick("mix", ""),
        album=pick("album", tags.album),
        label=pick("label", tags.label),
        genre=pick("genre", tags.genre),
        comments=pick("comments", ""),
        year=pick("year", tags.year),
        duration_s=_float(said.get("duration_s")) or tags.duration_s,
        bpm=_float(said.get("bpm")) or number(tags.bpm),
        key=pick("key", tags.key),
        isrc=pick("isrc", tags.isrc),
        location=location,
    )


def _float(value: object) -> float | None:
    return number(value) if isinstance(value, str | float | int) else None


_DIRECTIVES = {"#EXTINF": _extinf, "#EXTVDJ": _extvdj}


def parse_text(content: str, source: Path, *, lazy: bool = False) -> Playlist:
    """The playlist in `content`, read as the file `source` (for names and relative
    paths). With `lazy`, each entry (its audio file's tags, its fields) is made, and
    bounded, when first asked for (LazyEntries): the engine starts matching once the
    lines are read, and a long playlist's entries are made while the first chunks are
    matched."""
    folder = source.parent.absolute()
    records: list[tuple[str, dict[str, object]]] = []
    said: dict[str, object] = {}
    for raw in _LINES.split(content):
        line = raw.strip().lstrip("\ufeff").strip()
        if not line:
            continue
        if line.startswith("#"):
            directive = line[:7].upper()
            if directive in _DIRECTIVES:
                found = _DIRECTIVES[directive](line)
                said.update((k, v) for k, v in found.items() if v is not None)
            continue
        records.append((line, said))
        said = {}
    file_name, name = source.name, source.stem

    def make(index: int, record: tuple[str, dict[str, object]]) -> PlaylistEntry:
        return path_entry(record[0], record[1], folder, file_name, name, index)

    entries: tuple[PlaylistEntry, ...] | LazyEntries[tuple[str, dict[str, object]]]
    if lazy:
        entries = LazyEntries(records, lambda i, r: bounded_entry(make(i, r)))
    else:
        entries = tuple(make(i, r) for i, r in enumerate(records))
    return Playlist(source=source, name=name, format="m3u", entries=entries)  # type: ignore[arg-type]


def parse(path: Path, *, lazy: bool = False) -> Playlist:
    return parse_text(decode_text(read_bytes(path)), path, lazy=lazy)


def scan(path: Path, *, lazy: bool = False) -> ParsedFile:
    return ParsedFile((parse(path, lazy=lazy),))
