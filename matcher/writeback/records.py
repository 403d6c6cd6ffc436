"""The records write-back passes around, in one place: small frozen dataclasses and
enums with plain fields, so they pickle cheaply between the engine and its workers.

    StreamInfo    what a player sees of the audio (must not change when tags are written)
    FileStamp     a file as the plan saw it (size, mtime, tag digest)
    FileState     a file read for a plan: stamp, current values, container
    FileOutcome   what write_file or restore_file did to one file, and why
    WriteSummary  a write in the journal, with its files counted by state
    FileRecord    one file of a write in the journal (its undo delta stays in the journal)

States, in the order a file goes through them:

    FileStatus (an outcome)      RecordState (a journal row)
                                 pending -> written -> restored
    written / refused /          refused, unchanged
    unchanged / restored
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from matcher.writeback.policy import FieldChange

__all__ = [
    "FileOutcome",
    "FileRecord",
    "FileStamp",
    "FileState",
    "FileStatus",
    "RecordState",
    "StreamInfo",
    "WriteState",
    "WriteSummary",
]


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """What a player sees of the audio; writing tags must not change any of it."""

    length: float
    sample_rate: int | None
    channels: int | None


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What a file looked like when it was read: a change to any part means the plan
    made from it is stale (the DJ's app or another tagger wrote it meanwhile)."""

    size: int
    mtime_ns: int
    tag_digest: str  # payload.tag_digest: everything but the audio


class FileStatus(StrEnum):
    WRITTEN = "written"  # the file now holds the new tags
    UNCHANGED = "unchanged"  # nothing to do: no changes, or (undo) already as before
    REFUSED = "refused"  # left as it was; `reason` says why
    RESTORED = "restored"  # (undo) rebuilt byte for byte as before the write


@dataclass(frozen=True, slots=True)
class FileState:
    """A file as the plan sees it: where it really is, what it says, its stamp."""

    path: str
    real_path: str
    format: str  # "mp3", "flac", "aiff", "wav", "mp4", "ogg", "opus"
    container: str  # "id3", "mp4", "vorbis": give it to plan_changes
    stamp: FileStamp
    values: dict[str, str]
    stream: StreamInfo


@dataclass(frozen=True, slots=True)
class FileOutcome:
    path: str
    status: FileStatus
    reason: str = ""
    changes: tuple[FieldChange, ...] = field(default=())
    seq: int | None = None  # the file's row in the writes journal


class WriteState(StrEnum):
    RUNNING = "running"  # begun; stays so if the process died: undo still works
    FINISHED = "finished"  # every file was written, refused or left unchanged
    CANCELLED = "cancelled"  # stopped by the user: the files written so far stay undoable
    UNDONE = "undone"  # every written file is as it was before the write
    PARTLY_UNDONE = "partly undone"  # some files could not be restored (changed since)


class RecordState(StrEnum):
    PENDING = "pending"  # the undo record is durable; the file may have been replaced
    WRITTEN = "written"  # the file was replaced by the written copy
    REFUSED = "refused"  # left as it was, `reason` says why
    UNCHANGED = "unchanged"  # nothing to write
    RESTORED = "restored"  # as it was before the write again


@dataclass(frozen=True, slots=True)
class WriteSummary:
    write_id: str
    created: float
    target: str
    options: dict[str, Any]
    sources: tuple[str, ...]
    state: str
    counts: dict[str, int]  # RecordState value -> files

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def did(self) -> dict[str, int] | None:
        """What the write did, as its dialog said it: files written (undone since or not),
        refused and unchanged. `counts` holds the files' states now (an undone file is
        "restored"), and a library write has one file, the library: its tracks come from
        what the write recorded (libraries.targets.tracks_record), a crate's "written"
        being the tracks it lists. None for a library write recorded before that."""
        if self.target == TAG_TARGET:
            written = sum(self.counts.get(s, 0) for s in ("written", "pending", "restored"))
            return {"written": written, "refused": self.counts.get("refused", 0),
                    "unchanged": self.counts.get("unchanged", 0)}  # fmt: skip
        tracks = self.options.get("tracks")
        if not isinstance(tracks, dict):
            return None
        did = {s: int(tracks.get(s, 0)) for s in ("written", "refused", "unchanged")}
        if self.target == "serato":  # no fields: its tracks are listed, not changed
            did["written"] = int(self.options.get("playlist_tracks", 0))
        return did

    def holds(self, running: bool = False) -> str:
        """Whether the write still holds, in a DJ's words ("written", "undone", ...); a
        write left "running" by a process that died is "interrupted" (`running`: it is
        going now)."""
        if running:
            return "running"
        did = self.did()
        if self.state == "finished" and self.target == TAG_TARGET and did and not did["written"]:
            return "nothing written"  # a library write that finished wrote its playlist
        return _HOLDS.get(self.state, self.state)


TAG_TARGET = "tags"  # a tag write's target; a library write's is its app ("rekordbox", ...)
_HOLDS = {"finished": "written", "running": "interrupted", "cancelled": "cancelled",
          "undone": "undone", "partly undone": "partly undone"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class FileRecord:
    """A file of a write, without its delta (fetched by `WriteJournal.delta` when needed)."""

    write_id: str
    seq: int
    path: str  # as the playlist gave it
    real_path: str  # the file replaced (symlinks resolved)
    state: str
    reason: str
    before_sha256: str
    after_sha256: str
    size_before: int | None
    mtime_ns_before: int | None
    mode_before: int | None
    changes: tuple[FieldChange, ...]
