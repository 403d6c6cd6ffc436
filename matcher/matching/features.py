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
    title_tag                    a bracketed tag reading the title dropped ("[FULL]"), which
                                 the row's title writes too (not for an unstated remix)
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
from collections.abc import Sequence
from dataclasses import dataclass, field

from matcher.matching.feature_names import FEATURES
from matcher.matching.readings import EntryReading, TrackReading, read_track
from matcher.matching.similarity import (
    artist_scores,
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
    "context_values",
    "evidence",
    "same_file",
    "timed_siblings",
    "with_context",
]

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
    # the track as read (decide.py groups copies by it): carried, not read again
    track: TrackReading | None = field(default=None, compare=False, repr=False)


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


_LOG_COUNTS = tuple(math.log1p(n) / math.log1p(_TWINS_CAP) for n in range(_TWINS_CAP + 1))


def _log_count(count: int) -> float:
    """A count on a log scale in [0, 1] (0 for none, 1 for _TWINS_CAP or more)."""
    if count <= 0:  # the usual answer: asked twice per candidate after every query
        return _LOG_COUNTS[0]
    return _LOG_COUNTS[min(count, _TWINS_CAP)]


def context_counts(candidates: Sequence[Evidence]) -> list[tuple[int, int]]:
    """For each candidate, (how many other candidates share its title, how many of those
    share its first artist too: other versions of the same work)."""
    if len(candidates) == 1:
        return [(0, 0)]  # most entries bring one candidate: it has no twins
    # plain dicts, not Counters: this runs over the pool after every query
    titles: dict[str, int] = {}
    works: dict[tuple[str, str], int] = {}
    for e in candidates:
        own = e.titles if len(e.titles) < 2 else set(e.titles)  # each title counts once
        for title in own:
            titles[title] = titles.get(title, 0) + 1
        if e.lead:
            for title in own:  # each title once, so each (title, lead) once
                work = (title, e.lead)
                works[work] = works.get(work, 0) + 1
    out = []
    for e in candidates:
        if not e.titles:
            out.append((0, 0))
        elif len(e.titles) == 1:
            title = e.titles[0]
            out.append((titles[title] - 1, works[(title, e.lead)] - 1 if e.lead else 0))
        else:
            twins = max(titles[title] for title in e.titles) - 1
            same = max(works[(title, e.lead)] for title in e.titles) - 1 if e.lead else 0
            out.append((twins, same))
    return out


def timed_siblings(candidates: Sequence[Evidence]) -> list[bool]:
    """For each candidate without a length, whether another version of its work (a title
    and first artist it shares) among the candidates has one that agrees with the entry's:
    then the length speaks for that version, and nothing speaks for this one."""
    if not any(e.untimed for e in candidates):
        return [False] * len(candidates)  # the usual case: no candidate to look for
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
    out["title_twins"], out["siblings"], out["timed_sibling"] = context_values(
        features, twins, siblings, timed
    )
    return out


def context_values(
    features: dict[str, float], twins: int, siblings: int, timed: bool
) -> tuple[float, float, float]:
    """(title_twins, siblings, timed_sibling) as `with_context` sets them, without the
    copy of the features (the early-exit test asks for them after every query)."""
    sib = _log_count(siblings) if features.get("no_version") else 0.0
    return _log_count(twins), sib, float(timed)


def evidence(
    entry: EntryReading, track: CatalogTrack, *, location: str = "", identifier: str = ""
) -> Evidence:
    """The features of `track` as a candidate for `entry` (pure). `location` is the
    entry's file, `identifier` the identifier that found the track ("isrc", "store-id" or
    ""). The features that depend on the other candidates (`title_twins`, `siblings`) are
    0 here: `with_context` sets them once the candidates are known."""
    t = read_track(track)
    titles = t.titles
    best_title, best_artists, chosen, cover = -1.0, None, entry.primary, None
    best = -0.5  # best_title + 0.5, the worth of no artists
    # readings often share a title or an artist list: each similarity is worked out once
    title_of: dict[str, float] = {}
    artists_of: dict[tuple[str, ...], tuple[float | None, float | None]] = {}  # artist_scores
    for reading in entry.readings:
        if reading.prior + 1.0 <= best:  # similarities are at most 1, priors in [0, 1]
            continue  # even a perfect title and artists could only tie with the best
        plain = title_of.get(reading.title)
        if plain is None:
            plain = title_of[reading.title] = title_similarity((reading.title,), titles)
        title = plain * reading.prior
        scores = artists_of.get(reading.artists)
        if scores is None:
            scores = artists_of[reading.artists] = artist_scores(
                reading.artists, t.artists, t.remixers
            )
        artists = scores[0]
        combined = title + (artists if artists is not None else 0.5)
        if combined > best:
            best_title, best_artists, chosen, best = title, artists, reading, combined
            cover = scores[1]
    has_artists = best_artists is not None
    ev, tv = entry.version, t.version
    signal, version, guard = version_similarity(
        ev, tv, t.remixers + t.artists, chosen.artists if has_artists else ()
    )
    duration = duration_similarity(entry.duration_s, t.duration_s)
    bpm = bpm_similarity(entry.bpm, t.bpm)
    key = key_sim(entry.key, t.key)
    title_exact = 0.0
    for r in entry.readings:
        if r.title in titles:
            title_exact = 1.0
            break
    close = duration is not None and duration >= 1.0
    version_f = version_exact = length_differs = 0.0
    unstated = unstated_confirmed = unknown = 0.0
    if signal == "version":
        version_f = version
        version_exact = float(ev == tv)
        length_differs = float(
            (ev.is_original or not ev.family)
            and (tv.is_original or not tv.family)
            and ev.length != tv.length
        )
    elif signal == "unstated_remix":  # the cost of what the entry leaves unsaid
        unstated = 1.0 - version
        if close:
            unstated_confirmed = 1.0 - version
    else:  # "unknown_version": what the track leaves unsaid
        unknown = 1.0 - version
    duration_f = duration_close = duration_off = 0.0
    if duration is not None:
        duration_f = _support(duration, 0.6)
        duration_close = float(close)
        duration_off = float(duration < 0.6)  # more than 20 s apart
    bpm_f = bpm_off = key_f = key_off = 0.0
    if bpm is not None:
        bpm_f, bpm_off = float(bpm >= 0.99), float(bpm < 0.5)
    if key is not None:
        key_f, key_off = float(key >= 0.99), float(key < 0.5)
    f = {  # FEATURES order
        "title": best_title,
        "title_exact": title_exact,
        "title_typo": float(not title_exact and one_slip(chosen.title, titles)),
        "artists": best_artists or 0.0,
        "artist_cover": cover or 0.0,
        "no_artist": float(not entry.has_artist),
        "version": version_f,
        "version_exact": version_exact,
        "length_differs": length_differs,
        "unstated_remix": unstated,
        "unstated_remix_confirmed": unstated_confirmed,
        "unknown_version": unknown,
        "duration": duration_f,
        "duration_close": duration_close,
        "duration_off": duration_off,
        "bpm": bpm_f,
        "bpm_off": bpm_off,
        "key": key_f,
        "key_off": key_off,
        "release": _support(text_similarity(entry.album, t.release)) if entry.album else 0.0,
        "label": _support(text_similarity(entry.label, t.label)) if entry.label else 0.0,
        "surface": float(entry.surface in t.surfaces),
        # a tag the reading dropped, written by the row too, unless the row is a remix the
        # entry does not name ("Slouching Wizard [SCORTCH]" is not its "SECRET VIP")
        "title_tag": float(signal != "unstated_remix" and t.title_surface in entry.tagged),
        "identifier": float(bool(identifier) and best_title >= 0.6),
        "same_file": float(same_file(location, track.location, entry.file_size, track.file_size)),
        "title_twins": 0.0,
        "siblings": 0.0,
        "no_version": float(not ev.family),
        "timed_sibling": 0.0,
    }
    similarities = {"title": round(best_title, 4), signal: round(version, 4)}
    if best_artists is not None:
        similarities["artists"] = round(best_artists, 4)
    if duration is not None:
        similarities["duration"] = round(duration, 4)
    if bpm is not None:
        similarities["bpm"] = round(bpm, 4)
    if key is not None:
        similarities["key"] = round(key, 4)
    lead = t.artists[0] if t.artists else ""
    untimed = entry.duration_s is not None and t.duration_s is None
    return Evidence(f, guard, similarities, titles, lead, untimed, t)
