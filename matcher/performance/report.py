"""`performance_report.json`: one batch's performance, for people, scripts, the README's
performance table and `cratematch batches --compare`.

    BatchRun (finished or cancelled) ─▶ build_report(about, figures) ─▶ write_report
        <out>/performance_report.json            next to batch_summary.json
        <data dir>/reports/<batch_id>.json       a copy the next batch cannot overwrite
                                                 (out folders are shared between batches)

The document is built by a pure function from what the host already holds (the last
snapshot's figures, the series, the settings); `machine()` is the one thing read from
the system. Keys are stable: tests/matcher/performance/test_report.py lists them.
Every figure of a resumed batch is this run's, like the metrics (`resumed` says how
many tracks earlier runs did).
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matcher.errors import OutputError
from matcher.metrics import METRIC_KEYS, metric_value, ratio
from matcher.outputs.atomic import describe_os_error
from matcher.outputs.summary import dump_json, utc_now
from matcher.paths import data_dir
from matcher.performance.records import MemoryUse, QueryKindStats, RunSeries, SlowTrack

__all__ = [
    "REPORT_FILE",
    "REPORT_FORMAT",
    "REPORTS_KEPT",
    "Figures",
    "RunAbout",
    "build_report",
    "history_report_path",
    "machine",
    "write_report",
]

REPORT_FILE = "performance_report.json"
REPORT_FORMAT = 1
REPORTS_KEPT = 500  # copies kept in the data dir; older ones are removed


@dataclass(frozen=True, slots=True)
class RunAbout:
    """What a report says about the batch, apart from its figures."""

    batch_id: str
    provider: str
    preset: str
    workers: int
    catalog: str = ""  # the catalog's file, or the online provider's name
    catalog_tracks: int | None = None  # None for online providers
    playlists: tuple[tuple[str, str, int], ...] = ()  # (file name, playlist, entries)
    state: str = "finished"  # or "cancelled"; "running" for a live export
    already_done: int = 0  # tracks earlier runs of a resumed batch did
    created: float = 0.0  # time.time() the batch was started (the journal's)
    source: str = "engine"  # "engine", or "journal" for a report rebuilt afterwards


@dataclass(frozen=True, slots=True)
class Figures:
    """The figures of a MetricsSnapshot (the final one, for a finished batch)."""

    metrics: Mapping[str, float]
    queries: Sequence[QueryKindStats] = ()
    slowest: Sequence[SlowTrack] = ()
    memory: MemoryUse | None = None
    series: RunSeries | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # more top-level keys


def machine() -> dict[str, Any]:
    """The computer the batch ran on, as far as a report needs it."""
    return {
        "cpu_count": os.cpu_count() or 1,
        "os": platform.system() or sys.platform,
        "os_release": platform.release(),
        "platform": platform.platform(terse=True),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
    }


def _time_breakdown(m: Mapping[str, float]) -> dict[str, float]:
    return {
        "total_s": round(m["total_time"], 3),
        "parse_s": round(m["time_parse"], 3),
        "search_s": round(m["time_search"], 3),  # worker time, all workers added up
        "score_s": round(m["time_score"], 3),  # worker time, all workers added up
        "write_s": round(m["time_write"], 3),
    }


def _cache(m: Mapping[str, float], provider: str) -> dict[str, Any]:
    lookups = m["cache_hits"] + m["cache_misses"]
    document: dict[str, Any] = {
        "applicable": provider != "local",
        "hits": int(m["cache_hits"]),
        "misses": int(m["cache_misses"]),
        "hit_rate": round(m["cache_hit_rate"], 4) if lookups else None,
        "http_requests": int(m["http_requests"]),
        "http_retries": int(m["http_retries"]),
        "http_throttled": int(m["http_throttled"]),
        "throttle_wait_s": round(m["throttle_wait_s"], 3),
    }
    if provider == "local":
        document["note"] = "not applicable: a local catalog is read directly, with no cache"
    elif not lookups:
        document["note"] = "the web cache was off"
    return document


def _query_totals(queries: Sequence[QueryKindStats]) -> dict[str, int]:
    return {
        "runs": sum(q.runs for q in queries),
        "found": sum(q.found for q in queries),
        "proposed": sum(q.proposed for q in queries),
        "only": sum(q.only for q in queries),
    }


def build_report(about: RunAbout, figures: Figures, *, version: str,
                 host: Mapping[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    """The report document. `host` is `machine()` (passed in so this stays pure)."""
    m = {key: metric_value(value) for key, value in figures.metrics.items()}
    m = _complete(m)
    done = m["done_tracks"]
    this_run = max(0.0, done - about.already_done)
    document: dict[str, Any] = {
        "report": "CrateMatch performance report",
        "format": REPORT_FORMAT,
        "batch_id": about.batch_id,
        "state": about.state,
        "partial": about.state != "finished",
        "source": about.source,
        "cratematch_version": version,
        "settings": {
            "provider": about.provider,
            "preset": about.preset,
            "workers": about.workers,
            "chunk_size": round(m["chunk_size"], 1),
        },
        "catalog": {"file": about.catalog, "tracks": about.catalog_tracks},
        "machine": dict(host or {}),
        "created": about.created,
        "playlists": [
            {"playlist_file": f, "playlist": name, "entries": n} for f, name, n in about.playlists
        ],  # fmt: skip
        "tracks": {
            "total": int(m["total_tracks"]),
            "done": int(done),
            "this_run": int(this_run),
            "matched": int(m["matched_tracks"]),
            "review": int(m["review_tracks"]),
            "unmatched": int(m["unmatched_tracks"]),
            "error": int(m["error_tracks"]),
            "match_rate": round(ratio(m["matched_tracks"], done), 4),
            "review_rate": round(ratio(m["review_tracks"], done), 4),
        },
        "speed": {
            "tracks_per_second": round(m["tracks_per_second"], 3),
            "avg_time_per_track_ms": round(m["avg_time_per_track"] * 1000, 4),
            "queries_per_track": round(ratio(m["queries_executed"], this_run), 4),
            "candidates_per_track": round(ratio(m["candidates_evaluated"], this_run), 3),
            "avg_query_ms": round(m["avg_query_time"] * 1000, 4),
            "worker_utilisation": round(m["worker_utilisation"], 4),
        },
        "time": _time_breakdown(m),
        "queries": [q.as_dict() for q in figures.queries],
        "queries_total": _query_totals(figures.queries),
        "slowest": [s.as_dict() for s in figures.slowest],
        "memory": figures.memory.as_dict() if figures.memory else None,
        "cache": _cache(m, about.provider),
        "metrics": dict(sorted(m.items())),
        "series": figures.series.as_dict() if figures.series else None,
    }
    if about.already_done:
        document["resumed"] = {"already_done": about.already_done, "this_run": int(this_run)}
    document.update({k: v for k, v in figures.extra.items() if k not in document})
    document["written_at"] = utc_now()
    return document


def _complete(m: dict[str, float]) -> dict[str, float]:
    """Every key the report reads, 0.0 when the snapshot lacks it (an older one; its
    time per query follows from its search time)."""
    complete = {**dict.fromkeys(METRIC_KEYS, 0.0), **m}
    if "avg_query_time" not in m:
        complete["avg_query_time"] = ratio(complete["time_search"], complete["queries_executed"])
    return complete


def history_report_path(batch_id: str) -> Path:
    """Where the data dir keeps a batch's report."""
    safe = "".join(c for c in batch_id if c.isalnum() or c in "-_") or "batch"
    return data_dir() / "reports" / f"{safe}.json"


def write_report(path: Path, document: Mapping[str, Any], *, keep_copy: bool = True) -> Path:
    """Write `document` to `path` atomically (OutputError on failure); with `keep_copy`,
    also to the data dir, where `batches --compare` and the previous-run overlay find
    it after the out folder has been reused or deleted."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create {path.parent}: {describe_os_error(err)}") from err
    dump_json(path, document)
    if keep_copy and document.get("batch_id"):
        try:
            copy = history_report_path(str(document["batch_id"]))
            copy.parent.mkdir(parents=True, exist_ok=True)
            dump_json(copy, document)
        except (OutputError, OSError):  # a read-only data dir: the report itself is written
            return Path(path)
        _prune(copy.parent)
    return Path(path)


def _prune(folder: Path, keep: int = REPORTS_KEPT) -> None:
    try:
        reports = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in reports[:-keep]:
            old.unlink(missing_ok=True)
    except OSError:  # a copy we could not prune costs a few KB, never the batch
        pass
