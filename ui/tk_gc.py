"""Tk objects and the garbage collector: everything Tk is freed on the Tk thread.

Python's garbage collector runs in whichever thread happens to allocate. A Tk object
caught in a reference cycle (a closed dialog, a redrawn chart, an old window) can then
be finalised on a background thread (the one reading playlists, a queue's feeder), where
its `__del__` calls into Tcl: "main thread is not in main loop", or worse, a call that
waits forever for an interpreter whose loop no longer runs. So the window:

- turns automatic collection off and collects from its event pump instead
  (`collect_if_due`, on the Tk thread, with the interpreter's own thresholds; full
  collections wait for a quiet moment);
- keeps `tkinter.Image.__del__` safe anyway (`install`): an image finalised off the Tk
  thread is only noted, and `flush` deletes it on the Tk thread.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import tkinter
from typing import Any

__all__ = ["collect_if_due", "flush", "install", "pending", "take_over_collection"]

_pending: list[tuple[Any, str]] = []
_lock = threading.Lock()


def install() -> None:
    """Patch `tkinter.Image.__del__` once (idempotent)."""
    original = tkinter.Image.__del__
    if getattr(original, "_thread_safe", False):
        return

    def __del__(self: tkinter.Image) -> None:
        if threading.current_thread() is threading.main_thread():
            original(self)
            return
        name, tk = getattr(self, "name", None), getattr(self, "tk", None)
        if name and tk is not None:
            with _lock:
                _pending.append((tk, name))
            self.name = None

    __del__._thread_safe = True  # type: ignore[attr-defined]
    tkinter.Image.__del__ = __del__  # type: ignore[method-assign]


def take_over_collection() -> None:
    """Collect only from the Tk thread from now on (see `collect_if_due`)."""
    install()
    gc.disable()


def collect_if_due(full_allowed: bool = True) -> int:
    """What automatic collection would have done by now, done here on the Tk thread;
    returns the generation collected, or -1. With `full_allowed` False a due full
    collection waits (it walks every object: ~90 ms with 100,000 result rows, a visible
    stall while a batch streams in); the young generations are still collected."""
    if gc.isenabled():
        return -1
    c0, c1, c2 = gc.get_count()
    t0, t1, t2 = gc.get_threshold()
    if c0 < t0:
        return -1
    generation = 2 if c1 >= t1 and c2 >= t2 and full_allowed else 1 if c1 >= t1 else 0
    gc.collect(generation)
    return generation


def flush() -> int:
    """Delete the images finalised off the Tk thread (call on the Tk thread)."""
    with _lock:
        items = _pending[:]
        _pending.clear()
    for tk, name in items:
        with contextlib.suppress(tkinter.TclError, RuntimeError):  # its interpreter is gone
            tk.call("image", "delete", name)
    return len(items)


def pending() -> int:
    with _lock:
        return len(_pending)
