"""What an audio file's name says about the track.

Many playlist entries are only a path. DJs' file names follow a few conventions, which
this module reads (pure, no file system access; the matcher reuses it):

    Artist - Title (Extended Mix).mp3          artist, title
    01 Artist - Title.mp3, 01. Title.mp3       a track number first
    Artist_-_Title_(Original_Mix).mp3          underscores for spaces
    12345678_Title_(Original_Mix).mp3          Beatport: id, title, mix
    12345678_Title_Original Mix.mp3            Beatport: id, title "_" mix
    Artist_Title_Original Mix.wav              Beatport, older: fields joined by "_"
    Artist One_Artist Two_Title_X Remix.wav    ... with every artist a field of its own

Both `/` and `\\` separate folders whatever the OS, since playlists travel between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["AUDIO_EXTENSIONS", "FileNameInfo", "file_stem", "parse_filename"]

AUDIO_EXTENSIONS = frozenset({
    "mp3", "m4a", "mp4", "aac", "aif", "aiff", "aifc", "alac", "ape", "flac", "m4p", "mka",
    "mpc", "ogg", "oga", "opus", "wav", "wave", "wma", "wv", "dsf", "dff", "webm",
})  # fmt: skip

_BEATPORT_ID = re.compile(r"^(\d{6,9})_(.+)$")
# "01. Title", "1) Title", "07 - Title", "01 Title", "1-01 Title" (disc-track)
_TRACK_NUMBER = re.compile(
    r"^(?:(\d{1,3})\s*[.)]\s+|(\d{1,3})\s+[-–—]\s+|(0\d{1,2})[\s_]+|\d{1,2}-(\d{2,3})\s+)(?=\S)"
)
_DASH = re.compile(r"\s+[-–—]\s+")
_VERSION_END = re.compile(
    r"\s((?:original|extended|radio|club|dub|vocal|instrumental|main|clean|dirty)"
    r"\s(?:mix|edit|version|dub|cut))$",
    re.I,
)
_VERSION_WORD = re.compile(
    r"\b(mix|remix|edit|dub|version|rework|bootleg|vip|instrumental|acapella|cut)$", re.I
)


@dataclass(frozen=True, slots=True)
class FileNameInfo:
    artist: str = ""
    title: str = ""
    beatport_id: str = ""
    track_number: int | None = None


def file_stem(path_or_name: str) -> str:
    """The file's name without its folders and its audio extension."""
    return _stem(path_or_name)


def _stem(path_or_name: str) -> str:
    path = path_or_name.strip()
    name = path[max(path.rfind("/"), path.rfind("\\")) + 1 :].strip()  # after the last folder
    # the extension after the last dot, 2-5 ASCII letters or digits, with ".stem" before it
    # for stem files (string methods: a regex search tries every position of the name)
    base, dot, extension = name.rpartition(".")
    if dot and 2 <= len(extension) <= 5 and extension.isascii() and extension.isalnum():
        start = len(base) - 5 if base.endswith(".stem") else len(base)
        if extension.lower() in AUDIO_EXTENSIONS and start > 0:
            name = name[:start]
    return name.strip()


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" -_")  # whitespace runs to one space


def _with_mix(title: str, mix: str) -> str:
    title, mix = _clean(title), _clean(mix)
    if not mix:
        return title
    return f"{title} ({mix})" if title else mix


def _split_title_mix(text: str) -> str:
    """A title whose mix may follow without brackets ("Title Original Mix")."""
    text = _clean(text)
    if "(" in text or "[" in text:
        return text
    match = _VERSION_END.search(text)
    if match and match.start() > 0:
        return _with_mix(text[: match.start()], match.group(1))
    return text


def _beatport(beatport_id: str, rest: str) -> FileNameInfo:
    """`rest` after "12345678_": "Title_(Original_Mix)", "Title_Original Mix" or
    "Title_Original_Mix"; newer names carry "Artist - Title (Mix)" after the id."""
    if _DASH.search(rest):
        named = parse_filename(rest)
        return FileNameInfo(named.artist, named.title, beatport_id=beatport_id)
    if " " in rest.strip():
        title, _, mix = rest.partition("_")
        mix = mix.replace("_", " ")
        if mix.startswith("(") or not mix:
            return FileNameInfo(title=_clean(f"{title} {mix}"), beatport_id=beatport_id)
        return FileNameInfo(title=_with_mix(title, mix), beatport_id=beatport_id)
    return FileNameInfo(title=_split_title_mix(rest.replace("_", " ")), beatport_id=beatport_id)


def _underscore_fields(name: str) -> FileNameInfo | None:
    """Beatport's older "Artist_Title_Mix" names: spaces inside fields, "_" between them."""
    if " " not in name or "_" not in name or _DASH.search(name):
        return None
    parts = [_clean(p) for p in name.split("_")]
    if any(not p for p in parts) or len(parts) > 6:
        return None
    if len(parts) > 3 and _VERSION_WORD.search(parts[-1]):
        artists = ", ".join(parts[:-2])
        return FileNameInfo(artist=artists, title=_with_mix(parts[-2], parts[-1]))
    if len(parts) > 3:
        return None
    if len(parts) == 3:
        return FileNameInfo(artist=parts[0], title=_with_mix(parts[1], parts[2]))
    if _VERSION_WORD.search(parts[1]):
        return FileNameInfo(title=_with_mix(parts[0], parts[1]))
    if not all(any(ch.isalpha() for ch in p) for p in parts):
        return None
    return FileNameInfo(artist=parts[0], title=parts[1])


def parse_filename(path_or_name: str) -> FileNameInfo:
    """Artist, title, Beatport id and track number read from a file name or path."""
    name = _stem(path_or_name)
    if not name:
        return FileNameInfo()
    if beatport := _BEATPORT_ID.match(name):
        return _beatport(beatport.group(1), beatport.group(2))
    track_number = None
    if number := _TRACK_NUMBER.match(name):
        digits = next(g for g in number.groups() if g)
        track_number = int(digits)
        name = name[number.end() :]
    if fields := _underscore_fields(name):
        return FileNameInfo(fields.artist, fields.title, track_number=track_number)
    if "_-_" in name or (" " not in name and "_" in name):
        name = name.replace("_", " ")
    parts = _DASH.split(name, maxsplit=1)
    if len(parts) == 2:
        artist, title = _clean(parts[0]), _clean(parts[1])
        if artist and title:
            return FileNameInfo(artist, title, track_number=track_number)
    return FileNameInfo(title=_clean(name), track_number=track_number)
