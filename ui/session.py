"""What the controller's parts share: the settings, the queue model and the tally of
results it counts with, the notices, the clock, and the way back to the Tk thread. No Tk
here.

    reader / repair threads ── post(fn) ──▶ EventPump inbox ──▶ fn() on the Tk thread
    parts (intake, history, repair, batch control) ── changed() ──▶ watch() callbacks

Everything here is touched on the Tk thread only. A part that works off the Tk thread
starts its thread with `spawn` and hands every outcome to `post`; the thread itself never
touches the model, the notices or the settings.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ui.queue_model import QueueModel
from ui.settings import Settings, TokenStore
from ui.tally import Tally

__all__ = ["MAX_NOTICES", "Post", "Session"]

MAX_NOTICES = 4

Post = Callable[[Callable[[], None]], None]


class Session:
    def __init__(
        self,
        settings: Settings,
        *,
        post: Post,
        tokens: TokenStore | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.tokens = tokens or TokenStore()
        self.tally = Tally()  # the one count of results: cards, status bar, dashboard, footer
        self.model = QueueModel(self.tally)
        self.notices: list[str] = []
        self.clock = clock
        self.post = post  # run a function on the Tk thread (the pump's call_soon)
        self.threads: list[threading.Thread] = []  # reader and repair threads
        self._listeners: list[Callable[[], None]] = []

    def watch(self, callback: Callable[[], None]) -> None:
        """Call `callback()` after anything the views show has changed."""
        self._listeners.append(callback)

    def changed(self) -> None:
        for callback in list(self._listeners):
            callback()

    def notice(self, text: str) -> None:
        """Show `text` (last); said again, it moves to the end rather than repeating (a
        batch that fails the same way twice is one line)."""
        kept = [n for n in self.notices if n != text]
        self.notices = [*kept, text][-MAX_NOTICES:]
        self.changed()

    def withdraw(self, text: str) -> None:
        """Take back a notice that is no longer true (nothing when it is not shown)."""
        if text in self.notices:
            self.notices = [n for n in self.notices if n != text]
            self.changed()

    def dismiss_notices(self) -> None:
        self.notices = []
        self.changed()

    def spawn(self, target: Callable[..., None], *args: object, name: str) -> None:
        """Run `target(*args)` on a daemon thread, remembered in `threads` (tests join
        them); it must hand its outcome to `post`, never touch the model itself."""
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self.threads = [t for t in self.threads if t.is_alive()] + [thread]
        thread.start()
