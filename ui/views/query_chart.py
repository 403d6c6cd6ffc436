"""The Queries panel's bar chart: of all matches, the share each query kind found first,
and in a darker part of the same bar, the share only that kind found (what a preset
would lose by skipping it). A kind with no bar found nothing.

Drawn the way the throughput chart is (ui/views/chart_view.py), for the same reason: a
full matplotlib draw costs tens of milliseconds of the Tk thread. The axes are fixed
(0-100 %), so the title, legend, ticks and the kinds' names are drawn once into a
background, again only when the kinds change, on a resize or a theme change. A
snapshot only moves the bars (animated artists, blitted) and the counts beside them,
which are Tk canvas texts; at most every MIN_INTERVAL_S, and not while hidden.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import customtkinter as ctk
from customtkinter import ThemeManager
from matplotlib.backends.backend_tkagg import FigureCanvasTkAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text

from ui.performance_model import QueryBar
from ui.theme import CHART_FOUND, CHART_GRID, CHART_ONLY, chart_colours
from ui.views.chart_png import PNG
from ui.views.table_style import current_mode

__all__ = ["MIN_INTERVAL_S", "TITLE", "QueryChart"]

_DPI = 96
MIN_INTERVAL_S = 0.5
TITLE = "Matches found by each query kind (% of all matches)"
_MARGINS = {"right": 124, "top": 44, "bottom": 24}  # pixels at 96 dpi; left: the names
_COUNT_PX = 11  # the counts' size, pixels at 96 dpi


class QueryChart(ctk.CTkFrame):
    def __init__(self, master: Any) -> None:
        super().__init__(master)
        self.figure = Figure(figsize=(6, 2.4), dpi=_DPI)
        self.axes = self.figure.add_subplot()
        self.bars: tuple[QueryBar, ...] = ()
        self.kinds: tuple[str, ...] = ()
        self.found_patches: list[Any] = []
        self.only_patches: list[Any] = []
        self.canvas = FigureCanvasTkAgg(self.figure, master=self)
        widget = self.canvas.get_tk_widget()
        widget.configure(highlightthickness=0, borderwidth=0)
        widget.pack(fill="both", expand=True, padx=6, pady=6)
        self.canvas.mpl_connect("resize_event", lambda _e: self._fit_margins())
        self.canvas.mpl_connect("draw_event", lambda _e: self._capture_background())
        widget.bind("<Map>", lambda _e: self._on_map(), add="+")
        self._font = (ThemeManager.theme["CTkFont"]["family"], -_COUNT_PX)
        self._text = "black"
        self._background: Any = None
        self._stale = False
        self._last = -1e9
        self._job: str | None = None
        self.draws = 0  # updates drawn (tests read it)
        self.found_key, self.only_key = Patch(label="Found first"), Patch(label="Only this kind")
        self._rebuild(())
        self._apply_colours()

    # -- data ----------------------------------------------------------------------

    def update_bars(self, bars: Sequence[QueryBar]) -> None:
        """Show these bars: a full draw when the kinds change, else a paced blit."""
        self.bars = tuple(bars)
        kinds = tuple(b.kind for b in self.bars)
        if kinds != self.kinds:
            self._rebuild(kinds)
            self._apply_colours()
            return
        wait = MIN_INTERVAL_S - (time.monotonic() - self._last)
        if wait <= 0:
            self._update()
        elif self._job is None:
            self._job = self.after(max(1, round(wait * 1000)), self._update_later)

    def _update_later(self) -> None:
        self._job = None
        self._update()

    def _update(self) -> None:
        self._last = time.monotonic()
        self._set_widths()
        if not self.canvas.get_tk_widget().winfo_ismapped():
            self._stale = True
            return
        self._stale = False
        if self._background is None:
            self.canvas.draw_idle()
            return
        self._compose()

    def _on_map(self) -> None:
        if self._stale:
            self._update()

    def _full_draw(self) -> None:
        """The static part changed: draw it all again, now if shown, else when shown."""
        self._background = None
        if self.canvas.get_tk_widget().winfo_ismapped():
            self.canvas.draw_idle()
        else:
            self._stale = True

    def _set_widths(self) -> None:
        for bar, found, only in zip(self.bars, self.found_patches, self.only_patches, strict=True):
            found.set_width(bar.share)
            only.set_width(bar.only_share)

    def _rebuild(self, kinds: tuple[str, ...]) -> None:
        """New kinds: new bars and names (the static part changes: a full draw)."""
        self.kinds = kinds
        for patch in (*self.found_patches, *self.only_patches):
            patch.remove()
        rows = list(range(len(kinds)))
        self.found_patches = list(self.axes.barh(rows, [0.0] * len(rows), height=0.62))
        self.only_patches = list(self.axes.barh(rows, [0.0] * len(rows), height=0.62))
        for patch in (*self.found_patches, *self.only_patches):
            patch.set_animated(True)
        axes = self.axes
        axes.set_yticks(rows, labels=list(kinds))
        axes.set_ylim(len(rows) - 0.5 if rows else 0.5, -0.5)  # the first kind on top
        axes.set_xlim(0, 100)
        axes.xaxis.set_major_formatter("{x:.0f} %")
        axes.tick_params(left=False, labelsize=8)
        self._set_widths()
        self._fit_margins()
        self._background = None

    # -- drawing -------------------------------------------------------------------

    def _ratio(self) -> float:
        return self.figure.dpi / _DPI

    def _fit_margins(self) -> None:
        """Room on the left for the longest kind's name, on the right for the counts."""
        width, height = self.figure.bbox.width, self.figure.bbox.height
        if width < 50 or height < 50:
            return
        ratio = self._ratio()
        renderer = self.canvas.get_renderer() if hasattr(self, "canvas") else None
        names = 40.0 * ratio
        if renderer is not None:
            for kind in self.kinds:
                text = Text(text=kind, fontsize=8, figure=self.figure)
                names = max(names, text.get_window_extent(renderer).width)
        left = names + 20 * ratio
        right, top, bottom = (_MARGINS[k] * ratio for k in ("right", "top", "bottom"))
        self.figure.subplots_adjust(left=min(0.5, left / width), right=1 - right / width,
                                    top=1 - top / height, bottom=bottom / height)  # fmt: skip

    def _capture_background(self) -> None:
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._compose()

    def _compose(self) -> None:
        self.canvas.restore_region(self._background)
        for patch in (*self.found_patches, *self.only_patches):
            self.figure.draw_artist(patch)
        self.canvas.blit(self.figure.bbox)
        self.draws += 1
        self._place_counts()

    def _place_counts(self) -> None:
        """Each bar's count, right of the plot, as a Tk canvas text."""
        canvas = self.canvas.get_tk_widget()
        canvas.delete("count")
        height = self.figure.bbox.height
        ratio = self._ratio()
        font = (self._font[0], -round(_COUNT_PX * ratio))
        to_pixels = self.axes.transData.transform
        for row, bar in enumerate(self.bars):
            x, y = to_pixels((100, row))
            canvas.create_text(x + 8 * ratio, height - y, text=bar.label, anchor="w",
                               font=font, fill=self._text, tags=("count",))  # fmt: skip

    def counts(self) -> list[str]:
        """The counts beside the bars, top to bottom (tests read them)."""
        canvas = self.canvas.get_tk_widget()
        items = sorted(canvas.find_withtag("count"), key=lambda i: canvas.coords(i)[1])
        return [canvas.itemcget(i, "text") for i in items]

    def save_png(self, path: Path) -> None:
        """The chart as a PNG, the counts drawn by matplotlib (OSError if not written)."""
        self._set_widths()  # the newest bars, even if never drawn on screen
        texts = [self.axes.text(101.5, row, bar.label, va="center", fontsize=8, color=self._text,
                                clip_on=False) for row, bar in enumerate(self.bars)]  # fmt: skip
        try:
            self.figure.savefig(path, facecolor=self.figure.get_facecolor(), **PNG)
        finally:
            for text in texts:
                text.remove()
            self._full_draw()

    # -- appearance ----------------------------------------------------------------

    def _apply_colours(self) -> None:
        pick = 1 if current_mode() == "dark" else 0
        background, text = chart_colours(self, dark=bool(pick))
        self._text = text
        grid = CHART_GRID[pick]
        axes = self.axes
        self.figure.set_facecolor(background)
        axes.set_facecolor(background)
        axes.tick_params(colors=text)
        for spine in axes.spines.values():
            spine.set_color(grid)
        axes.set_axisbelow(True)
        axes.grid(True, axis="x", color=grid, linewidth=0.6)
        axes.set_title(TITLE, loc="left", fontsize=10, color=text, pad=22)
        for patch in (*self.found_patches, self.found_key):
            patch.set_facecolor(CHART_FOUND[pick])
        for patch in (*self.only_patches, self.only_key):
            patch.set_facecolor(CHART_ONLY[pick])
        legend = axes.legend(handles=[self.found_key, self.only_key], loc="lower left",
                             bbox_to_anchor=(0.0, 1.0), ncols=2, fontsize=8, frameon=False,
                             borderaxespad=0.1, handlelength=1.4)  # fmt: skip
        for label in legend.get_texts():
            label.set_color(text)
        self.canvas.get_tk_widget().configure(background=background)
        self._full_draw()

    def _set_appearance_mode(self, mode_string: str) -> None:
        super()._set_appearance_mode(mode_string)
        self._apply_colours()

    def destroy(self) -> None:
        if self._job is not None:
            self.after_cancel(self._job)
            self._job = None
        super().destroy()
