"""Which audio files a write touches, and what the catalog says each should hold.

A write starts from output folders (a batch's, or one playlist's): the batch journal
knows which batch and playlists wrote them and holds every result in full, reviews
included. Each matched row (and each review row, when asked) whose entry names a local
file proposes that file the catalog track's values. Files are keyed by their real path,
so a track in three playlists is written once; two rows that matched one file to
different tracks make it a conflict, refused rather than guessed.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from matcher.errors import InputError
from matcher.model import MatchResult, MatchStatus
from matcher.outputs.locations import to_local_path
from matcher.writeback.fields import DEFAULT_FIELDS, KEY_NOTATIONS, proposed_values

__all__ = [
    "SKIP_NO_FILE",
    "SKIP_REVIEW",
    "FileTarget",
    "Gathered",
    "PlaylistSource",
    "WriteOptions",
    "gather",
    "resolve_sources",
]

SKIP_NO_FILE = "no local file"  # a streaming URI, a web URL, or no location at all
SKIP_REVIEW = "to review (not included)"


@dataclass(frozen=True, slots=True)
class WriteOptions:
    """What the user asked a write for; the defaults are the safe ones."""

    fields: frozenset[str] = DEFAULT_FIELDS
    overwrite: bool = False  # replace values that differ (default: fill empty fields only)
    include_review: bool = False  # also take the review rows' best candidates
    key_notation: str = "musical"  # one of KEY_NOTATIONS
    target: str = "tags"

    def __post_init__(self) -> None:
        if self.key_notation not in KEY_NOTATIONS:
            raise InputError(
                f"unknown key notation {self.key_notation!r} "
                f"(choose from {', '.join(KEY_NOTATIONS)})"
            )

    def record(self) -> dict[str, Any]:
        """The options as the writes journal keeps them."""
        return {
            "fields": sorted(self.fields),
            "overwrite": self.overwrite,
            "include_review": self.include_review,
            "key_notation": self.key_notation,
        }


@dataclass(frozen=True, slots=True)
class PlaylistSource:
    """A playlist of a batch whose results a write reads."""

    batch_id: str
    playlist_id: int
    name: str
    source: str  # the playlist file: relative locations are read from its folder
    out_dir: str  # the output folder the user named that led here


@dataclass(frozen=True, slots=True)
class FileTarget:
    """One audio file the results point at, with what the catalog says it should hold."""

    path: str  # as the first row gave it (a local path)
    group: int  # the playlist it is counted under: an index into Gathered.playlists
    playlist: str  # that playlist's name
    out_dir: str  # the output folder that led to it (its tag_changes.csv goes there)
    rows: tuple[tuple[int, int], ...]  # (group, entry_index) of every row naming it
    catalog_id: str
    status: str  # "matched" or "review"
    proposed: dict[str, str] = field(default_factory=dict)  # every field the track knows
    batch_stamp: tuple[int, int] | None = None  # (size, mtime_ns) when it was matched
    conflict: str = ""  # why two rows disagree about it ("" when they do not)


@dataclass(frozen=True, slots=True)
class Gathered:
    playlists: tuple[PlaylistSource, ...]
    targets: tuple[FileTarget, ...]
    skipped: dict[str, int]  # rows left out, by why


class Results(Protocol):
    """What `gather` reads of the batch journal (matcher.engine.history.History)."""

    def playlists(self, batch_id: str) -> Sequence[Any]: ...
    def playlists_in(self, folder: str) -> Sequence[Any]: ...
    def iter_results(self, batch_id: str, playlist_id: int) -> Iterable[MatchResult]: ...


def _batch_id_of(summary: Path) -> str:
    try:
        document = json.loads(summary.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"{summary}: cannot be read ({err})") from None
    batch_id = document.get("batch_id") if isinstance(document, dict) else None
    if not isinstance(batch_id, str) or not batch_id:
        raise InputError(f"{summary}: names no batch; match the playlists again")
    return batch_id


def resolve_sources(history: Results, out_dirs: Sequence[str | Path]) -> list[PlaylistSource]:
    """The playlists the output folders hold results of. InputError for a folder that is
    not a CrateMatch output folder, or whose batch the journal no longer has."""
    sources: list[PlaylistSource] = []
    for given in out_dirs:
        folder = Path(given).expanduser().absolute()
        if not folder.is_dir():
            raise InputError(f"{given}: no such folder")
        if (folder / "batch_summary.json").is_file():
            batch_id = _batch_id_of(folder / "batch_summary.json")
            records = list(history.playlists(batch_id))
            if not records:
                raise InputError(
                    f"{given}: batch {batch_id} is not in the batch history; "
                    "match the playlists again"
                )
        elif (folder / "matches.csv").is_file():
            records = (
                list(history.playlists_in(str(folder)))[:1]
                or list(history.playlists_in(os.path.realpath(folder)))[:1]
            )
            if not records:
                raise InputError(
                    f"{given}: no batch in the batch history wrote this folder; "
                    "match the playlist again"
                )
        else:
            raise InputError(
                f"{given}: not a CrateMatch results folder "
                "(it has no batch_summary.json or matches.csv)"
            )
        sources.extend(
            PlaylistSource(r.batch_id, r.playlist_id, r.name, r.source, str(folder))
            for r in records
        )
    return sources


def _file_key(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def gather(
    history: Results,
    out_dirs: Sequence[str | Path],
    options: WriteOptions,
    *,
    catalog_files: bool = False,
) -> Gathered:
    """Every file the results of `out_dirs` propose values for, in playlist order. With
    `catalog_files`, a row whose entry names no file stands for the catalog track's own
    file, when the catalog was imported from a DJ library (a library write of "find
    what I own": a streaming playlist's tracks found in the DJ's collection)."""
    playlists = resolve_sources(history, out_dirs)
    by_key: dict[str, FileTarget] = {}
    skipped: Counter[str] = Counter()
    for group, source in enumerate(playlists):
        base = Path(source.source).parent
        for result in history.iter_results(source.batch_id, source.playlist_id):
            target = _target_of(result, group, source, base, options, skipped, catalog_files)
            if target is None:
                continue
            key = _file_key(target.path)
            known = by_key.get(key)
            by_key[key] = target if known is None else _merged(known, target)
    return Gathered(tuple(playlists), tuple(by_key.values()), dict(skipped))


def _target_of(
    result: MatchResult,
    group: int,
    source: PlaylistSource,
    base: Path,
    options: WriteOptions,
    skipped: Counter[str],
    catalog_files: bool = False,
) -> FileTarget | None:
    if result.status is MatchStatus.REVIEW and not options.include_review:
        skipped[SKIP_REVIEW] += 1
        return None
    if result.status not in (MatchStatus.MATCHED, MatchStatus.REVIEW) or result.best is None:
        return None
    path = to_local_path(result.entry.location, base)
    if not path and catalog_files:
        path = to_local_path(result.best.track.location)
    if not path:
        skipped[SKIP_NO_FILE] += 1
        return None
    track = result.best.track
    return FileTarget(
        path=path,
        group=group,
        playlist=source.name,
        out_dir=source.out_dir,
        rows=((group, result.entry_index),),
        catalog_id=track.catalog_id,
        status=str(result.status),
        proposed=proposed_values(
            track, key_notation=options.key_notation, provider=result.provider
        ),
        batch_stamp=result.file_stamp,
    )


def _merged(known: FileTarget, other: FileTarget) -> FileTarget:
    """One file named by two rows: the same track is one target; two tracks a conflict."""
    conflict = known.conflict
    if not conflict and other.catalog_id != known.catalog_id:
        first, second = known.playlist, other.playlist
        conflict = (
            f"matched to two different tracks ({known.catalog_id} in {first}, "
            f"{other.catalog_id} in {second})"
        )
    status = known.status if known.status == "matched" else other.status
    return replace(
        known, rows=known.rows + other.rows, status=status,
        batch_stamp=known.batch_stamp or other.batch_stamp, conflict=conflict,
    )  # fmt: skip
