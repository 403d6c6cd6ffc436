"""A batch's performance bookkeeping in the host, apart from its matching: memory samples,
the throughput series, the snapshot's panels and `performance_report.json`.

    BatchRun.begin      BatchPerf.start()            first memory sample (baselines)
    BatchRun._metrics   BatchPerf.snapshot(now)      sample memory, metrics, series point
    BatchRun snapshot   BatchPerf.panels()           queries, slowest, memory for the event
    BatchRun (end)      BatchPerf.write_report(...)  <out>/performance_report.json + copy

BatchRun decides when; this module holds what the figures need between those moments,
so batch_run.py stays about chunks, the journal and outputs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from matcher import __version__
from matcher.engine.accounting import MetricsAccumulator
from matcher.engine.memory import MemoryBook, sample_processes
from matcher.engine.pool import WorkerPool
from matcher.performance.records import SeriesBook
from matcher.performance.report import (
    REPORT_FILE,
    Figures,
    RunAbout,
    build_report,
    machine,
    write_report,
)

__all__ = ["BatchPerf"]


class BatchPerf:
    def __init__(self, pool: WorkerPool, metrics: MetricsAccumulator) -> None:
        self.pool = pool
        self.metrics = metrics
        self._memory = MemoryBook()
        self._series = SeriesBook()

    def start(self, metrics: MetricsAccumulator) -> None:
        """The batch begins (with its real totals): take the baselines."""
        self.metrics = metrics
        self._sample()

    def _sample(self) -> None:
        samples = sample_processes(os.getpid(), self.pool.pids())
        self.metrics.set_memory(self._memory.observe(samples))

    def snapshot(self, now: float) -> dict[str, float]:
        self._sample()
        metrics = self.metrics.snapshot(now)
        self._series.add(metrics)
        return metrics

    def panels(self) -> dict[str, Any]:
        """The MetricsSnapshot fields besides `metrics`."""
        return {
            "queries": self.metrics.queries(),
            "slowest": self.metrics.slowest(),
            "memory": self.metrics.memory,
        }

    def write_report(self, out_dir: Path, about: RunAbout, now: float) -> Path:
        """`<out_dir>/performance_report.json` (and its copy in the data dir)."""
        metrics = self.snapshot(now)
        figures = Figures(
            metrics=metrics,
            queries=self.metrics.queries(),
            slowest=self.metrics.slowest(),
            memory=self.metrics.memory,
            series=self._series.series(about.batch_id),
        )
        document = build_report(about, figures, version=__version__, host=machine())
        return write_report(out_dir / REPORT_FILE, document)
