"""Writing one file's tags so that it is never lost, and putting it back exactly.

`write_file`, in this order (any failure removes the temporary copy and refuses the file
with one line of reason; the original is not touched before its undo record is durable):
1. refuse a file that is missing, not a file, unreadable, read-only or hard-linked;
   lock it (refuse if another program holds a lock); refuse one mutagen cannot read,
   that is damaged or of a format we do not write, or whose stamp (size, mtime, tag
   digest) differs from the one the plan was made from;
2. copy it to a temporary file in the same folder (`.<name>.cratematch-<write id>.*.tmp`),
   with its mode, times and extended attributes, and write the tags there with mutagen;
3. check the copy: same stream info (length, sample rate, channels), same audio payload
   digest, and every written field reads back as intended;
4. compute the byte delta that rebuilds the original from the copy, check it does, and
   journal it (synchronous=FULL: on disk when the call returns);
5. check the original's size and mtime did not move, `os.replace` the copy over it and
   fsync the folder; mark the file written.

`restore_file` undoes one file: if its sha256 is the written one, the original is
rebuilt from the delta into a temporary copy (mode and mtime as before) that replaces it;
if it is already the original, there is nothing to do; anything else is refused.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from matcher.outputs.atomic import fsync_dir
from matcher.writeback.delta import Delta, apply_delta, compute_delta, file_sha256
from matcher.writeback.errors import FileRefused, WriteJournalError
from matcher.writeback.filecheck import check_file, hold_lock, real_file
from matcher.writeback.payload import digests
from matcher.writeback.policy import FieldChange
from matcher.writeback.records import (
    FileOutcome,
    FileRecord,
    FileStamp,
    FileState,
    FileStatus,
    RecordState,
    StreamInfo,
)
from matcher.writeback.tagfile import open_tagfile
from matcher.writeback.tagmap import storable
from matcher.writeback.undo_journal import WriteJournal

__all__ = [
    "read_state",
    "restore_file",
    "sweep_temps",
    "temp_marker",
    "undo_write",
    "write_file",
]


def temp_marker(write_id: str) -> str:
    """The part of a temporary file's name that says which write made it."""
    return f".cratematch-{write_id}."


def read_state(path: str | Path) -> FileState:
    """The state of the file at `path` for a plan; FileRefused when it cannot be written."""
    real = real_file(path)
    st = check_file(path, real)
    tags = open_tagfile(real)
    stamp = FileStamp(st.st_size, st.st_mtime_ns, digests(real, tags.format).tags)
    return FileState(
        str(path), str(real), tags.format, tags.container, stamp, tags.values(), tags.stream
    )


@contextlib.contextmanager
def _temp_copy(real: Path, write_id: str) -> Iterator[Path]:
    """A temporary file next to `real` (same file system: the rename is atomic), removed
    on the way out unless it was renamed over the original."""
    try:
        fd, name = tempfile.mkstemp(
            dir=real.parent, prefix=f".{real.name[:80]}{temp_marker(write_id)}", suffix=".tmp"
        )
    except OSError as err:
        raise FileRefused(real, f"cannot write in its folder ({err.strerror or err})") from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _copy_file(src: Path, dst: Path) -> None:
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        shutil.copyfileobj(fin, fout, 1 << 20)
    shutil.copystat(src, dst)  # mode, times, extended attributes
    st = src.stat()
    if hasattr(os, "chown") and os.geteuid() == 0:
        with contextlib.suppress(OSError):
            os.chown(dst, st.st_uid, st.st_gid)


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _replace(tmp: Path, real: Path) -> None:
    try:
        os.replace(tmp, real)
    except OSError as err:
        raise FileRefused(real, f"cannot replace it ({err.strerror or err})") from None
    fsync_dir(real.parent)


def _check_copy(tmp: Path, changes: Sequence[FieldChange], stream: StreamInfo, audio: str) -> None:
    written = open_tagfile(tmp)
    if written.stream != stream:
        raise FileRefused(tmp, "writing the tags changed the stream info")
    if digests(tmp, written.format).audio != audio:
        raise FileRefused(tmp, "writing the tags changed the audio data")
    values = written.values()
    for change in changes:
        want = " ".join(storable(written.container, change.field, change.new).split())
        if values.get(change.field) != want:
            raise FileRefused(tmp, f"the {change.field} did not read back as written")


def write_file(
    path: str | Path,
    changes: Sequence[FieldChange],
    *,
    expected_stamp: FileStamp | None,
    journal: WriteJournal,
    write_id: str,
) -> FileOutcome:
    """Write `changes` into the file at `path` (see the module docstring). Refusals are
    outcomes, recorded in the journal; WriteJournalError stops the caller's run.
    `expected_stamp` is the FileState.stamp the plan was made from (None: not checked)."""
    given, changes = str(path), tuple(changes)
    if not changes:
        seq = journal.record_other(write_id, path=given, state=RecordState.UNCHANGED)
        return FileOutcome(given, FileStatus.UNCHANGED, "nothing to change", (), seq)
    try:
        return _write(given, changes, expected_stamp, journal, write_id)
    except WriteJournalError:
        raise
    except FileRefused as err:
        reason = err.reason
    except OSError as err:  # the disk filled up, the folder went away, ...
        reason = f"cannot write it ({err.strerror or err})"
    except Exception as err:  # a mutagen failure we did not foresee: still one file only
        reason = f"cannot write it ({type(err).__name__}: {' '.join(str(err).split())})"
    seq = journal.record_other(
        write_id, path=given, state=RecordState.REFUSED, reason=reason, changes=changes
    )
    return FileOutcome(given, FileStatus.REFUSED, reason, changes, seq)


def _write(
    given: str,
    changes: tuple[FieldChange, ...],
    expected: FileStamp | None,
    journal: WriteJournal,
    write_id: str,
) -> FileOutcome:
    real = real_file(given)
    check_file(given, real)
    with hold_lock(given, real) as lock:
        st = check_file(given, real)
        original = open_tagfile(real)
        stream = original.stream
        digest = digests(real, original.format)
        stamp = FileStamp(st.st_size, st.st_mtime_ns, digest.tags)
        if expected is not None and stamp != expected:
            raise FileRefused(given, "changed since it was read")
        journal.note_folder(write_id, real.parent)
        with _temp_copy(real, write_id) as tmp:
            _copy_file(real, tmp)
            original.path = tmp  # the copy has the same bytes: save the tags read into it
            original.set_values({c.field: c.new for c in changes})
            original.save()
            _check_copy(tmp, changes, stream, digest.audio)
            _fsync(tmp)
            delta = compute_delta(real, tmp)
            apply_delta(delta, tmp)  # rebuilds the original, or raises
            seq = journal.record_pending(
                write_id,
                path=given,
                real_path=str(real),
                before_sha256=delta.before_sha256,
                after_sha256=delta.after_sha256,
                size=st.st_size,
                mtime_ns=st.st_mtime_ns,
                mode=st.st_mode,
                delta=delta.encode(),
                changes=changes,
            )
            try:
                now = real.stat()
                if (now.st_size, now.st_mtime_ns) != (st.st_size, st.st_mtime_ns):
                    raise FileRefused(given, "changed while it was being written")
                if os.name == "nt":  # pragma: no cover - Windows cannot rename over an open file
                    lock.release()
                _replace(tmp, real)
            except (FileRefused, OSError) as err:
                reason = err.reason if isinstance(err, FileRefused) else str(err.strerror)
                journal.set_state(write_id, seq, RecordState.REFUSED, reason)
                return FileOutcome(given, FileStatus.REFUSED, reason, changes, seq)
    journal.set_state(write_id, seq, RecordState.WRITTEN)
    return FileOutcome(given, FileStatus.WRITTEN, "", changes, seq)


def restore_file(record: FileRecord, journal: WriteJournal) -> FileOutcome:
    """Put one file of a write back as it was (see the module docstring)."""
    given = record.path
    if record.state not in (RecordState.PENDING, RecordState.WRITTEN):
        return FileOutcome(
            given, FileStatus.UNCHANGED, "nothing to undo", record.changes, record.seq
        )
    try:
        return _restore(record, journal)
    except FileRefused as err:
        reason = err.reason
    except OSError as err:
        reason = f"cannot restore it ({err.strerror or err})"
    return FileOutcome(given, FileStatus.REFUSED, reason, record.changes, record.seq)


def _restore(record: FileRecord, journal: WriteJournal) -> FileOutcome:
    given, real = record.path, Path(record.real_path)
    if not real.exists():
        raise FileRefused(given, "missing")
    check_file(given, real)
    with hold_lock(given, real) as lock:
        sha = file_sha256(real)
        if sha == record.before_sha256:
            journal.set_state(
                record.write_id, record.seq, RecordState.RESTORED, "already as before"
            )
            return FileOutcome(
                given, FileStatus.UNCHANGED, "already as before", record.changes, record.seq
            )
        if sha != record.after_sha256:
            raise FileRefused(given, "changed since the write")
        try:
            delta = Delta.decode(journal.delta(record.write_id, record.seq))
        except ValueError:
            raise FileRefused(given, "its undo record is damaged") from None
        with _temp_copy(real, record.write_id) as tmp:
            with open(tmp, "wb") as out:
                apply_delta(delta, real, out)
                out.flush()
                os.fsync(out.fileno())
            shutil.copystat(real, tmp)  # extended attributes of the file as it is now
            if record.mode_before is not None:
                os.chmod(tmp, record.mode_before & 0o7777)
            if record.mtime_ns_before is not None:
                os.utime(tmp, ns=(real.stat().st_atime_ns, record.mtime_ns_before))
            if os.name == "nt":  # pragma: no cover
                lock.release()
            _replace(tmp, real)
    journal.set_state(record.write_id, record.seq, RecordState.RESTORED)
    return FileOutcome(given, FileStatus.RESTORED, "", record.changes, record.seq)


def sweep_temps(write_id: str, folders: Sequence[str | Path]) -> tuple[Path, ...]:
    """Remove the temporary files `write_id` left in `folders` (after a kill -9 or a
    power cut). Only when that write is not running: its live copies would go too."""
    marker, removed = temp_marker(write_id), []
    for folder in folders:
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith(".") and marker in name and name.endswith(".tmp"):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)
                        removed.append(Path(entry.path))
    return tuple(removed)


def undo_write(journal: WriteJournal, write_id: str) -> tuple[FileOutcome, ...]:
    """Restore every file of a write (newest first), sweep its temporary files and mark
    it undone or partly undone. UndoError for an unknown write id."""
    journal.write(write_id)
    outcomes = tuple(restore_file(r, journal) for r in reversed(journal.files(write_id)))
    sweep_temps(write_id, journal.folders(write_id))
    journal.finish_undo(write_id)
    return outcomes
