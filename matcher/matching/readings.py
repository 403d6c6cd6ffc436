"""How an entry and a catalog track are read before they are compared.

A playlist entry rarely says plainly who and what it is: the artist may sit in the title
(`Dusky - Words Later On` with an empty artist), the title may be a file name
(`Bours_-_DVNO_(Original_Mix)`, `16 Bit Lolitas_Nobody Seems To Care_Original Mix`), the
artist may be a video channel (`CalvinHarrisVEVO`), the version may be in the Mix field,
in brackets, after a dash, or only in the file name. `read_entry` turns an entry into an
`EntryReading`: one or more `Reading`s (who + what, most plausible first) plus the version
and the numbers. Each reading says where its artists come from (`Reading.source`): the
file name and the folders around the file are read too, as further readings the scorer
can weigh. `read_track` does the same for a catalog track, whose own titles are not always
clean.

Everything is folded (`matcher.matching.text.fold`), so comparisons are plain string work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain
from operator import attrgetter

from matcher.matching.entry_text import (
    MAX_TEXT,
    artist_names,
    capped,
    capped_value,
    in_bounds,
    norm_isrc,
    split_dash,
    surface_form,
    title_and_version,
)
from matcher.matching.junk import channel_artist, is_site_name
from matcher.matching.keys import MusicalKey, parse_key
from matcher.matching.normalize import GENERIC_ARTISTS, clean_title, split_feat
from matcher.matching.text import fold
from matcher.matching.versions import (
    NO_VERSION,
    Version,
    parse_version,
    split_version,
)
from matcher.model import CatalogTrack, PlaylistEntry
from matcher.playlists.filenames import FileNameInfo, file_stem, parse_filename
from matcher.playlists.folders import folder_artist

__all__ = ["MAX_TEXT", "EntryReading", "Reading", "TrackReading", "read_entry", "read_track"]

_FILE_NAME_LIKE = re.compile(r"^\d{5,9}_|^[^\s]+_-_[^\s]+|\.(?:mp3|wav|aiff?|flac|m4a|ogg)$", re.I)
# "16 Bit Lolitas_Nobody Seems To Care_Original Mix": fields with spaces, "_" between
_UNDERSCORE_FIELDS = re.compile(r"^(?=.*\s)[^_]+(?:_[^_]+)+$")


@dataclass(frozen=True, slots=True)
class Reading:
    """One interpretation of an entry: its title (folded, without version or featured
    artists) and its artists (folded names, featured included)."""

    title: str
    artists: tuple[str, ...]
    prior: float = 1.0  # how much a perfect title match under this reading is worth, in [0, 1]
    # where the artists come from: "tags" (the artist field, or the title or file name
    # standing in for an empty one), "channel" (a video channel's name, cleaned), "file"
    # (the entry's file name, beside tags that say otherwise) or "folder" (the folder the
    # file sits in: a guess, see matcher/playlists/folders.py)
    source: str = "tags"


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
    file_size: int | None = None  # the entry's file's size in bytes, where the source says
    # the title as written without its version, when it keeps a bracketed tag that is not
    # one ("The Blade [FULL] (Extended Mix)": "the blade [full]"), and without an artist
    # written before it ("NT - Interrogatory [M]": also "interrogatory [m]")
    tagged: tuple[str, ...] = ()
    # whether the entry names an artist (a folder's name is only a guess at one): asked for
    # every candidate, so worked out once
    has_artist: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        named = any(r.artists and r.source != "folder" for r in self.readings)
        object.__setattr__(self, "has_artist", named)

    @property
    def primary(self) -> Reading:
        return self.readings[0]


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
    title_surface: str = ""  # the title as written without its version (`surface_form`)


def read_entry(entry: PlaylistEntry) -> EntryReading:
    """Read an entry (pure; the same entry always gives the same reading)."""
    return _read_entry(entry)


@lru_cache(maxsize=4096)
def _read_entry(entry: PlaylistEntry) -> EntryReading:
    entry = capped(entry)
    label = entry.label or _label_in_comments(entry.comments)
    file_info = parse_filename(entry.location) if entry.location else None
    raw_title = entry.title.strip()
    raw_artist = entry.artist.strip()
    if fold(raw_artist) in GENERIC_ARTISTS or is_site_name(raw_artist):
        raw_artist = ""
    title_id = ""
    if raw_title and _names_a_file(raw_title, raw_artist, entry.location):
        info = parse_filename(raw_title)
        raw_title = info.title or raw_title
        raw_artist = raw_artist or info.artist
        title_id = info.beatport_id or ""
    if not raw_title and file_info:
        raw_title, raw_artist = file_info.title, raw_artist or file_info.artist
    channel = channel_artist(raw_artist)
    raw_artist = channel or raw_artist

    core, version_text, featured = title_and_version(raw_title, label)
    if not raw_artist and not split_dash(core):
        core, version_text, featured = _artist_dash_title(
            raw_title, label, (core, version_text, featured)
        )
    if entry.mix.strip():
        version_text = entry.mix.strip()
    artists = artist_names(raw_artist) + tuple(map(fold, featured))

    readings: list[Reading] = []
    split = split_dash(core)
    if split and not raw_artist:
        left, right = split
        r_core, r_version, r_feat = title_and_version(right, label)
        version_text = version_text or r_version
        readings.append(Reading(fold(r_core), artist_names(left) + tuple(map(fold, r_feat))))
    elif split:
        left, right = split
        left_names = artist_names(left)
        if left_names and set(left_names) & set(artists) or fold(left) == fold(raw_artist):
            r_core, r_version, _ = title_and_version(right, label)
            version_text = version_text or r_version
            readings.append(Reading(fold(r_core), artists))
    readings.append(Reading(fold(core), artists))
    if split and raw_artist:
        r_core = title_and_version(split[1], label)[0]
        readings.append(Reading(fold(r_core), artists, prior=0.96))
    # the title as written (numbers that looked like track numbers kept; a generic artist
    # such as "Compilation" kept, since catalogs built from the same files keep it too)
    written = split_version(split_feat(entry.title)[0])[0]
    as_written = fold(written)
    readings.append(Reading(as_written, artist_names(entry.artist) or artists, prior=0.98))
    if channel:
        readings = [replace(r, source="channel") if r.artists == artists else r for r in readings]
    tag_names = set(artist_names(raw_artist)) if entry.artist.strip() and raw_artist else set()
    readings[1:1] = _path_readings(entry.location, file_info, readings, tag_names, label)

    if not version_text and file_info and file_info.title:
        file_core, file_version = split_version(file_info.title.replace("_", " "))
        if file_version and _overlaps(fold(file_core), readings[0].title):
            version_text = file_version
    version = parse_version(version_text) if version_text else NO_VERSION
    remixers = artist_names(entry.remixer)
    if version.is_named and not version.name and remixers:
        version = Version("named", " ".join(remixers), version.kind, version.length)

    unique = tuple(_unique([_without_repeats(r) for r in readings]))
    read_core = fold(core)  # the title as read: a tag it dropped is worth a look (`_tagged`)
    return EntryReading(
        readings=unique or (Reading(fold(raw_title), artists),),
        version=version,
        version_text=version_text,
        remixers=remixers,
        duration_s=entry.duration_s if entry.duration_s and entry.duration_s > 0 else None,
        bpm=entry.bpm if entry.bpm and entry.bpm > 0 else None,
        key=parse_key(entry.key) if entry.key else None,
        isrc=norm_isrc(entry.isrc),
        store_id=(file_info.beatport_id if file_info else "") or title_id,
        label=fold(label),
        album=fold(entry.album),
        surface=surface_form(entry.title),
        file_size=entry.file_size if entry.file_size and entry.file_size > 0 else None,
        tagged=_tagged(written, read_core) if read_core != as_written else (),
    )


_BRACKETED = re.compile(r"[\[(]([^\])]*)[\])]")


def _tagged(part: str, core: str) -> tuple[str, ...]:
    """`part`, the title as written without its version, when it keeps a bracketed tag
    that reading it dropped (`core`, folded): a catalog row that writes the same tag
    ("[FULL]", "[M]") agrees with more of the entry than its sibling without it. A bracket
    the reading keeps ("9 PM (Till I Come)") is the title itself, which both siblings
    write; kept means each of its words is a word of `core` ("[M]" in "Mountain [M]" was
    dropped, even though "mountain" holds an "m")."""
    words = set(core.split())
    if all(set(fold(tag).split()) <= words for tag in _BRACKETED.findall(part)):
        return ()
    split = split_dash(part)
    return (surface_form(part), surface_form(split[1])) if split else (surface_form(part),)


def _names_a_file(title: str, artist: str, location: str) -> bool:
    """Whether a title field holds a file name: a Beatport or underscore-joined name, a
    name with its extension, or the entry's own file name (apps show it for untagged
    files). "Artist_Title_Mix" counts only when no artist tag says otherwise."""
    underscored = "_" in title  # both patterns need an "_" (or the extension's ".")
    if (underscored or "." in title) and _FILE_NAME_LIKE.search(title):
        return True
    if title in location and (underscored or not artist) and title == file_stem(location):
        return True
    if not underscored or not _UNDERSCORE_FIELDS.match(title) or " - " in title:
        return False
    first = title.split("_", 1)[0]
    return not artist or fold(first) == fold(artist)


Split = tuple[str, str, tuple[str, ...]]  # (core title, version text, featured artists)


def _artist_dash_title(raw: str, label: str, split: Split) -> Split:
    """With no artist tag, "Mefjus - Void Man Void VIP" is an artist and a title, not a
    title ("Mefjus") and a version: downloads are named "Artist - Title" far more often
    than "Title - Version" (2,171 untagged titles with a dash and a version-like tail in
    the real libraries of ../shared/data, nearly all "Artist - Title"). Only a bare
    version ("Original Mix", "Dub", "VIP") after the dash stays a version."""
    core, version, featured = split
    dash = split_dash(clean_title(raw, label=label))
    if not dash or not version or _bare_version(dash[1]):
        return split
    left, right = dash
    r_core, r_version, r_featured = title_and_version(right, label)
    return f"{left} - {r_core}", r_version, featured + r_featured


def _bare_version(text: str) -> bool:
    version = parse_version(text)
    return version.is_original or (version.is_named and not version.name)


def _path_readings(
    location: str,
    info: FileNameInfo | None,
    readings: list[Reading],
    tagged: set[str],
    label: str,
) -> list[Reading]:
    """What the file's path adds: its name's artist and title when the tags say another
    ("Tafalgar" in the tags, "The_M_Machine_-_Trafalgar" on disk), and the artist folder
    of an Artist/Album/NN Title layout when nothing else names an artist."""
    out: list[Reading] = []
    titles = {r.title for r in readings}
    if info and info.artist and info.title and not info.beatport_id:
        file_artists = artist_names(info.artist)
        # beside an artist tag (`tagged`), only a file name by the same artist reads
        # "Artist - Title" (otherwise it is "Title - Mix", "Title - Key" ...)
        agrees = not tagged or bool(set(file_artists) & tagged)
        title = fold(split_version(info.title)[0])  # cheap look first: mostly the same
        if (
            agrees
            and title not in titles
            and not any(title in t or t in title for t in titles if t)
            and fold(info.artist) not in titles  # "Cantina - Original Mix": title - mix
            and not _bare_version(info.title)
        ):
            title = fold(title_and_version(info.title.replace("_", " "), label)[0])
            if title and title not in titles and fold(info.artist) not in GENERIC_ARTISTS:
                out.append(Reading(title, file_artists, prior=0.97, source="file"))
    if not any(r.artists for r in readings) and (folder := folder_artist(location)):
        names = artist_names(folder)
        if names and names[0] not in GENERIC_ARTISTS:
            out.append(Reading(readings[0].title, names, source="folder"))
    return out


def _without_repeats(reading: Reading) -> Reading:
    """`reading` with each artist named once (the same object when none repeats)."""
    artists = tuple(dict.fromkeys(reading.artists))
    if len(artists) == len(reading.artists):
        return reading
    return Reading(reading.title, artists, reading.prior, reading.source)


def _unique(readings: list[Reading]) -> list[Reading]:
    """Readings with a title, the first of each (title, artists) pair."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    out = []
    for r in readings:
        if r.title and (r.title, r.artists) not in seen:
            seen.add((r.title, r.artists))
            out.append(r)
    return out


def _overlaps(a: str, b: str) -> bool:
    wa, wb = set(a.split()), set(b.split())
    return bool(wa and wb) and len(wa & wb) >= min(len(wa), len(wb)) / 2


def _label_in_comments(comments: str) -> str:
    """Beatport-bought files often carry "Label | Purchased at Beatport.com" in comments."""
    if "|" in comments:
        return comments.split("|", 1)[0].strip()
    return ""


# The fields `read_track` reads: its cache is keyed by them, not by the whole track (whose
# hash goes over every field, and whose rows come back as new objects query after query).
_TRACK_FIELDS = ("title", "mix", "artists", "remixers", "label", "release", "bpm", "key",
                 "duration_s")  # fmt: skip
_TRACK_KEY = attrgetter(*_TRACK_FIELDS)


def read_track(track: CatalogTrack) -> TrackReading:
    """Read a catalog track (cached per process: catalogs repeat across entries)."""
    return _read_track(_TRACK_KEY(track))


@lru_cache(maxsize=16384)
def _read_track(values: tuple) -> TrackReading:
    if not in_bounds(values):  # a hostile catalog's over-long text, cut
        values = tuple(map(capped_value, values))
    raw_title, mix, raw_artists, raw_remixers, raw_label, raw_release, bpm, key, duration_s = values
    written, title_version = split_version(raw_title)
    core, featured = split_feat(written)
    artists = tuple(chain.from_iterable(map(artist_names, raw_artists)))
    artists += tuple(map(fold, featured))
    titles = [fold(core)]
    split = split_dash(core)
    if split:
        left = fold(split[0])
        if left in artists or set(artist_names(split[0])) & set(artists):
            titles.append(fold(split[1]))
    version_text = mix or title_version
    version = parse_version(version_text) if version_text else NO_VERSION
    remixers = tuple(chain.from_iterable(map(artist_names, raw_remixers)))
    if version.is_named and not version.name and remixers:
        version = Version("named", " ".join(remixers), version.kind, version.length)
    return TrackReading(
        titles=tuple(dict.fromkeys(t for t in titles if t)) or (fold(raw_title),),
        artists=tuple(dict.fromkeys(artists)),
        remixers=remixers,
        version=version,
        duration_s=duration_s if duration_s and duration_s > 0 else None,
        bpm=bpm if bpm and bpm > 0 else None,
        key=parse_key(key) if key else None,
        label=fold(raw_label),
        release=fold(raw_release),
        surfaces=_surfaces(raw_title, mix, version),
        title_surface=surface_form(written),
    )


read_track.cache_clear = _read_track.cache_clear  # type: ignore[attr-defined]

_MIX_STYLES = ((" (", ")"), (" - ", ""), (" [", "]"))


def _surfaces(title: str, mix: str, version: Version) -> frozenset[str]:
    """The title as a library would write it: with the mix in any common style, and bare
    when the track has no mix or only the default "Original Mix" that libraries drop."""
    # surface_form of each form, with the title and the mix case-folded once (case folding
    # goes character by character, so folding the parts folds the whole)
    title, mix = title.casefold(), mix.casefold()
    forms = [f"{title}{a}{mix}{b}" for a, b in _MIX_STYLES] if mix else []
    if not mix or (version.is_original and not version.length):
        forms.append(title)
    return frozenset(" ".join(f.split()) for f in forms)
