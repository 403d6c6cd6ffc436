"""The CSV reports: matches, candidates, queries, review and missing.

Each report is a pure function from results to rows (easy to test, no files) plus one
writer that puts any rows in a CSV atomically. Files are UTF-8 without a BOM, quoted by
the csv module, so Excel, LibreOffice and pandas all read them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from matcher.model import MATCH_COLUMNS, Candidate, MatchResult, MatchStatus
from matcher.outputs.atomic import atomic_open

__all__ = [
    "CANDIDATE_COLUMNS",
    "FEATURES",
    "MISSING_COLUMNS",
    "QUERY_COLUMNS",
    "REVIEW_COLUMNS",
    "candidate_rows",
    "format_penalties",
    "match_rows",
    "missing_rows",
    "query_rows",
    "review_rows",
    "write_csv",
]

FEATURES = ("title", "artists", "version", "duration", "bpm", "key")
CANDIDATE_COLUMNS: tuple[str, ...] = (
    "playlist_file", "entry_index", "rank", "chosen", "catalog_id", "artists", "title",
    "mix", "confidence", *(f"score_{f}" for f in FEATURES), "penalties", "guard", "note",
)  # fmt: skip
QUERY_COLUMNS = ("playlist_file", "entry_index", "order", "kind", "text", "hits", "elapsed_ms")
REVIEW_COLUMNS = (*MATCH_COLUMNS, "runner_up_id", "runner_up_confidence")
MISSING_COLUMNS = (
    "playlist_file", "entry_index", "source_id", "artist", "title", "mix", "album", "label",
    "duration_s", "bpm", "key", "location", "status", "reason",
)  # fmt: skip
_MISSING = (MatchStatus.UNMATCHED, MatchStatus.ERROR)


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def format_penalties(penalties: dict[str, float]) -> str:
    """`{"title": 0.12, "version": 0.4}` -> `"version=0.40; title=0.12"` (largest first)."""
    ordered = sorted(penalties.items(), key=lambda kv: (-kv[1], kv[0]))
    return "; ".join(f"{name}={value:.2f}" for name, value in ordered)


def match_rows(results: Iterable[MatchResult]) -> Iterator[dict[str, str]]:
    for result in results:
        yield result.row()


def _shortlist(result: MatchResult) -> tuple[Candidate, ...]:
    """The scored candidates, best first; the proposed best is included even when the
    decision step did not keep a shortlist."""
    if result.best is not None and result.best not in result.candidates:
        return (result.best, *result.candidates)
    return result.candidates


def _accepted_rank(result: MatchResult, shortlist: tuple[Candidate, ...]) -> int:
    """The 1-based rank of the accepted candidate, 0 when none was accepted."""
    if result.status != MatchStatus.MATCHED or result.best is None:
        return 0
    for rank, cand in enumerate(shortlist, start=1):
        if cand is result.best:
            return rank
    for rank, cand in enumerate(shortlist, start=1):
        if cand == result.best:  # the same candidate, rebuilt (unpickled, journalled)
            return rank
    return 0


def candidate_rows(results: Iterable[MatchResult]) -> Iterator[dict[str, str]]:
    for result in results:
        shortlist = _shortlist(result)
        chosen = _accepted_rank(result, shortlist)
        for rank, cand in enumerate(shortlist, start=1):
            t = cand.track
            row = {
                "playlist_file": result.playlist_file,
                "entry_index": str(result.entry_index),
                "rank": str(rank),
                "chosen": "yes" if rank == chosen else "no",
                "catalog_id": t.catalog_id,
                "artists": ", ".join(t.artists),
                "title": t.title,
                "mix": t.mix,
                "confidence": f"{cand.confidence:.3f}",
            }
            for feature in FEATURES:
                score = cand.features.get(feature)
                row[f"score_{feature}"] = "" if score is None else f"{score:.3f}"
            row["penalties"] = format_penalties(cand.penalties)
            row["guard"] = cand.guard
            row["note"] = cand.note
            yield row


def query_rows(results: Iterable[MatchResult]) -> Iterator[dict[str, str]]:
    for result in results:
        for order, query in enumerate(result.query_log, start=1):
            yield {
                "playlist_file": result.playlist_file,
                "entry_index": str(result.entry_index),
                "order": str(order),
                "kind": query.kind,
                "text": query.text,
                "hits": str(query.hits),
                "elapsed_ms": f"{query.elapsed_ms:.2f}",
            }


def runner_up(result: MatchResult) -> Candidate | None:
    """The best candidate that is not the proposed one: what the user weighs it against."""
    best_id = result.best.track.catalog_id if result.best else None
    for cand in result.candidates:
        if cand.track.catalog_id != best_id:
            return cand
    return None


def review_rows(results: Iterable[MatchResult]) -> Iterator[dict[str, str]]:
    for result in results:
        if result.status != MatchStatus.REVIEW:
            continue
        second = runner_up(result)
        yield {
            **result.row(),
            "runner_up_id": second.track.catalog_id if second else "",
            "runner_up_confidence": f"{second.confidence:.3f}" if second else "",
        }


def missing_rows(results: Iterable[MatchResult]) -> Iterator[dict[str, str]]:
    for result in results:
        if result.status not in _MISSING:
            continue
        e = result.entry
        yield {
            "playlist_file": e.playlist_file,
            "entry_index": str(e.entry_index),
            "source_id": e.source_id,
            "artist": e.artist,
            "title": e.title,
            "mix": e.mix,
            "album": e.album,
            "label": e.label,
            "duration_s": _num(e.duration_s),
            "bpm": _num(e.bpm),
            "key": e.key,
            "location": e.location,
            "status": str(result.status),
            "reason": result.reason,
        }


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict[str, str]]) -> int:
    """Write `rows` under a header of `columns`, atomically; returns the row count."""
    count = 0
    with atomic_open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count
