"""Two batches' performance reports side by side, with the change: what
`cratematch batches --compare OLD NEW` prints. Pure: the reports come in as documents
(figures.load_report finds them).

    compare_reports(old, new) ─▶ BatchComparison(about rows, figure rows)
                                 .lines() ─▶ the text table

A change is relative ("+35 %") for speeds, times, counts and memory, and in percentage
points ("+2.1 pts") for rates, whose relative change reads wrongly ("+100 %" for 1 → 2 %).
A figure one report lacks (memory of a report rebuilt from the journal) shows as "–".
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from matcher.metrics import _duration, _int, _mib, _pct, _rate, _seconds
from matcher.performance.records import MemoryUse, QueryKindStats, ordered_kinds

__all__ = ["BatchComparison", "CompareRow", "compare_reports"]

_MIB = 1024 * 1024
MISSING = "–"


@dataclass(frozen=True, slots=True)
class CompareRow:
    label: str
    old: str
    new: str
    change: str = ""  # "" when there is nothing to compare


@dataclass(frozen=True, slots=True)
class BatchComparison:
    old_id: str
    new_id: str
    about: tuple[CompareRow, ...]  # what each batch was: settings, size, source
    figures: tuple[CompareRow, ...]  # the figures, with their change

    def lines(self) -> list[str]:
        rows = (*self.about, *self.figures)
        label_w = max(len(r.label) for r in rows)
        old_w = max(len("OLD"), *(len(r.old) for r in rows))
        new_w = max(len("NEW"), *(len(r.new) for r in rows))

        def line(label: str, old: str, new: str, change: str) -> str:
            return f"{label:<{label_w}}  {old:>{old_w}}  {new:>{new_w}}  {change}".rstrip()

        out = [line("", "OLD", "NEW", "change")]
        out += [line(r.label, r.old, r.new, "") for r in self.about]
        out.append("")
        out += [line(r.label, r.old, r.new, r.change) for r in self.figures]
        return out


def _section(report: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = report.get(key)
    return value if isinstance(value, Mapping) else {}


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None


def _relative(old: float | None, new: float | None) -> str:
    if old is None or new is None:
        return ""
    if old == 0:
        return "" if new == 0 else "new"
    if new == old:
        return "0 %"
    if new / old >= 10:  # "+372000 %" says less than "×3,721"
        return f"×{new / old:,.0f}"
    change = (new - old) / old * 100
    return f"{change:+.0f} %" if abs(change) >= 1 else f"{change:+.1f} %"


def _points(old: float | None, new: float | None) -> str:
    if old is None or new is None:
        return ""
    return f"{(new - old) * 100:+.1f} pts"


Change = Callable[[float | None, float | None], str]


def _row(label: str, old: float | None, new: float | None, shown: Callable[[float], str],
         change: Change = _relative) -> CompareRow:  # fmt: skip
    return CompareRow(
        label,
        MISSING if old is None else shown(old),
        MISSING if new is None else shown(new),
        change(old, new),
    )


def _memory(report: Mapping[str, Any]) -> MemoryUse | None:
    memory = report.get("memory")
    return MemoryUse.from_dict(memory) if isinstance(memory, Mapping) else None


def _kinds(report: Mapping[str, Any]) -> dict[str, QueryKindStats]:
    rows = report.get("queries")
    kinds = [QueryKindStats.from_dict(r) for r in rows or () if isinstance(r, Mapping)]
    return {k.kind: k for k in kinds}


def _about(report: Mapping[str, Any]) -> dict[str, str]:
    settings, catalog, tracks = (_section(report, k) for k in ("settings", "catalog", "tracks"))
    created = _number(report.get("created"))
    started = time.strftime("%Y-%m-%d %H:%M", time.localtime(created)) if created else MISSING
    size = _number(catalog.get("tracks"))
    where = f"{_int(size)} tracks" if size is not None else str(settings.get("provider", ""))
    source = "report" if report.get("source") == "engine" else "journal (no memory figures)"
    return {
        "batch": str(report.get("batch_id", "")),
        "started": started,
        "state": str(report.get("state", "")),
        "preset": str(settings.get("preset", "")),
        "workers": _int(_number(settings.get("workers")) or 0),
        "catalog": where,
        "tracks": f"{_int(_number(tracks.get('done')) or 0)} of "
        f"{_int(_number(tracks.get('total')) or 0)}",
        "figures from": source,
    }


def compare_reports(old: Mapping[str, Any], new: Mapping[str, Any]) -> BatchComparison:
    """The two reports' figures side by side."""
    before, after = _about(old), _about(new)
    about = tuple(CompareRow(label, before[label], after[label]) for label in before)
    figures: list[CompareRow] = []

    def add(label: str, section: str, key: str, shown: Callable[[float], str],
            change: Change = _relative) -> None:  # fmt: skip
        figures.append(_row(label, _number(_section(old, section).get(key)),
                            _number(_section(new, section).get(key)), shown, change))  # fmt: skip

    add("Tracks/s", "speed", "tracks_per_second", _rate)
    add("Wall time", "time", "total_s", _duration)
    add("Avg time per track (worker)", "speed", "avg_time_per_track_ms",
        lambda ms: _seconds(ms / 1000))  # fmt: skip
    add("Time: reading playlists", "time", "parse_s", _duration)
    add("Time: searching (all workers)", "time", "search_s", _duration)
    add("Time: scoring (all workers)", "time", "score_s", _duration)
    add("Time: writing outputs", "time", "write_s", _duration)
    add("Queries per track", "speed", "queries_per_track", lambda v: f"{v:.2f}")
    add("Candidates per track", "speed", "candidates_per_track", lambda v: f"{v:.1f}")
    add("Avg time per query", "speed", "avg_query_ms", lambda ms: _seconds(ms / 1000))
    add("Match rate", "tracks", "match_rate", _pct_1, _points)
    add("Review rate", "tracks", "review_rate", _pct_1, _points)
    old_mem, new_mem = _memory(old), _memory(new)
    for label, pick in (("Memory peak (largest process)", lambda m: m.peak),
                        ("Memory peak (all processes)", lambda m: m.total_peak)):  # fmt: skip
        figures.append(_row(label, pick(old_mem) / _MIB if old_mem else None,
                            pick(new_mem) / _MIB if new_mem else None, _mib))  # fmt: skip
    old_kinds, new_kinds = _kinds(old), _kinds(new)
    both = ordered_kinds({**old_kinds, **new_kinds}.values())
    if both:
        figures.append(CompareRow("Queries by kind: runs (matches found first)", "", ""))
    for kind in (k.kind for k in both):
        was, now = old_kinds.get(kind), new_kinds.get(kind)
        figures.append(
            CompareRow(
                f"  {kind}",
                _kind_cell(was, old),
                _kind_cell(now, new),
                _relative(was.runs if was else 0, now.runs if now else 0),
            )
        )
    old_id, new_id = before["batch"], after["batch"]
    return BatchComparison(old_id, new_id, about, tuple(figures))


def _kind_cell(stats: QueryKindStats | None, report: Mapping[str, Any]) -> str:
    """ "runs (found)"; "(?)" when the journal rows predate `found_by` (nothing says)."""
    if stats is None:
        return MISSING
    found = "?" if report.get("found_by_missing") else _int(stats.found)
    return f"{_int(stats.runs)} ({found})"


def _pct_1(share: float) -> str:
    return f"{share * 100:.1f} %" if share < 1 else _pct(share)
