"""One library write from start to end, per app: read the library, plan against the
batch results, and write the plan with a backup (library_write).

    traktor     collection.nml, edited on its own bytes (traktor, nml_text)
    serato      a new crate of the found tracks (serato_crate); no fields
    rekordbox   master.db, edited with pyrekordbox on a copy (rekordbox); review rows
                are gathered too, to be marked with the review MyTag

A row whose playlist entry names no file (a streaming CSV or M3U matched against a
catalog imported from the DJ's library: "find what I own") stands for the catalog
track's own file, so the tracks found go into the new playlist all the same.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from matcher.errors import CrateMatchError
from matcher.writeback.errors import LibraryMalformed, LibraryWriteError
from matcher.writeback.libraries.apps import refuse_while_running
from matcher.writeback.libraries.library_write import write_library
from matcher.writeback.libraries.plan import (
    LibraryDocument,
    LibraryPlan,
    library_outcomes,
    plan_library,
)
from matcher.writeback.libraries.rekordbox import PLAYLISTS_XML, RekordboxLibrary, apply_plan
from matcher.writeback.libraries.serato_crate import SeratoFolder, write_crate
from matcher.writeback.libraries.traktor import TRAKTOR_FIELDS, TraktorCollection
from matcher.writeback.plan import PlanStatus
from matcher.writeback.targets import Results, WriteOptions, gather
from matcher.writeback.undo_journal import WriteJournal

__all__ = [
    "WRITABLE",
    "gathered_with",
    "plan_write",
    "read_only_reason",
    "tracks_record",
    "write_plan",
]

WRITABLE = ("traktor", "rekordbox", "serato")


class _Traktor:
    """TraktorCollection as a LibraryDocument."""

    fields = TRAKTOR_FIELDS
    missing = "not in the Traktor collection"

    def __init__(self, library: Path) -> None:
        try:
            data = library.read_bytes()
        except OSError as err:
            raise LibraryWriteError(f"{library}: cannot be read ({err.strerror or err})") from None
        try:
            self.collection = TraktorCollection(data)
        except LibraryMalformed as err:
            raise LibraryMalformed(f"{library}: {err}") from None
        except UnicodeDecodeError:
            raise LibraryMalformed(f"{library}: not UTF-8, not a Traktor collection") from None
        self.playlist_names = self.collection.playlist_names()

    def find(self, path: str) -> object | None:
        return self.collection.find(path)

    def values(self, entry: object) -> dict[str, str]:
        return self.collection.values(entry)  # type: ignore[arg-type]


def read_only_reason(mode: int, on_read_only_drive: bool, folder_writable: bool) -> str:
    """Why a library cannot be written in place ("" when it can): the app could not
    save it either, and a rename over a file marked read-only would defeat the mark."""
    if on_read_only_drive:
        return "on a read-only drive"
    if not mode & 0o222:
        return "read-only (its permissions): make it writable to write into it"
    if not folder_writable:
        return "its folder is not writable (a new library is made there, then renamed)"
    return ""


def _refuse_read_only(path: Path) -> None:
    try:
        st = path.stat()
        drive_ro = bool(os.statvfs(path).f_flag & os.ST_RDONLY) if hasattr(os, "statvfs") else False
    except OSError as err:
        raise LibraryWriteError(f"{path}: cannot be read ({err.strerror or err})") from None
    folder = path if path.is_dir() else path.parent
    reason = read_only_reason(st.st_mode, drive_ro, os.access(folder, os.W_OK))
    if reason:
        raise LibraryWriteError(f"{path}: {reason}")


def _document(app: str, library: Path) -> _Traktor | RekordboxLibrary | SeratoFolder:
    if app == "serato":
        folder = SeratoFolder(library)
        _refuse_read_only(folder.subcrates if folder.subcrates.is_dir() else folder.folder)
        return folder
    if not library.is_file():
        raise LibraryWriteError(f"{library}: no such library file")
    _refuse_read_only(library)
    if app == "traktor":
        if not library.name.lower().endswith(".nml"):
            raise LibraryWriteError(f"{library}: not a Traktor collection (.nml)")
        return _Traktor(library)
    if app != "rekordbox":
        raise LibraryWriteError(f"writing into {app.capitalize()} is not in this version yet")
    try:
        return RekordboxLibrary(library)
    except LibraryWriteError:
        raise
    except CrateMatchError as err:  # the reader's one-line refusals (locked, damaged, ...)
        raise LibraryWriteError(str(err)) from None


def plan_write(
    app: str,
    library: Path,
    results: Results,
    out_dirs: Sequence[str | Path],
    options: WriteOptions,
) -> LibraryPlan:
    """The plan of writing the results of `out_dirs` into `library`. LibraryBusy while
    the app runs (it would overwrite the library when it quits)."""
    refuse_while_running(app)
    document: LibraryDocument = _document(app, library)
    gathered = gather(results, out_dirs, gathered_with(app, options), catalog_files=True)
    return plan_library(app, library, document, gathered, options,
                        taken_names=document.playlist_names)  # type: ignore[attr-defined]  # fmt: skip


def gathered_with(app: str, options: WriteOptions) -> WriteOptions:
    """The options `app`'s plan gathers the results with: Rekordbox marks the review rows
    (a MyTag) even when their values are not written, so it always gathers them."""
    return replace(options, include_review=True) if app == "rekordbox" else options


def tracks_record(plan: LibraryPlan) -> dict[str, object]:
    """What a library write does, in tracks, for the writes journal: the journal counts
    the library's files (one collection.nml), a DJ counts tracks, as the write said."""
    outcomes = Counter(str(o.status) for o in library_outcomes(plan))
    return {"playlist": plan.playlist, "playlist_tracks": len(plan.found),
            "fields_written": plan.changes, "tracks": dict(outcomes)}  # fmt: skip


def write_plan(plan: LibraryPlan, options: WriteOptions, journal: WriteJournal) -> str:
    """Write `plan` (as previewed) into its library; the write's id for `undo`."""
    library = Path(plan.library)
    document = _document(plan.app, library)
    changed = [p for p in plan.plans if p.status is PlanStatus.CHANGE]
    found = [plan.plans[i].path for i in plan.found]
    review = [plan.plans[i].path for i in plan.review]
    sources = sorted({p.target.out_dir for p in plan.plans})
    record = {**options.record(), **tracks_record(plan)}
    if isinstance(document, SeratoFolder):
        tracks = [t for t in map(document.find, found) if t is not None]
        return write_crate(document, document.crate_path(plan.playlist), tracks,
                           journal=journal, options=record, sources=sources)  # fmt: skip
    if isinstance(document, _Traktor):
        collection = document.collection
        edits = []
        now = datetime.now()  # Traktor stamps edits in local time
        for file_plan in changed:
            entry = collection.find(file_plan.path)
            assert entry is not None  # planned against these very bytes (sha checked)
            edits += collection.field_edits(entry, file_plan.changes, now)
        entries = [e for e in map(collection.find, found) if e is not None]
        if entries:
            edits += collection.playlist_edits(plan.playlist, entries)
        new = collection.rewritten(edits)

        def build(copy: Path) -> None:
            copy.write_bytes(new)

        extras: tuple[str, ...] = ()
    else:
        ids = document.find

        def build(copy: Path) -> None:
            apply_plan(copy, [(str(ids(p.path)), p.changes) for p in changed], plan.playlist,
                       [str(ids(p)) for p in found], [str(ids(p)) for p in review])  # fmt: skip

        extras = (PLAYLISTS_XML,)
    return write_library(
        plan.app, library, build, journal=journal, expected_sha256=plan.before_sha256,
        options=record, sources=sources,
        extras=extras,
    )  # fmt: skip
