"""A virtual screen of a chosen size and DPI for one test, and what X says about a window
on it: launch the window as a DJ would (`python -m ui`), find it, read its geometry with
xwininfo, close it with SIGTERM (which closes it as the close button would).

Xvfb runs with -noreset: without it the server forgets the root window's properties
(such as a _NET_WORKAREA set here) when its last client goes.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Screen",
    "WindowGeometry",
    "launch_window",
    "set_cardinals",
    "virtual_screen",
    "window_geometry",
    "window_id",
    "x_command",
]

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class Screen:
    display: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class WindowGeometry:
    x: int
    y: int
    width: int
    height: int

    def inside(self, x: int, y: int, width: int, height: int) -> bool:
        return (self.x >= x and self.y >= y and self.x + self.width <= x + width
                and self.y + self.height <= y + height)  # fmt: skip

    def __str__(self) -> str:
        return f"{self.width}x{self.height}+{self.x}+{self.y}"


@contextlib.contextmanager
def virtual_screen(width: int, height: int, dpi: int | None) -> Iterator[Screen]:
    """Xvfb at `width`x`height`, at `dpi` (None: Xvfb's own default, 100 dpi)."""
    read, write = os.pipe()
    args = ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24",
            "-nolisten", "tcp", "-noreset"]  # fmt: skip
    if dpi:
        args += ["-dpi", str(dpi)]
    server = subprocess.Popen(args, pass_fds=(write,), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    try:
        assert number, "Xvfb did not start"
        yield Screen(f":{number}", width, height)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:  # a server slow to go (a loaded machine) must
            server.kill()  # neither fail the test nor outlive it into the next one
            server.wait(10)


def x_command(screen: Screen, *args: str) -> str:
    env = dict(os.environ, DISPLAY=screen.display)
    return subprocess.run(list(args), env=env, capture_output=True, text=True, timeout=20).stdout


def window_id(screen: Screen) -> str:
    """The main window's X id ("" while there is none)."""
    found = x_command(screen, "xdotool", "search", "--onlyvisible", "--name", "^CrateMatch$")
    found = found.split()
    return found[0] if found else ""


def window_geometry(screen: Screen, window_id: str) -> WindowGeometry:
    """The window's place and size on the screen, as xwininfo reads them from X."""
    info: dict[str, int] = {}
    for line in x_command(screen, "xwininfo", "-id", window_id).splitlines():
        key, _, value = line.strip().partition(":")
        if key in ("Absolute upper-left X", "Absolute upper-left Y", "Width", "Height"):
            info[key] = int(value)
    return WindowGeometry(info["Absolute upper-left X"], info["Absolute upper-left Y"],
                          info["Width"], info["Height"])  # fmt: skip


@contextlib.contextmanager
def launch_window(screen: Screen, home: Path, *args: str) -> Iterator[WindowGeometry]:
    """`python -m ui ARGS` on `screen` with every file under `home`; yields the window's
    geometry once it has settled, and closes it (SIGTERM) afterwards."""
    env = dict(os.environ, DISPLAY=screen.display, HOME=str(home),
               CRATEMATCH_HOME=str(home / "cratematch"))  # fmt: skip
    app = subprocess.Popen([sys.executable, "-m", "ui", *args], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        found = ""
        while not found and time.monotonic() < deadline and app.poll() is None:
            found = window_id(screen)
            time.sleep(0.2)
        assert found, f"no window; the app said: {app.stdout.read() if app.poll() else ''}"
        time.sleep(1.5)  # customtkinter settles the scaled size within a second
        yield window_geometry(screen, found)
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGTERM)
        try:
            app.wait(30)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()
        if app.stdout is not None:
            app.stdout.close()


def set_cardinals(screen: Screen, name: str, values: list[int]) -> None:
    """Set the CARDINAL[] property `name` of the root window, as a window manager sets
    _NET_WORKAREA (xprop cannot set a list)."""
    x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XChangeProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong,
                                    ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                                    ctypes.c_void_p, ctypes.c_int]  # fmt: skip
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x11.XOpenDisplay(screen.display.encode())
    assert display, f"cannot open display {screen.display}"
    try:
        atom = x11.XInternAtom(display, name.encode(), 0)
        data = (ctypes.c_long * len(values))(*values)  # format 32 travels as C longs
        x11.XChangeProperty(display, x11.XDefaultRootWindow(display), atom, 6, 32, 0,
                            ctypes.cast(data, ctypes.c_void_p), len(values))  # fmt: skip
    finally:
        x11.XCloseDisplay(display)  # flushes the request
