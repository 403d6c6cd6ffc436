"""Write-back: put matched metadata into the DJ's own audio files, safely, with undo.

Data flow (each step a function a worker process can call for one file; every record
is a small frozen dataclass that pickles cheaply):

    CatalogTrack --fields.proposed_values--> proposed {field: value}
    path --safe_write.read_state--> FileState (stamp, current values, container)
    (current, proposed) --policy.plan_changes--> FieldChange... (the preview's rows)
    changes --safe_write.write_file--> FileOutcome    (journal row: pending -> written)
    FileRecord --safe_write.restore_file--> FileOutcome   (journal row -> restored)

How atomic each format is: the same for all of them. mutagen never writes the user's
file: it writes a temporary copy in the same folder, which is checked (stream info,
audio payload digest, fields read back) and then renamed over the original with
`os.replace`, atomic on one file system for MP3, FLAC, AIFF, WAV, MP4 and Ogg alike. A
kill -9 at any moment leaves the original or the complete written file, never half of
one; the byte delta in the writes journal, durable before the rename, is what makes
undo possible, and stray temporary copies (`.<name>.cratematch-<write id>.*.tmp`) are
removed by `sweep_temps`. The price: a rename makes a new inode, so hard-linked files
are refused, and ownership is kept only when running as root; extended attributes are
copied on Linux only (Python copies them nowhere else).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matcher.lazy_imports import lazy_attributes
from matcher.writeback.errors import (
    FileRefused,
    UndoError,
    WriteError,
    WriteJournalDamaged,
    WriteJournalError,
)
from matcher.writeback.records import *  # noqa: F403 - the records are all public
from matcher.writeback.records import __all__ as _RECORDS

if TYPE_CHECKING:
    from matcher.writeback.delta import Delta, apply_delta, compute_delta
    from matcher.writeback.fields import (
        DEFAULT_FIELDS,
        KEY_NOTATIONS,
        WRITE_FIELDS,
        parse_fields,
        proposed_values,
    )
    from matcher.writeback.payload import audio_digest, tag_digest
    from matcher.writeback.policy import FieldChange, plan_changes
    from matcher.writeback.safe_write import (
        read_state,
        restore_file,
        sweep_temps,
        undo_write,
        write_file,
    )
    from matcher.writeback.tagfile import FORMATS
    from matcher.writeback.undo_journal import (
        WriteJournal,
        default_write_journal_path,
        rebuild_write_journal,
    )

# Loaded on first use: a process that only names a field or a record (the command line
# building its options, a worker reading its job) need not load mutagen and the writer.
_HOME = {
    "Delta": "delta", "apply_delta": "delta", "compute_delta": "delta",
    "DEFAULT_FIELDS": "fields", "KEY_NOTATIONS": "fields", "WRITE_FIELDS": "fields",
    "parse_fields": "fields", "proposed_values": "fields",
    "audio_digest": "payload", "tag_digest": "payload",
    "FieldChange": "policy", "plan_changes": "policy",
    "read_state": "safe_write", "restore_file": "safe_write", "sweep_temps": "safe_write",
    "undo_write": "safe_write", "write_file": "safe_write",
    "FORMATS": "tagfile",
    "WriteJournal": "undo_journal", "default_write_journal_path": "undo_journal",
    "rebuild_write_journal": "undo_journal",
}  # fmt: skip


__getattr__ = lazy_attributes(__name__, _HOME)


__all__ = [
    *_RECORDS,
    "DEFAULT_FIELDS",
    "FORMATS",
    "KEY_NOTATIONS",
    "WRITE_FIELDS",
    "Delta",
    "FieldChange",
    "FileRefused",
    "UndoError",
    "WriteError",
    "WriteJournal",
    "WriteJournalDamaged",
    "WriteJournalError",
    "apply_delta",
    "audio_digest",
    "compute_delta",
    "default_write_journal_path",
    "parse_fields",
    "plan_changes",
    "proposed_values",
    "read_state",
    "rebuild_write_journal",
    "restore_file",
    "sweep_temps",
    "tag_digest",
    "undo_write",
    "write_file",
]
