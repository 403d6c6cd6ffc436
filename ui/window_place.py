"""The main window's size and place: fitted to the work area when it opens, remembered in
the settings when it closes (ui/window_fit.py does the arithmetic).

customtkinter multiplies the sizes it is given by its window scaling (the DPI scale), so
the real pixels are handed to it divided by that scale (`logical_size`): a window meant
to be 1272 pixels wide must not come out at 1273 on a 1272-pixel work area, nor a saved
size lose a pixel at every launch.
"""

from __future__ import annotations

import sys

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from ui.settings import remember_window_geometry
from ui.theme import dpi_scale
from ui.window_fit import Placement, fit_window, logical_size, parse_geometry
from ui.work_area import work_area

__all__ = ["place_window", "remember_window", "window_scale"]


def window_scale(root: ctk.CTk) -> float:
    """The scale the window's sizes will be multiplied by once scaling is applied."""
    if sys.platform.startswith("linux"):
        return dpi_scale(root)  # applied by ui.theme.apply_scaling right after
    return ScalingTracker.get_window_scaling(root)  # Windows and macOS: already in force


def place_window(root: ctk.CTk, saved: str) -> Placement:
    """Size (and, when it was saved, place) the window; call before apply_scaling."""
    scale = window_scale(root)
    placement = fit_window(work_area(root), scale, parse_geometry(saved))
    rect = placement.rect
    # Linux: still unscaled here, customtkinter truncates when apply_scaling rescales;
    # a window that is already scaled (Windows, macOS, a second window) rounds now
    truncates = ScalingTracker.get_window_scaling(root) != scale

    def logical(pixels: int) -> int:
        return logical_size(pixels, scale, truncates)

    size = f"{logical(rect.width)}x{logical(rect.height)}"
    root.geometry(size + (f"+{rect.x}+{rect.y}" if placement.place else ""))
    root.minsize(logical(placement.min_width), logical(placement.min_height))
    return placement


def remember_window(root: ctk.CTk) -> None:
    """Keep the window's size and place for the next launch (never raises)."""
    try:
        if root.wm_state() not in ("normal", "zoomed"):
            return
        geometry = root.wm_geometry()  # Tk's own: real pixels, not customtkinter's scaled
    except Exception:  # noqa: BLE001 - a window already gone has nothing to remember
        return
    if parse_geometry(geometry) is not None:
        remember_window_geometry(geometry)
