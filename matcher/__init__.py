"""CrateMatch's engine: playlist readers, matching, catalogs and outputs.

This package never imports a GUI toolkit. Its public face, `__all__` below, is what a
front end may use; the window imports nothing else from `matcher` (a test holds it to
that):

    running batches     Engine, Batch, EngineConfig, PROVIDERS, the events
    presets             PRESETS, Preset
    results             MatchResult, Candidate, MatchStatus, MATCH_COLUMNS, ...
    playlist listing    list_playlists, PlaylistInfo, PlaylistRef
    DJ libraries        found_libraries, default_traktor_collection, library_folder_format
    batch history       History (read-only), BatchRecord, PlaylistRecord
    repair              rebuild_journal, set_aside_catalog, JournalDamaged
    metrics and tips    format_metrics, tips, MIN_TRACKS_FOR_TIPS
    performance         QueryKindStats, SlowTrack, MemoryUse, ProcessMemory (what
                        MetricsSnapshot.queries / .slowest / .memory hold), RunSeries,
                        format_query_kinds, format_slowest, format_memory and their
                        *_COLUMNS, export_performance_report, load_performance_report,
                        previous_run, compare_reports, BatchComparison, PERFORMANCE_REPORT
    write-back          WriteOptions, FilePlan, PlanStatus, FileOutcome, FileStatus,
                        replan, write_summary_lines, list_writes, WriteSummary,
                        WRITE_FIELDS, DEFAULT_WRITE_FIELDS, KEY_NOTATIONS; into DJ
                        libraries: LibraryPlan, LIBRARY_APPS, LIBRARY_FIELDS
    settings and files  HttpOptions, config_dir, default_out_dir, default_catalog_path,
                        atomic_write_text, fold
    errors              CrateMatchError and its tree (matcher.errors)

Names that need the engine's machinery load on first use: worker processes import this
package and need none of it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from matcher.config import PROVIDERS, EngineConfig
from matcher.engine.event_names import EVENT_NAMES
from matcher.errors import CrateMatchError, InputError, JournalError
from matcher.http.options import HttpOptions
from matcher.matching.presets import PRESETS, Preset
from matcher.model import (
    MATCH_COLUMNS,
    Candidate,
    CatalogTrack,
    MatchResult,
    MatchStatus,
    Playlist,
    PlaylistEntry,
    PlaylistInfo,
    PlaylistRef,
)
from matcher.paths import config_dir, default_catalog_path, default_out_dir

if TYPE_CHECKING:
    from matcher.catalog.damaged import set_aside as set_aside_catalog
    from matcher.engine.client import Batch, Engine
    from matcher.engine.events import *  # noqa: F403 - every event is public
    from matcher.engine.history import BatchRecord, History, PlaylistRecord
    from matcher.engine.journal_db import JournalDamaged, default_journal_path, rebuild_journal
    from matcher.engine.library_run import LIBRARY_APPS, LIBRARY_FIELDS
    from matcher.matching.text import fold
    from matcher.metrics import MIN_TRACKS_FOR_TIPS, format_metrics, tips
    from matcher.outputs.atomic import atomic_write_text
    from matcher.performance.compare import BatchComparison, compare_reports
    from matcher.performance.figures import export_performance_report, previous_run
    from matcher.performance.figures import load_report as load_performance_report
    from matcher.performance.format import (
        MEMORY_COLUMNS,
        QUERY_KIND_COLUMNS,
        SLOWEST_COLUMNS,
        format_memory,
        format_query_kinds,
        format_slowest,
    )
    from matcher.performance.records import (
        MemoryUse,
        ProcessMemory,
        QueryKindStats,
        RunSeries,
        SlowTrack,
    )
    from matcher.performance.report import REPORT_FILE as PERFORMANCE_REPORT
    from matcher.playlists import list_playlists
    from matcher.playlists.libraries import folder_format as library_folder_format
    from matcher.playlists.libraries import found_libraries
    from matcher.writeback.decisions import CHANGED_SINCE_PLAN
    from matcher.writeback.fields import DEFAULT_FIELDS as DEFAULT_WRITE_FIELDS
    from matcher.writeback.fields import KEY_NOTATIONS, WRITE_FIELDS
    from matcher.writeback.libraries.apps import default_traktor_collection
    from matcher.writeback.libraries.plan import LibraryPlan
    from matcher.writeback.plan import FilePlan, PlanStatus, replan
    from matcher.writeback.plan import summary_lines as write_summary_lines
    from matcher.writeback.records import FileOutcome, FileStatus, WriteSummary
    from matcher.writeback.targets import WriteOptions
    from matcher.writeback.undo_journal import list_writes

__version__ = "0.1.0"

# name -> (module, attribute) for what loads on first use
_LAZY = {
    "Batch": ("matcher.engine.client", "Batch"),
    "Engine": ("matcher.engine.client", "Engine"),
    "BatchRecord": ("matcher.engine.history", "BatchRecord"),
    "History": ("matcher.engine.history", "History"),
    "PlaylistRecord": ("matcher.engine.history", "PlaylistRecord"),
    "JournalDamaged": ("matcher.engine.journal_db", "JournalDamaged"),
    "default_journal_path": ("matcher.engine.journal_db", "default_journal_path"),
    "rebuild_journal": ("matcher.engine.journal_db", "rebuild_journal"),
    "set_aside_catalog": ("matcher.catalog.damaged", "set_aside"),
    "list_playlists": ("matcher.playlists", "list_playlists"),
    "found_libraries": ("matcher.playlists.libraries", "found_libraries"),
    "library_folder_format": ("matcher.playlists.libraries", "folder_format"),
    "default_traktor_collection": (
        "matcher.writeback.libraries.apps",
        "default_traktor_collection",
    ),
    "MIN_TRACKS_FOR_TIPS": ("matcher.metrics", "MIN_TRACKS_FOR_TIPS"),
    "format_metrics": ("matcher.metrics", "format_metrics"),
    "tips": ("matcher.metrics", "tips"),
    "atomic_write_text": ("matcher.outputs.atomic", "atomic_write_text"),
    "BatchComparison": ("matcher.performance.compare", "BatchComparison"),
    "compare_reports": ("matcher.performance.compare", "compare_reports"),
    "export_performance_report": ("matcher.performance.figures", "export_performance_report"),
    "load_performance_report": ("matcher.performance.figures", "load_report"),
    "previous_run": ("matcher.performance.figures", "previous_run"),
    "MEMORY_COLUMNS": ("matcher.performance.format", "MEMORY_COLUMNS"),
    "QUERY_KIND_COLUMNS": ("matcher.performance.format", "QUERY_KIND_COLUMNS"),
    "SLOWEST_COLUMNS": ("matcher.performance.format", "SLOWEST_COLUMNS"),
    "format_memory": ("matcher.performance.format", "format_memory"),
    "format_query_kinds": ("matcher.performance.format", "format_query_kinds"),
    "format_slowest": ("matcher.performance.format", "format_slowest"),
    "MemoryUse": ("matcher.performance.records", "MemoryUse"),
    "ProcessMemory": ("matcher.performance.records", "ProcessMemory"),
    "QueryKindStats": ("matcher.performance.records", "QueryKindStats"),
    "RunSeries": ("matcher.performance.records", "RunSeries"),
    "SlowTrack": ("matcher.performance.records", "SlowTrack"),
    "PERFORMANCE_REPORT": ("matcher.performance.report", "REPORT_FILE"),
    "fold": ("matcher.matching.text", "fold"),
    "WriteOptions": ("matcher.writeback.targets", "WriteOptions"),
    "CHANGED_SINCE_PLAN": ("matcher.writeback.decisions", "CHANGED_SINCE_PLAN"),
    "FilePlan": ("matcher.writeback.plan", "FilePlan"),
    "PlanStatus": ("matcher.writeback.plan", "PlanStatus"),
    "replan": ("matcher.writeback.plan", "replan"),
    "write_summary_lines": ("matcher.writeback.plan", "summary_lines"),
    "FileOutcome": ("matcher.writeback.records", "FileOutcome"),
    "FileStatus": ("matcher.writeback.records", "FileStatus"),
    "WriteSummary": ("matcher.writeback.records", "WriteSummary"),
    "list_writes": ("matcher.writeback.undo_journal", "list_writes"),
    "WRITE_FIELDS": ("matcher.writeback.fields", "WRITE_FIELDS"),
    "DEFAULT_WRITE_FIELDS": ("matcher.writeback.fields", "DEFAULT_FIELDS"),
    "KEY_NOTATIONS": ("matcher.writeback.fields", "KEY_NOTATIONS"),
    "LibraryPlan": ("matcher.writeback.libraries.plan", "LibraryPlan"),
    "LIBRARY_APPS": ("matcher.engine.library_run", "LIBRARY_APPS"),
    "LIBRARY_FIELDS": ("matcher.engine.library_run", "LIBRARY_FIELDS"),
}

# every event, loaded on first use too: that module was a third of what importing this
# package cost a worker
_LAZY.update({name: ("matcher.engine.events", name) for name in EVENT_NAMES})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'matcher' has no attribute {name!r}")


__all__ = [
    *EVENT_NAMES,
    "CHANGED_SINCE_PLAN",
    "DEFAULT_WRITE_FIELDS",
    "KEY_NOTATIONS",
    "LIBRARY_APPS",
    "LIBRARY_FIELDS",
    "MATCH_COLUMNS",
    "WRITE_FIELDS",
    "FileOutcome",
    "FilePlan",
    "FileStatus",
    "LibraryPlan",
    "PlanStatus",
    "WriteOptions",
    "WriteSummary",
    "list_writes",
    "replan",
    "write_summary_lines",
    "MIN_TRACKS_FOR_TIPS",
    "MEMORY_COLUMNS",
    "PERFORMANCE_REPORT",
    "QUERY_KIND_COLUMNS",
    "SLOWEST_COLUMNS",
    "BatchComparison",
    "MemoryUse",
    "ProcessMemory",
    "QueryKindStats",
    "RunSeries",
    "SlowTrack",
    "compare_reports",
    "export_performance_report",
    "format_memory",
    "format_query_kinds",
    "format_slowest",
    "load_performance_report",
    "previous_run",
    "PRESETS",
    "PROVIDERS",
    "Batch",
    "BatchRecord",
    "Candidate",
    "CatalogTrack",
    "CrateMatchError",
    "Engine",
    "EngineConfig",
    "History",
    "HttpOptions",
    "InputError",
    "JournalDamaged",
    "JournalError",
    "MatchResult",
    "MatchStatus",
    "Playlist",
    "PlaylistEntry",
    "PlaylistInfo",
    "PlaylistRecord",
    "PlaylistRef",
    "Preset",
    "__version__",
    "atomic_write_text",
    "config_dir",
    "default_catalog_path",
    "default_journal_path",
    "default_out_dir",
    "fold",
    "format_metrics",
    "list_playlists",
    "found_libraries",
    "library_folder_format",
    "default_traktor_collection",
    "rebuild_journal",
    "set_aside_catalog",
    "tips",
]
