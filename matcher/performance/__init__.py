"""How fast a batch ran and what it cost: the dashboard's performance panels, the
per-batch `performance_report.json`, before/after comparisons.

    records   QueryKindStats, SlowTrack, ProcessMemory, MemoryUse, RunSeries and the
              pure books the host keeps them in (workers import only this module)
    report    build_report / write_report: performance_report.json, and its copy in the
              data dir that later comparisons read
    figures   a batch's report found again (its copy, its out folder, or rebuilt from
              the journal); export_performance_report; previous_run for the chart overlay
    compare   two batches' figures side by side with deltas (`batches --compare`)
    format    the window's rows for the per-kind, slowest-tracks and memory tables

The engine fills the records (engine/accounting.py, engine/memory.py, engine/batch_run.py);
they reach the window in MetricsSnapshot.queries, .slowest and .memory.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "REPORT_FILE",
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
    "load_report",
    "previous_run",
]

_WHERE = {
    "REPORT_FILE": "report",
    "BatchComparison": "compare",
    "MemoryUse": "records",
    "ProcessMemory": "records",
    "QueryKindStats": "records",
    "RunSeries": "records",
    "SlowTrack": "records",
    "compare_reports": "compare",
    "export_performance_report": "figures",
    "format_memory": "format",
    "format_query_kinds": "format",
    "format_slowest": "format",
    "load_report": "figures",
    "previous_run": "figures",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"matcher.performance.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'matcher.performance' has no attribute {name!r}")
