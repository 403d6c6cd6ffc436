""" "Export report…": the batch's performance_report.json, and its charts as PNGs beside
it, with one readable line saying what happened. No Tk here: the charts come in as
`savers` (each writes one PNG), so this is tested without a display.

    chosen name ──report_paths──▶ report.json, report.png, report-queries.png
    export_performance_report(report.json, batch id, snapshot)   (matcher: atomic)
    savers[0](report.png), savers[1](report-queries.png)

A failure is one line (what could not be written and why), never a traceback: the
engine's errors are CrateMatchErrors that already read that way, and a PNG that cannot
be written is an OSError, worded here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from matcher import CrateMatchError, MetricsSnapshot, export_performance_report
from ui.performance_model import report_paths

__all__ = ["ExportOutcome", "export_report"]

Saver = Callable[[Path], None]
Writer = Callable[[Path, str, "MetricsSnapshot | None"], object]


@dataclass(frozen=True, slots=True)
class ExportOutcome:
    ok: bool
    message: str
    written: tuple[Path, ...] = ()  # every file written, the report first


def _default_writer(path: Path, batch_id: str, snapshot: MetricsSnapshot | None) -> object:
    return export_performance_report(path, batch_id, snapshot)


def _why(err: BaseException) -> str:
    if isinstance(err, OSError):
        return err.strerror or type(err).__name__
    return str(err) or type(err).__name__


def export_report(
    chosen: str | Path,
    batch_id: str,
    snapshot: MetricsSnapshot | None,
    savers: Sequence[Saver],
    *,
    write: Writer = _default_writer,
) -> ExportOutcome:
    """Write the report to (about) `chosen`, then each chart beside it."""
    report, *pictures = report_paths(chosen)
    if not batch_id:
        return ExportOutcome(False, "No batch yet: start one, then export its report.")
    try:
        write(report, batch_id, snapshot)
    except (CrateMatchError, OSError) as err:
        return ExportOutcome(False, f"The report could not be saved: {_why(err)}")
    written = [report]
    for saver, picture in zip(savers, pictures, strict=False):
        try:
            saver(picture)
        except (OSError, ValueError, RuntimeError) as err:
            return ExportOutcome(False, f"Saved {report.name}, but not the chart "
                                 f"{picture.name}: {_why(err)}", tuple(written))  # fmt: skip
        written.append(picture)
    names = ", ".join(p.name for p in written[:-1]) + f" and {written[-1].name}"
    if len(written) == 1:
        names = written[0].name
    return ExportOutcome(True, f"Saved {names} in {report.parent}", tuple(written))
