"""A batch's performance report found again, whatever became of its out folder; the
report exported where a user wants it; and the previous run of the same playlists.

    load_report(batch id)   1. <data dir>/reports/<id>.json   (the copy write_report keeps)
                            2. <out>/performance_report.json  (if it is still this batch's)
                            3. rebuilt from the journal's results (+ batch_summary.json's
                               metrics when they are still this batch's): source "journal"
    export_performance_report(path, batch id[, snapshot])   the same document, at `path`
    previous_run(playlists)  the newest finished batch of the same playlists: its series

Out folders are shared (every batch without --out writes to the same one), so a file
found there is believed only when its batch_id is the one asked for. A report rebuilt
from the journal has no memory figures and no series (nothing kept them), and its
per-kind figures cover every run of a resumed batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from matcher import __version__
from matcher.catalog.sync import catalog_info
from matcher.engine.events import BatchState, MetricsSnapshot
from matcher.engine.history import BatchRecord, History
from matcher.errors import CrateMatchError, InputError
from matcher.metrics import PRESET_LEVELS, ratio
from matcher.model import MatchStatus
from matcher.outputs.writer import BATCH_SUMMARY
from matcher.performance.records import (
    KindBook,
    RunSeries,
    SlowestBook,
    query_kind_stats,
)
from matcher.performance.report import (
    REPORT_FILE,
    Figures,
    RunAbout,
    build_report,
    history_report_path,
    machine,
    write_report,
)

__all__ = [
    "export_performance_report",
    "find_batch",
    "load_report",
    "previous_run",
    "report_from_journal",
]

_PAGE = 500  # results folded at a time when rebuilding from the journal


def find_batch(history: History, wanted: str) -> BatchRecord:
    """The batch `wanted` names: an id as `cratematch batches` lists it, or the start of
    one that no other batch shares. InputError (one line) otherwise."""
    wanted = wanted.strip()
    record = history.batch(wanted) if wanted else None
    if record is not None:
        return record
    found = history.batches_starting(wanted) if wanted else []
    if len(found) == 1:
        return found[0]
    if found:
        raise InputError(f"batch id {wanted!r} is ambiguous: give more of it "
                         "(see `cratematch batches`)")  # fmt: skip
    raise InputError(f"no batch {wanted!r} in the journal (see `cratematch batches`)")


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def _own(path: Path, batch_id: str) -> dict[str, Any] | None:
    """The document at `path` if it is `batch_id`'s."""
    document = _read_json(path)
    return document if document is not None and document.get("batch_id") == batch_id else None


def load_report(batch_id: str, *, history: History | None = None) -> dict[str, Any]:
    """The performance report of a batch in the journal (InputError when there is no
    such batch), from the best place that still has it (see the module docstring)."""
    with ExitStack() as stack:
        if history is None:
            history = stack.enter_context(History.open(readonly=True))
        record = find_batch(history, batch_id)
        for path in (history_report_path(record.batch_id), Path(record.out_dir) / REPORT_FILE):
            document = _own(path, record.batch_id)
            if document is not None:
                return document
        return report_from_journal(history, record)


def report_from_journal(history: History, record: BatchRecord) -> dict[str, Any]:
    """A report rebuilt from the journal's results; exact for counts, queries and
    per-kind figures, approximate for speed when batch_summary.json is gone (wall time
    is then the journal's first-to-last write)."""
    kinds, slowest = KindBook(), SlowestBook()
    counts = dict.fromkeys(("matched", "review", "unmatched", "error"), 0)
    queries = candidates = 0
    search_ms = elapsed_ms = 0.0
    unattributed = 0  # matched rows journalled before found_by was kept
    playlists = history.playlists(record.batch_id)
    for p in playlists:
        for page in _pages(history.iter_results(record.batch_id, p.playlist_id)):
            kinds.add(query_kind_stats(page))
            slowest.offer(p.playlist_id, p.name, page)
            for r in page:
                counts[str(r.status)] = counts.get(str(r.status), 0) + 1
                queries += max(r.queries_run, len(r.query_log))
                candidates += max(r.candidates_evaluated, len(r.candidates))
                search_ms += sum(q.elapsed_ms for q in r.query_log)
                elapsed_ms += r.elapsed_ms
                unattributed += r.status is MatchStatus.MATCHED and not r.found_by
    done = sum(counts.values())
    summary = _own(Path(record.out_dir) / BATCH_SUMMARY, record.batch_id) or {}
    metrics = summary.get("metrics") if isinstance(summary.get("metrics"), dict) else None
    if metrics is None:
        wall = max(0.0, record.updated - record.created)
        metrics = {
            "total_tracks": record.total, "done_tracks": done,
            "matched_tracks": counts["matched"], "review_tracks": counts["review"],
            "unmatched_tracks": counts["unmatched"], "error_tracks": counts["error"],
            "total_time": wall, "tracks_per_second": ratio(done, wall),
            "avg_time_per_track": ratio(elapsed_ms / 1000, done),
            "queries_executed": queries, "candidates_evaluated": candidates,
            "time_search": search_ms / 1000,
            "time_score": max(0.0, elapsed_ms - search_ms) / 1000,
            "avg_query_time": ratio(search_ms / 1000, queries),
            "match_rate": ratio(counts["matched"], done),
            "review_rate": ratio(counts["review"], done),
            "workers": _int(record.config.get("workers")),
            "preset_level": PRESET_LEVELS.get(str(record.config.get("preset")), 1),
        }  # fmt: skip
    catalog = summary.get("catalog") if isinstance(summary.get("catalog"), dict) else {}
    about = _about(
        record,
        playlists,
        source="journal",
        catalog=str(catalog.get("file") or record.config.get("catalog") or ""),
        catalog_tracks=catalog.get("tracks"),
        workers=_int(record.config.get("workers")) or _int(metrics.get("workers")),
    )
    extra = {"found_by_missing": unattributed} if unattributed else {}
    figures = Figures(metrics=metrics, queries=kinds.totals(), slowest=slowest.top(), extra=extra)
    return build_report(about, figures, version=__version__, host=None)


def _pages(results: Iterable[Any]) -> Iterable[list[Any]]:
    page: list[Any] = []
    for result in results:
        page.append(result)
        if len(page) >= _PAGE:
            yield page
            page = []
    if page:
        yield page


def _int(value: object) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _about(record: BatchRecord, playlists: Sequence[Any], **fields: Any) -> RunAbout:
    config = record.config
    state = str(record.state)
    fields.setdefault("workers", _int(config.get("workers")))
    return RunAbout(
        batch_id=record.batch_id,
        provider=str(config.get("provider") or "local"),
        preset=str(config.get("preset") or "balanced"),
        playlists=tuple((p.file, p.name, p.total) for p in playlists),
        state=state if state in ("finished", "cancelled") else "running",
        created=record.created,
        **fields,
    )


def export_performance_report(
    path: str | Path,
    batch_id: str,
    snapshot: MetricsSnapshot | None = None,
    *,
    history: History | None = None,
) -> Path:
    """Write batch `batch_id`'s performance report to `path` (atomically; OutputError if
    it cannot be written). With `snapshot` (the newest MetricsSnapshot of a batch still
    running), the report is built from it; without, it is the batch's own report."""
    with ExitStack() as stack:
        if history is None:
            history = stack.enter_context(History.open(readonly=True))
        if snapshot is None:
            document = load_report(batch_id, history=history)
        else:
            record = find_batch(history, batch_id)
            about = _about(record, history.playlists(record.batch_id), **_catalog_of(record))
            figures = Figures(metrics=snapshot.metrics, queries=snapshot.queries,
                              slowest=snapshot.slowest, memory=snapshot.memory)  # fmt: skip
            document = build_report(about, figures, version=__version__, host=machine())
    return write_report(Path(path), document, keep_copy=False)


def _catalog_of(record: BatchRecord) -> dict[str, Any]:
    """The report's catalog fields for a batch: its catalog file and size (local), or
    the provider's name (online)."""
    provider = str(record.config.get("provider") or "local")
    catalog = record.config.get("catalog")
    if provider != "local":
        return {"catalog": provider, "catalog_tracks": None}
    if not catalog:
        return {"catalog": "", "catalog_tracks": None}
    try:
        info = catalog_info(Path(catalog))
    except (CrateMatchError, OSError):  # gone or damaged since: say what it was
        return {"catalog": str(catalog), "catalog_tracks": None}
    return {"catalog": info.name, "catalog_tracks": info.tracks}


def previous_run(
    playlists: Iterable[Sequence[Any]],
    *,
    before: str = "",
    history: History | None = None,
    look_back: int = 200,
) -> RunSeries | None:
    """The throughput series of the newest finished batch that matched the same
    playlists, for a chart to overlay; None when there is none (or no journal yet).

    `playlists` are (file name, playlist name, entries) triples, or BatchStarted's
    (playlist_id, file name, name, entries) tuples as they are; `before` (a batch id)
    leaves out that batch and every newer one. A batch whose report kept no series gives
    a straight line from start to end (`estimated`)."""
    wanted = sorted(tuple(p[-3:]) for p in playlists)
    if not wanted:
        return None
    with ExitStack() as stack:
        if history is None:
            path = _journal_path()
            if not path.exists():
                return None
            history = stack.enter_context(History.open(path, readonly=True))
        cutoff = history.batch(before) if before else None
        for record in history.batches(look_back):
            if record.state is not BatchState.FINISHED or record.batch_id == before:
                continue
            if cutoff is not None and record.created > cutoff.created:
                continue
            mine = sorted((p.file, p.name, p.total) for p in history.playlists(record.batch_id))
            if mine == wanted:
                return _series_of(record, load_report(record.batch_id, history=history))
    return None


def _journal_path() -> Path:
    from matcher.engine.journal_db import default_journal_path

    return default_journal_path()


def _series_of(record: BatchRecord, report: dict[str, Any]) -> RunSeries:
    settings = report.get("settings") if isinstance(report.get("settings"), dict) else {}
    about = {
        "batch_id": record.batch_id,
        "preset": str(settings.get("preset") or record.config.get("preset") or ""),
        "workers": _int(settings.get("workers")),
        "created": record.created,
    }
    series = report.get("series")
    if isinstance(series, dict):
        found = RunSeries.from_dict(series, **about)
        if len(found):
            return found
    metrics = report.get("metrics") if isinstance(report.get("metrics"), dict) else {}
    end = float(metrics.get("total_time") or 0.0)
    done = int(metrics.get("done_tracks") or record.done)
    rate = float(metrics.get("match_rate") or 0.0)
    tps = ratio(done, end)
    return RunSeries(t=(0.0, end), tracks_per_second=(tps, tps), done=(0, done),
                     match_rate=(rate, rate), estimated=True, **about)  # fmt: skip
