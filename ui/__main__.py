"""`cratematch-gui [FILE...] [--catalog FILE] [--provider NAME] [--out DIR] [--start]` and
`python -m ui`.

Kept thin on purpose: the engine's processes are spawned, and a spawned process
re-imports this module, so the window's imports live inside `main()`.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()
    from ui.app import build_app, parse_options

    app = build_app(parse_options(argv))
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
