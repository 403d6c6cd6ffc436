"""The dashboard's performance tables as rows of text, so the window only lays them out
(and its tests, and the CLI, word them the same way):

    format_query_kinds(snapshot.queries, provider) ─▶ QUERY_KIND_COLUMNS rows
    format_slowest(snapshot.slowest)               ─▶ SLOWEST_COLUMNS rows
    format_memory(snapshot.memory)                 ─▶ MEMORY_COLUMNS rows

Every function is pure and takes what a MetricsSnapshot carries. A local catalog has no
cache, so its cache column reads "n/a (local)", never "0 %".
"""

from __future__ import annotations

from collections.abc import Sequence

from matcher.metrics import _int, _mib, _pct, _seconds
from matcher.performance.records import MemoryUse, QueryKindStats, SlowTrack

__all__ = [
    "MEMORY_COLUMNS",
    "QUERY_KIND_COLUMNS",
    "SLOWEST_COLUMNS",
    "format_memory",
    "format_query_kinds",
    "format_slowest",
]

QUERY_KIND_COLUMNS = ("Query kind", "Runs", "Avg time", "Candidates", "Cache hits",
                      "Matches found", "Only it found")  # fmt: skip
SLOWEST_COLUMNS = ("Time", "Queries", "Status", "Playlist", "#", "Track")
MEMORY_COLUMNS = ("Process", "Now", "Peak")
_MIB = 1024 * 1024


def format_query_kinds(
    queries: Sequence[QueryKindStats], provider: str = "local"
) -> list[tuple[str, ...]]:
    """One row per kind, in the order given (the snapshot's: identifiers, then the plan's
    order). `Matches found` counts the matches a kind found first (review proposals in
    brackets when there are any)."""
    rows = []
    for q in queries:
        rate = q.cache_hit_rate
        no_cache = "n/a (local)" if provider == "local" else "off"
        cache = no_cache if rate is None else _pct(rate)
        found = _int(q.found) + (f" (+{_int(q.proposed)} review)" if q.proposed else "")
        rows.append((q.kind, _int(q.runs), _seconds(q.avg_ms / 1000), _int(q.candidates),
                     cache, found, _int(q.only)))  # fmt: skip
    return rows


def format_slowest(slowest: Sequence[SlowTrack]) -> list[tuple[str, ...]]:
    """One row per entry, slowest first; `#` is the 1-based position in its playlist, as
    the results table shows it (SlowTrack.entry_index is 0-based)."""
    rows = []
    for s in slowest:
        track = " – ".join(part for part in (s.artist, s.title) if part) or "(no title)"
        rows.append((_seconds(s.elapsed_ms / 1000), _int(s.queries), s.status, s.playlist,
                     _int(s.entry_index + 1), track))  # fmt: skip
    return rows


def format_memory(memory: MemoryUse | None) -> list[tuple[str, ...]]:
    """The host, each worker and the total; no rows before the first sample."""
    if memory is None:
        return []
    rows = [(f"Engine host (pid {memory.host.pid})", _mb(memory.host.rss), _mb(memory.host.peak))]
    for w in memory.workers:
        restarted = f", restarted {w.restarts}×" if w.restarts else ""
        rows.append((f"Worker {w.index + 1} (pid {w.pid}{restarted})", _mb(w.rss), _mb(w.peak)))
    rows.append(("All processes", _mb(memory.total), _mb(memory.total_peak)))
    return rows


def _mb(value: int) -> str:
    return _mib(value / _MIB)
