"""The dashboard's metrics table: the snapshot as fixed (label, value) rows.

`performance_model.metrics_rows` (format_metrics' rows, the time the batch ran and how
long it was paused) returns the same labels in the same order every time, so the rows
are made once and only changed values are written (a snapshot every 250 ms costs a
handful of Tk calls). Rows that cannot apply to the batch's catalog (the web
cache and requests of online catalogs, for a local one) are left out: `hide()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from tkinter import ttk
from typing import Any

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from ui.performance_model import metrics_rows
from ui.views.table_style import current_mode, style_table

__all__ = ["MetricsTable"]

STYLE = "Metrics.Treeview"


class MetricsTable(ctk.CTkFrame):
    def __init__(self, master: Any) -> None:
        super().__init__(master)
        self.grid_columnconfigure(0, weight=1)
        self.grid_rowconfigure(0, weight=1)
        self.tree = ttk.Treeview(self, columns=("metric", "value"), show="headings",
                                 style=STYLE, selectmode="none")  # fmt: skip
        self.tree.grid(row=0, column=0, sticky="nsew", padx=(4, 0), pady=4)
        scroll = ctk.CTkScrollbar(self, command=self.tree.yview)
        scroll.grid(row=0, column=1, sticky="ns", pady=4)
        self.tree.configure(yscrollcommand=scroll.set)
        scale = ScalingTracker.get_widget_scaling(self)
        self.tree.heading("metric", text="Metric", anchor="w")
        self.tree.heading("value", text="Value", anchor="e")
        self.tree.column("metric", width=round(200 * scale), anchor="w", stretch=True)
        self.tree.column("value", width=round(120 * scale), anchor="e", stretch=False)
        self._hidden: frozenset[str] = frozenset()
        self._metrics: Mapping[str, float] = {}
        self._paused_s = 0.0
        self._values: list[tuple[str, str]] = []
        self.update_metrics({})
        self._apply_style()

    def hide(self, labels: frozenset[str]) -> None:
        """Leave out the rows with these labels (they cannot apply to this batch)."""
        if labels != self._hidden:
            self._hidden = labels
            self.tree.delete(*self.tree.get_children())
            self._values = []
            self.update_metrics(self._metrics, self._paused_s)

    def update_metrics(self, metrics: Mapping[str, float], paused_s: float = 0.0) -> None:
        """Show a snapshot; `paused_s`: how long the batch was paused (paused_seconds of
        the engine's snapshot), left out of Elapsed and shown as a row of its own."""
        self._metrics, self._paused_s = metrics, paused_s
        rows = [row for row in metrics_rows(metrics, paused_s) if row[0] not in self._hidden]
        for n, row in enumerate(rows):
            if n >= len(self._values):
                self.tree.insert("", "end", iid=str(n), values=row)
            elif row != self._values[n]:
                self.tree.item(str(n), values=row)
        self._values = rows

    def values(self) -> dict[str, str]:
        """label -> value, as shown."""
        return dict(self._values)

    def _apply_style(self) -> None:
        style_table(self, STYLE, current_mode())

    def _set_appearance_mode(self, mode_string: str) -> None:
        super()._set_appearance_mode(mode_string)
        self._apply_style()
