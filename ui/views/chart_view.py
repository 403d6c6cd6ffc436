"""The dashboard chart: throughput and rates over time (shaded where results were being
written, which is why tracks/s falls at the end; hatched, with the lines broken, where
the batch was paused), and where the time goes. The legend sits above the plot in as
many rows as the width needs; the cache line and its legend entry show only for online
catalogs (a local catalog has no cache), "Paused" only once there was a pause.

matplotlib's `Figure` embedded with `FigureCanvasTkAgg` (pyplot is never used: it keeps
global figures and may pick its own GUI backend).

A full matplotlib redraw of this figure costs 75-300 ms of the Tk thread on a small
machine (mostly text), far over the 50 ms a window may freeze, and a batch keeps the CPU
busy. So the chart is blitted: what never changes during a run (frame, titles, legend,
the fixed 0-100 % axes) is drawn once into a background, again only on a resize or a
theme change. Updates draw no text at all: the data (lines, bars, grid lines) are
"animated" artists drawn over the background, and the time and tracks/s tick labels are
Tk canvas texts laid over the figure (ui/views/chart_ticks.py: microseconds to move,
where a matplotlib text costs milliseconds). An update restores the background, draws
those artists and blits, at most once per ChartModel.min_interval_s, and not at all
while the chart is hidden.

The previous run of the same playlists lies under the tracks/s line, dashed, with its
own legend entry, while it is shown (`set_previous`, `show_previous`). An exported
report saves the chart as a PNG (ui/views/chart_png.py).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import customtkinter as ctk
from customtkinter import ThemeManager
from matplotlib.backends.backend_tkagg import FigureCanvasTkAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import blended_transform_factory

from ui.chart_model import MAX_SPANS, ChartModel, ChartSeries
from ui.theme import (
    CHART_CACHE,
    CHART_GRID,
    CHART_MATCH,
    CHART_PREVIOUS,
    CHART_TIME_BARS,
    CHART_TPS,
    CHART_WRITING,
    chart_colours,
)
from ui.views.chart_ticks import TICK_PX, TICKS, place_grid, place_tick_labels
from ui.views.table_style import current_mode

if TYPE_CHECKING:
    from matcher import RunSeries

__all__ = ["ChartView"]

_DPI = 96
_MARGINS = {"left": 74, "right": 52, "top": 14, "bottom": 26, "gap": 74}  # pixels at 96 dpi
_LEGEND_ROW = 17  # pixels per row of legend above the plot, at 96 dpi
_PAUSED = ("#9e9e9e", "#8c8c8c")  # (light, dark): the paused stretches' hatching
TIME_TITLE = "Where the time goes (% of all work)"


class ChartView(ctk.CTkFrame):
    def __init__(self, master: Any, model: ChartModel | None = None) -> None:
        super().__init__(master)
        self.model = model or ChartModel()
        self.figure = Figure(figsize=(6, 4), dpi=_DPI)
        grid = self.figure.add_gridspec(2, 1, height_ratios=(3, 1.4))
        self.rates_axes = self.figure.add_subplot(grid[0])
        self.share_axes = self.rates_axes.twinx()
        self.time_axes = self.figure.add_subplot(grid[1])
        self._animated: list[Any] = []  # data artists: drawn at every update
        self._grid_lines: list[Any] = []  # drawn when an axis limit changes
        self.online = False  # the cache line only for online catalogs
        self.legend: Any = None
        self._legend_rows = 1
        self._build_rates()
        self._build_breakdown()
        self.canvas = FigureCanvasTkAgg(self.figure, master=self)
        widget = self.canvas.get_tk_widget()
        widget.configure(highlightthickness=0, borderwidth=0)
        widget.pack(fill="both", expand=True, padx=6, pady=6)
        self.canvas.mpl_connect("resize_event", lambda _e: self._fit_margins())
        self.canvas.mpl_connect("draw_event", lambda _e: self._capture_background())
        widget.bind("<Map>", lambda _e: self._on_map(), add="+")
        self._tick_family = ThemeManager.theme["CTkFont"]["family"]
        self._tick_colour = "black"
        self._stale = False  # an update was skipped while hidden
        self._background: Any = None  # the static part, after a full draw
        self._ticked: Any = None  # the background with the current ticks
        self._limits: tuple[float, float] = (0.0, 0.0)
        self.draws = 0  # updates drawn (tests and the latency bench read it)
        self._redraw_job: str | None = None
        self._update_artists(self.model.series())  # ticks for the empty chart
        self._apply_colours()

    # -- building ------------------------------------------------------------------

    def _animate(self, artist: Any) -> Any:
        artist.set_animated(True)
        self._animated.append(artist)
        return artist

    def _build_rates(self) -> None:
        axes = self.rates_axes
        axes.tick_params(left=False, bottom=False, labelleft=False, labelbottom=False)
        axes.set_xlim(0, 1)
        axes.set_ylim(0, 1)
        self.share_axes.set_ylim(0, 100)
        self.share_axes.set_ylabel("%")
        axes.set_ylabel("tracks/s", labelpad=34)
        axes.set_xlabel("time since start (s)", labelpad=16)  # pauses in it, hatched
        self.titles: list[Any] = []
        below = blended_transform_factory(axes.transData, axes.transAxes)

        def spans(**style: Any) -> list[Rectangle]:  # MAX_SPANS stretches, hidden till used
            return [self._animate(axes.add_patch(Rectangle((0, 0), 0, 1, transform=below,
                                                           linewidth=0, visible=False, **style)))
                    for _ in range(MAX_SPANS)]  # fmt: skip

        self.writing_spans = spans()
        self.writing_key = Patch(label="Writing results")
        self.paused_spans = spans(fill=False, hatch="///", alpha=0.7)
        self.paused_key = Patch(label="Paused", fill=False, hatch="///", alpha=0.7, linewidth=0)
        self._paused_shown = False  # the legend has the "Paused" entry
        self.previous_line = self._animate(
            axes.plot([], [], linewidth=1.6, linestyle=(0, (5, 3)), label="Previous run")[0]
        )
        self.tps_line = self._animate(axes.plot([], [], linewidth=2, label="Tracks/s")[0])
        self.match_line = self._animate(
            self.share_axes.plot([], [], linewidth=1.6, label="Match rate %")[0]
        )
        self.cache_line = self._animate(
            self.share_axes.plot([], [], linewidth=1.6, linestyle="--", label="Cache hits %")[0]
        )
        self.cache_line.set_visible(False)
        beside = blended_transform_factory(axes.transAxes, axes.transData)
        self.x_grid = [self._grid_line(axes, below) for _ in range(TICKS)]
        self.y_grid = [self._grid_line(axes, beside) for _ in range(TICKS)]
        self.tick_values: dict[str, list[float]] = {"x": [], "y": []}

    def _grid_line(self, axes: Any, transform: Any) -> Line2D:
        line = Line2D([0, 0], [0, 1], transform=transform, linewidth=0.6, animated=True)
        axes.add_line(line)
        self._grid_lines.append(line)
        return line

    def _build_breakdown(self) -> None:
        axes = self.time_axes
        labels = [label for label, _v in self.model.series().breakdown]
        self.bars = [self._animate(bar) for bar in axes.barh(labels, [0.0] * len(labels), 0.6)]
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.xaxis.set_major_formatter("{x:.0f} %")
        self.titles.append(axes.set_title(TIME_TITLE, loc="left", fontsize=10))

    def _ratio(self) -> float:
        """Screen pixels per pixel at 96 dpi: matplotlib draws its text this much larger on
        a denser screen (it reads the screen's DPI when the canvas is shown), so the
        margins that make room for that text grow with it."""
        return self.figure.dpi / _DPI

    def _fit_margins(self) -> None:
        """Margins in pixels, so text never clips whatever the widget's size and DPI."""
        width, height = self.figure.bbox.width, self.figure.bbox.height
        if width < 50 or height < 50:
            return
        ratio = self._ratio()
        m = {side: pixels * ratio for side, pixels in _MARGINS.items()}
        self._fit_legend(width, m["left"])
        top = m["top"] + _LEGEND_ROW * ratio * self._legend_rows
        self.figure.subplots_adjust(
            left=m["left"] / width, right=1 - m["right"] / width, top=1 - top / height,
            bottom=m["bottom"] / height, hspace=m["gap"] * 2.4 / height,
        )  # fmt: skip

    def _legend_handles(self) -> list[Any]:
        lines = (self.tps_line, self.match_line, self.cache_line, self.writing_key,
                 self.paused_key, self.previous_line)  # fmt: skip
        shown = (True, True, self.online, True, self._paused_shown, self.model.previous_shown)
        return [line for line, show in zip(lines, shown, strict=True) if show]

    def _fit_legend(self, width: float, left: float) -> None:
        """The legend above the plot, in as few rows as fit the figure's width."""
        handles = self._legend_handles()
        renderer = self.canvas.get_renderer() if hasattr(self, "canvas") else None
        room = width - left - 6 * self._ratio()  # from the plot's left edge to the figure's right
        for columns in range(len(handles), 0, -1):
            self._make_legend(handles, columns)
            if renderer is None or self.legend.get_window_extent(renderer).width <= room:
                break
        self._legend_rows = -(-len(handles) // columns)

    def _make_legend(self, handles: list[Any], columns: int) -> None:
        if self.legend is not None:
            self.legend.remove()
        self.legend = self.rates_axes.legend(
            handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.01), fontsize=8,
            frameon=False, ncols=columns, borderaxespad=0.2, handlelength=1.8,
            columnspacing=1.2,
        )  # fmt: skip
        for label in self.legend.get_texts():
            label.set_color(self._tick_colour if hasattr(self, "_tick_colour") else "black")

    def set_online(self, online: bool) -> None:
        """An online catalog's batch shows its cache hits; a local one's does not."""
        if online == self.online:
            return
        self.online = online
        self.cache_line.set_visible(online)
        self._fit_margins()
        self.redraw_all()

    def set_previous(self, previous: RunSeries | None) -> None:
        """The previous run of the same playlists (None: none), drawn while shown."""
        self.model.set_previous(previous)
        self.previous_line.set_label(self.model.previous_label)
        self._legend_changed()

    def show_previous(self, show: bool) -> None:
        self.model.set_show_previous(show)
        self._legend_changed()

    def _legend_changed(self) -> None:
        """A legend entry came or went: a full draw (the legend is in the background)."""
        self.previous_line.set_visible(self.model.previous_shown)
        self._fit_margins()
        self._background = self._ticked = None
        self.request_draw()

    # -- data ----------------------------------------------------------------------

    def reset(self) -> None:
        self.model.reset()
        self._data_changed()

    def add(self, metrics: dict[str, float], paused_s: float = 0.0) -> None:
        """A snapshot; `paused_s`: how long the batch had been paused by then, in all."""
        self.model.add(metrics, paused_s)
        self._data_changed()

    def _data_changed(self) -> None:
        """Draw the new data; the legend names "Paused" once there is a pause to see."""
        if bool(self.model.paused) != self._paused_shown:
            self._paused_shown = not self._paused_shown
            self._legend_changed()
        else:
            self.request_draw()

    def request_draw(self) -> None:
        """Draw now if the model allows, else once when it does (never twice)."""
        now = time.monotonic()
        if self.model.redraw_due(now):
            self._redraw(now)
        elif self.model.dirty and self._redraw_job is None:
            delay = max(1, round(self.model.wait_s(now) * 1000))
            self._redraw_job = self.after(delay, self._redraw_later)

    def _redraw_later(self) -> None:
        self._redraw_job = None
        self.request_draw()

    def _redraw(self, now: float) -> None:
        self.model.drawn(now)
        if not self.canvas.get_tk_widget().winfo_ismapped():
            self._stale = True  # drawn when shown: hidden, it would cost for nothing
            return
        self._stale = False
        self._update_artists(self.model.series())
        self.draws += 1
        if self._background is None:  # not drawn yet: the full draw draws them too
            self.canvas.draw_idle()
            return
        self._compose()
        self.canvas.blit(self.figure.bbox)
        self._place_tick_labels()

    def _on_map(self) -> None:
        if self._stale:
            self._redraw(time.monotonic())

    def _capture_background(self) -> None:
        """After a full draw (first show, resize, theme): keep the static part."""
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._ticked = None
        self._compose()
        self._place_tick_labels()

    def _compose(self) -> None:
        """Background, grid lines (kept with it until a limit changes), then the data."""
        limits = (self.rates_axes.get_xlim()[1], self.rates_axes.get_ylim()[1])
        draw = self.figure.draw_artist
        if self._ticked is None or limits != self._limits:
            self.canvas.restore_region(self._background)
            for line in self._grid_lines:
                if line.get_visible():
                    draw(line)
            self._ticked = self.canvas.copy_from_bbox(self.figure.bbox)
            self._limits = limits
        else:
            self.canvas.restore_region(self._ticked)
        for artist in self._animated:
            draw(artist)

    def _update_artists(self, series: ChartSeries) -> None:
        right, top = series.limits()
        self.rates_axes.set_xlim(0, right)
        self.rates_axes.set_ylim(0, top)
        self.previous_line.set_data(series.previous_t, series.previous_tps)
        self.tps_line.set_data(*series.broken(series.tracks_per_second))
        self.match_line.set_data(*series.broken(series.match_rate))
        self.cache_line.set_data(*series.broken(series.cache_hit_rate))
        for spans, stretches in ((self.writing_spans, series.writing),
                                 (self.paused_spans, series.paused)):  # fmt: skip
            for n, span in enumerate(spans):
                shown = n < len(stretches)
                span.set_visible(shown)
                if shown:
                    start, end = stretches[n]
                    span.set_x(start)
                    span.set_width(max(end - start, right / 400))  # a short one still shows
        self._place_grid("x", self.x_grid, right)
        self._place_grid("y", self.y_grid, top)
        values = [v for _label, v in series.breakdown]
        total = sum(values)
        for bar, value in zip(self.bars, values, strict=True):
            bar.set_width(100 * value / total if total > 0 else 0.0)

    def _place_grid(self, axis: str, lines: list[Line2D], limit: float) -> None:
        self.tick_values[axis] = place_grid(axis, lines, limit)

    def _place_tick_labels(self) -> None:
        """The time and tracks/s tick labels as Tk canvas texts over the figure."""
        ratio = self._ratio()
        place_tick_labels(self.canvas.get_tk_widget(), self.rates_axes, self.figure.bbox.height,
                          ratio, self.tick_values, (self._tick_family, -round(TICK_PX * ratio)),
                          self._tick_colour)  # fmt: skip

    # -- appearance ----------------------------------------------------------------

    def _apply_colours(self) -> None:
        pick = 1 if current_mode() == "dark" else 0
        background, text = chart_colours(self, dark=bool(pick))
        grid = CHART_GRID[pick]
        self.figure.set_facecolor(background)
        for axes in (self.rates_axes, self.share_axes, self.time_axes):
            axes.set_facecolor(background)
            axes.tick_params(colors=text, labelsize=8)
            axes.xaxis.label.set_color(text)
            axes.yaxis.label.set_color(text)
            for spine in axes.spines.values():
                spine.set_color(grid)
        self.time_axes.set_axisbelow(True)
        self.time_axes.grid(True, axis="x", color=grid, linewidth=0.6)
        self.share_axes.patch.set_visible(False)
        for title in self.titles:
            title.set_color(text)
        for line in self._grid_lines:
            line.set_color(grid)
        self._tick_colour = text
        self.tps_line.set_color(CHART_TPS[pick])
        self.previous_line.set_color(CHART_PREVIOUS[pick])
        self.match_line.set_color(CHART_MATCH[pick])
        self.cache_line.set_color(CHART_CACHE[pick])
        for bar in self.bars:
            bar.set_color(CHART_TIME_BARS[pick])
        for patch in (*self.writing_spans, self.writing_key):
            patch.set_facecolor(CHART_WRITING[pick])
            patch.set_alpha(0.35)
        for patch in (*self.paused_spans, self.paused_key):
            patch.set_edgecolor(_PAUSED[pick])
        self._fit_margins()  # the legend, made after the lines are coloured: it copies them
        self.canvas.get_tk_widget().configure(background=background)
        self.redraw_all()  # the background changed

    def redraw_all(self) -> None:
        """Draw the whole figure again (its static part changed, or a PNG was drawn)."""
        self._background = self._ticked = None
        self.canvas.draw_idle()

    def _set_appearance_mode(self, mode_string: str) -> None:
        super()._set_appearance_mode(mode_string)
        self._apply_colours()

    def destroy(self) -> None:
        job = getattr(self, "_redraw_job", None)
        if job is not None:
            self.after_cancel(job)
            self._redraw_job = None
        super().destroy()
