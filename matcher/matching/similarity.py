"""Similarity of each signal, in [0, 1]: the building blocks of a score.

Each function compares one signal of an entry reading with the same signal of a
catalog track and returns 1.0 for "the same", lower for "less alike", or None when one
side does not carry the signal (absent signals add no evidence either way).
`version_similarity` also returns a guard: the reason two versions cannot be the same
recording ("remix vs original"), which the decision treats as a veto.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from matcher.matching.keys import MusicalKey, key_similarity
from matcher.matching.versions import Version

__all__ = [
    "artist_scores",
    "bpm_similarity",
    "duration_similarity",
    "key_sim",
    "text_similarity",
    "title_similarity",
    "version_similarity",
]

# Kinds of named versions that are interchangeable words for the same thing.
_KIND_GROUPS = (
    {"remix", "mix", "rework", "bootleg", "flip", "refix", "remake", "version", "rerub",
     "redux", "remode", "interpretation", "reinterpretation", "reedit", "edit", "cut"},
    {"dub", "dubmix"},
    {"vip"},
    {"instrumental"},
    {"acapella"},
    {"live"},
    {"mashup"},
    {"reprise"},
    {"vocal"},
    {"remaster"},
)  # fmt: skip


@lru_cache(maxsize=65536)
def _digits(text: str) -> frozenset[str]:
    """The numbers written as words in `text` (asked of every title, candidate after
    candidate: cached)."""
    return frozenset(filter(str.isdigit, text.split()))


def _pair(a: str, b: str) -> float:
    if a == b:
        return 1.0
    ratio = Levenshtein.normalized_similarity(a, b)
    da = _digits(a)  # most titles name no number: then the other's need not be read
    if da:
        db = _digits(b)
        if db and da != db:  # "Part 1" / "Part 2", "Vol 3" / "Vol 4": other works
            return min(0.6, ratio)
    # the token score is at most 0.97: at or above it, the letters already say it all
    best = ratio if ratio >= 0.97 else max(ratio, fuzz.token_sort_ratio(a, b) / 100.0 * 0.97)
    if len(a) >= 8 and len(a) < len(b) and b.startswith(a):  # the entry's title was cut short
        best = max(best, 0.9)
    return best


def title_similarity(entry_titles: tuple[str, ...], track_titles: tuple[str, ...]) -> float:
    for a in entry_titles:
        if a in track_titles:
            return 1.0  # no pair scores more than the same title
    return max([_pair(a, b) for a in entry_titles for b in track_titles])


def one_slip(title: str, others: tuple[str, ...]) -> bool:
    """Whether `title` is one typing slip from one of `others`: a letter added, dropped or
    changed, or two neighbours swapped (optimal string alignment distance 1), in titles
    long enough (six characters) that one letter rarely makes another word. Numbers must
    agree: "Part 1" and "Part 2", "Pt. I" and "Pt. II" are other tracks, not slips."""
    if len(title) < 6:
        return False
    return any(
        len(other) >= 6
        and OSA.distance(title, other, score_cutoff=1) <= 1
        and _numbers(title) == _numbers(other)
        for other in others
    )


_NUMBER = re.compile(r"\d+|\b[ivx]+\b")


def _numbers(title: str) -> list[str]:
    return _NUMBER.findall(title)


def text_similarity(a: str, b: str) -> float | None:
    if not a or not b:
        return None
    return max(_pair(a, b), fuzz.token_set_ratio(a, b) / 100.0 * 0.95)


def _likeness(a: str, b: str) -> float:
    """How alike two names are. Symmetric (both measures are), so a pair compared one way
    need not be compared the other (`artist_scores`)."""
    s = Levenshtein.normalized_similarity(a, b)
    if s < 0.9 and min(len(a), len(b)) >= 4:
        s = max(s, fuzz.token_set_ratio(a, b) / 100.0 * 0.92)
    return s


def _name_match(name: str, others: tuple[str, ...], seen: dict[tuple[str, str], float]) -> float:
    """How well `name` is found among `others` (1 when it is one of them). `seen` holds
    the pairs already compared, (name, other) -> likeness, and gets the new ones."""
    if name in others:
        return 1.0
    best = 0.0
    for other in others:
        s = seen.get((other, name))
        if s is None:
            s = seen[(name, other)] = _likeness(name, other)
        if s > best:  # max(best, s), without the call: this runs for every name pair
            best = s
    return best


def artist_scores(
    entry: tuple[str, ...], artists: tuple[str, ...], remixers: tuple[str, ...] = ()
) -> tuple[float | None, float | None]:
    """(similarity, coverage) of an entry's artists and a track's, None where a side has
    none: how well the entry's artists are found among the track's artists and remixers,
    and the share of the track's artists the entry names (libraries often keep only the
    first). Each pair of names is compared once: the coverage looks the other way across
    the same pairs."""
    track = artists + remixers
    if not entry or not track:
        return None, None
    seen: dict[tuple[str, str], float] = {}
    scores = [_name_match(n, track, seen) for n in entry]
    # the first-named artist counts double: it is the one libraries rarely get wrong
    similarity = (scores[0] * 2 + sum(scores[1:])) / (len(scores) + 1)
    if similarity < 0.9:  # the joined names score at most 0.9: only then can they do better
        joined = fuzz.token_set_ratio(" ".join(entry), " ".join(track)) / 100.0
        similarity = max(similarity, joined * 0.9)
    if not artists:
        return similarity, None
    cover = sum(1.0 for n in artists if _name_match(n, entry, seen) >= 0.85) / len(artists)
    return similarity, cover


def _kinds_agree(a: str, b: str) -> bool:
    if a == b:
        return True
    return any(a in group and b in group for group in _KIND_GROUPS)


def version_similarity(
    entry: Version,
    track: Version,
    track_names: tuple[str, ...],
    entry_artists: tuple[str, ...] = (),
) -> tuple[str, float, str]:
    """(signal, similarity, guard).

    The signal is "version" when both sides can be compared; "unstated_remix" when the
    entry names no version but the track is a remix (a dropped mix name, or another
    recording); "unknown_version" when the entry names a remix and the track says nothing.
    Those two are separate signals because how much they cost is learnt, not guessed.
    `track_names` are the track's remixers and artists, for a named version whose maker
    the entry names differently; `entry_artists` lets a remix whose remixer the entry
    lists among its artists count as named.
    """
    if not entry.family:
        if not track.family or track.is_original:
            return "version", (1.0 if not track.family or not track.length else 0.9), ""
        if track.name and any(_pair(track.name, a) >= 0.85 for a in entry_artists):
            return "unstated_remix", 0.7, ""  # "A, B - Title" where the track is "B Remix"
        return "unstated_remix", 0.0, ""
    if entry.is_original:
        if not track.family:
            return "version", 0.9, ""
        if track.is_original:
            return "version", (1.0 if entry.length == track.length else 0.85), ""
        return "version", 0.0, "remix vs original"
    # the entry names a version
    if not track.family:
        return "unknown_version", 0.0, ""
    if track.is_original:
        return "version", 0.0, "remix vs original"
    if entry.name and track.name:
        name = max(
            _pair(entry.name, track.name), fuzz.token_set_ratio(entry.name, track.name) / 100
        )
    elif entry.name or track.name:  # one side names the remixer, the other just says "Remix"
        named = entry.name or track.name
        name = 0.8 if any(_pair(named, n) >= 0.85 for n in track_names) else 0.7
    else:
        name = 1.0
    kinds = _kinds_agree(entry.kind, track.kind)
    if name < 0.6:  # both name a remixer, and they differ
        return "version", 0.0, "different remix"
    if not kinds:
        return "version", min(name, 0.6) * 0.5, "different version kind"
    length = 1.0 if entry.length == track.length else 0.95
    return "version", name * length, ""


def duration_similarity(a: float | None, b: float | None) -> float | None:
    """Seconds apart, as a similarity. An entry duration the track lacks is scored by the
    separate `duration_unknown` signal, so a catalog gap is not an advantage."""
    if not a or not b:
        return None
    diff = abs(a - b)
    if diff <= 3:
        return 1.0
    if diff <= 20:  # tags and stores often disagree by seconds of silence
        return 1.0 - 0.4 * (diff - 3) / 17
    return max(0.0, 0.6 - 0.6 * (diff - 20) / 70)


def bpm_similarity(a: float | None, b: float | None) -> float | None:
    """Half and double tempo count as the same (analysers disagree on them)."""
    if not a or not b:
        return None
    rel = min(abs(a - b), abs(a * 2 - b), abs(a - b * 2)) / b
    return 1.0 if rel <= 0.012 else max(0.0, 1.0 - (rel - 0.012) / 0.05)


def key_sim(a: MusicalKey | None, b: MusicalKey | None) -> float | None:
    if a is None or b is None:
        return None
    return key_similarity(a, b)
