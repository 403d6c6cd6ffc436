"""The window's look in one place: appearance mode, DPI scaling, spacing, fonts, colours.

Colours are (light, dark) pairs, which customtkinter resolves for the current appearance
mode, so every view follows the system's light/dark setting without code of its own.
"""

from __future__ import annotations

import sys
import tkinter as tk
from dataclasses import dataclass

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from ui.queue_model import ItemStatus

__all__ = [
    "ACCENT",
    "BORDER",
    "CHART_CACHE",
    "CHART_GRID",
    "CHART_FOUND",
    "CHART_MATCH",
    "CHART_ONLY",
    "CHART_PREVIOUS",
    "CHART_TIME_BARS",
    "CHART_TPS",
    "CHART_WRITING",
    "COUNT_COLORS",
    "GAP",
    "MUTED",
    "PAD",
    "PANEL",
    "REPAIR_BANNER",
    "RESUME_BANNER",
    "REVIEW_NOTICE",
    "ROW_TINTS",
    "SECONDARY",
    "SELECTED_TEXT",
    "STATUS_COLORS",
    "WARN",
    "DONE_TEXT",
    "WRITTEN_TEXT",
    "BannerColors",
    "apply_scaling",
    "dpi_scale",
    "font",
    "set_progress",
    "setup_appearance",
]

PAD = 16  # outer padding of panels
GAP = 8  # space between related widgets

Color = tuple[str, str]
MUTED: Color = ("gray38", "gray66")  # secondary text, still AA contrast on either panel
BORDER: Color = ("gray78", "gray30")
PANEL: Color = ("gray97", "gray17")  # cards on the window background
ACCENT: Color = ("#1f6aa5", "#4a9be0")
WARN: Color = ("#8a5a00", "#f0c05a")  # notices: amber, readable on both backgrounds

# status pill: (text colour, pill colour)
STATUS_COLORS: dict[ItemStatus, tuple[Color, Color]] = {
    ItemStatus.QUEUED: (("gray30", "gray80"), ("gray88", "gray25")),
    ItemStatus.RUNNING: (("#0b4f8a", "#cfe6ff"), ("#d6e8fa", "#1d4470")),
    ItemStatus.PAUSED: (("#7a4d00", "#ffe3a6"), ("#fff0cc", "#5a4310")),
    ItemStatus.DONE: (("#1b5e2b", "#c9f0d3"), ("#dcf3e2", "#1f4a2b")),
    ItemStatus.CANCELLED: (("gray25", "gray85"), ("gray85", "gray30")),
    ItemStatus.FAILED: (("#9b1c1c", "#ffd4d1"), ("#fde2e0", "#5c1f1f")),
}
COUNT_COLORS: dict[str, Color] = {
    "matched": ("#1e7b34", "#6fd08c"),
    "review": ("#9a6700", "#f2c14e"),
    "unmatched": ("gray38", "gray66"),
    "error": ("#c62828", "#ff7b72"),
}


# banners at the top of the left column (ui/views/banner.py)
@dataclass(frozen=True, slots=True)
class BannerColors:
    background: Color
    text: Color  # the message, and the Dismiss button's label
    hover: Color | None = None  # the Dismiss button under the pointer (banners that have one)


RESUME_BANNER = BannerColors(("#fff4d6", "#3a3117"), ("#5c4300", "#f5dc9a"), ("#f3e2b3", "#4a3f1f"))
REPAIR_BANNER = BannerColors(("#fde3e1", "#3d1d1b"), ("#7a1a12", "#f6b8b1"))
REVIEW_NOTICE: Color = ("#9a5b00", "#f0b84a")  # the review dialog's line about the entry

# ttk tables (ui/views/table_style.py): row tints per status, light enough that text
# keeps full contrast in either mode; text on the selected row. "written": a results row
# whose file got its tags written (blue, apart from the status greens and ambers);
# "refused": a file write-back left alone (the preview and the write's result)
ROW_TINTS: dict[str, Color] = {
    "matched": ("#e7f5ea", "#1d3324"),
    "review": ("#fff3d6", "#3b321c"),
    "unmatched": ("#f1f1f1", "#262626"),
    "error": ("#fde3e1", "#3d2022"),
    "written": ("#dcebfb", "#1b3350"),
    "refused": ("#fde3e1", "#3d2022"),
}
WRITTEN_TEXT: Color = ("#0b5394", "#8cc4f5")  # "✓ written" and a write's headline
DONE_TEXT: Color = ("#1e7b34", "#6fd08c")  # a run that finished well
SELECTED_TEXT = "#ffffff"

# the dashboard chart (ui/views/chart_view.py): lines that read on both backgrounds
CHART_TPS: Color = ("#1f6aa5", "#5aa9e6")
CHART_MATCH: Color = ("#2e7d32", "#6fd08c")
CHART_CACHE: Color = ("#b26a00", "#f0b84a")
CHART_TIME_BARS: Color = ("#7a5fa8", "#b39ddb")
CHART_GRID: Color = ("#c8c8c8", "#4a4a4a")
CHART_WRITING: Color = ("#b39ddb", "#6a5a8c")  # shading: results files being written
CHART_PREVIOUS: Color = ("#7393b3", "#8fb0d0")  # the previous run's tracks/s, dashed
CHART_FOUND: Color = ("#a5d6a7", "#3f7f4f")  # query kinds: matches a kind found first ...
CHART_ONLY: Color = ("#2e7d32", "#81d98f")  # ... and those no other kind found

# an outlined button, for everything that is not the one main action of its area
SECONDARY: dict[str, object] = {
    "fg_color": "transparent",
    "border_width": 1,
    "border_color": BORDER,
    "text_color": ("gray15", "gray90"),
    "text_color_disabled": ("gray60", "gray45"),
    "hover_color": BORDER,
}

_SIZES = {"title": 22, "heading": 16, "body": 13, "small": 12, "glyph": 34}


def chart_colours(widget: tk.Misc, dark: bool) -> tuple[str, str]:
    """(background, text) of the current theme as "#rrggbb", for matplotlib, which reads
    neither Tk colour names nor customtkinter's light/dark pairs."""
    pick = 1 if dark else 0
    theme = ctk.ThemeManager.theme

    def hex_of(colour: str) -> str:
        red, green, blue = widget.winfo_rgb(colour)
        return f"#{red >> 8:02x}{green >> 8:02x}{blue >> 8:02x}"

    return hex_of(theme["CTkFrame"]["fg_color"][pick]), hex_of(
        theme["CTkLabel"]["text_color"][pick]
    )


def font(kind: str = "body", weight: str = "normal") -> ctk.CTkFont:
    """A font of one of the few sizes the window uses (make after the root exists)."""
    return ctk.CTkFont(size=_SIZES[kind], weight=weight)  # type: ignore[arg-type]


def set_progress(bar: ctk.CTkProgressBar, fraction: float) -> None:
    """Set a bar; at zero hide the round cap customtkinter draws, which reads as progress."""
    empty = fraction <= 0.0
    if getattr(bar, "_shows_empty", None) is not empty:
        bar._shows_empty = empty  # type: ignore[attr-defined]
        color = (
            bar.cget("fg_color")
            if empty
            else ctk.ThemeManager.theme["CTkProgressBar"]["progress_color"]
        )
        bar.configure(progress_color=color)
    bar.set(max(0.0, min(1.0, fraction)))


def setup_appearance() -> None:
    """Follow the system's light/dark setting; call before the root window is made."""
    ctk.set_appearance_mode("system")
    ctk.set_default_color_theme("blue")
    # customtkinter asks the desktop for its theme every 30 ms (on Linux that starts a
    # gsettings process each time): every 2 s follows a change just as well.
    ctk.AppearanceModeTracker.update_loop_interval = 2000


def dpi_scale(root: tk.Misc) -> float:
    """The screen's pixels per inch over 96: customtkinter does no DPI scaling on Linux
    (matplotlib does), so without this the window is tiny on a 4K screen. Never below 1."""
    return max(1.0, round(root.winfo_fpixels("1i") / 96, 2))


def apply_scaling(root: tk.Misc) -> float:
    """Scale widgets and the window on Linux (Windows and macOS scale by themselves)."""
    if not sys.platform.startswith("linux"):
        return 1.0
    scale = dpi_scale(root)
    if scale != ScalingTracker.get_window_scaling(root):
        ctk.set_widget_scaling(scale)
        ctk.set_window_scaling(scale)
    return scale
