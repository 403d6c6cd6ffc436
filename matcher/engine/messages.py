"""The engine's protocol: every command and every worker pipe message, as a small frozen
dataclass. Nothing crosses a process boundary as a tagged tuple, and each side
dispatches on a message's type, never on a string.

    caller process          engine host process              worker processes (N)
    ┌──────────────┐ Command ┌────────────────────────┐   Chunk   ┌─────────────────┐
    │ Engine       │ ──────▶ │ _Host.handle           │ ────────▶ │ worker_main     │
    │ Batch        │  Queue  │   BatchRun.step        │   Pipe    │   match_entry×n │
    │              │ ◀────── │     WorkerPool         │ ◀──────── │                 │
    └──────────────┘  Event  └────────────────────────┘ ChunkDone └─────────────────┘

Commands, caller -> host: one multiprocessing.Queue, read in order, answered by events
(`matcher.engine.events`), never by return values.

    Engine(config)           Prepare                   import the catalog, start workers
    Engine.start(...)        Start(spec)               queue a new batch
    Engine.resume_batch(id)  ResumeFromJournal(id, n)  queue a batch the journal holds
    Batch.pause()            Pause(id)                 send no more chunks; BatchPaused
    Batch.resume()           Continue(id)              send chunks again; BatchResumed
    Batch.cancel()           Cancel(id)                stop, keep what is matched
    Engine.review(...)       Review(id, playlist_id, entry_index, catalog_id); ResultEdited
    Engine.plan_tags(...)    StartFiles(spec)          read audio files for a tag write;
      write_tags, undo_write                           write them; undo a write
    Engine.plan_library(...) StartLibrary(spec)        plan a write into a DJ library;
      write_library                                    write it (undo_write undoes it)
    Engine.close()           Shutdown                  cancel, stop the workers, exit

Pause, Continue and Cancel for a batch that has not begun are remembered (it begins
paused, or never). A command of any other type is answered with an EngineError event.

One chunk's trip, on a worker's duplex pipe (the host end belongs to WorkerPool):

    host: BatchRun.step / WorkerPool              worker: worker_main
    submit  ── Chunk(chunk_id, entries) ────────▶  match_entry × n, chunk_stats,
                                                   encode_result
    poll    ◀── ChunkDone(chunk_id, results, ───   a chunk matched
                          rows, stats, reports)
    poll    ◀── WorkerReady(pid) ───────────────   the catalog is open (once)
    poll    ◀── WorkerFailed(message, detail, ──   the catalog could not be opened
                             damage)
    close   ── StopWorker ──────────────────────▶  exit
    poll    ◀── (process sentinel) = WorkerDied    the worker died: no message at all

- A worker holds one Chunk at most, so pausing (send no more) and cancelling (terminate)
  act at once and a dead worker costs at most its chunk, retried once by the batch.
- ChunkDone.results are brief results (`MatchResult.brief`) for the TracksMatched
  events; ChunkDone.rows are the full results already encoded for the journal
  (`journal.EncodedResult`), so the host only stores bytes. The batch journals them
  (one transaction) before any event says so. ChunkDone.reports are the CSV reports'
  rows of the full results, rendered (`outputs.reports.render_bodies`), so the host
  writes a playlist's reports without decoding its rows; empty, the host reads them
  back from the journal instead.
- An answer crosses the pipe pickled by `answers.dump_answer`: each brief result's entry,
  one of the chunk's own, goes back as its index and the host puts back its own entry.
- WorkerDied (pool.py) is not a message: it is what the pool observes when a worker's
  process sentinel fires or its pipe breaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: workers import this module and need none of these
    from matcher.engine.accounting import ChunkStats
    from matcher.engine.batch_spec import BatchSpec
    from matcher.engine.file_run import FileRunSpec
    from matcher.engine.library_run import LibraryRunSpec
    from matcher.engine.serialize import EncodedResult
    from matcher.model import MatchResult, PlaylistEntry
    from matcher.writeback.jobs import Action, FileJob, JobDone

__all__ = [
    "BatchCommand",
    "Cancel",
    "Chunk",
    "ChunkDone",
    "Command",
    "Continue",
    "Pause",
    "Prepare",
    "ResumeFromJournal",
    "Review",
    "Shutdown",
    "Start",
    "StopWorker",
    "WorkerFailed",
    "WorkerMessage",
    "WorkerReady",
]


# -- commands: caller -> host ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prepare:
    """Import the catalog and start the workers before the first batch needs them."""


@dataclass(frozen=True, slots=True)
class Start:
    """Run a new batch."""

    spec: BatchSpec

    @property
    def batch_id(self) -> str:
        return self.spec.batch_id


@dataclass(frozen=True, slots=True)
class ResumeFromJournal:
    """Finish a batch the journal holds (cut off by cancel, crash or kill -9); where it
    runs may change: `workers` (None: the batch's own number), `cluster` (a Dask
    scheduler's address; None: this computer)."""

    batch_id: str
    workers: int | None = None
    cluster: str | None = None


@dataclass(frozen=True, slots=True)
class Pause:
    """Send no more chunks; BatchPaused once the chunks in flight are back."""

    batch_id: str


@dataclass(frozen=True, slots=True)
class Continue:
    """Go on after a Pause (`Batch.resume`); BatchResumed."""

    batch_id: str


@dataclass(frozen=True, slots=True)
class Cancel:
    """Stop the batch, keeping what is matched; BatchCancelled."""

    batch_id: str


@dataclass(frozen=True, slots=True)
class Review:
    """A user's decision on one entry: `catalog_id` (one of its candidates) is the right
    track, or None for "not in the catalog"; ResultEdited."""

    batch_id: str
    playlist_id: int
    entry_index: int
    catalog_id: str | None


@dataclass(frozen=True, slots=True)
class StartFiles:
    """Run over audio files for write-back: read them for a plan, write the planned
    changes, or restore them (undo). Answered like a batch, with FilesPlanned or
    FilesWritten events in place of TracksMatched."""

    spec: FileRunSpec

    @property
    def batch_id(self) -> str:
        return self.spec.run_id


@dataclass(frozen=True, slots=True)
class StartLibrary:
    """Plan a write into a DJ library (Traktor, Rekordbox, a Serato crate), write an
    approved plan, or undo a library write: LibraryPlanned, LibraryStep, FilesWritten."""

    spec: LibraryRunSpec

    @property
    def batch_id(self) -> str:
        return self.spec.run_id


@dataclass(frozen=True, slots=True)
class Shutdown:
    """Cancel what runs, stop the workers and exit the host."""


BatchCommand = (
    Start | ResumeFromJournal | StartFiles | StartLibrary | Pause | Continue | Cancel | Review
)
Command = Prepare | BatchCommand | Shutdown


# -- a worker's pipe: host -> worker -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Chunk:
    """Match these entries (a worker holds one chunk at most)."""

    chunk_id: int
    entries: list[PlaylistEntry]


@dataclass(frozen=True, slots=True)
class FileChunk:
    """Do `action` for these files (writeback.jobs); `write_id` and `journal` name the
    write and the writes journal for writing and restoring."""

    chunk_id: int
    action: Action
    jobs: list[FileJob]
    write_id: str = ""
    journal: str | None = None  # the writes journal's path (None: the default one)
    retry: bool = False  # sent again: its dead worker may have done some files already


@dataclass(frozen=True, slots=True)
class StopWorker:
    """Exit now (the worker holds no chunk)."""


# -- a worker's pipe: worker -> host -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkerReady:
    """The worker opened its catalog and takes chunks."""

    pid: int


@dataclass(frozen=True, slots=True)
class ChunkDone:
    """A chunk's results, in the order of its entries."""

    chunk_id: int
    results: list[MatchResult]  # brief results (MatchResult.brief), for the events
    rows: list[EncodedResult]  # the full results, encoded for the journal
    stats: ChunkStats
    # the CSV reports' rows of the full results, rendered (outputs.reports.render_bodies),
    # so the host writes them without decoding rows; () when the worker did not render
    reports: tuple[bytes, ...] = ()


@dataclass(frozen=True, slots=True)
class FilesDone:
    """A file chunk's jobs, done, in the order they were sent."""

    chunk_id: int
    done: list[JobDone]
    busy_s: float


@dataclass(frozen=True, slots=True)
class WorkerFailed:
    """The worker could not start (its catalog could not be opened): fatal for the batch.
    `detail` is the traceback as text; `damage` is `errors.damage_of` (a damaged catalog)."""

    message: str
    detail: str = ""
    damage: dict[str, str] = field(default_factory=dict)


WorkerMessage = WorkerReady | ChunkDone | FilesDone | WorkerFailed
