"""One file's job in a worker process: read it for a plan, write its changes, restore it.

The engine sends jobs in chunks, like entries to match (matcher.engine.messages'
FileChunk); each job is independent, and a file appears in at most one job of a run, so
writes to one file are never concurrent. A job never raises for a file: whatever goes
wrong becomes that file's refusal, and the run goes on. Only an unusable writes journal
(WriteJournalError) stops a write or an undo, because nothing may be replaced without it.

A chunk whose worker died is sent once more (`retry`): the dead worker may have written
(or restored) some of its files already. Those are recognised from the writes journal
and the file's bytes, and reported as done rather than refused as "changed since it was
read"; an undo record left pending by a worker stopped before its rename is settled.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from matcher.writeback.delta import file_sha256
from matcher.writeback.errors import FileRefused, UndoError
from matcher.writeback.policy import FieldChange
from matcher.writeback.records import (
    FileOutcome,
    FileRecord,
    FileStamp,
    FileState,
    FileStatus,
    RecordState,
)
from matcher.writeback.safe_write import read_state, restore_file, write_file
from matcher.writeback.undo_journal import WriteJournal

__all__ = ["CHANGED_SINCE_MATCH", "Action", "FileJob", "JobDone", "run_job", "run_jobs"]

CHANGED_SINCE_MATCH = "changed since the batch matched it (match it again)"
INTERRUPTED = "interrupted before the file was replaced (its worker died); written again"


class Action(StrEnum):
    READ = "read"  # a plan: what the file says now
    WRITE = "write"  # put the planned changes in
    RESTORE = "restore"  # undo: make it as it was before a write


@dataclass(frozen=True, slots=True)
class FileJob:
    index: int  # the file's place in the run
    path: str
    changes: tuple[FieldChange, ...] = ()  # write: what the plan says to change
    expected: FileStamp | None = None  # write: the file as the plan read it
    batch_stamp: tuple[int, int] | None = None  # read: (size, mtime_ns) at match time
    seq: int = 0  # restore: the file's row in the writes journal


@dataclass(frozen=True, slots=True)
class JobDone:
    index: int
    state: FileState | None = None  # read: what the file says
    outcome: FileOutcome | None = None  # write, restore: what happened
    refused: str = ""  # read: why the file cannot be written


def _read(job: FileJob, journal: WriteJournal | None) -> JobDone:
    if job.batch_stamp is not None:
        try:
            st = os.stat(job.path)
        except OSError:
            return JobDone(job.index, refused="missing")
        stamp = (st.st_size, st.st_mtime_ns)
        if stamp != tuple(job.batch_stamp) and not _ours(job, journal):
            return JobDone(job.index, refused=CHANGED_SINCE_MATCH)
    try:
        return JobDone(job.index, state=read_state(job.path))
    except FileRefused as err:
        return JobDone(job.index, refused=err.reason)
    except Exception as err:  # noqa: BLE001 - a reader bug costs this file, not the run
        return JobDone(job.index, refused=f"cannot be read ({type(err).__name__}: {err})")


def _ours(job: FileJob, journal: WriteJournal | None) -> bool:
    """Whether the only changes since the match are CrateMatch's own writes: a second
    write (say, --overwrite after a fill) must not refuse what the first one wrote."""
    if journal is None or job.batch_stamp is None:
        return False
    try:
        real, sha = os.path.realpath(job.path), file_sha256(job.path)
    except OSError:
        return False
    size, mtime_ns = job.batch_stamp
    return journal.wrote_since(real, size=size, mtime_ns=mtime_ns, now_sha256=sha)


def run_jobs(
    action: Action,
    jobs: Sequence[FileJob],
    journal: WriteJournal | None,
    write_id: str,
    *,
    retry: bool = False,
) -> list[JobDone]:
    """Do a chunk's jobs in order; `retry`: the chunk is sent again after its worker died."""
    prior: dict[str, FileRecord] = {}
    if retry and action is Action.WRITE and journal is not None:
        live = (RecordState.PENDING, RecordState.WRITTEN)
        prior = {r.path: r for r in journal.files(write_id) if r.state in live}
    return [
        run_job(action, job, journal, write_id, prior=prior.get(job.path), retry=retry)
        for job in jobs
    ]


def _written_before(job: FileJob, record: FileRecord, journal: WriteJournal) -> JobDone | None:
    """A file a dead worker began: done if it holds the written bytes; else its undo
    record, left pending before the rename, is settled and the file is written again."""
    try:
        sha = file_sha256(job.path)
    except OSError:
        return None  # write_file says why
    if sha == record.after_sha256:
        if record.state == RecordState.PENDING:
            journal.set_state(record.write_id, record.seq, RecordState.WRITTEN)
        outcome = FileOutcome(job.path, FileStatus.WRITTEN, "", record.changes, record.seq)
        return JobDone(job.index, outcome=outcome)
    if sha == record.before_sha256 and record.state == RecordState.PENDING:
        journal.set_state(record.write_id, record.seq, RecordState.UNCHANGED, INTERRUPTED)
    return None


def run_job(
    action: Action,
    job: FileJob,
    journal: WriteJournal | None,
    write_id: str,
    *,
    prior: FileRecord | None = None,
    retry: bool = False,
) -> JobDone:
    """Do `job`; `journal` and `write_id` are needed to write and to restore. `prior`
    (write) is the file's row in the journal from an earlier attempt; `retry` (restore)
    says there may have been one."""
    if action is Action.READ:
        return _read(job, journal)
    if journal is None:
        raise UndoError("a write or an undo needs the writes journal")
    if action is Action.WRITE:
        if prior is not None:
            done = _written_before(job, prior, journal)
            if done is not None:
                return done
        outcome = write_file(
            job.path, job.changes, expected_stamp=job.expected, journal=journal,
            write_id=write_id,
        )  # fmt: skip
        return JobDone(job.index, outcome=outcome)
    records = journal.files(write_id, job.seq)
    if not records:
        outcome = FileOutcome(job.path, FileStatus.REFUSED, "not in the writes journal")
        return JobDone(job.index, outcome=outcome)
    record = records[0]
    if retry and record.state == RecordState.RESTORED:  # the dead worker restored it
        outcome = FileOutcome(job.path, FileStatus.RESTORED, "", record.changes, record.seq)
        return JobDone(job.index, outcome=outcome)
    return JobDone(job.index, outcome=restore_file(record, journal))
