"""Where the window opens and how big it is, as arithmetic on rectangles. No Tk here.

    the screen's work area (ui/work_area.py: the screen less panels and docks)
    + the DPI scale (1.0 at 96 dpi)                 ──fit_window()──▶ WxH+X+Y, real pixels
    + the size and place saved at the last close

Everything is in real screen pixels. The window asks for 1280x800 at 96 dpi (scaled
up on denser screens), grows with a larger work area (to 80 % of it), and is never
larger than the work area less room for the window manager's title bar and borders.
A saved geometry comes back as it was when it still fits, else shrunk and moved inside:
a screen may be smaller or denser than the one it was saved on.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = [
    "BASE_SIZE",
    "FRAME",
    "MIN_SIZE",
    "Placement",
    "Rect",
    "fit_window",
    "logical_size",
    "parse_geometry",
]

BASE_SIZE = (1280, 800)  # what the window asks for at 96 dpi
MIN_SIZE = (960, 600)  # the smallest it may be made, at 96 dpi (never more than fits)
GROW = 0.8  # on a large work area, this share of it
FRAME = (8, 40)  # room kept for a window manager's borders and title bar (real pixels)

_GEOMETRY = re.compile(r"^\s*(\d+)x(\d+)\+(-?\d+)\+(-?\d+)\s*$")  # as Tk gives it


@dataclass(frozen=True, slots=True)
class Rect:
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def contains(self, other: Rect) -> bool:
        return (
            other.x >= self.x
            and other.y >= self.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )

    def geometry(self) -> str:
        """Tk's "WxH+X+Y"."""
        return f"{self.width}x{self.height}+{self.x}+{self.y}"


@dataclass(frozen=True, slots=True)
class Placement:
    """What the window gets: its size and place, and the smallest size it may be made."""

    rect: Rect
    min_width: int
    min_height: int
    place: bool  # False: let the window manager choose where (the first launch)


def parse_geometry(text: str) -> Rect | None:
    """ "1536x864+192+84" (or "+-8+-30" left of and above the screen) as a Rect; None for
    anything else, a size of zero included."""
    found = _GEOMETRY.match(text or "")
    if not found:
        return None
    width, height, x, y = (int(part) for part in found.groups())
    if width <= 0 or height <= 0:
        return None
    return Rect(x, y, width, height)


def fit_window(work: Rect, scale: float, saved: Rect | None = None) -> Placement:
    """The window's geometry inside `work` at `scale` (screen dpi / 96)."""
    scale = max(1.0, scale)
    room_w, room_h = max(1, work.width - FRAME[0]), max(1, work.height - FRAME[1])
    min_w = min(round(MIN_SIZE[0] * scale), room_w)
    min_h = min(round(MIN_SIZE[1] * scale), room_h)
    if saved is not None:
        width = max(min_w, min(saved.width, room_w))
        height = max(min_h, min(saved.height, room_h))
        x = min(max(saved.x, work.x), work.right - width - FRAME[0])
        y = min(max(saved.y, work.y), work.bottom - height - FRAME[1])
        return Placement(Rect(x, y, width, height), min_w, min_h, place=True)
    width = min(room_w, max(round(BASE_SIZE[0] * scale), round(work.width * GROW)))
    height = min(room_h, max(round(BASE_SIZE[1] * scale), round(work.height * GROW)))
    x = work.x + (work.width - width - FRAME[0]) // 2
    y = work.y + (work.height - height - FRAME[1]) // 2
    return Placement(Rect(x, y, width, height), min_w, min_h, place=False)


def logical_size(pixels: int, scale: float, truncates: bool) -> int:
    """The size to hand customtkinter so that it makes `pixels` real pixels, or the most
    that stays under them: it multiplies by `scale` and then truncates (when it rescales
    a window) or rounds (when a scaled window is given a geometry). A size handed back
    as it was read keeps it, launch after launch, instead of losing a pixel each time."""

    def made(size: int) -> int:
        return int(size * scale) if truncates else round(size * scale)

    size = max(1, math.floor(pixels / scale))
    while made(size + 1) <= pixels:
        size += 1
    while size > 1 and made(size) > pixels:
        size -= 1
    return size
