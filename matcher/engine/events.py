"""Everything the engine tells its caller, as small frozen dataclasses.

Events travel from the engine host process to the caller (CLI, window, API user) through
one multiprocessing queue, so each is picklable and small. Every event carries the
`batch_id` it belongs to and a per-batch sequence number `seq`, so a consumer can tell
batches apart and notice a gap.

A batch's stream, in order:

    BatchStarted
      PlaylistStarted (per playlist, as its first chunk is sent)
        TracksMatched, PlaylistProgress   (one pair per finished chunk, never per track)
        MetricsSnapshot                   (at most every 250 ms)
      PlaylistFinished (outputs written)
      BatchPaused / BatchResumed          (in response to pause() / resume())
    BatchFinished | BatchCancelled        (always the last event of a batch)

A run over files for write-back (`Engine.plan_tags`, `write_tags`, `undo_write`) streams
the same way, its playlists being the ones the files came from and its "tracks" the
files: FilesPlanned (a plan's files, read) or FilesWritten (files written, or restored
by an undo) take the place of TracksMatched, and its batch_id is the write's id.
A run over a DJ library (`Engine.plan_library`, `write_library`, and `undo_write` of a
library write) has one "playlist", the library: its read ends with LibraryPlanned (the
plan, one FilePlan per track), its write and undo report LibraryStep (backing up,
writing, putting the new library in place) before FilesWritten.

`ResultEdited` answers `Engine.review` (a user's decision on one entry), at any time,
even for a batch that finished long ago.

`EngineError` may come at any point: `fatal=True` means the batch stopped (bad input,
catalog unusable) and is followed by `BatchFinished` with `ok=False`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from matcher.engine.event_names import EVENT_NAMES
from matcher.errors import damage_of as damage_of  # re-exported: an EngineError's fields
from matcher.model import MatchResult

if TYPE_CHECKING:  # annotations only: events.py stays light for every process
    from matcher.performance.records import MemoryUse, QueryKindStats, SlowTrack
    from matcher.writeback.libraries.plan import LibraryPlan
    from matcher.writeback.plan import FilePlan
    from matcher.writeback.records import FileOutcome

__all__ = list(EVENT_NAMES)  # event_names.py: the same list, loaded without this module


class BatchState(StrEnum):
    """A batch's lifecycle, as the journal records it."""

    PENDING = "pending"  # asked for, playlists not read yet
    RUNNING = "running"  # chunks are being matched
    PAUSING = "pausing"  # no new chunks are sent; waiting for the ones in flight
    PAUSED = "paused"  # nothing in flight; resume() continues where it stopped
    CANCELLING = "cancelling"  # no new chunks; those in flight get a moment, then workers stop
    CANCELLED = "cancelled"  # stopped by the user; resumable from the journal
    FAILED = "failed"  # stopped by an error (bad input, catalog unusable)
    FINISHED = "finished"  # every entry has a result and the outputs are written


@dataclass(frozen=True, slots=True)
class Event:
    batch_id: str
    seq: int


@dataclass(frozen=True, slots=True)
class BatchStarted(Event):
    total_tracks: int
    playlists: tuple[tuple[int, str, str, int], ...]  # (playlist_id, file name, name, entries)
    workers: int
    resumed: bool = False  # True when this continues a batch from the journal
    already_done: int = 0  # tracks the journal already had results for


@dataclass(frozen=True, slots=True)
class PlaylistStarted(Event):
    playlist_id: int
    name: str
    total: int
    done: int = 0  # entries the journal already had results for (a resumed batch)


@dataclass(frozen=True, slots=True)
class TracksMatched(Event):
    playlist_id: int
    results: tuple[MatchResult, ...]


@dataclass(frozen=True, slots=True)
class PlaylistProgress(Event):
    playlist_id: int
    done: int
    total: int
    counts: dict[str, int] = field(default_factory=dict)  # per status


@dataclass(frozen=True, slots=True)
class FilesPlanned(Event):
    """Files of a write-back plan, read: what each would change, or why it is refused."""

    playlist_id: int
    plans: tuple[FilePlan, ...]


@dataclass(frozen=True, slots=True)
class FilesWritten(Event):
    """Files written (or refused, or left as they were), or restored by an undo."""

    playlist_id: int
    outcomes: tuple[FileOutcome, ...]


@dataclass(frozen=True, slots=True)
class LibraryPlanned(Event):
    """A library write planned: the library as read (its path and sha256), one FilePlan
    per track (what its entry would change, or why it is refused), the playlist to add."""

    plan: LibraryPlan


@dataclass(frozen=True, slots=True)
class LibraryStep(Event):
    """A library write or undo reached a step ("Backing up master.db"): `done` of `total`."""

    step: str
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class MetricsSnapshot(Event):
    """The batch's figures so far (matcher.metrics says what each key means). A match
    batch's snapshots also carry the dashboard's performance panels; a run over files
    leaves them empty."""

    metrics: dict[str, float]
    queries: tuple[QueryKindStats, ...] = ()  # per query kind, this run; runs add up to
    #                                           metrics["queries_executed"]
    slowest: tuple[SlowTrack, ...] = ()  # this run's slowest entries, slowest first (≤ 10)
    memory: MemoryUse | None = None  # host and workers' RSS; None until first sampled


@dataclass(frozen=True, slots=True)
class PlaylistFinished(Event):
    playlist_id: int
    name: str
    out_dir: str  # the playlist's output folder
    counts: dict[str, int]
    partial: bool = False


@dataclass(frozen=True, slots=True)
class BatchPaused(Event):
    done: int


@dataclass(frozen=True, slots=True)
class BatchResumed(Event):
    done: int


@dataclass(frozen=True, slots=True)
class BatchCancelled(Event):
    done: int
    total: int
    out_dir: str


@dataclass(frozen=True, slots=True)
class BatchFinished(Event):
    ok: bool
    done: int
    total: int
    counts: dict[str, int]
    elapsed_s: float  # this run's time: a resumed batch's earlier runs are not in it
    out_dir: str
    summary_path: str = ""
    already_done: int = 0  # tracks done by earlier runs (a resumed batch), not in elapsed_s
    catalog: str = ""  # what was matched against: the catalog's file, or the online provider
    catalog_tracks: int | None = None  # the local catalog's tracks; None for online providers
    xml_without_file: int = 0  # entries left out of the Rekordbox XML files: no local file


@dataclass(frozen=True, slots=True)
class ResultEdited(Event):
    playlist_id: int
    result: MatchResult  # the full result as the user decided it
    out_dir: str  # the playlist's rewritten outputs, "" when it has none yet


@dataclass(frozen=True, slots=True)
class EngineError(Event):
    message: str  # one line for users
    fatal: bool = False
    detail: str = ""  # a worker traceback as text, for the log, never shown as is
    damaged: str = ""  # "journal" or "catalog" when that file is damaged (offer to rebuild)
    damaged_path: str = ""  # the damaged file
    # an undo refused because the library changed since the write (the app saved it):
    # `Engine.undo_write(write_id, force=True)` restores the backup anyway
    may_force: bool = False
