"""The dashboard's charts as PNG files, for an exported report.

On screen the throughput chart is blitted, and its time and tracks/s tick labels are Tk
canvas texts laid over the figure (ui/views/chart_view.py says why); a PNG has only the
figure. So for the moment of the save the figure gets matplotlib's own tick labels, and
is drawn on screen again afterwards (the save drew into the screen's buffer). The query
chart saves itself the same way (QueryChart.save_png). The PNG is cropped to what was
drawn, so no label is cut at its edge.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ui.views.chart_view import ChartView

__all__ = ["PNG", "save_chart_png"]

PNG: dict[str, Any] = {"format": "png", "bbox_inches": "tight", "pad_inches": 0.15}


def save_chart_png(chart: ChartView, path: Path) -> None:
    """The throughput chart as a PNG at `path` (OSError if it cannot be written)."""
    axes = chart.rates_axes
    axes.set(xticks=chart.tick_values["x"], yticks=chart.tick_values["y"])
    axes.tick_params(labelleft=True, labelbottom=True)
    pads = axes.yaxis.labelpad, axes.xaxis.labelpad  # room the Tk labels need on screen
    axes.yaxis.labelpad, axes.xaxis.labelpad = 4, 2
    try:
        chart.figure.savefig(path, facecolor=chart.figure.get_facecolor(), **PNG)
    finally:
        axes.tick_params(labelleft=False, labelbottom=False)
        axes.yaxis.labelpad, axes.xaxis.labelpad = pads
        chart.redraw_all()
