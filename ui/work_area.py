"""The part of the screen a window may use: the screen less panels, docks and task bars.

Tk does not say, so each platform is asked in its own way, and anything that goes wrong
gives the whole screen (the window manager then still keeps the window off its panels):

    X11      the window manager's _NET_WORKAREA for the current desktop (libX11 by ctypes)
    Windows  SystemParametersInfo(SPI_GETWORKAREA)
    macOS    the whole screen (Tk keeps windows below the menu bar itself)
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import tkinter as tk

from ui.window_fit import Rect

__all__ = ["work_area", "x11_work_area"]


def work_area(root: tk.Misc) -> Rect:
    screen = Rect(0, 0, root.winfo_screenwidth(), root.winfo_screenheight())
    try:
        if root.tk.call("tk", "windowingsystem") == "x11":
            found = x11_work_area(root.winfo_screen())
        elif sys.platform == "win32":
            found = _windows_work_area()
        else:
            found = None
    except Exception:  # noqa: BLE001 - a missing library or odd display: use the screen
        found = None
    if found is None or found.width < 200 or found.height < 200:
        return screen
    return found


class _Display(ctypes.Structure):
    pass


def x11_work_area(display_name: str) -> Rect | None:
    """_NET_WORKAREA of the current desktop on `display_name` (such as ":0.0"), or None
    when there is no window manager that sets it."""
    name = ctypes.util.find_library("X11")
    if not name:
        return None
    x11 = ctypes.CDLL(name)
    x11.XOpenDisplay.restype = ctypes.POINTER(_Display)
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.POINTER(_Display)]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.POINTER(_Display), ctypes.c_char_p, ctypes.c_int]
    x11.XGetWindowProperty.argtypes = [
        ctypes.POINTER(_Display), ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long,
        ctypes.c_int, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_long)),
    ]  # fmt: skip
    x11.XFree.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.POINTER(_Display)]
    display = x11.XOpenDisplay(display_name.encode())
    if not display:
        return None
    try:
        root = x11.XDefaultRootWindow(display)
        desktop = _cardinals(x11, display, root, b"_NET_CURRENT_DESKTOP")
        areas = _cardinals(x11, display, root, b"_NET_WORKAREA")
        if len(areas) < 4:
            return None
        n = desktop[0] if desktop and 4 * desktop[0] + 3 < len(areas) else 0
        x, y, width, height = areas[4 * n : 4 * n + 4]
        return Rect(x, y, width, height)
    finally:
        x11.XCloseDisplay(display)


def _cardinals(x11: ctypes.CDLL, display: object, window: int, atom_name: bytes) -> list[int]:
    """A CARDINAL[] property of `window` (Xlib hands 32-bit items over as C longs)."""
    atom = x11.XInternAtom(display, atom_name, 1)
    if not atom:
        return []
    actual_type, actual_format = ctypes.c_ulong(), ctypes.c_int()
    count, after = ctypes.c_ulong(), ctypes.c_ulong()
    data = ctypes.POINTER(ctypes.c_long)()
    status = x11.XGetWindowProperty(display, window, atom, 0, 64, 0, 6,  # 6: XA_CARDINAL
                                    ctypes.byref(actual_type), ctypes.byref(actual_format),
                                    ctypes.byref(count), ctypes.byref(after),
                                    ctypes.byref(data))  # fmt: skip
    if status != 0 or not data:
        return []
    try:
        if actual_format.value != 32:
            return []
        return [int(data[i]) for i in range(count.value)]
    finally:
        x11.XFree(data)


def _windows_work_area() -> Rect | None:
    class _RECT(ctypes.Structure):
        _fields_ = [(side, ctypes.c_long) for side in ("left", "top", "right", "bottom")]

    area = _RECT()
    if not ctypes.windll.user32.SystemParametersInfoW(0x0030, 0, ctypes.byref(area), 0):  # type: ignore[attr-defined]
        return None
    return Rect(area.left, area.top, area.right - area.left, area.bottom - area.top)
