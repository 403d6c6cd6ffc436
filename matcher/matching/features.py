"""What is known about one candidate, as named numbers the fitted model weighs.

Each feature is a number in [0, 1] (most are similarities or 0/1 facts), so a weight
says plainly how much that piece of evidence is worth. Evidence a side lacks is neither
for nor against: an unknown duration gives 0 to both `duration` (agreement) and
`duration_off` (disagreement), so a catalog row without a length is judged on what it
has, and a missing field costs nothing when nothing else competes.

    title, title_exact           how alike the titles are; identical once folded
    title_typo                   not identical, but one slip of the keyboard apart (one
                                 letter added, dropped, changed or two swapped, in a
                                 title of six letters or more)
    artists, artist_cover        the entry's artists among the track's; the share of the
                                 track's artists the entry names
    no_artist                    the entry names no artist at all (thin evidence)
    version, version_exact       the versions agree; the same words
    length_differs               both are the original recording, at other lengths
                                 (radio edit, extended mix, none said)
    unstated_remix               the entry names no version, the track is a remix;
    unstated_remix_confirmed       ... and the lengths agree to the second
    unknown_version              the entry names a remix, the track no version
    duration, duration_close,    agreement (in [0, 1]); within 3 s; far apart (20 s or
    duration_off                 more than 20 s)
    bpm, bpm_off, key, key_off   agreement and disagreement of tempo and key
    release, label, surface      support: the album, the label, the title as written
    identifier                   an ISRC or store id found the track (and the title agrees)
    same_file                    the entry's file is the catalog row's file
    title_twins                  other candidates share this title (log scale, capped)
    siblings                     other versions of the same work among the candidates,
                                 when the entry names no version (log scale, capped)
    timed_sibling                the track has no length to check the entry's against,
                                 and another version of the same work among the
                                 candidates has, and it agrees
    no_version                   the entry names no version at all

`guard` is a hard veto (an original is not a remix), carried beside the features.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from matcher.matching.readings import EntryReading, read_track
from matcher.matching.similarity import (
    artist_coverage,
    artist_similarity,
    bpm_similarity,
    duration_similarity,
    key_sim,
    one_slip,
    text_similarity,
    title_similarity,
    version_similarity,
)
from matcher.model import CatalogTrack

__all__ = [
    "FEATURES",
    "Evidence",
    "context_counts",
    "evidence",
    "same_file",
    "timed_siblings",
    "with_context",
]

FEATURES: tuple[str, ...] = (
    "title", "title_exact", "title_typo", "artists", "artist_cover", "no_artist", "version",
    "version_exact", "length_differs", "unstated_remix", "unstated_remix_confirmed",
    "unknown_version", "duration", "duration_close", "duration_off", "bpm", "bpm_off",
    "key", "key_off", "release", "label", "surface", "identifier", "same_file",
    "title_twins", "siblings", "no_version", "timed_sibling",
)  # fmt: skip
_TWINS_CAP = 8  # "eight or more other tracks with this title" is all the model needs


@dataclass(frozen=True, slots=True)
class Evidence:
    """A candidate's features (every name in FEATURES present), its guard, and the
    signals' raw similarities for the audit trail (`candidates.csv`)."""

    features: dict[str, float]
    guard: str
    similarities: dict[str, float]
    titles: tuple[str, ...] = ()  # the track's folded titles (for the context counts)
    lead: str = ""  # the track's first folded artist
    untimed: bool = False  # the entry has a length, the track none


def _support(similarity: float | None, floor: float = 0.6) -> float:
    """Agreement from a similarity: nothing at or below `floor`, 1 when identical."""
    if similarity is None:
        return 0.0
    return max(0.0, (similarity - floor) / (1.0 - floor))


_SIZE_SLACK = 1024  # bytes: Traktor records sizes in kilobytes


def same_file(
    entry_location: str,
    track_location: str,
    entry_size: int | None = None,
    track_size: int | None = None,
) -> bool:
    """The same file named twice: the same path (case and separators aside), or the same
    file name and size, as when a library moved to another drive or computer
    ("D:/Music/x.mp3" and "/Volumes/USB/Music/x.mp3")."""
    if not entry_location or not track_location:
        return False
    # casefold, not os.path.normcase, which folds nothing off Windows: two exports of one
    # library often disagree on case ("C:/Music" and "c:/music")
    a = entry_location.replace("\\", "/").rstrip("/").casefold()
    b = track_location.replace("\\", "/").rstrip("/").casefold()
    if a == b:
        return True
    if not entry_size or not track_size or abs(entry_size - track_size) > _SIZE_SLACK:
        return False
    return a.rsplit("/", 1)[-1] == b.rsplit("/", 1)[-1]


def _log_count(count: int) -> float:
    """A count on a log scale in [0, 1] (0 for none, 1 for _TWINS_CAP or more)."""
    return math.log1p(min(max(count, 0), _TWINS_CAP)) / math.log1p(_TWINS_CAP)


def context_counts(candidates: Sequence[Evidence]) -> list[tuple[int, int]]:
    """For each candidate, (how many other candidates share its title, how many of those
    share its first artist too: other versions of the same work)."""
    titles: Counter[str] = Counter()
    works: Counter[tuple[str, str]] = Counter()
    for e in candidates:
        titles.update(set(e.titles))
        if e.lead:
            works.update({(title, e.lead) for title in e.titles})
    out = []
    for e in candidates:
        if not e.titles:
            out.append((0, 0))
            continue
        twins = max(titles[title] for title in e.titles) - 1
        same = max(works[(title, e.lead)] for title in e.titles) - 1 if e.lead else 0
        out.append((twins, same))
    return out


def timed_siblings(candidates: Sequence[Evidence]) -> list[bool]:
    """For each candidate without a length, whether another version of its work (a title
    and first artist it shares) among the candidates has one that agrees with the entry's:
    then the length speaks for that version, and nothing speaks for this one."""
    agreeing = {(title, e.lead) for e in candidates if e.lead and e.features["duration_close"]
                for title in e.titles}  # fmt: skip
    return [e.untimed and any((t, e.lead) in agreeing for t in e.titles) for e in candidates]


def with_context(
    features: dict[str, float], twins: int, siblings: int, timed: bool = False
) -> dict[str, float]:
    """`features` with the counts `context_counts` gives (siblings count only when the
    entry names no version: then they are what the evidence cannot tell apart) and
    `timed_siblings`' answer."""
    out = dict(features)
    out["title_twins"] = _log_count(twins)
    out["siblings"] = _log_count(siblings) if out.get("no_version") else 0.0
    out["timed_sibling"] = float(timed)
    return out


def evidence(
    entry: EntryReading, track: CatalogTrack, *, location: str = "", identifier: str = ""
) -> Evidence:
    """The features of `track` as a candidate for `entry` (pure). `location` is the
    entry's file, `identifier` the identifier that found the track ("isrc", "store-id" or
    ""). The features that depend on the other candidates (`title_twins`, `siblings`) are
    0 here: `with_context` sets them once the candidates are known."""
    t = read_track(track)
    best_title, best_artists, chosen = -1.0, None, entry.primary
    for reading in entry.readings:
        title = title_similarity((reading.title,), t.titles) * reading.prior
        artists = artist_similarity(reading.artists, t.artists + t.remixers)
        combined = title + (artists if artists is not None else 0.5)
        if combined > best_title + (best_artists if best_artists is not None else 0.5):
            best_title, best_artists, chosen = title, artists, reading
    signal, version, guard = version_similarity(
        entry.version,
        t.version,
        t.remixers + t.artists,
        chosen.artists if best_artists is not None else (),
    )
    duration = duration_similarity(entry.duration_s, t.duration_s)
    bpm = bpm_similarity(entry.bpm, t.bpm)
    key = key_sim(entry.key, t.key)
    cover = artist_coverage(chosen.artists, t.artists) if best_artists is not None else None
    f = dict.fromkeys(FEATURES, 0.0)
    f["title"] = best_title
    f["title_exact"] = float(any(r.title in t.titles for r in entry.readings))
    f["title_typo"] = float(not f["title_exact"] and one_slip(chosen.title, t.titles))
    f["artists"] = best_artists or 0.0
    f["artist_cover"] = cover or 0.0
    f["no_artist"] = float(not entry.has_artist)
    close = duration is not None and duration >= 1.0
    if signal == "version":
        f["version"] = version
        f["version_exact"] = float(entry.version == t.version)
        f["length_differs"] = float(
            (entry.version.is_original or not entry.version.family)
            and (t.version.is_original or not t.version.family)
            and entry.version.length != t.version.length
        )
    else:
        f[signal] = 1.0 - version  # the cost of what the entry or the track leaves unsaid
        if signal == "unstated_remix" and close:
            f["unstated_remix_confirmed"] = 1.0 - version
    if duration is not None:
        f["duration"] = _support(duration, 0.6)
        f["duration_close"] = float(close)
        f["duration_off"] = float(duration < 0.6)  # more than 20 s apart
    if bpm is not None:
        f["bpm"], f["bpm_off"] = float(bpm >= 0.99), float(bpm < 0.5)
    if key is not None:
        f["key"], f["key_off"] = float(key >= 0.99), float(key < 0.5)
    f["release"] = _support(text_similarity(entry.album, t.release))
    f["label"] = _support(text_similarity(entry.label, t.label))
    f["surface"] = float(entry.surface in t.surfaces)
    f["identifier"] = float(bool(identifier) and best_title >= 0.6)
    f["same_file"] = float(same_file(location, track.location, entry.file_size, track.file_size))
    f["no_version"] = float(not entry.version.family)
    similarities = {"title": round(best_title, 4), signal: round(version, 4)}
    for name, value in (("artists", best_artists), ("duration", duration), ("bpm", bpm),
                        ("key", key)):  # fmt: skip
        if value is not None:
            similarities[name] = round(value, 4)
    lead = t.artists[0] if t.artists else ""
    untimed = entry.duration_s is not None and t.duration_s is None
    return Evidence(f, guard, similarities, t.titles, lead, untimed)
