"""`cratematch-gui [FILE...] [--catalog FILE] [--provider NAME] [--out DIR] [--start]` and
`python -m ui`.

Kept thin on purpose: the engine's processes are spawned, and a spawned process
re-imports this module, so the window's imports live inside `main()`.

Without a display (no DISPLAY on Linux, or one Tk cannot reach) it prints one line and
exits 2, never a Tcl traceback.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Sequence

EXIT_NO_DISPLAY = 2


def _no_display() -> str:
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")) and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return "no display (DISPLAY is not set)"
    return ""


def _cannot_open(why: object) -> int:
    reason = " ".join(str(why).split()) or type(why).__name__
    print(f"cratematch-gui: cannot open the window: {reason}", file=sys.stderr)
    return EXIT_NO_DISPLAY


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()
    import tkinter

    from ui.app import build_app, parse_options

    options = parse_options(argv)  # --help and bad options need no display
    if problem := _no_display():
        return _cannot_open(problem)
    try:
        app = build_app(options)
    except tkinter.TclError as err:  # a display Tk cannot reach: "couldn't connect to ..."
        return _cannot_open(err)
    # The window's ~85,000 long-lived objects (widgets, matplotlib) would be walked by every
    # full garbage collection, stalling the main loop 40-200 ms: move them out of its way.
    gc.collect()
    gc.freeze()
    for name in ("SIGTERM", "SIGHUP"):  # logout or `kill`: close as the close button would
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: app.root.after_idle(app.terminate))
    app.run()
    return 0


if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
