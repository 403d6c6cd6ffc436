"""Versions of a track: "Original Mix", "Extended Mix", "Jamie Stevens Remix", "Dub", ...

DJs care which version they own, so a version is parsed into what decides identity:

* the **original family** (Original, Extended, Radio Edit, Club Mix, Album Version): the
  same recording at different lengths. Extended and Original are not different songs.
* a **named version** (a remix, edit, dub, VIP, bootleg, a named "X Mix"): a different
  recording, identified by who made it (`name`) and what it is (`kind`).

`split_version` finds the version in a title (`Title (X Remix)`, `Title [X Remix]`,
`Title - X Remix`); `parse_version` reads a version text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from matcher.matching.text import fold

__all__ = ["Version", "is_version_text", "parse_version", "split_version"]

# Words that make a bracket group or a dash suffix a version.
_ABBREV = {
    "orig": "original", "origional": "original", "orignal": "original", "oiginal": "original",
    "origianl": "original", "ext": "extended", "extd": "extended", "rmx": "remix",
    "remixed": "remix", "rework": "rework", "reworked": "rework", "inst": "instrumental",
    "instr": "instrumental", "instrumentals": "instrumental", "acapella": "acapella",
    "accapella": "acapella", "reedit": "reedit", "re": "re", "radioedit": "radio edit",
    "mixx": "mix", "remastered": "remaster", "bootleg": "bootleg", "edt": "edit",
}  # fmt: skip
# Words that name what a named version is.
_KINDS = {
    "remix", "mix", "edit", "dub", "vip", "rework", "bootleg", "flip", "refix", "remake",
    "reprise", "instrumental", "acapella", "mashup", "rerub", "redux", "remode", "version",
    "cut", "live", "interpretation", "reinterpretation", "remaster", "dubmix", "reedit",
}  # fmt: skip
# Words that only describe the length or style of the original recording.
_ORIGINAL_WORDS = {
    "original", "extended", "radio", "club", "main", "album", "single", "full", "length",
    "long", "short", "clean", "dirty", "explicit", "12", "7", "inch", "mix", "version",
    "edit", "cut", "vocal", "remaster", "remastered", "stereo", "mono", "digital", "sped",
}  # fmt: skip
_VERSION_WORDS = _KINDS | {"original", "extended", "radio", "club", "vocal", "acapella"}
_NEUTRAL_KINDS = {"mix", "version", "cut", "remaster"}
_YEAR = re.compile(r"^(19|20)\d\d$")  # kinds that say little on their own

_TRAILING_GROUP = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*$")
_DASH_SUFFIX = re.compile(r"\s+[-–—]+\s+(?!.*\s[-–—]+\s)(.+)$")
_FEAT = re.compile(r"^(feat|ft|featuring|with)\b", re.I)
# A version written after the title with no bracket or dash: "Dare Me Radio Edit".
_PLAIN_SUFFIX = re.compile(
    r"\s+((?:original|extended|radio|club|dub|album|single)\s+(?:mix|edit|version)|"
    r"radio\s+edit|instrumental)$",
    re.I,
)
_PLAIN_LAST = frozenset("xXtTnNlL")  # how _PLAIN_SUFFIX's versions end (mix, edit, ...)


@dataclass(frozen=True, slots=True)
class Version:
    """A parsed version. `family` is "" (none given), "original" or "named"."""

    family: str = ""
    name: str = ""  # folded maker of a named version: "jamie stevens"
    kind: str = ""  # "remix", "edit", "dub", "vip", "mix", ... ("" for the original family)
    length: str = ""  # "extended", "radio" or ""

    @property
    def is_original(self) -> bool:
        return self.family == "original"

    @property
    def is_named(self) -> bool:
        return self.family == "named"


NO_VERSION = Version()


# Version words long enough that one slip of the finger ("Oriinal", "ORIGNIAL", "Extnded")
# cannot turn them into another word: read as the word meant. "remix" is short enough
# that an edit makes real words ("remit"), so only swapped letters ("Remxi") count.
_TYPO_TARGETS = ("original", "extended", "instrumental")


@lru_cache(maxsize=4096)
def _mended(word: str) -> str:
    """`word`, or the version word it is one typo (edit or swap) away from."""
    if len(word) < 5 or word in _ABBREV or word in _KINDS or word in _ORIGINAL_WORDS:
        return word
    for target in _TYPO_TARGETS:
        if word.startswith(target):  # "originals": a word of its own, not a slip
            continue
        if abs(len(target) - len(word)) <= 1 and OSA.distance(word, target, score_cutoff=1) <= 1:
            return target
    if sorted(word) == sorted("remix") and OSA.distance(word, "remix", score_cutoff=1) <= 1:
        return "remix"
    return word


def _expand(text: str) -> list[str]:
    out: list[str] = []
    for w in fold(text).split():
        out.extend(_ABBREV.get(w, _mended(w)).split())
    # "re edit" / "re work" / "re mix" written apart
    joined: list[str] = []
    for w in out:
        if joined and joined[-1] == "re" and w in {"edit", "work", "mix", "rub", "fix"}:
            joined[-1] = {"work": "rework", "mix": "remix", "rub": "rerub", "fix": "refix"}.get(
                w, "reedit"
            )
        else:
            joined.append(w)
    return joined


@lru_cache(maxsize=16384)
def is_version_text(text: str) -> bool:
    """Whether a bracket group or dash suffix reads as a version ("X Remix", "Extended")."""
    if not text or _FEAT.match(text.strip()):
        return False
    return any(w in _VERSION_WORDS for w in _expand(text))


@lru_cache(maxsize=16384)
def parse_version(text: str) -> Version:
    """Read a version text such as "Jamie Stevens Remix", "Ext Mix" or "Dub"."""
    ws = _expand(text)
    if not ws:
        return NO_VERSION
    length = "extended" if "extended" in ws else "radio" if "radio" in ws else ""
    if all(w in _ORIGINAL_WORDS or w.isdigit() for w in ws) and not ({"vocal", "dub"} & set(ws)):
        return Version("original", "", "", length)
    kinds = [w for w in ws if w in _KINDS]
    kind = next((k for k in kinds if k not in _NEUTRAL_KINDS), kinds[-1] if kinds else "mix")
    if kind == "dubmix":
        kind = "dub"
    name_words = [
        w for w in ws if w not in _KINDS and w not in _ORIGINAL_WORDS and not _YEAR.match(w)
    ]
    if "vocal" in ws and not name_words and kind in _NEUTRAL_KINDS:
        kind = "vocal"
    return Version("named", " ".join(name_words), kind, length)


@lru_cache(maxsize=32768)
def split_version(title: str) -> tuple[str, str]:
    """Split a title into (title without its version, version text).

    Looks at trailing `( )` / `[ ]` groups and a trailing ` - X Remix`. Groups that are
    not versions (`(feat. X)`, `(Afrohouse)`) stay in the title.
    """
    rest = title.strip()
    kept: list[str] = []
    version = ""
    while rest.endswith((")", "]")):  # a trailing group closes the (stripped) title
        m = _TRAILING_GROUP.search(rest)
        if not m:
            break
        inner = m.group(1).strip()
        if not version and is_version_text(inner):
            version = inner
        else:
            kept.insert(0, rest[m.start() :].strip())
        rest = rest[: m.start()].rstrip()
    if not version and ("-" in rest or "–" in rest or "—" in rest):
        m = _DASH_SUFFIX.search(rest)
        if m and rest[: m.start()].strip() and is_version_text(m.group(1)):
            version = m.group(1).strip()
            rest = rest[: m.start()].rstrip()
    if not version and "_" in rest:  # "Title_Lomax Rmx", as file-name-style titles write it
        left, right = rest.rsplit("_", 1)
        if left.strip() and is_version_text(right):
            version, rest = right.strip(), left.strip()
    if not version and not kept and rest[-1:] in _PLAIN_LAST:
        m = _PLAIN_SUFFIX.search(rest)
        if m and rest[: m.start()].strip():
            version = m.group(1).strip()
            rest = rest[: m.start()].rstrip()
    core = " ".join([rest, *kept]).strip()
    return (core or title.strip(), version)
