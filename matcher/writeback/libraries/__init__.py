"""Write-back into DJ libraries: Traktor's collection.nml and Rekordbox's master.db,
with a backup first and an undo that restores them byte for byte; and a new Serato
crate of the found tracks, which undo deletes.

    targets.plan_write    the batch results (targets.gather) against the library:
                          FilePlans per audio file, the playlist of found tracks
    targets.write_plan    library_write.write_library with the app's edits
    library_write         backup, atomic replace, undo from the backup
    traktor, nml_text     the NML edits, made on the file's own bytes
    rekordbox             master.db read for the plan, written with pyrekordbox
    serato_crate          the crate writer (the layout serato_binary reads)
    apps                  refuse while the app runs; default library locations
"""

from __future__ import annotations

from matcher.writeback.libraries.library_write import (
    LIBRARY_TARGETS,
    LibraryUndo,
    backups_dir,
    undo_library,
    write_library,
)
from matcher.writeback.libraries.plan import LibraryPlan, library_outcomes, write_previews
from matcher.writeback.libraries.targets import WRITABLE, plan_write, write_plan

__all__ = [
    "LIBRARY_TARGETS",
    "WRITABLE",
    "LibraryPlan",
    "LibraryUndo",
    "backups_dir",
    "library_outcomes",
    "plan_write",
    "undo_library",
    "write_library",
    "write_plan",
    "write_previews",
]
