"""Write a DJ library file with a backup first, and undo it byte for byte.

    write_library(app, library, build, ...)
      1. journal: the write begun (target "traktor"/"rekordbox"; where the backup goes)
      2. backup: the library (and its -wal/-shm, if any) copied into the user data dir's
         library-backups/<write id>/, each copy fsynced and checked by sha256
      3. build(copy): the new library made from a copy in a folder next to the original
         (with copies of its -wal/-shm and of files the app keeps with it)
      4. journal: an undo record per changed file (sha256 before and after, the byte
         delta), durable
      5. os.replace(copy, library): one rename per file, so a kill -9 at any moment
         leaves each file old or new, never half of one; sidecars folded into the new
         library (-wal, -shm) are removed
      6. journal: written, finished

    undo_library(journal, write_id, force)
      the library must still be as written (sha256) unless `force`; the backup is copied
      next to it, checked, and renamed over it; sidecars come back as they were

The library is touched at step 5 only, after the backup and the undo record are on disk.
Undo from the backup is byte-identical; the journal's delta also lets the tag-write
undo (the engine's) rebuild the library file if the backup folder is lost.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from matcher.outputs.atomic import fsync_dir
from matcher.paths import data_dir
from matcher.writeback.delta import compute_delta
from matcher.writeback.errors import LibraryChanged, LibraryWriteError, UndoError
from matcher.writeback.libraries.apps import refuse_while_running
from matcher.writeback.libraries.plan import library_sha256
from matcher.writeback.libraries.serato_crate import undo_crate
from matcher.writeback.records import RecordState, WriteState
from matcher.writeback.safe_write import temp_marker
from matcher.writeback.undo_journal import WriteJournal

__all__ = ["LIBRARY_TARGETS", "LibraryUndo", "backups_dir", "undo_library", "write_library"]

LIBRARY_TARGETS = ("traktor", "rekordbox", "serato")
SIDECARS = ("-wal", "-shm")  # SQLite's, next to master.db


@dataclass(frozen=True, slots=True)
class LibraryUndo:
    write_id: str
    library: str
    status: str  # "restored" or "already as before"


def backups_dir() -> Path:
    return data_dir() / "library-backups"


def _durable_copy(src: Path, dst: Path) -> str:
    """Copy `src` to `dst` and fsync it; its sha256 (checked against the source's)."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        shutil.copyfileobj(fin, fout, 1 << 20)
        fout.flush()
        os.fsync(fout.fileno())
    shutil.copystat(src, dst)
    sha = library_sha256(dst)
    if sha != library_sha256(src):
        raise LibraryWriteError(f"{src}: changed while it was being backed up; try again")
    return sha


def _work_dir(library: Path, write_id: str) -> Path:
    """Where the new library is built: a folder next to it (same file system, so the
    renames are atomic), removed after the write and by undo after a kill."""
    return library.with_name(f".{library.name[:80]}{temp_marker(write_id)}d")


def write_library(
    app: str,
    library: Path,
    build: Callable[[Path], None],
    *,
    journal: WriteJournal,
    expected_sha256: str,
    options: dict[str, object],
    sources: Sequence[str],
    extras: Sequence[str] = (),
    write_id: str | None = None,
) -> str:
    """Back `library` up, put what `build(copy)` makes of a copy in its place; the id.

    `build` edits the copy of the library it is given in place; the copy's folder also
    holds copies of the library's side files and of `extras` (names of files next to
    the library that the app keeps with it, such as Rekordbox's masterPlaylists6.xml),
    which `build` may change too: each file that changed is journaled and replaced."""
    refuse_while_running(app)
    if library_sha256(library) != expected_sha256:
        raise LibraryChanged(f"{library}: changed since it was read; run the write again")
    sidecars = [s for s in SIDECARS if Path(f"{library}{s}").exists()]
    others = [library.with_name(name) for name in extras if library.with_name(name).is_file()]
    write_id = journal.begin(
        target=app,
        options={**options, "library": str(library), "sidecars": sidecars,
                 "extras": [p.name for p in others]},
        sources=list(sources),
        write_id=write_id,
    )  # fmt: skip
    backup = backups_dir() / write_id
    backup.mkdir(parents=True, exist_ok=True)
    kept = [library, *others, *(Path(f"{library}{s}") for s in sidecars)]
    for path in kept:
        _durable_copy(path, backup / path.name)
    fsync_dir(backup)
    fsync_dir(backup.parent)
    journal.note_folder(write_id, library.parent)
    work = _work_dir(library, write_id)
    replaced: list[tuple[int, Path]] = []
    pending: list[tuple[int, Path, Path]] = []
    touched = False  # from here on, only undo (from the backup) puts things back
    try:
        work.mkdir()
        for path in kept:
            shutil.copy2(path, work / path.name)
        build(work / library.name)
        wal = work / f"{library.name}-wal"
        if wal.exists() and wal.stat().st_size:  # a log not folded in: its data would be lost
            raise LibraryWriteError(f"{library.name}: the new library was left unfinished")
        for suffix in SIDECARS:  # empty or stale: the new library holds everything
            with contextlib.suppress(FileNotFoundError):
                os.unlink(work / f"{library.name}{suffix}")
        for real in [*others, library]:
            new = work / real.name
            shutil.copymode(real, new)
            with open(new, "rb+") as handle:
                os.fsync(handle.fileno())
            delta = compute_delta(real, new)
            if delta.after_sha256 == delta.before_sha256:
                continue
            st = real.stat()
            seq = journal.record_pending(
                write_id, path=str(real), real_path=str(real.resolve()),
                before_sha256=delta.before_sha256, after_sha256=delta.after_sha256,
                size=st.st_size, mtime_ns=st.st_mtime_ns, mode=st.st_mode,
                delta=delta.encode(), changes=(),
            )  # fmt: skip
            pending.append((seq, real, new))
        # A stale -wal next to the new database would be replayed into it: the old one's
        # go first (until the rename, the old database alone is older but whole, and the
        # backup holds them), then the library last, the file its app reads first.
        touched = bool(pending)
        for suffix in sidecars if pending else ():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{library}{suffix}")
        for seq, real, new in pending:
            os.replace(new, os.path.realpath(real))
            replaced.append((seq, real))
    except BaseException:
        if not touched:  # nothing was touched: the write ends here, with nothing to undo
            for seq, _real, _new in pending:
                journal.set_state(write_id, seq, RecordState.UNCHANGED, "not written")
            journal.finish(write_id, WriteState.CANCELLED)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    fsync_dir(library.parent)
    for seq, _ in replaced:
        journal.set_state(write_id, seq, RecordState.WRITTEN)
    journal.finish(write_id)
    return write_id


def undo_library(journal: WriteJournal, write_id: str, *, force: bool = False) -> LibraryUndo:
    """Put the library of a library write (and the files kept with it) back as it was,
    from its backup."""
    summary = journal.write(write_id)
    if summary.target not in LIBRARY_TARGETS:
        raise UndoError(f"write {write_id} wrote audio files, not a library")
    library = Path(str(summary.options.get("library", "")))
    if summary.target == "serato":  # a new crate: undo deletes it
        return LibraryUndo(write_id, str(library), undo_crate(journal, write_id, force=force))
    sidecars = [str(s) for s in summary.options.get("sidecars", ())]
    records = [r for r in journal.files(write_id) if r.state in ("pending", "written")]
    if not records:
        raise UndoError(f"write {write_id} has nothing to undo (state: {summary.state})")
    backup = backups_dir() / write_id
    shutil.rmtree(_work_dir(library, write_id), ignore_errors=True)  # left by a kill -9
    now = {}
    for record in records:
        copy = backup / Path(record.real_path).name
        if not copy.is_file() or library_sha256(copy) != record.before_sha256:
            raise UndoError(f"the backup of write {write_id} is missing or damaged: {copy}")
        real = Path(record.real_path)
        now[record.seq] = library_sha256(real) if real.exists() else ""
    if all(now[r.seq] == r.before_sha256 for r in records) and not sidecars:
        for record in records:
            journal.set_state(write_id, record.seq, RecordState.RESTORED, "already as before")
        journal.finish(write_id, WriteState.UNDONE)
        return LibraryUndo(write_id, str(library), "already as before")
    changed = [r for r in records if now[r.seq] not in (r.before_sha256, r.after_sha256)]
    if changed and not force:
        raise LibraryChanged(
            f"{changed[0].real_path} changed since write {write_id} (the app saved it?); undo "
            f"would lose that: `cratematch undo {write_id} --force` restores the backup anyway"
        )
    refuse_while_running(summary.target)
    for suffix in SIDECARS:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{library}{suffix}")
    for record in records:
        real = Path(record.real_path)
        tmp = real.with_name(f".{real.name[:80]}{temp_marker(write_id)}tmp")
        try:
            _durable_copy(backup / real.name, tmp)
            if record.mode_before is not None:
                os.chmod(tmp, record.mode_before & 0o7777)
            os.replace(tmp, real)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    for suffix in sidecars:
        _durable_copy(backup / f"{library.name}{suffix}", Path(f"{library}{suffix}"))
    fsync_dir(library.parent)
    for record in records:
        journal.set_state(write_id, record.seq, RecordState.RESTORED)
    journal.finish(write_id, WriteState.UNDONE)
    return LibraryUndo(write_id, str(library), "restored")
