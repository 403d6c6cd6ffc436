"""How an entry and a catalog track are read before they are compared.

A playlist entry rarely says plainly who and what it is: the artist may sit in the title
(`Dusky - Words Later On` with an empty artist), the title may be a file name
(`Bours_-_DVNO_(Original_Mix)`), the version may be in the Mix field, in brackets, after a
dash, or only in the file name. `read_entry` turns an entry into an `EntryReading`: one or
more `Reading`s (who + what, most plausible first) plus the version and the numbers.
`read_track` does the same for a catalog track, whose own titles are not always clean.

Everything is folded (`matcher.matching.text.fold`), so comparisons are plain string work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import TypeVar

from matcher.matching.keys import MusicalKey, parse_key
from matcher.matching.normalize import GENERIC_ARTISTS, clean_title, split_artists, split_feat
from matcher.matching.text import fold
from matcher.matching.versions import NO_VERSION, Version, parse_version, split_version
from matcher.model import CatalogTrack, PlaylistEntry
from matcher.playlists.filenames import parse_filename

__all__ = ["EntryReading", "Reading", "TrackReading", "read_entry", "read_track"]

# Characters of any one text field that matching reads. No real title or artist list comes
# near it, and some normalising patterns take quadratic time: a 10 MB "title" from a
# hostile file would hold a worker for hours.
MAX_TEXT = 1000
MAX_NAMES = 50  # artists or remixers of a catalog track

_DASH = re.compile(r"\s+[-–—]+\s+")
_FILE_NAME_LIKE = re.compile(r"^\d{5,9}_|^[^\s]+_-_[^\s]+|\.(?:mp3|wav|aiff?|flac|m4a|ogg)$", re.I)
_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")


@dataclass(frozen=True, slots=True)
class Reading:
    """One interpretation of an entry: its title (folded, without version or featured
    artists) and its artists (folded names, featured included)."""

    title: str
    artists: tuple[str, ...]
    prior: float = 1.0  # how much a perfect title match under this reading is worth


@dataclass(frozen=True, slots=True)
class EntryReading:
    readings: tuple[Reading, ...]  # most plausible first, never empty
    version: Version
    version_text: str
    remixers: tuple[str, ...]
    duration_s: float | None
    bpm: float | None
    key: MusicalKey | None
    isrc: str
    store_id: str  # a numeric store id (Beatport) found in the file name
    label: str  # folded label, or a label named in the comments
    album: str  # folded
    surface: str  # the title exactly as written (case and spacing aside), for exact matches

    @property
    def primary(self) -> Reading:
        return self.readings[0]

    @property
    def has_artist(self) -> bool:
        return any(r.artists for r in self.readings)


@dataclass(frozen=True, slots=True)
class TrackReading:
    titles: tuple[str, ...]  # folded title, plus the title without an artist prefix
    artists: tuple[str, ...]  # folded, featured included
    remixers: tuple[str, ...]
    version: Version
    duration_s: float | None
    bpm: float | None
    key: MusicalKey | None
    label: str
    release: str
    surfaces: frozenset[str]  # the ways the title and mix would be written in one string


def surface_form(text: str) -> str:
    return " ".join(text.casefold().split())


def _names(text: str) -> tuple[str, ...]:
    names = tuple(fold(n) for n in split_artists(text))
    return tuple(dict.fromkeys(n for n in names if n))


def _norm_isrc(text: str) -> str:
    isrc = re.sub(r"[\s-]", "", text or "").upper()
    return isrc if _ISRC.match(isrc) else ""


def _split_dash(title: str) -> tuple[str, str] | None:
    m = _DASH.search(title)
    if not m:
        return None
    left, right = title[: m.start()].strip(), title[m.end() :].strip()
    return (left, right) if left and right else None


def _title_and_version(raw: str, label: str) -> tuple[str, str, tuple[str, ...]]:
    """(core title, version text, featured artists) of a raw title."""
    cleaned = clean_title(raw, label=label)
    core, featured = split_feat(cleaned)
    core, version = split_version(clean_title(core, label=label))
    core = clean_title(core, label=label)
    return core, version, featured


def read_entry(entry: PlaylistEntry) -> EntryReading:
    """Read an entry (pure; the same entry always gives the same reading)."""
    return _read_entry(entry)


Record = TypeVar("Record", PlaylistEntry, CatalogTrack)


def _capped(record: Record) -> Record:
    """`record` with over-long text cut to MAX_TEXT (and name lists to MAX_NAMES)."""
    changes: dict[str, object] = {}
    for f in fields(record):
        value = getattr(record, f.name)
        if isinstance(value, str) and len(value) > MAX_TEXT:
            changes[f.name] = value[:MAX_TEXT]
        elif isinstance(value, tuple) and value and isinstance(value[0], str):
            names = tuple(v[:MAX_TEXT] for v in value[:MAX_NAMES])
            if names != value:
                changes[f.name] = names
    return replace(record, **changes) if changes else record


@lru_cache(maxsize=4096)
def _read_entry(entry: PlaylistEntry) -> EntryReading:
    entry = _capped(entry)
    label = entry.label or _label_in_comments(entry.comments)
    file_info = parse_filename(entry.location) if entry.location else None
    raw_title = entry.title.strip()
    raw_artist = entry.artist.strip()
    title_id = ""
    if raw_title and _FILE_NAME_LIKE.search(raw_title):
        info = parse_filename(raw_title)
        raw_title = info.title or raw_title
        raw_artist = raw_artist or info.artist
        title_id = info.beatport_id or ""
    if not raw_title and file_info:
        raw_title, raw_artist = file_info.title, raw_artist or file_info.artist
    if fold(raw_artist) in GENERIC_ARTISTS:
        raw_artist = ""

    core, version_text, featured = _title_and_version(raw_title, label)
    if entry.mix.strip():
        version_text = entry.mix.strip()
    artists = _names(raw_artist) + tuple(fold(f) for f in featured)

    readings: list[Reading] = []
    split = _split_dash(core)
    if split and not raw_artist:
        left, right = split
        r_core, r_version, r_feat = _title_and_version(right, label)
        version_text = version_text or r_version
        readings.append(Reading(fold(r_core), _names(left) + tuple(fold(f) for f in r_feat)))
    elif split:
        left, right = split
        left_names = _names(left)
        if left_names and set(left_names) & set(artists) or fold(left) == fold(raw_artist):
            r_core, r_version, _ = _title_and_version(right, label)
            version_text = version_text or r_version
            readings.append(Reading(fold(r_core), artists))
    readings.append(Reading(fold(core), artists))
    if split and raw_artist:
        r_core = _title_and_version(split[1], label)[0]
        readings.append(Reading(fold(r_core), artists, prior=0.96))
    # the title as written (numbers that looked like track numbers kept; a generic artist
    # such as "Compilation" kept, since catalogs built from the same files keep it too)
    as_written = fold(split_version(split_feat(entry.title)[0])[0])
    readings.append(Reading(as_written, _names(entry.artist) or artists, prior=0.98))

    if not version_text and file_info and file_info.title:
        file_core, file_version = split_version(file_info.title.replace("_", " "))
        if file_version and _overlaps(fold(file_core), readings[0].title):
            version_text = file_version
    version = parse_version(version_text) if version_text else NO_VERSION
    remixers = _names(entry.remixer)
    if version.is_named and not version.name and remixers:
        version = Version("named", " ".join(remixers), version.kind, version.length)

    readings = [Reading(r.title, tuple(dict.fromkeys(r.artists)), r.prior) for r in readings]
    unique = tuple(dict.fromkeys(r for r in readings if r.title))
    return EntryReading(
        readings=unique or (Reading(fold(raw_title), artists),),
        version=version,
        version_text=version_text,
        remixers=remixers,
        duration_s=entry.duration_s if entry.duration_s and entry.duration_s > 0 else None,
        bpm=entry.bpm if entry.bpm and entry.bpm > 0 else None,
        key=parse_key(entry.key) if entry.key else None,
        isrc=_norm_isrc(entry.isrc),
        store_id=(file_info.beatport_id if file_info else "") or title_id,
        label=fold(label),
        album=fold(entry.album),
        surface=surface_form(entry.title),
    )


def _overlaps(a: str, b: str) -> bool:
    wa, wb = set(a.split()), set(b.split())
    return bool(wa and wb) and len(wa & wb) >= min(len(wa), len(wb)) / 2


def _label_in_comments(comments: str) -> str:
    """Beatport-bought files often carry "Label | Purchased at Beatport.com" in comments."""
    if "|" in comments:
        return comments.split("|", 1)[0].strip()
    return ""


@lru_cache(maxsize=65536)
def read_track(track: CatalogTrack) -> TrackReading:
    """Read a catalog track (cached per process: catalogs repeat across entries)."""
    track = _capped(track)
    core, title_version = split_version(track.title)
    core, featured = split_feat(core)
    artists = tuple(n for a in track.artists for n in _names(a)) + tuple(fold(f) for f in featured)
    titles = [fold(core)]
    split = _split_dash(core)
    if split:
        left = fold(split[0])
        if left in artists or set(_names(split[0])) & set(artists):
            titles.append(fold(split[1]))
    version_text = track.mix or title_version
    version = parse_version(version_text) if version_text else NO_VERSION
    remixers = tuple(n for r in track.remixers for n in _names(r))
    if version.is_named and not version.name and remixers:
        version = Version("named", " ".join(remixers), version.kind, version.length)
    return TrackReading(
        titles=tuple(dict.fromkeys(t for t in titles if t)) or (fold(track.title),),
        artists=tuple(dict.fromkeys(artists)),
        remixers=remixers,
        version=version,
        duration_s=track.duration_s if track.duration_s and track.duration_s > 0 else None,
        bpm=track.bpm if track.bpm and track.bpm > 0 else None,
        key=parse_key(track.key) if track.key else None,
        label=fold(track.label),
        release=fold(track.release),
        surfaces=_surfaces(track, version),
    )


_MIX_STYLES = ((" (", ")"), (" - ", ""), (" [", "]"))


def _surfaces(track: CatalogTrack, version: Version) -> frozenset[str]:
    """The title as a library would write it: with the mix in any common style, and bare
    when the track has no mix or only the default "Original Mix" that libraries drop."""
    forms = [f"{track.title}{a}{track.mix}{b}" for a, b in _MIX_STYLES] if track.mix else []
    if not track.mix or (version.is_original and not version.length):
        forms.append(track.title)
    return frozenset(surface_form(f) for f in forms)
