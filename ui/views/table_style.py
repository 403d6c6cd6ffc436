"""A ttk.Treeview styled to sit inside customtkinter: its colours, font and row height.

customtkinter has no table widget, so the results, the review candidates and the metrics
table use ttk.Treeview on the "clam" theme (the one ttk theme whose colours can all be
set), coloured from the loaded ctk theme for the current appearance mode. Views call
`style_table` when they are made and again from `_set_appearance_mode`.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence
from dataclasses import dataclass
from tkinter import ttk

import customtkinter as ctk
from customtkinter import ThemeManager
from customtkinter.windows.widgets.scaling import ScalingTracker

from ui.theme import ROW_TINTS, SELECTED_TEXT

__all__ = ["STATUS_TAGS", "TablePalette", "current_mode", "make_table", "palette", "style_table"]


@dataclass(frozen=True, slots=True)
class TablePalette:
    background: str
    foreground: str
    heading_background: str
    heading_foreground: str
    selected_background: str
    selected_foreground: str
    border: str
    muted: str  # secondary text (empty cells, hints)
    status_background: dict[str, str]  # row tint per status tag


STATUS_TAGS: tuple[str, ...] = tuple(ROW_TINTS)


def current_mode() -> str:
    """ "light" or "dark", as customtkinter resolved "system"."""
    return "dark" if ctk.get_appearance_mode().lower() == "dark" else "light"


def _pick(color: str | list[str] | tuple[str, str], mode: str) -> str:
    if isinstance(color, list | tuple):
        return color[1 if mode == "dark" else 0]
    return color


def palette(mode: str) -> TablePalette:
    theme = ThemeManager.theme
    dark = mode == "dark"
    return TablePalette(
        background=_pick(theme["CTkTextbox"]["fg_color"], mode),
        foreground=_pick(theme["CTkLabel"]["text_color"], mode),
        heading_background="gray25" if dark else "gray84",
        heading_foreground=_pick(theme["CTkLabel"]["text_color"], mode),
        selected_background=_pick(theme["CTkButton"]["fg_color"], mode),
        selected_foreground=SELECTED_TEXT,
        border=_pick(theme["CTkFrame"]["border_color"], mode),
        muted="gray60" if dark else "gray40",
        status_background={tag: _pick(tint, mode) for tag, tint in ROW_TINTS.items()},
    )


def _font(widget: tk.Misc, size: int, weight: str = "normal") -> tuple[str, int, str]:
    family = ThemeManager.theme["CTkFont"]["family"]
    scale = ScalingTracker.get_widget_scaling(widget)
    return (family, -round(size * scale), weight)  # negative: pixels, like CTkFont


def style_table(widget: tk.Misc, style: str, mode: str | None = None) -> TablePalette:
    """Configure the ttk style `style` (e.g. "Results.Treeview") for `mode` and return
    the palette, so the caller can colour its tags."""
    mode = mode or current_mode()
    colours = palette(mode)
    styler = ttk.Style(widget)
    if styler.theme_use() != "clam":
        styler.theme_use("clam")
    body = _font(widget, 13)
    scale = ScalingTracker.get_widget_scaling(widget)
    styler.configure(
        style,
        background=colours.background,
        fieldbackground=colours.background,
        foreground=colours.foreground,
        bordercolor=colours.border,
        lightcolor=colours.background,
        darkcolor=colours.background,
        font=body,
        rowheight=round(24 * scale),
    )
    styler.map(
        style,
        background=[("selected", colours.selected_background)],
        foreground=[("selected", colours.selected_foreground)],
    )
    styler.configure(
        f"{style}.Heading",
        background=colours.heading_background,
        foreground=colours.heading_foreground,
        bordercolor=colours.border,
        lightcolor=colours.heading_background,
        darkcolor=colours.heading_background,
        relief="flat",
        font=_font(widget, 13, "bold"),
        padding=(6, 4),
    )
    styler.map(f"{style}.Heading", background=[("active", colours.selected_background)],
               foreground=[("active", colours.selected_foreground)])  # fmt: skip
    styler.layout(style, [("Treeview.treearea", {"sticky": "nswe"})])  # no ttk border
    return colours


def make_table(
    master: tk.Misc,
    style: str,
    columns: Sequence[tuple[str, str, int]],
    *,
    height: int = 8,
    stretch: str = "",
) -> tuple[ctk.CTkFrame, ttk.Treeview]:
    """A framed, vertically scrolled Treeview of `columns` (key, heading, width at 96
    dpi); `stretch` names the column that takes the spare width (default: the last)."""
    box = ctk.CTkFrame(master, corner_radius=6)
    box.grid_columnconfigure(0, weight=1)
    box.grid_rowconfigure(0, weight=1)
    keys = [key for key, _heading, _width in columns]
    tree = ttk.Treeview(box, columns=keys, show="headings", style=style, height=height,
                        selectmode="browse")  # fmt: skip
    tree.grid(row=0, column=0, sticky="nsew", padx=(4, 0), pady=4)
    scroll = ctk.CTkScrollbar(box, command=tree.yview)
    scroll.grid(row=0, column=1, sticky="ns", pady=4)
    tree.configure(yscrollcommand=scroll.set)
    scale = ScalingTracker.get_widget_scaling(master)
    stretch = stretch or keys[-1]
    for key, heading, width in columns:
        tree.heading(key, text=heading, anchor="w")
        tree.column(key, width=round(width * scale), minwidth=30, anchor="w",
                    stretch=key == stretch)  # fmt: skip
    return box, tree
