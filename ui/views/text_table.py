"""A small read-only table of text rows, for the dashboard's performance panels.

The panels get a new snapshot every 250 ms while a batch runs, and most rows do not
change between two of them, so `show` writes only the cells that changed (a handful of
Tk calls per snapshot), like the metrics table. Numeric columns are right-aligned, so
figures line up; rows may carry a status tag, tinted as the results table tints it.

A Treeview clips a long cell without a sign that it did; the columns named by `elide`
(a playlist, a track's artist and title) lose their middle instead ("Artist – Tit…
(Extended Mix)"), again whenever the table is resized.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from tkinter import ttk
from typing import Any

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from ui.text_fit import elide_middle
from ui.views.table_style import STATUS_TAGS, current_mode, style_table

__all__ = ["Column", "TextTable"]


@dataclass(frozen=True, slots=True)
class Column:
    heading: str
    width: int  # at 96 dpi
    numeric: bool = False
    stretch: bool = False


class TextTable(ctk.CTkFrame):
    def __init__(
        self,
        master: Any,
        style: str,
        columns: Sequence[Column],
        *,
        height: int,
        select: bool,
        elide: Sequence[int] = (),
    ) -> None:
        super().__init__(master, corner_radius=6)
        self.style = style
        self.columns = tuple(columns)
        self.elide = tuple(elide)
        self.grid_columnconfigure(0, weight=1)
        self.grid_rowconfigure(0, weight=1)
        keys = [f"c{n}" for n in range(len(columns))]
        mode = "browse" if select else "none"
        self.tree = ttk.Treeview(self, columns=keys, show="headings", style=style,
                                 height=height, selectmode=mode)  # fmt: skip
        self.tree.grid(row=0, column=0, sticky="nsew", padx=(4, 0), pady=4)
        scroll = ctk.CTkScrollbar(self, command=self.tree.yview)
        scroll.grid(row=0, column=1, sticky="ns", pady=4)
        self.tree.configure(yscrollcommand=scroll.set)
        scale = ScalingTracker.get_widget_scaling(self)
        for key, column in zip(keys, columns, strict=True):
            anchor = "e" if column.numeric else "w"
            self.tree.heading(key, text=column.heading, anchor=anchor)
            self.tree.column(key, width=round(column.width * scale), minwidth=30,
                             anchor=anchor, stretch=column.stretch)  # fmt: skip
        self.keys = keys
        self._hidden: tuple[int, ...] = ()
        self._rows: list[tuple[tuple[str, ...], str]] = []  # as shown (elided)
        self._full: list[tuple[tuple[str, ...], str]] = []  # as given
        self._apply_style()
        if elide:
            self.tree.bind("<Configure>", lambda _e: self._reshow(), add="+")

    def show(self, rows: Sequence[Sequence[str]], tags: Sequence[str] = ()) -> None:
        """Show these rows (and tints), changing only what differs from what is shown."""
        self._full = [(tuple(map(str, row)), tags[n] if n < len(tags) else "")
                      for n, row in enumerate(rows)]  # fmt: skip
        self._reshow()

    def _reshow(self) -> None:
        wanted = self._full
        if self.elide:
            wanted = [(self._elided(values), tag) for values, tag in wanted]
        for n, (values, tag) in enumerate(wanted):
            tint = (tag,) if tag in STATUS_TAGS else ()
            if n >= len(self._rows):
                self.tree.insert("", "end", iid=str(n), values=values, tags=tint)
            elif (values, tag) != self._rows[n]:
                self.tree.item(str(n), values=values, tags=tint)
        extra = [str(n) for n in range(len(wanted), len(self._rows))]
        if extra:
            self.tree.delete(*extra)
        self._rows = wanted

    def rows(self) -> list[tuple[str, ...]]:
        """The rows given, in full (`shown` has them as the table shows them)."""
        return [values for values, _tag in self._full]

    def shown(self) -> list[tuple[str, ...]]:
        return [values for values, _tag in self._rows]

    def hide_columns(self, hidden: Sequence[int]) -> None:
        """Show every column but these (by index)."""
        if tuple(hidden) != self._hidden:
            self._hidden = tuple(hidden)
            self.tree.configure(displaycolumns=[k for n, k in enumerate(self.keys)
                                                if n not in hidden])  # fmt: skip
            self._reshow()

    def _elided(self, values: tuple[str, ...]) -> tuple[str, ...]:
        out = list(values)
        pad = round(14 * self._scale())
        for n in self.elide:
            if n < len(out) and n not in self._hidden:
                room = self._room(n) if self.columns[n].stretch else self._width(n) - pad
                out[n] = elide_middle(out[n], max(20, room), self._measure)
        return tuple(out)

    def _width(self, n: int) -> int:
        return int(self.tree.column(self.keys[n], "width"))

    def _room(self, n: int) -> int:
        """Pixels for column `n`'s text: the table's width less the other columns shown
        (a stretching column's own width lags behind a resize)."""
        tree = self.tree
        width = tree.winfo_width() if tree.winfo_width() > 1 else tree.winfo_reqwidth()
        others = sum(
            self._width(i) for i in range(len(self.keys)) if i != n and i not in self._hidden
        )
        return width - others - round(14 * self._scale())

    def _measure(self, text: str) -> int:
        return int(self.tk.call("font", "measure", self._font, text))

    def _scale(self) -> float:
        return ScalingTracker.get_widget_scaling(self)

    def _apply_style(self) -> None:
        colours = style_table(self, self.style, current_mode())
        self._font = ttk.Style(self).lookup(self.style, "font") or "TkDefaultFont"
        for tag in STATUS_TAGS:
            self.tree.tag_configure(tag, background=colours.status_background[tag],
                                    foreground=colours.foreground)  # fmt: skip

    def _set_appearance_mode(self, mode_string: str) -> None:
        super()._set_appearance_mode(mode_string)
        self._apply_style()
