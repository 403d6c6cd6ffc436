"""What the review dialog says, in words a DJ reads. No Tk here (ui/views/review_dialog.py
draws it).

    MatchResult ──entry_heading(), entry_fields()──▶ the entry as the playlist gave it
    Candidate   ──candidate_values()──────────────▶ one row: who, how sure, how well each
                                                    clue agrees, why it was not chosen
                ──why_rows()──────────────────────▶ each clue, what it did to the chances

The engine's "why" is per clue (title, artists, version, duration, BPM, key, and a few
more): a positive number counted against the candidate, a negative one spoke for it, in
the units of the scoring model (natural log of the odds). A DJ reads them as "N times
less likely", which is also how the engine words a candidate that lost.

`percent` is the window's one wording of a confidence (this dialog, the results table,
Settings' thresholds), and `nfc` its one way of showing a playlist's text: composed, so a
file's decomposed "ホ゛" shows as "ボ" (what the readers return and the files written
keep the text as it came).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

from matcher import Candidate, MatchResult, PlaylistEntry

__all__ = [
    "CANDIDATE_COLUMNS",
    "REVIEW_FEATURES",
    "Why",
    "candidate_values",
    "entry_fields",
    "entry_heading",
    "nfc",
    "percent",
    "shortlist",
    "status_line",
    "why_rows",
    "why_title",
]

REVIEW_FEATURES = ("title", "artists", "version", "duration", "bpm", "key")
_VERSION_SIGNALS = ("version", "unstated_remix", "unknown_version")
_AGREES = {"title": "Title", "artists": "Artists", "version": "Version",
           "duration": "Length", "bpm": "BPM", "key": "Key"}  # fmt: skip
_AGREE_WIDTH = {"title": 62, "artists": 74, "version": 78, "duration": 74, "bpm": 58, "key": 54}
# (key, heading, width at 96 dpi, numeric)
CANDIDATE_COLUMNS: tuple[tuple[str, str, int, bool], ...] = (
    ("rank", "#", 28, True),
    ("artists", "Artists", 130, False),
    ("title", "Title", 150, False),
    ("mix", "Mix", 100, False),
    ("confidence", "Sure", 54, True),
    *(
        (f"score_{f}", "≈" + _AGREES[f], 70 if f in ("artists", "version") else 60, True)
        for f in REVIEW_FEATURES
    ),  # fmt: skip
    ("note", "Why not chosen", 240, False),
)
# the engine's clue names, as the "why" panel says them
_CLUES = {
    "title": "Title",
    "artists": "Artists",
    "version": "Version (mix, remix)",
    "duration": "Length",
    "bpm": "BPM",
    "key": "Key",
    "no_artist": "No artist in the playlist",
    "release": "Same release",
    "label": "Same label",
    "identifier": "Found by its ISRC or store ID",
    "surface": "Title written the same way",
    "title_tag": "The same tag in the title ([FULL], [M]…)",
    "title_twins": "Other tracks share this title",
    "siblings": "Other versions of this track",
    "timed_sibling": "Another version has the playlist's length",
    "no_version": "The playlist names no version",
    "unstated_remix": "A remix the playlist does not name",
    "unknown_version": "The playlist names a remix",
}
_STATUS = {"matched": "matched", "review": "needs review", "unmatched": "not found",
           "error": "error"}  # fmt: skip
# the engine's notes that still say too much: "0.16 log-odds below the best (weakest: title)"
# (older journals) and "999 times less likely than the best" (its cap)
_LOG_ODDS = re.compile(r"^(\d+(?:\.\d+)?) log-odds below the best(.*)$")
_CAPPED = re.compile(r"^999 times less likely than the best(.*)$")
SMALL = 0.25  # below this, a clue changed the odds by less than a third: "a little"


def percent(share: float) -> str:
    """A share (a confidence, a clue's agreement) as a whole percent, rounded down: shown
    beside the thresholds ("matched from 85 %"), a confidence of 0.849 must not read as
    "85 %" when it needed review. So a share reads as at least a threshold exactly when it
    is (the thresholds are whole percents), and "100 %" only when it is all there is."""
    if not math.isfinite(share):
        return "–"
    return f"{math.floor(round(share * 100, 6)):.0f} %"  # round first: 0.29 * 100 = 28.999…


def nfc(text: str) -> str:
    """`text` as it is shown: composed (NFC). Some exports store decomposed characters
    (NFD: "ホ" + a combining voicing mark), which Tk draws as two glyphs."""
    return unicodedata.normalize("NFC", text)


def entry_heading(entry: PlaylistEntry) -> str:
    """ "Artist – Title", or just the title when the playlist names no artist."""
    title = entry.title or "(no title)"
    return nfc(f"{entry.artist} – {title}" if entry.artist.strip() else title)


def status_line(result: MatchResult) -> str:
    """ "Now: needs review · 55 % sure · thin evidence (weakest: artists)" """
    status = _STATUS.get(str(result.status), str(result.status))
    parts = [f"Now: {status}", f"{percent(result.confidence)} sure"]
    if result.reason:
        parts.append(result.reason)
    return " · ".join(parts)


def shortlist(result: MatchResult) -> tuple[Candidate, ...]:
    """The candidates best first; the proposed best is included even if not listed."""
    if result.best is not None and result.best not in result.candidates:
        return (result.best, *result.candidates)
    return result.candidates


def _feature(candidate: Candidate, name: str) -> float | None:
    if name == "version":
        return next((candidate.features[s] for s in _VERSION_SIGNALS
                     if s in candidate.features), None)  # fmt: skip
    return candidate.features.get(name)


def _note(candidate: Candidate) -> str:
    if candidate.guard:
        return f"ruled out: {candidate.guard}"
    note = {"best": "the best candidate", "chosen": "chosen"}.get(candidate.note, candidate.note)
    if found := _LOG_ODDS.match(note):  # a batch journalled by an older version
        times = math.exp(float(found[1]))
        note = ("about as likely as the best" if times < 2
                else f"{_times(times)} less likely than the best") + found[2]  # fmt: skip
    elif found := _CAPPED.match(note):  # the engine stops counting at 999
        note = "far less likely than the best" + found[1]
    return note


def _times(times: float) -> str:
    return f"{times:,.0f} times" if times < 999.5 else "over 1,000 times"


def candidate_values(rank: int, candidate: Candidate) -> tuple[str, ...]:
    """One candidate-table row: who it is, how sure, how well each clue agrees (100 % =
    the same, – = not known), and why it was not chosen."""
    track = candidate.track
    agrees = []
    for name in REVIEW_FEATURES:
        value = _feature(candidate, name)
        agrees.append("–" if value is None else percent(value))
    return (
        str(rank), nfc(", ".join(track.artists)), nfc(track.title), nfc(track.mix),
        percent(candidate.confidence), *agrees, nfc(_note(candidate)),
    )  # fmt: skip


class Why:
    """One clue of the "why" panel: its name, what it did, and how much (for a bar)."""

    __slots__ = ("against", "effect", "label", "value")

    def __init__(self, name: str, value: float) -> None:
        self.label = _CLUES.get(name, name.replace("_", " ").capitalize())
        self.value = value
        self.against = value > 0
        self.effect = _effect(value)

    def __repr__(self) -> str:
        return f"Why({self.label!r}, {self.effect!r})"


def _effect(value: float) -> str:
    """The clue's effect on the odds: "8 times less likely", "a little more likely"."""
    if abs(value) < SMALL:
        return "hardly matters"
    way = "less" if value > 0 else "more"
    times = math.exp(abs(value))
    if times < 2:
        return f"a little {way} likely"
    return f"{_times(times)} {way} likely"


def why_rows(candidate: Candidate) -> list[Why]:
    """Each clue of the candidate, the ones against it first (largest first), then the
    ones for it."""
    ordered = sorted(candidate.penalties.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Why(name, value) for name, value in ordered]


def why_title(candidate: Candidate, rows: Sequence[Why]) -> str:
    """The "why" panel's heading: who, how sure, and what the rows below are: clues
    against it, for it, or both (it once said "against it and for it" over four clues
    that were all against)."""
    track = candidate.track
    who = " – ".join(part for part in (", ".join(track.artists), track.title) if part)
    against, support = any(w.value > 0 for w in rows), any(w.value < 0 for w in rows)
    if against and support:
        what = "What spoke against it and for it:"
    elif against or support:
        what = f"What spoke {'against' if against else 'for'} it:"
    else:
        what = "No clue spoke for or against it."
    return nfc(f"{who} ({track.catalog_id}): {percent(candidate.confidence)} sure. {what}")


def _duration(seconds: float | None) -> str:
    if not seconds:
        return ""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def entry_fields(entry: PlaylistEntry) -> list[tuple[str, str]]:
    """What the playlist said about the entry, as (label, value) pairs."""
    return [
        ("Artist", nfc(entry.artist)), ("Title", nfc(entry.title)), ("Mix", nfc(entry.mix)),
        ("Album", nfc(entry.album)), ("Length", _duration(entry.duration_s)),
        ("BPM", _number(entry.bpm)), ("Key", entry.key), ("File", nfc(entry.location)),
    ]  # fmt: skip
