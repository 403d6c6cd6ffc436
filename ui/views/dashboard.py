"""The dashboard tab: metrics table (left), chart (right, top) and tips (right, bottom).

It only renders: `on_metrics` receives the latest snapshot (the pump keeps one per tick)
and each part updates itself; `on_event` resets the chart when a new batch starts.
"""

from __future__ import annotations

from typing import Any

import customtkinter as ctk

from matcher import BatchStarted, Event
from ui.views.chart_view import ChartView
from ui.views.metrics_table import MetricsTable
from ui.views.tips_view import TipsView

__all__ = ["Dashboard"]


class Dashboard(ctk.CTkFrame):
    def __init__(self, master: Any) -> None:
        super().__init__(master, fg_color="transparent")
        self.grid_columnconfigure(1, weight=1)
        self.grid_rowconfigure(0, weight=1)
        self.metrics_table = MetricsTable(self)
        self.metrics_table.grid(row=0, column=0, rowspan=2, sticky="nsw", padx=(0, 8))
        self.chart = ChartView(self)
        self.chart.grid(row=0, column=1, sticky="nsew")
        self.tips = TipsView(self)
        self.tips.grid(row=1, column=1, sticky="ew", pady=(8, 0))
        self._batch_id = ""

    def on_event(self, event: Event) -> None:
        if isinstance(event, BatchStarted) and event.batch_id != self._batch_id:
            self._batch_id = event.batch_id
            self.chart.reset()
            self.metrics_table.update_metrics({})
            self.tips.update_tips({})

    def on_metrics(self, metrics: dict[str, float]) -> None:
        self.metrics_table.update_metrics(metrics)
        self.chart.add(metrics)
        self.tips.update_tips(metrics)
