"""The dashboard's performance panels without Tk: which panel shows, what each table
and the query chart show, what an exported report is called, and which batch it is of.

    MetricsSnapshot ──PerformanceState.observe()──▶ the newest snapshot of the batch
        .metrics ──metrics_rows()────────────────▶ the Overview's metrics table
        .queries ──query_rows() / query_bars()──▶ the Queries table and its bar chart
        .slowest ──slowest_rows()────────────────▶ the Slowest table (+ each row's entry)
        .memory  ──memory_rows()─────────────────▶ the Memory table
    "Export report…" ──report_paths(chosen)─────▶ the JSON and the PNG beside it

The wording of every cell is the engine's (matcher's format_* helpers, which the CLI
words the same way); what is decided here is what the window adds: which rows are
tinted, which entry a slowest row stands for, the bars' shares, and the metrics table's
time, which leaves pauses out as its Tracks/s does and as the status bar says it
(progress_model.run_time), with the pause a row of its own. Nothing here reads a clock,
a file or Tk, so all of it is tested without a display.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from matcher import (
    BatchCancelled,
    BatchFinished,
    BatchStarted,
    MemoryUse,
    MetricsSnapshot,
    QueryKindStats,
    SlowTrack,
    format_memory,
    format_metrics,
    format_query_kinds,
    format_slowest,
)
from ui.progress_model import run_time

__all__ = [
    "PANELS",
    "EntryRef",
    "PerformanceState",
    "QueryBar",
    "SlowRow",
    "memory_rows",
    "metrics_rows",
    "query_bars",
    "query_rows",
    "report_paths",
    "slowest_rows",
]

# the dashboard's sub-views, in the switch's order
PANELS: tuple[str, ...] = ("Overview", "Queries", "Slowest tracks", "Memory")

EntryRef = tuple[int, int]  # (playlist_id, entry_index): a results row, within its batch


@dataclass(frozen=True, slots=True)
class QueryBar:
    """One kind's bar: of every match a kind found first, this kind's share (percent),
    and the part of it that no other kind found (its marginal value)."""

    kind: str
    found: int
    only: int
    share: float  # percent of all matches found, 0..100
    only_share: float  # percent of all matches found, 0..share

    @property
    def label(self) -> str:
        """The count beside the bar (the table has the rest)."""
        return f"{self.found:,} ({self.only:,} only)" if self.only else f"{self.found:,}"


@dataclass(frozen=True, slots=True)
class SlowRow:
    values: tuple[str, ...]  # SLOWEST_COLUMNS, as format_slowest words them
    tag: str  # the row tint: the entry's status
    entry: EntryRef  # where it is in the results


def metrics_rows(metrics: Mapping[str, float], paused_s: float) -> list[tuple[str, str]]:
    """The metrics table: format_metrics' rows, "Elapsed" the time the batch ran (the time
    Tracks/s divides by) and "Paused" after it, always there so the rows stay put.
    `paused_s`: progress_model.paused_seconds of the engine's own snapshot."""
    elapsed, paused = run_time(metrics, paused_s)
    rows = []
    for label, value in format_metrics(metrics):
        if label == "Elapsed":
            rows += [(label, elapsed), ("Paused", paused or "none")]
        else:
            rows.append((label, value))
    return rows


def query_rows(queries: Sequence[QueryKindStats], provider: str) -> list[tuple[str, ...]]:
    """The Queries table: one row per kind (a local catalog's cache reads "n/a")."""
    return format_query_kinds(queries, provider)


def query_bars(queries: Sequence[QueryKindStats]) -> tuple[QueryBar, ...]:
    """The bar chart's bars, in the table's order. Shares are of the matches any kind
    found first, so they add up to 100 % (each match counts once, for its first finder):
    a kind at 0 % found nothing a preset would lose by skipping it."""
    total = sum(q.found for q in queries)
    bars = []
    for q in queries:
        found, only = max(0, q.found), max(0, min(q.only, q.found))
        share = 100 * found / total if total else 0.0
        only_share = 100 * only / total if total else 0.0
        bars.append(QueryBar(q.kind, found, only, share, only_share))
    return tuple(bars)


def slowest_rows(slowest: Sequence[SlowTrack]) -> list[SlowRow]:
    """The Slowest table, slowest first, each row tinted by status and tied to its entry."""
    return [
        SlowRow(values, s.status, (s.playlist_id, s.entry_index))
        for s, values in zip(slowest, format_slowest(slowest), strict=True)
    ]


def memory_rows(memory: MemoryUse | None) -> list[tuple[str, ...]]:
    """The Memory table: the engine host, each worker and all of them; none before the
    engine's first sample."""
    return format_memory(memory)


def report_paths(chosen: str | Path) -> tuple[Path, Path, Path]:
    """(report, chart PNG, query chart PNG) for the name picked in the save dialog: the
    PNGs share the report's stem, beside it. A name picked without ".json" gets it (a
    ".png" picked by mistake becomes ".json", so the report never overwrites a chart)."""
    path = Path(chosen)
    suffix = path.suffix.lower()
    if suffix == ".png":
        path = path.with_suffix(".json")
    elif suffix != ".json":
        path = path.with_name(path.name + ".json")
    return path, path.with_suffix(".png"), path.with_name(f"{path.stem}-queries.png")


class PerformanceState:
    """The batch the dashboard shows: its id and playlists, whether it has ended, its
    output folder, and its newest snapshot (what the panels draw and an export writes)."""

    def __init__(self) -> None:
        self.batch_id = ""
        self.playlists: tuple[tuple[int, str, str, int], ...] = ()
        self.ended = False  # finished or cancelled: the engine wrote its own report
        self.out_dir = ""  # the batch's output folder, once an end event said it
        self.snapshot: MetricsSnapshot | None = None
        self.already_done = 0  # tracks earlier runs of a resumed batch did (not in its figures)

    def start(self, event: BatchStarted) -> bool:
        """A batch started; True when it is another batch than the one shown (the
        panels start over), False when it resumes the one shown."""
        new = event.batch_id != self.batch_id
        if new:
            self.batch_id = event.batch_id
            self.playlists = event.playlists
            self.snapshot = None
            self.out_dir = ""
        self.ended = False
        self.already_done = event.already_done
        return new

    def end(self, event: BatchFinished | BatchCancelled) -> None:
        if event.batch_id == self.batch_id:
            self.ended = True
            self.out_dir = event.out_dir or self.out_dir

    def observe(self, snapshot: MetricsSnapshot) -> bool:
        """Keep the newest snapshot of the batch shown; False for another batch's."""
        if self.batch_id and snapshot.batch_id != self.batch_id:
            return False
        self.snapshot = snapshot
        return True

    @property
    def queries(self) -> tuple[QueryKindStats, ...]:
        return self.snapshot.queries if self.snapshot is not None else ()

    @property
    def slowest(self) -> tuple[SlowTrack, ...]:
        return self.snapshot.slowest if self.snapshot is not None else ()

    @property
    def memory(self) -> MemoryUse | None:
        return self.snapshot.memory if self.snapshot is not None else None

    def export_snapshot(self) -> MetricsSnapshot | None:
        """What export_performance_report gets: the newest snapshot while the batch runs
        (the report is made from it), None once it ended (the engine wrote the batch's
        own report then, with its throughput series, and that one is copied)."""
        return None if self.ended else self.snapshot
