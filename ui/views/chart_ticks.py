"""The chart's grid and tick labels, kept out of matplotlib's text drawing: a grid line
is moved, never made again, and a tick label is a Tk canvas text laid over the figure
(microseconds to place, where a matplotlib text costs milliseconds of a blitted update).

    axis limit ──place_grid()──▶ grid lines moved, the values they stand at
    values ──place_tick_labels()──▶ Tk texts under the time axis, left of tracks/s
"""

from __future__ import annotations

import tkinter as tk
from typing import Any

from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

__all__ = ["TICKS", "place_grid", "place_tick_labels"]

TICKS = 6  # at most this many grid lines (and labels) per axis
TICK_PX = 11  # the tick labels' size, pixels at 96 dpi
TAG = "tick"  # the canvas tag of every tick label


def place_grid(axis: str, lines: list[Line2D], limit: float) -> list[float]:
    """Move the grid lines of `axis` ("x" or "y") to round values up to `limit`, hiding
    those not needed; returns the values they stand at."""
    values = [v for v in MaxNLocator(TICKS - 1).tick_values(0, limit) if 0 <= v <= limit]
    values = values[: len(lines)]
    for n, line in enumerate(lines):
        line.set_visible(n < len(values))
        if n < len(values):
            value = values[n]
            line.set_data(([value, value], [0, 1]) if axis == "x" else ([0, 1], [value, value]))
    return values


def place_tick_labels(
    canvas: tk.Canvas,
    axes: Any,
    height: float,
    ratio: float,
    values: dict[str, list[float]],
    font: tuple[str, int],
    colour: str,
) -> None:
    """Lay the labels of `values` ({"x": [...], "y": [...]}) over the figure drawn on
    `canvas` (`height` pixels high, `ratio` screen pixels per 96-dpi pixel), under the
    x axis and left of the y axis of `axes`; the previous labels go."""
    canvas.delete(TAG)
    to_pixels = axes.transData.transform
    for axis, ticks in values.items():
        for value in ticks:
            text = f"{value:g}" if value < 10_000 else f"{value / 1000:g}k"
            if axis == "x":
                x, y = to_pixels((value, axes.get_ylim()[0]))
                x, y, anchor = x, height - y + 4 * ratio, "n"
            else:
                x, y = to_pixels((axes.get_xlim()[0], value))
                x, y, anchor = x - 6 * ratio, height - y, "e"
            canvas.create_text(x, y, text=text, anchor=anchor, font=font, fill=colour,
                               tags=(TAG,))  # fmt: skip
