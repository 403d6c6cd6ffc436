from __future__ import annotations

import pickle

import pytest

from matcher.writeback import (
    FieldChange,
    FileOutcome,
    FileRecord,
    FileRefused,
    FileStamp,
    FileState,
    FileStatus,
    StreamInfo,
    WriteJournalDamaged,
    WriteSummary,
)

CHANGE = FieldChange("key", "", "Am", "empty in the file")
STAMP = FileStamp(1000, 1_700_000_000_000_000_000, "ab" * 32)
RECORDS = {
    "stream": StreamInfo(3.5, 44100, 2),
    "stamp": STAMP,
    "state": FileState("a.mp3", "/m/a.mp3", "mp3", "id3", STAMP, {"key": ""}, StreamInfo(1, 2, 3)),
    "outcome": FileOutcome("a.mp3", FileStatus.REFUSED, "read-only", (CHANGE,), 7),
    "summary": WriteSummary("w1", 1.0, "tags", {"overwrite": True}, ("out",), "running", {}),
    "record": FileRecord(
        "w1", 1, "a.mp3", "/m/a.mp3", "written", "", "b" * 64, "a" * 64, 10, 11, 0o644, (CHANGE,)
    ),
}


@pytest.mark.parametrize("record", RECORDS.values(), ids=RECORDS.keys())
def test_records_pickle_and_compare(record):
    copy = pickle.loads(pickle.dumps(record))
    assert copy == record
    with pytest.raises((AttributeError, TypeError)):  # 3.11 raises TypeError with slots
        record.seq = 99


def test_errors_pickle_with_their_reason():
    err = pickle.loads(pickle.dumps(FileRefused("/m/a.mp3", "locked\nby another program")))
    assert (err.path, err.reason, str(err)) == (
        "/m/a.mp3",
        "locked by another program",
        "/m/a.mp3: locked by another program",
    )
    damaged = pickle.loads(pickle.dumps(WriteJournalDamaged("writes journal is damaged")))
    assert str(damaged) == "writes journal is damaged"
    assert damaged.damaged_store == "writes journal"
