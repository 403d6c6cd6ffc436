"""`summary.json` per playlist and `batch_summary.json` per batch.

Both are small, stable JSON documents for people and scripts: counts per status, the
match rate, timing, the metrics snapshot and where every file is. Values JSON cannot
hold (NaN, infinity, paths) are made safe, so a metric that went NaN never produces a
file other tools refuse to read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher.model import MatchResult, MatchStatus
from matcher.outputs.atomic import atomic_write_text

if TYPE_CHECKING:
    from matcher.outputs.rekordbox_xml import DocumentIndex

__all__ = [
    "OUTPUT_FILES",
    "PlaylistOutputs",
    "batch_summary",
    "count_statuses",
    "dump_json",
    "playlist_summary",
    "utc_now",
]

# Output kind -> file name, in the order they are written.
OUTPUT_FILES: dict[str, str] = {
    "matches": "matches.csv",
    "candidates": "candidates.csv",
    "queries": "queries.csv",
    "review": "review.csv",
    "missing": "missing.csv",
    "found": "found.m3u8",
    "enriched": "enriched.xml",
    "summary": "summary.json",
}


@dataclass(frozen=True)
class PlaylistOutputs:
    """What `write_playlist_outputs` wrote for one playlist."""

    playlist: str
    playlist_file: str
    folder: Path
    matches: Path
    candidates: Path
    queries: Path
    review: Path
    missing: Path
    found: Path
    enriched: Path
    summary: Path
    counts: Mapping[str, int]  # status -> results with that status
    total: int  # entries in the playlist
    processed: int  # results written (fewer than total when partial)
    found_without_file: int  # matched entries left out of found.m3u8: no file to play
    partial: bool = False
    elapsed_s: float = 0.0
    enriched_tracks: int = 0  # TRACKs in enriched.xml
    enriched_without_file: int = 0  # entries left out of enriched.xml: no file to import
    # what enriched.xml holds, as its writer recorded it (for the batch XML)
    enriched_index: DocumentIndex | None = field(default=None, compare=False, repr=False)

    @property
    def files(self) -> dict[str, Path]:
        """Output kind (see OUTPUT_FILES) -> path."""
        return {kind: getattr(self, kind) for kind in OUTPUT_FILES}

    @property
    def match_rate(self) -> float:
        """Matched / processed results."""
        return self.counts.get("matched", 0) / self.processed if self.processed else 0.0


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def count_statuses(results: Sequence[MatchResult]) -> dict[str, int]:
    counts = {str(status): 0 for status in MatchStatus}
    for result in results:
        counts[str(result.status)] = counts.get(str(result.status), 0) + 1
    return counts


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def dump_json(path: Path, document: Mapping[str, Any]) -> None:
    plain = _jsonable(document)
    text = json.dumps(plain, ensure_ascii=False, indent=2, allow_nan=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a file name that is not UTF-8: \u escapes keep it valid JSON
        text = json.dumps(plain, ensure_ascii=True, indent=2, allow_nan=False)
    atomic_write_text(path, text + "\n")


def playlist_summary(
    *,
    outputs: PlaylistOutputs,
    results: Sequence[MatchResult],
    fmt: str,
    provider: str,
    preset: str,
    metrics: Mapping[str, float] | None,
) -> dict[str, Any]:
    """The summary.json document. `match_rate` is matched / processed results."""
    confidences = [r.confidence for r in results if r.status == MatchStatus.MATCHED]
    document: dict[str, Any] = {
        "playlist": outputs.playlist,
        "playlist_file": outputs.playlist_file,
        "format": fmt,
        "provider": provider,
        "preset": preset,
        "partial": outputs.partial,
        "counts": dict(outputs.counts),
        "total": outputs.total,
        "processed": outputs.processed,
        "match_rate": round(outputs.match_rate, 4),
        "mean_confidence": (round(sum(confidences) / len(confidences), 4) if confidences else None),
        "found_without_file": outputs.found_without_file,
        "enriched_tracks": outputs.enriched_tracks,
        "enriched_without_file": outputs.enriched_without_file,
        "elapsed_s": round(outputs.elapsed_s, 3),
    }
    if metrics is not None:
        document["metrics"] = dict(metrics)
    document["files"] = {kind: path.name for kind, path in outputs.files.items()}
    document["written_at"] = utc_now()
    return document


def batch_summary(
    out_dir: Path,
    outputs: Sequence[PlaylistOutputs],
    *,
    partial: bool,
    elapsed_s: float,
    extra: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The batch_summary.json document: totals and one line per playlist. `extra`
    adds fields (batch id, provider, ...) but cannot replace the computed ones."""
    counts = {str(status): 0 for status in MatchStatus}
    for item in outputs:
        for status, n in item.counts.items():
            counts[status] = counts.get(status, 0) + n
    processed = sum(item.processed for item in outputs)
    root = Path(out_dir).resolve()
    playlists = []
    for item in outputs:
        folder = Path(item.folder).resolve()
        where = folder.relative_to(root) if folder.is_relative_to(root) else folder
        playlists.append(
            {
                "playlist": item.playlist,
                "playlist_file": item.playlist_file,
                "folder": where.as_posix(),
                "partial": item.partial,
                "counts": dict(item.counts),
                "total": item.total,
                "processed": item.processed,
                "match_rate": round(item.match_rate, 4),
                "enriched_without_file": item.enriched_without_file,
                "elapsed_s": round(item.elapsed_s, 3),
            }
        )
    document: dict[str, Any] = dict(extra or {})
    document.update(
        {
            "partial": partial,
            "playlists_count": len(outputs),
            "counts": counts,
            "total": sum(item.total for item in outputs),
            "processed": processed,
            "match_rate": round(counts["matched"] / processed, 4) if processed else 0.0,
            "enriched_without_file": sum(item.enriched_without_file for item in outputs),
            "elapsed_s": round(elapsed_s, 3),
            "playlists": playlists,
            "written_at": utc_now(),
        }
    )
    return document
