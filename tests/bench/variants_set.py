"""A labelled set of REAL variants, mined from other DJs' libraries, for tests and benchmarks.

NEVER use it for fitting or tuning the matcher: it is the one check we have that was not
shaped by the devset, and it stops being one the day a weight is chosen by looking at it.

    from tests.bench.variants_set import build_variant_set
    paths = build_variant_set(tmp_dir)     # catalog.csv, playlist.csv, truth.csv, pairs.csv

Source: `../shared/data/dj_libraries.jsonl.gz` (real library entries of 18 DJs). The same
recording often sits in two DJs' libraries, spelled differently. This module finds such
cross-library pairs with evidence of its own, deliberately independent of the matcher's
text logic, and keeps only the pairs it is sure of:

    same recording (positive)            sibling versions (negative)
    - durations within 2 s               - the same artist and core title
    - BPM equal, half or double          - versions that clearly differ: a remix vs
      when both have one                   the original, two remixers, a VIP vs the
    - a shared artist word               - original; durations 10 s or more apart
    - the same core title, word by word
      (a one-letter typo allowed), with
      one distinctive word
    - the same version: remixer names
      overlap, special kinds (dub, VIP,
      edit, live, ...) equal; a plain
      title against a named remix is
      left out (it could be either)
    - not two different Beatport ids in    - not the same Beatport id in
      the file names                         the file names

A recording found in several libraries is a star around one copy (the cleanest becomes
the catalog row); only entries linked to that copy directly are labelled.

From the pairs: the catalog (one copy of each recording, as a clean catalog row, plus
unrelated real entries as distractors) and a playlist of the other DJs' entries as their
files wrote them. A negative's playlist entry is a version whose recording is in no
catalog row, while its sibling version is. A final guard drops every entry for which some
other catalog row could also be its recording (an artist word and a title word with
durations within 4 s, or the same title without a clearly different version: for
positives, 30 s or more apart also counts as different), so each label has one answer.

Everything is generated at run time into the folder given; nothing from ../shared is
copied into the repository.
"""

from __future__ import annotations

import csv
import gzip
import json
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import Levenshtein

__all__ = [
    "LIBRARIES",
    "Entry",
    "Pair",
    "VariantSet",
    "build_variant_set",
    "load_entries",
    "mine_pairs",
]

ROOT = Path(__file__).resolve().parents[2]
LIBRARIES = ROOT.parent / "shared" / "data" / "dj_libraries.jsonl.gz"

CATALOG_COLUMNS = (
    "catalog_id", "title", "mix", "artists", "remixers", "label", "release",
    "release_date", "bpm", "key", "genre", "duration_s", "isrc",
)  # fmt: skip
PLAYLIST_COLUMNS = (
    "Title", "Artist", "Album", "Genre", "Label", "Mix", "Remixer", "Comment", "Key",
    "BPM", "Duration (s)", "Year", "Location",
)  # fmt: skip
PLAYLIST_NAME = "real_variants.csv"

SAME_DURATION_S = 2.0
OTHER_VERSION_MIN_GAP_S = 10.0
GUARD_DURATION_S = 4.0
DIFFERENT_LENGTH_S = 30.0  # two files this far apart are not one recording
DISTINCTIVE_DF = 400  # a title word in fewer entries than this is distinctive
DISTRACTORS = 8000
SEED = 14

# --- words ---------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['\u2019\u00b4`]")
_WORD = re.compile(r"[a-z0-9]+")
_JUNK = re.compile(
    r"\(?\[?\s*(?:https?://|www\.)\S+|\S+\.(?:com|net|org|ru|kz|pm|me|info|to|cc|fm|su|pl|lt"
    r"|hu|us|co|uk|de|es|fr|it|nl|be|io|tv|biz|app|ws)\b\s*\]?\)?",
    re.I,
)
_GROUP = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]|\{([^{}]*)\}")
_FEAT = re.compile(r"\b(?:feat|ft|featuring)\b\.?.*$", re.I)
_CAMELOT = re.compile(r"^(?:[1-9]|1[0-2])[abdm]$")
_TRACK_NO = re.compile(r"^\s*(?:\d{1,3}|[a-d]\d)\s*(?:[.\-_)]\s*|\s+)(?=\D)")
_TITLE_NO = re.compile(r"^\s*\d{1,3}\s*[.\-_)]\s*(?=\D)")
_BEATPORT_ID = re.compile(r"^(\d{6,9})_")
_SEPARATOR = re.compile(r"\s+[-\u2013\u2014]\s+")

ARTICLES = frozenset(("the", "a", "an"))
ARTIST_STOP = frozenset(
    "the dj djs mc feat ft featuring and vs versus x with presents pres a of n".split()
)
JUNK_WORDS = frozenset(
    "free download dl mp3 wav flac aiff aif m4a www com net official video audio hq hd "
    "lyrics buy premiere out now exclusive".split()
)
# version kinds: generic lengths, special kinds (a different recording), remix words
LONG = frozenset("original extended club album main full long 12 12inch inch".split())
SHORT = frozenset("radio single short 7 7inch".split())
SPECIAL = {
    "edit": "edit", "vip": "vip", "dub": "dub", "bootleg": "bootleg", "boot": "bootleg",
    "flip": "flip", "rework": "rework", "refix": "rework", "remake": "rework",
    "reprise": "reprise", "instrumental": "instrumental", "inst": "instrumental",
    "acapella": "acapella", "acappella": "acapella", "accapella": "acapella",
    "live": "live", "mashup": "mashup", "vocal": "vocal", "intro": "intro",
    "cover": "cover", "acoustic": "acoustic", "unplugged": "acoustic", "rerub": "rework",
    "version": "",
}  # fmt: skip
REMIX = frozenset("remix rmx remixed mix mixed".split())
NEUTRAL = frozenset("remaster remastered clean dirty explicit the a and of by re".split())
VERSION_WORDS = LONG | SHORT | frozenset(SPECIAL) | REMIX


def fold(text: str) -> str:
    """Lower case, accents off, apostrophes dropped (Mendes' -> mendes, Don't -> dont)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _APOSTROPHES.sub("", text.lower()).replace("&", " and ")


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text).replace("_", " "))


def close(a: str, b: str) -> bool:
    """The same word, or a one-letter slip in a word of five letters or more."""
    if a == b:
        return True
    return min(len(a), len(b)) >= 5 and Levenshtein.distance(a, b, score_cutoff=1) <= 1


def same_words(a: frozenset[str], b: frozenset[str]) -> bool:
    """Word sets equal, each word allowed a one-letter slip."""
    if len(a) != len(b):
        return False
    if a == b:
        return True
    rest = list(b - a)
    for w in a - b:
        hit = next((r for r in rest if close(w, r)), None)
        if hit is None:
            return False
        rest.remove(hit)
    return not rest


def share_word(a: Iterable[str], b: Iterable[str]) -> bool:
    b = list(b)
    return any(close(x, y) for x in a for y in b)


# --- entries -------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """What a title says about its version, read from brackets, dashes, mix and remixer."""

    long: bool = False  # Original / Extended / Club Mix
    short: bool = False  # Radio Edit / Single
    special: frozenset[str] = frozenset()  # dub, vip, edit, live, ...
    names: frozenset[str] = frozenset()  # the remixer's words
    remix: bool = False

    @property
    def plain(self) -> bool:
        return not (self.special or self.names or self.remix)

    def describe(self) -> str:
        parts = sorted(self.special) + (
            ["remix:" + " ".join(sorted(self.names))] if self.names else []
        )
        if parts:
            return "+".join(parts)
        if self.remix:
            return "remix"
        return "long" if self.long else "short" if self.short else "plain"


@dataclass(frozen=True)
class Reading:
    """One way to read an entry as (artist words, core title words)."""

    artist: frozenset[str]
    title: frozenset[str]
    how: str


@dataclass
class Entry:
    row: dict[str, str]
    index: int
    dj: str
    duration: float | None
    bpm: float | None
    readings: list[Reading] = field(default_factory=list)
    version: Version = Version()
    beatport_id: str = ""
    junk: bool = False

    def get(self, name: str) -> str:
        return (self.row.get(name) or "").strip()

    @property
    def file_name(self) -> str:
        return self.get("location").replace("\\", "/").rsplit("/", 1)[-1]

    def show(self) -> str:
        artist, title = self.get("artist"), self.get("title")
        extra = [f"mix={self.get('mix')}"] if self.get("mix") else []
        extra += [f"remixer={self.get('remixer')}"] if self.get("remixer") else []
        dur = f"{self.duration:.0f}s" if self.duration else "-"
        bpm = f"{self.bpm:g}" if self.bpm else "-"
        return (
            f"[{self.dj}] {artist or '(no artist)'} | {title} {' '.join(extra)} "
            f"| {dur} {bpm}bpm | {self.file_name}"
        )


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def _clean(text: str) -> str:
    text = _JUNK.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip(" -_")


def _without_groups(text: str) -> tuple[str, list[str]]:
    groups = [next(g for g in m.groups() if g is not None) for m in _GROUP.finditer(text)]
    return _GROUP.sub(" ", text), groups


def _is_version(segment: str) -> bool:
    return any(w in VERSION_WORDS for w in words(segment))


def _core_words(text: str) -> frozenset[str]:
    text = _FEAT.sub("", _TITLE_NO.sub("", text))
    found = frozenset(
        w for w in words(text) if w not in JUNK_WORDS and not _CAMELOT.match(w) and w != "and"
    )
    return found - ARTICLES or found


def _artist_words(text: str) -> frozenset[str]:
    return frozenset(w for w in words(text) if w not in ARTIST_STOP and w not in JUNK_WORDS)


def _split_title(title: str) -> tuple[str, list[str], list[str]]:
    """(core, other dash segments, bracket groups) of a title; key codes dropped."""
    title = _clean(title)
    bare, groups = _without_groups(title)
    segments = [s.strip() for s in _SEPARATOR.split(bare) if s.strip()]
    segments = [s for s in segments if not _CAMELOT.match(fold(s))]
    if not segments:
        return "", [], groups
    return segments[0], segments[1:], groups


def _readings(e: Entry) -> list[Reading]:
    """The ways the entry can be read: its fields; "Artist - Title" in the title or the
    file name; "Artist[_Artist]_Title_Mix" titles of untagged downloads."""
    out: list[Reading] = []
    artist = _artist_words(e.get("artist"))  # featured artists included

    def add(a: frozenset[str], core: str, how: str) -> None:
        t = _core_words(core) - VERSION_WORDS or _core_words(core)
        if a and t and not _is_version_only(core):
            out.append(Reading(a, t, how))

    title = e.get("title")
    core, rest, _ = _split_title(title)
    if artist and core:
        add(artist, core, "fields")
    if rest and not _is_version(rest[0]):
        add(_artist_words(core) | artist, rest[0], "title 'A - T'")
    pieces = [p.strip() for p in _clean(_without_groups(title)[0]).split("_") if p.strip()]
    if 3 <= len(pieces) <= 5 and _is_version(pieces[-1]):
        for k in range(1, len(pieces) - 1):
            a = _artist_words(" ".join(pieces[:k])) | artist
            add(a, pieces[k], "title 'A_T_Mix'")
    stem = e.file_name.rsplit(".", 1)[0] if "." in e.file_name else e.file_name
    stem = _TRACK_NO.sub("", _BEATPORT_ID.sub("", stem))
    f_core, f_rest, _ = _split_title(stem)
    if f_rest and not _is_version(f_rest[0]):
        add(_artist_words(f_core) | artist, f_rest[0], "file 'A - T'")
    return out


def _is_version_only(text: str) -> bool:
    ws = [w for w in words(text) if w not in JUNK_WORDS]
    return bool(ws) and all(w in VERSION_WORDS for w in ws)


def _version(e: Entry) -> Version:
    """The version named anywhere in the title, mix, remixer or file name."""
    segments: list[str] = []
    for text in (e.get("title"), e.file_name.rsplit(".", 1)[0]):
        _, rest, groups = _split_title(text)
        segments += [g for g in groups if _is_version(g) and not _FEAT.match(g.strip())]
        segments += [s for s in rest if _is_version(s)]
        pieces = [p for p in _clean(_without_groups(text)[0]).split("_") if p.strip()]
        if len(pieces) >= 2 and _is_version(pieces[-1]):
            segments.append(pieces[-1])
    if _clean(e.get("mix")):
        segments.append(_clean(e.get("mix")))
    title_words = {w for r in e.readings for w in r.title}
    long = short = remix = False
    special: set[str] = set()
    names: set[str] = set()
    for segment in segments:
        ws = [w for w in words(_FEAT.sub("", segment)) if w not in JUNK_WORDS]
        if "radio" in ws and "edit" in ws:
            ws = [w for w in ws if w != "edit"]
        for w in ws:
            if w in LONG:
                long = True
            elif w in SHORT:
                short = True
            elif w in REMIX:
                remix = remix or w != "mix"
            elif w in SPECIAL:
                if SPECIAL[w]:
                    special.add(SPECIAL[w])
            elif w not in NEUTRAL and not w.isdigit() and w not in title_words:
                names.add(w)
    for w in _artist_words(_clean(e.get("remixer"))):
        names.add(w)
        remix = True
    if names and not special:
        remix = True
    return Version(long, short, frozenset(special), frozenset(names), remix)


def load_entries(path: Path = LIBRARIES) -> list[Entry]:
    """The library entries that can take part: a duration of 30 s or more, a title."""
    entries = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for index, line in enumerate(fh):
            row = json.loads(line)
            duration = _number(row.get("duration", ""))
            if duration is None or duration < 30 or not (row.get("title") or "").strip():
                continue
            e = Entry(
                row=row,
                index=index,
                dj=row["src"].split("_", 1)[0],
                duration=duration,
                bpm=_number(row.get("bpm", "")),
            )
            e.readings = _readings(e)
            e.version = _version(e)
            m = _BEATPORT_ID.match(e.file_name)
            e.beatport_id = m.group(1) if m else ""
            text = " ".join(e.get(f) for f in ("title", "artist"))
            e.junk = bool(_JUNK.search(text)) or " - " in e.get("title") or not e.get("artist")
            entries.append(e)
    return entries


# --- evidence ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    a: Entry
    b: Entry
    same: bool  # True: the same recording; False: sibling versions of one work
    why: str

    @property
    def key(self) -> tuple[int, int]:
        return (min(self.a.index, self.b.index), max(self.a.index, self.b.index))


def bpm_agrees(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return True
    return any(abs(a / b - m) <= 0.02 * m for m in (1.0, 2.0, 0.5))


def _distinctive(title: frozenset[str], df: dict[str, int]) -> bool:
    """One rare word of three letters or more, or a title of three words or more."""
    return len(title) >= 3 or any(
        (len(w) >= 3 or w.isdigit()) and df.get(w, 0) < DISTINCTIVE_DF for w in title
    )


def _same_work(a: Entry, b: Entry, df: dict[str, int], exact: bool) -> str:
    """How a and b read as the same artist and core title, or "" when they do not."""
    for ra in a.readings:
        for rb in b.readings:
            if not share_word(ra.artist, rb.artist):
                continue
            if not _artist_strong(ra.artist, rb.artist, df):
                continue
            ta, tb = ra.title - rb.artist - ra.artist, rb.title - ra.artist - rb.artist
            if not ta or not tb:
                continue
            equal = ta == tb if exact else same_words(ta, tb)
            if equal and _distinctive(ta & tb or ta, df):
                return f"{ra.how} ~ {rb.how}"
    return ""


def _artist_strong(a: frozenset[str], b: frozenset[str], df: dict[str, int]) -> bool:
    """A shared artist word that is rare, or one side's whole artist inside the other's."""
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    if all(any(close(w, x) for x in big) for w in small):
        return True
    return any(w in b and df.get(w, 0) < DISTINCTIVE_DF for w in a)


def same_version(a: Version, b: Version) -> bool:
    if a.special != b.special:
        return False
    if bool(a.names) != bool(b.names) or a.remix != b.remix:
        return False
    if a.names and not share_word(a.names, b.names):
        return False
    return not ((a.long and b.short) or (a.short and b.long))


def other_version(a: Version, b: Version) -> bool:
    """Clearly different versions: a special kind (or a radio edit) on one side only, a
    named remix against a plain title, or two remixes with no remixer word in common."""
    if a.special != b.special or a.short != b.short:
        return True
    if bool(a.names) != bool(b.names):
        return True
    return bool(a.names) and not share_word(a.names, b.names)


def judge(a: Entry, b: Entry, df: dict[str, int]) -> Pair | None:
    """A pair of two DJs' entries when the evidence is clear either way, else None."""
    if a.dj == b.dj or a.duration is None or b.duration is None:
        return None
    gap = abs(a.duration - b.duration)
    ids = a.beatport_id and b.beatport_id
    if gap <= SAME_DURATION_S:
        if ids and a.beatport_id != b.beatport_id:
            return None
        if not bpm_agrees(a.bpm, b.bpm) or not same_version(a.version, b.version):
            return None
        how = _same_work(a, b, df, exact=False)
        if not how:
            return None
        idn = " same beatport id" if ids else ""
        return Pair(a, b, True, f"{how}; {gap:.0f}s apart;{idn} version {a.version.describe()}")
    if gap >= OTHER_VERSION_MIN_GAP_S:
        if ids and a.beatport_id == b.beatport_id:
            return None
        if not other_version(a.version, b.version):
            return None
        how = _same_work(a, b, df, exact=True)
        if not how:
            return None
        versions = f"{a.version.describe()} vs {b.version.describe()}"
        return Pair(a, b, False, f"{how}; {gap:.0f}s apart; {versions}")
    return None


def title_df(entries: list[Entry]) -> dict[str, int]:
    """In how many entries each word appears (in any reading's artist or title)."""
    df: dict[str, int] = defaultdict(int)
    for e in entries:
        for w in {w for r in e.readings for w in r.title | r.artist}:
            df[w] += 1
    return df


def _candidates(entries: list[Entry], df: dict[str, int]) -> Iterator[tuple[Entry, Entry]]:
    """Pairs from different DJs that share a rare core-title word."""
    buckets: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        for w in {w for r in e.readings for w in r.title}:
            if df.get(w, 0) < DISTINCTIVE_DF:
                buckets[w].append(e)
    seen: set[tuple[int, int]] = set()
    for bucket in buckets.values():
        for i, a in enumerate(bucket):
            for b in bucket[i + 1 :]:
                key = (min(a.index, b.index), max(a.index, b.index))
                if a.dj != b.dj and key not in seen:
                    seen.add(key)
                    yield a, b


def mine_pairs(entries: list[Entry]) -> list[Pair]:
    """Every pair judged clear, in a stable order (by entry positions)."""
    df = title_df(entries)
    pairs = []
    for a, b in _candidates(entries, df):
        if a.index > b.index:
            a, b = b, a
        pair = judge(a, b, df)
        if pair is not None:
            pairs.append(pair)
    return sorted(pairs, key=lambda p: p.key)


# --- the set -------------------------------------------------------------------------


@dataclass(frozen=True)
class VariantSet:
    """The generated files and their counts."""

    catalog: Path  # catalog CSV (DESIGN.md columns)
    playlist: Path  # playlist CSV, the other DJs' entries as their libraries wrote them
    truth: Path  # playlist_file, entry_index, expected_catalog_id ("" = absent), ...
    pairs: Path  # each entry beside its catalog row or sibling, with the evidence
    positives: int
    negatives: int
    catalog_rows: int


@dataclass
class _Labelled:
    entry: Entry
    catalog: Entry  # the catalog row: its recording (positive) or a sibling (negative)
    positive: bool
    why: str


def _tidiness(e: Entry) -> tuple[int, ...]:
    """Which copy makes the cleaner catalog row: an artist field and a title of its own
    (no "A - T"), no download junk, then the most fields filled."""
    return (
        bool(e.get("artist")) and " - " not in e.get("title"),
        bool(e.get("artist")),
        not e.junk,
        bool(e.bpm),
        bool(e.get("label")),
        bool(e.get("album")),
        -len(e.get("title")),
    )


class _Components:
    """Union-find over entry indexes."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _label(entries: list[Entry], pairs: list[Pair]) -> tuple[list[_Labelled], set[int]]:
    """Positives (star around each recording's catalog copy) and negatives; and the
    indexes of every entry that took part in a pair (never a distractor)."""
    by_index = {e.index: e for e in entries}
    links: dict[int, dict[int, str]] = defaultdict(dict)
    comps = _Components()
    for p in pairs:
        if p.same:
            links[p.a.index][p.b.index] = p.why
            links[p.b.index][p.a.index] = p.why
            comps.union(p.a.index, p.b.index)
    members: dict[int, list[int]] = defaultdict(list)
    for i in links:
        members[comps.find(i)].append(i)
    labelled: list[_Labelled] = []
    rep_of: dict[int, int] = {}  # component root -> the entry that is its catalog row
    for root, group in members.items():
        rep = max(
            group,
            key=lambda i: (
                len({by_index[j].dj for j in links[i]}),
                _tidiness(by_index[i]),
                -i,
            ),
        )
        rep_of[root] = rep
        seen_djs = {by_index[rep].dj}
        for j in sorted(links[rep]):
            e = by_index[j]
            if e.dj not in seen_djs:
                seen_djs.add(e.dj)
                labelled.append(_Labelled(e, by_index[rep], True, links[rep][j]))
    in_catalog = set(rep_of.values())
    absent: set[int] = set()
    for p in sorted(pairs, key=lambda p: p.key):
        if p.same:
            continue
        # the entry that names its version explicitly is the better negative
        a, b = (p.a, p.b) if not p.a.version.plain or p.b.version.plain else (p.b, p.a)
        for x, y in ((a, b), (b, a)):
            if x.index in links or x.index in in_catalog:
                continue  # x's recording has a copy: it cannot be absent
            if y.index in absent:
                continue
            if y.index in links:
                rep = rep_of[comps.find(y.index)]
                if rep != y.index and rep not in links[y.index]:
                    continue
                y = by_index[rep]
            if x.index in absent:
                break
            absent.add(x.index)
            in_catalog.add(y.index)
            labelled.append(_Labelled(x, y, False, p.why))
            break
    used = {i for p in pairs for i in (p.a.index, p.b.index)}
    return labelled, used


def _could_be(a: Entry, b: Entry, strict: bool) -> bool:
    """Loose: could b be a's recording? Yes when they share an artist word and either
    a title word with durations within a few seconds, or the title (one title's words
    inside the other's) unless they are clearly different recordings: versions that
    differ, 10 s or more apart, or (when not `strict`) 30 s or more apart whatever they
    say."""
    gap = abs(a.duration - b.duration) if a.duration and b.duration else 0.0
    clearly_other = other_version(a.version, b.version) and gap >= OTHER_VERSION_MIN_GAP_S
    clearly_other = clearly_other or (not strict and gap >= DIFFERENT_LENGTH_S)
    for ra in a.readings:
        for rb in b.readings:
            if not share_word(ra.artist, rb.artist):
                continue
            if gap <= GUARD_DURATION_S and any(
                len(w) >= 3 or w.isdigit() for w in ra.title & rb.title
            ):
                return True
            ta, tb = ra.title - rb.artist, rb.title - ra.artist
            if ta and tb and (ta <= tb or tb <= ta) and not clearly_other:
                return True
    return False


def _guard(labelled: list[_Labelled], distractors: list[Entry]) -> tuple[list, list]:
    """Each entry must have one right answer. A distractor that could be an entry's
    recording is dropped; so is an entry for which another labelled row could be its
    recording. Negatives are judged strictly: a row of the same work 30 s away still
    counts as theirs unless its version clearly differs."""
    index: dict[str, set[int]] = defaultdict(set)
    rows: dict[int, Entry] = {}
    for e in [lab.catalog for lab in labelled] + distractors:
        rows[e.index] = e
        for r in e.readings:
            for w in r.title:
                index[w].add(e.index)
    pair_rows = {lab.catalog.index for lab in labelled}
    dropped_rows: set[int] = set()
    dropped_entries: set[int] = set()
    for lab in labelled:
        near = {i for r in lab.entry.readings for w in r.title for i in index.get(w, ())}
        for i in near:
            if lab.positive and i == lab.catalog.index:
                continue
            if not _could_be(lab.entry, rows[i], strict=not lab.positive):
                continue
            if i in pair_rows:
                dropped_entries.add(lab.entry.index)
            else:
                dropped_rows.add(i)
    kept = [lab for lab in labelled if lab.entry.index not in dropped_entries]
    return kept, [e for e in distractors if e.index not in dropped_rows]


# --- writing -------------------------------------------------------------------------

_KEY_OK = re.compile(
    r"^(?:(?:[1-9]|1[0-2])[ABabmd]|[A-G][#b\u266f\u266d]?m?|[A-G][#b]?\s*(?:major|minor|maj|min))$",
    re.I,
)
_VERSION_TAIL = re.compile(r"\s*[\(\[]([^()\[\]]*)[\)\]]\s*$")
_FEAT_GROUP = re.compile(r"\s*[\(\[]\s*(?:feat|ft|featuring)\.?\s+([^()\[\]]*)[\)\]]", re.I)
_FEAT_TAIL = re.compile(r"\s+(?:feat|ft|featuring)\.?\s+(.*)$", re.I)
_VERSION_NAME = re.compile(
    r"\b(?:" + "|".join(sorted(VERSION_WORDS, key=len, reverse=True)) + r")\b", re.I
)


def catalog_id(e: Entry) -> str:
    return str(30_000_000 + e.index)


def _catalog_row(e: Entry) -> dict[str, str]:
    """A clean catalog row for the entry: the version moved out of the title into `mix`,
    featured artists into `artists`, key codes and download junk dropped."""
    artist = _clean(e.get("artist"))
    title = _TITLE_NO.sub("", _clean(e.get("title")))
    segments = [s for s in _SEPARATOR.split(title) if not _CAMELOT.match(fold(s).strip())]
    if not artist and len(segments) >= 2:
        artist, segments = segments[0], segments[1:]
    mix = _clean(e.get("mix"))
    if len(segments) >= 2 and _is_version(segments[-1]):
        mix = mix or segments[-1]
        segments = segments[:-1]
    title = " - ".join(segments)
    featured = [m.group(1).strip() for m in _FEAT_GROUP.finditer(title)]
    title = _FEAT_GROUP.sub("", title).strip()
    m = _VERSION_TAIL.search(title)
    if m and _is_version(m.group(1)):
        mix = mix or m.group(1).strip()
        title = title[: m.start()].strip()
    m = _FEAT_TAIL.search(artist)
    if m:
        featured.insert(0, m.group(1).strip())
        artist = artist[: m.start()].strip()
    artists = ", ".join(dict.fromkeys(a for a in [artist, *featured] if a))
    remixers = _clean(e.get("remixer"))
    if not remixers and e.version.names and mix:
        remixers = _VERSION_NAME.sub(" ", mix)
        remixers = re.sub(r"\s+", " ", remixers.replace("'s ", " ")).strip(" -'&,")
    key = e.get("key") if _KEY_OK.match(e.get("key")) else ""
    bpm = f"{e.bpm:.2f}".rstrip("0").rstrip(".") if e.bpm else ""
    return {
        "catalog_id": catalog_id(e),
        "title": title,
        "mix": mix,
        "artists": artists,
        "remixers": remixers,
        "label": _clean(e.get("label")),
        "release": _clean(e.get("album")),
        "release_date": e.get("date") if e.get("date") not in ("", "0") else "",
        "bpm": bpm,
        "key": key,
        "genre": e.get("genre"),
        "duration_s": f"{e.duration:.0f}" if e.duration else "",
        "isrc": "",
    }


def _playlist_row(e: Entry) -> dict[str, str]:
    """The entry as its library wrote it."""
    fields = ("title", "artist", "album", "genre", "label", "mix", "remixer", "comment", "key",
              "bpm", "duration", "date", "location")  # fmt: skip
    return {column: e.get(f) for column, f in zip(PLAYLIST_COLUMNS, fields, strict=True)}


def _variant_kind(entry: Entry, row: Entry) -> str:
    same = fold(entry.get("title")).strip() == fold(row.get("title")).strip()
    same = same and fold(entry.get("artist")).strip() == fold(row.get("artist")).strip()
    return "same_spelling" if same else "respelled"


def _write_csv(path: Path, columns: Iterable[str], rows: Iterable[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)


def build_variant_set(
    out_dir: Path,
    *,
    source: Path = LIBRARIES,
    distractors: int = DISTRACTORS,
    seed: int = SEED,
) -> VariantSet:
    """Mine the pairs and write catalog.csv, real_variants.csv, truth.csv and pairs.csv
    into `out_dir` (a temporary folder: never the repository)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = load_entries(source)
    labelled, used = _label(entries, mine_pairs(entries))
    rng = random.Random(seed)
    pool = [e for e in entries if e.index not in used and e.get("artist") and e.readings]
    extra = rng.sample(pool, min(distractors, len(pool)))
    labelled, extra = _guard(labelled, extra)
    rng.shuffle(labelled)

    catalog = {lab.catalog.index: lab.catalog for lab in labelled}
    catalog.update({e.index: e for e in extra})
    catalog_path = out_dir / "catalog.csv"
    ordered = sorted(catalog.values(), key=lambda e: catalog_id(e))
    _write_csv(catalog_path, CATALOG_COLUMNS, (_catalog_row(e) for e in ordered))

    playlist_path = out_dir / PLAYLIST_NAME
    _write_csv(playlist_path, PLAYLIST_COLUMNS, (_playlist_row(lab.entry) for lab in labelled))

    truth_path = out_dir / "truth.csv"
    pairs_path = out_dir / "pairs.csv"
    truth_rows, pair_rows = [], []
    for i, lab in enumerate(labelled):
        expected = catalog_id(lab.catalog) if lab.positive else ""
        kind = _variant_kind(lab.entry, lab.catalog) if lab.positive else "other_version"
        truth_rows.append({
            "playlist_file": PLAYLIST_NAME, "entry_index": str(i),
            "expected_catalog_id": expected, "label": "positive" if lab.positive else "negative",
            "kind": kind, "source": lab.entry.get("src"),
        })  # fmt: skip
        pair_rows.append({
            "entry_index": str(i), "label": "positive" if lab.positive else "negative",
            "evidence": lab.why, "entry": lab.entry.show(),
            "catalog_row": f"{catalog_id(lab.catalog)} {lab.catalog.show()}",
        })  # fmt: skip
    _write_csv(truth_path, truth_rows[0].keys() if truth_rows else ["playlist_file"], truth_rows)
    _write_csv(pairs_path, pair_rows[0].keys() if pair_rows else ["entry_index"], pair_rows)
    positives = sum(lab.positive for lab in labelled)
    return VariantSet(
        catalog=catalog_path,
        playlist=playlist_path,
        truth=truth_path,
        pairs=pairs_path,
        positives=positives,
        negatives=len(labelled) - positives,
        catalog_rows=len(catalog),
    )
