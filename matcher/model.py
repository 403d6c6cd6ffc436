"""The records that flow through CrateMatch.

Everything here is a small frozen dataclass with plain-typed fields, so it pickles
cheaply between processes and can be compared in tests:

    PlaylistEntry  one row of a user's playlist, as the file wrote it
    CatalogTrack   one catalog row (local catalog or an online provider)
    Candidate      a catalog track scored against an entry, with its feature scores
    QueryRecord    one query the planner ran and what it returned
    MatchResult    the decision for one entry: the `matches.csv` row plus its audit trail
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter
from pathlib import Path

__all__ = [
    "MATCH_COLUMNS",
    "Candidate",
    "CatalogTrack",
    "MatchResult",
    "MatchStatus",
    "Playlist",
    "PlaylistEntry",
    "PlaylistInfo",
    "PlaylistRef",
    "QueryRecord",
]


class MatchStatus(StrEnum):
    MATCHED = "matched"  # confident: the catalog track is this entry
    REVIEW = "review"  # a close call or thin evidence: the best candidate is shown, not accepted
    UNMATCHED = "unmatched"  # nothing in the catalog is this entry
    ERROR = "error"  # the entry could not be matched (provider down, worker crash, ...)


@dataclass(frozen=True, slots=True)
class PlaylistEntry:
    """One playlist position, with the fields as the source file wrote them.

    Readers do no cleaning beyond decoding: normalisation is the matcher's job, so the
    reports can show what the user's file really said.
    """

    playlist_file: str  # the input's file name
    playlist: str  # playlist name; "Folder/Sub/Name" for Rekordbox and Traktor trees
    entry_index: int  # 0-based position in the playlist
    source_id: str = ""  # Rekordbox TrackID, Traktor key, Spotify URI, ...
    title: str = ""
    artist: str = ""
    remixer: str = ""
    mix: str = ""
    album: str = ""
    label: str = ""
    genre: str = ""
    comments: str = ""
    year: str = ""  # a year or a date, as written
    duration_s: float | None = None
    bpm: float | None = None
    key: str = ""  # as written: "8A", "Am", "A Minor", "1m", ...
    isrc: str = ""
    location: str = ""  # local file path (decoded) or URL
    file_size: int | None = None  # bytes, where the source records it (Rekordbox, Traktor)


@dataclass(frozen=True, slots=True)
class PlaylistInfo:
    """A playlist found in a file, before its entries are read (for pickers and listings)."""

    path: str  # "Folder/Sub/Name"
    entries: int
    is_folder: bool = False


@dataclass(frozen=True, slots=True)
class PlaylistRef:
    """A playlist to match: a file and, for multi-playlist files, which playlist in it."""

    path: Path
    name: str | None = None


@dataclass(frozen=True)
class Playlist:
    """A playlist read from a file."""

    source: Path  # the file it came from
    name: str  # "Folder/Name" or the file's stem
    format: str  # "rekordbox", "m3u", "csv", "nml"
    entries: tuple[PlaylistEntry, ...]

    @property
    def file_name(self) -> str:
        return self.source.name


@dataclass(frozen=True, slots=True)
class CatalogTrack:
    """One catalog row, in the catalog CSV's terms (DESIGN.md)."""

    catalog_id: str
    title: str
    mix: str = ""
    artists: tuple[str, ...] = ()
    remixers: tuple[str, ...] = ()
    label: str = ""
    release: str = ""
    release_date: str = ""
    bpm: float | None = None
    key: str = ""  # "A Minor" / "F# Major"
    genre: str = ""
    duration_s: float | None = None
    isrc: str = ""
    location: str = ""  # the owner's audio file, for catalogs imported from a collection
    file_size: int | None = None  # that file's size in bytes, where known


@dataclass(frozen=True, slots=True)
class Candidate:
    """A catalog track scored against an entry.

    `features` maps a signal name (title, artists, version, duration, bpm, key) to its
    similarity in [0, 1]; signals the entry or the track lacks are absent. `penalties`
    holds each signal's share of the distance, which is the "why" in the reports.
    """

    track: CatalogTrack
    confidence: float  # its share of the belief among the candidates and "not in the catalog"
    features: dict[str, float] = field(default_factory=dict)
    penalties: dict[str, float] = field(default_factory=dict)
    guard: str = ""  # why a hard rule rejected it, "" if none
    note: str = ""  # why it lost, filled by the decision step
    score: float = 0.0  # log-odds against "not in the catalog", before sharing


@dataclass(frozen=True, slots=True)
class QueryRecord:
    """One query the planner ran: its kind, its text, how many rows it returned."""

    kind: str  # "isrc", "catalog-id", "title+artist", "title", "fuzzy", ...
    text: str
    hits: int
    elapsed_ms: float = 0.0


MATCH_COLUMNS: tuple[str, ...] = (
    "playlist_file", "playlist", "entry_index", "source_id", "source_artist",
    "source_title", "status", "confidence", "provider", "catalog_id", "artists", "title",
    "mix", "remixers", "label", "release", "release_date", "bpm", "key", "genre",
    "duration_s", "isrc", "queries", "candidates", "elapsed_ms", "reason",
    "location",  # after the 26 of the contract: the entry's file, as the playlist gave it
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The decision for one entry.

    For `matched` and `review`, `best` is the chosen (or proposed) candidate; for
    `unmatched` and `error` it is None and `reason` says why. `candidates` keeps the
    scored shortlist (best first) and `query_log` the queries, for the audit files.
    """

    entry: PlaylistEntry
    status: MatchStatus
    confidence: float
    provider: str
    reason: str
    best: Candidate | None = None
    candidates: tuple[Candidate, ...] = ()
    query_log: tuple[QueryRecord, ...] = ()
    elapsed_ms: float = 0.0
    candidates_evaluated: int = 0  # all scored, though `candidates` keeps only the shortlist
    queries_run: int = 0  # queries run, though a brief result drops `query_log`
    # (size, mtime_ns) of the entry's local file when the batch matched it; None when the
    # entry names no local file or it could not be seen. Write-back refuses a file that
    # changed since: the match may no longer describe it.
    file_stamp: tuple[int, int] | None = None
    # the query kinds ("isrc", "title+artist", "trigram", ...) whose hits held `best`, in
    # the order they ran: the first found it; a match only one kind found shows what that
    # kind is worth (the dashboard's query effectiveness)
    found_by: tuple[str, ...] = ()

    def brief(self, keep: int = 1) -> MatchResult:
        """This result without its audit trail (candidates beyond the first `keep`,
        queries): what progress events carry, so a window gets each chunk cheaply. The
        journal and the output files keep the full result."""
        # the constructor by position, not dataclasses.replace: a quarter of its cost
        return MatchResult(
            self.entry,
            self.status,
            self.confidence,
            self.provider,
            self.reason,
            self.best,
            self.candidates[:keep],
            (),
            self.elapsed_ms,
            max(self.candidates_evaluated, len(self.candidates)),
            max(self.queries_run, len(self.query_log)),
            self.file_stamp,
            self.found_by,
        )

    @property
    def playlist_file(self) -> str:
        return self.entry.playlist_file

    @property
    def entry_index(self) -> int:
        return self.entry.entry_index

    @property
    def catalog_id(self) -> str:
        if self.best is None or self.status in _UNDECIDED:
            return ""
        return self.best.track.catalog_id

    @property
    def track(self) -> CatalogTrack | None:
        """The accepted catalog track (only for `matched`)."""
        return self.best.track if self.best and self.status == MatchStatus.MATCHED else None

    def row(self) -> dict[str, str]:
        """This result as a `matches.csv` row (every value a string, columns in order)."""
        return dict(zip(MATCH_COLUMNS, self.values(), strict=True))

    def values(self) -> list[str]:
        """`row()`'s values in MATCH_COLUMNS order, without the dict (matches.csv writes
        these: thousands of rows)."""
        e = self.entry
        t = self.best.track if self.best and self.catalog_id else None
        values = [
            e.playlist_file, e.playlist, str(e.entry_index), e.source_id, e.artist, e.title,
            str(self.status), f"{self.confidence:.3f}", self.provider,
        ]  # fmt: skip
        if t is None:
            values += _NO_TRACK
        else:
            values += (
                t.catalog_id, ", ".join(t.artists), t.title, t.mix, ", ".join(t.remixers),
                t.label, t.release, t.release_date, _num(t.bpm), t.key, t.genre,
                _num(t.duration_s), t.isrc,
            )  # fmt: skip
        values += (
            str(max(self.queries_run, len(self.query_log))),
            str(max(self.candidates_evaluated, len(self.candidates))),
            f"{self.elapsed_ms:.2f}",
            self.reason,
            e.location,
        )
        return values


_NO_TRACK = ("",) * 13  # catalog_id .. isrc of a result without an accepted track
_UNDECIDED = (MatchStatus.UNMATCHED, MatchStatus.ERROR)  # no catalog id, whatever `best` is


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _reducer(cls: type) -> Callable[[object], tuple[type, tuple[object, ...]]]:
    """`__reduce__` for `cls`: pickle as (class, field values), rebuilt with one constructor
    call, about twice as fast to load as the default slots path (events carry thousands of
    these). One attrgetter reads the values: pickling a chunk's brief results costs 0.6
    of what a generator over the field names made it cost."""
    values = attrgetter(*cls.__slots__)  # every record has several fields: a tuple

    def reduce(self: object) -> tuple[type, tuple[object, ...]]:
        return (type(self), values(self))

    return reduce


for _record in (PlaylistEntry, PlaylistInfo, CatalogTrack, Candidate, QueryRecord, MatchResult):
    _record.__reduce__ = _reducer(_record)  # type: ignore[method-assign]
