"""The dashboard's performance panels: Queries (a table and a bar chart), Slowest tracks
and Memory. Each only renders what it is given (ui/performance_model.py words it), so
the dashboard hands each the newest snapshot's part when the panel is shown.

A slowest track double-clicked (or picked with Return) goes to `on_pick(entry)`, and the
window shows that entry's row in the Results tab.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence
from typing import Any

import customtkinter as ctk

from matcher import MEMORY_COLUMNS, QUERY_KIND_COLUMNS, SLOWEST_COLUMNS, QueryKindStats
from ui.performance_model import EntryRef, SlowRow, query_bars, query_rows
from ui.theme import MUTED, font
from ui.views.query_chart import QueryChart
from ui.views.text_table import Column, TextTable

__all__ = ["MemoryPanel", "QueryPanel", "SlowestPanel"]

# widths at 96 dpi, in the order of the matcher's *_COLUMNS
_QUERY_WIDTHS = ((104, False), (54, True), (76, True), (94, True), (88, True), (148, True),
                 (104, True))  # fmt: skip
_SLOWEST_WIDTHS = ((64, True), (72, True), (84, False), (110, False), (54, True), (220, False))
_PLAYLIST, _TRACK = SLOWEST_COLUMNS.index("Playlist"), SLOWEST_COLUMNS.index("Track")
_MEMORY_WIDTHS = ((300, False), (120, True), (120, True))
QUERY_HINT = ("Each match counts once, for the kind that found it first. “Only it found”: "
              "matches no other kind found; a kind that found none can be skipped (the fast "
              "preset does) without losing a match.")  # fmt: skip
SLOWEST_HINT = "The 10 slowest tracks so far. Double-click one to show it in Results."
MEMORY_HINT = ("Memory in use (RSS) by each process of the engine now, and the most each "
               "used during this batch.")  # fmt: skip


def _columns(
    headings: Sequence[str], widths: Sequence[tuple[int, bool]], stretch: int = -1
) -> list[Column]:
    """Columns of a matcher *_COLUMNS heading tuple; `stretch` takes the spare width."""
    stretch %= len(headings)
    return [Column(h, w, numeric, stretch=n == stretch)
            for n, (h, (w, numeric)) in enumerate(zip(headings, widths, strict=True))]  # fmt: skip


def _hint(panel: ctk.CTkFrame, text: str) -> ctk.CTkLabel:
    """A muted line under the panel's table, wrapped at the panel's width (customtkinter
    wraps at a fixed width; the label's own width follows its text, so the panel's is
    the one to follow)."""
    label = ctk.CTkLabel(panel, text=text, font=font("small"), text_color=MUTED, anchor="w",
                         justify="left", wraplength=640)  # fmt: skip
    panel.bind("<Configure>", lambda e: _rewrap(label, e.width), add="+")
    return label


def _rewrap(label: ctk.CTkLabel, width: int) -> None:
    scale = label._get_widget_scaling()
    wrap = max(200, round(width / scale) - 12)
    if abs(int(label.cget("wraplength")) - wrap) > 4:
        label.configure(wraplength=wrap)


class QueryPanel(ctk.CTkFrame):
    def __init__(self, master: Any) -> None:
        super().__init__(master, fg_color="transparent")
        self.grid_columnconfigure(0, weight=1)
        self.grid_rowconfigure(1, weight=1)
        self.table = TextTable(self, "Queries.Treeview",
                               _columns(QUERY_KIND_COLUMNS, _QUERY_WIDTHS), height=7,
                               select=False)  # fmt: skip
        self.table.grid(row=0, column=0, sticky="ew")
        self.chart = QueryChart(self)
        self.chart.grid(row=1, column=0, sticky="nsew", pady=(6, 0))
        self.hint = _hint(self, QUERY_HINT)
        self.hint.grid(row=2, column=0, sticky="ew", padx=4, pady=(4, 0))

    def show(self, queries: Sequence[QueryKindStats], provider: str) -> None:
        self.table.show(query_rows(queries, provider))
        self.chart.update_bars(query_bars(queries))


class SlowestPanel(ctk.CTkFrame):
    def __init__(self, master: Any, on_pick: Callable[[EntryRef], None]) -> None:
        super().__init__(master, fg_color="transparent")
        self.on_pick = on_pick
        self.grid_columnconfigure(0, weight=1)
        self.grid_rowconfigure(0, weight=1)
        self.table = TextTable(self, "Slowest.Treeview",
                               _columns(SLOWEST_COLUMNS, _SLOWEST_WIDTHS), height=10,
                               select=True, elide=(_PLAYLIST, _TRACK))  # fmt: skip
        self.table.grid(row=0, column=0, sticky="nsew")
        self.hint = _hint(self, SLOWEST_HINT)
        self.hint.grid(row=1, column=0, sticky="ew", padx=4, pady=(4, 0))
        self.entries: list[EntryRef] = []
        tree = self.table.tree
        tree.bind("<Double-1>", self._on_double_click)
        tree.bind("<Return>", lambda _e: self._pick(tree.focus()))

    def show(self, rows: Sequence[SlowRow]) -> None:
        """The rows; the Playlist column only while they come from more than one."""
        self.entries = [row.entry for row in rows]
        one = len({row.entry[0] for row in rows}) <= 1
        self.table.hide_columns((_PLAYLIST,) if one else ())
        self.table.show([row.values for row in rows], [row.tag for row in rows])

    def _on_double_click(self, event: tk.Event) -> None:
        self._pick(self.table.tree.identify_row(event.y))

    def _pick(self, iid: str) -> None:
        if iid.isdigit() and int(iid) < len(self.entries):
            self.table.tree.selection_set(iid)
            self.on_pick(self.entries[int(iid)])


class MemoryPanel(ctk.CTkFrame):
    def __init__(self, master: Any) -> None:
        super().__init__(master, fg_color="transparent")
        self.grid_columnconfigure(0, weight=1)
        self.grid_rowconfigure(0, weight=1)
        self.table = TextTable(self, "Memory.Treeview",
                               _columns(MEMORY_COLUMNS, _MEMORY_WIDTHS, stretch=0), height=6,
                               select=False)  # fmt: skip
        self.table.grid(row=0, column=0, sticky="nsew")
        self.hint = _hint(self, MEMORY_HINT)
        self.hint.grid(row=1, column=0, sticky="ew", padx=4, pady=(4, 0))
        self.empty = ctk.CTkLabel(self, text="No memory figures yet: the engine samples its "
                                  "processes once the batch runs.", text_color=MUTED)  # fmt: skip

    def show(self, rows: Sequence[Sequence[str]]) -> None:
        self.table.show(rows)
        if rows:
            self.empty.place_forget()
        else:
            self.empty.place(relx=0.5, rely=0.4, anchor="center")
