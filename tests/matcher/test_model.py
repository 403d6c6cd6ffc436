"""The records' hand-written fast paths: brief results and pickling by field values."""

from __future__ import annotations

import pickle
from dataclasses import fields, replace

import pytest

from matcher.model import (
    Candidate,
    CatalogTrack,
    MatchResult,
    MatchStatus,
    PlaylistEntry,
    PlaylistInfo,
    QueryRecord,
)


def full_result() -> MatchResult:
    """A result whose every field differs from its default."""
    track = CatalogTrack("c1", "Tide", artists=("Orla",), bpm=123.0)
    cands = tuple(Candidate(track, 0.9 - k / 10, {"title": 1.0}, {"bpm": 0.1}) for k in range(3))
    queries = (QueryRecord("isrc", "X", 1, 0.5), QueryRecord("title", "tide", 3, 1.5))
    return MatchResult(
        entry=PlaylistEntry("set.xml", "Set", 4, title="Tide", location="/m/t.flac"),
        status=MatchStatus.REVIEW,
        confidence=0.9,
        provider="local",
        reason="ambiguous",
        best=cands[0],
        candidates=cands,
        query_log=queries,
        elapsed_ms=2.5,
        candidates_evaluated=1,
        queries_run=1,
        file_stamp=(10, 20),
        found_by=("title",),
    )


@pytest.mark.parametrize("keep", [0, 1, 2, 5])
def test_brief_is_the_result_without_its_audit_trail(keep: int) -> None:
    result = full_result()
    defaults = MatchResult(PlaylistEntry("", "", 0), MatchStatus.MATCHED, 0.0, "", "")
    unset = [
        f.name for f in fields(MatchResult) if getattr(result, f.name) == getattr(defaults, f.name)
    ]
    assert unset == []  # a field added to MatchResult must be set above, and kept by brief
    brief = result.brief(keep)
    assert brief == replace(
        result,
        candidates=result.candidates[:keep],
        query_log=(),
        queries_run=2,
        candidates_evaluated=3,
    )
    assert brief.best is result.best


RECORDS = [
    full_result(),
    full_result().entry,
    full_result().best,
    full_result().best.track,  # type: ignore[union-attr]
    full_result().query_log[0],
    PlaylistInfo("Folder/Set", 12, is_folder=True),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_records_pickle_as_their_class_and_field_values(record: object) -> None:
    cls, values = record.__reduce__()
    assert cls is type(record)
    assert values == tuple(getattr(record, f.name) for f in fields(record))  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(record)) == record
