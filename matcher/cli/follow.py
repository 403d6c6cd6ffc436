"""Following a run on the engine from a terminal: progress bars per playlist and for the
whole run, Ctrl-C to cancel, and the run's final event.

The first Ctrl-C cancels the run cleanly (what is done is kept, and resumable or
undoable); a second one raises KeyboardInterrupt, which leaves at once.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from matcher.cli.output import EXIT_BAD_INPUT, REBUILD_HINT, one_line
from matcher.cli.progress import Progress, ProgressBars
from matcher.engine.client import Batch
from matcher.engine.events import (
    BatchCancelled,
    BatchFinished,
    BatchStarted,
    EngineError,
    Event,
    PlaylistProgress,
    PlaylistStarted,
)

__all__ = ["failed", "follow"]


def follow(
    batch: Batch,
    *,
    quiet: bool,
    unit: str = "trk",
    on_event: Callable[[Event], None] | None = None,
) -> tuple[BatchFinished | BatchCancelled, EngineError | None, dict[int, str]]:
    """Drain `batch` to its end with progress bars on stderr (on a terminal, unless
    `quiet`); `on_event` sees every event. Returns the final event, the fatal error if
    any, and the playlists' names by id."""
    names: dict[int, str] = {}
    done: dict[int, int] = {}  # per playlist, as its last PlaylistProgress said
    before: dict[int, int] = {}  # per playlist, done by an earlier run (PlaylistStarted)
    total = already = 0
    error: EngineError | None = None
    with (
        _cancel_on_interrupt(batch),
        ProgressBars(enabled=not quiet and sys.stderr.isatty(), unit=unit) as bars,
    ):
        while batch.final is None:
            for event in batch.events(timeout=0.1):
                if on_event is not None:
                    on_event(event)
                if isinstance(event, BatchStarted):
                    total, already = event.total_tracks, event.already_done
                    names = {pid: name for pid, _file, name, _n in event.playlists}
                    bars.start(total, already)
                elif isinstance(event, PlaylistStarted):
                    before[event.playlist_id] = done[event.playlist_id] = event.done
                    bars.playlist(event.name, event.total, event.done)
                elif isinstance(event, PlaylistProgress):
                    done[event.playlist_id] = event.done
                    this_run = sum(n - before.get(pid, 0) for pid, n in done.items())
                    bars.update(Progress(names.get(event.playlist_id, ""), event.done,
                                         event.total, already + this_run, total))  # fmt: skip
                elif isinstance(event, EngineError) and event.fatal:
                    error = event
    assert batch.final is not None
    return batch.final, error, names


def failed(error: EngineError | None, fallback: str) -> int:
    """Say why a run failed, in one line on stderr; the exit code for it."""
    message = error.message if error else fallback
    if error is not None and error.damaged == "journal":
        message += f"; {REBUILD_HINT}"
    print(f"cratematch: error: {one_line(message)}", file=sys.stderr)
    return EXIT_BAD_INPUT


@contextmanager
def _cancel_on_interrupt(batch: Batch) -> Iterator[None]:
    """The first Ctrl-C cancels the batch (and we keep following it to its end); a second
    one raises KeyboardInterrupt, which leaves at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    asked = threading.Event()

    def on_interrupt(signum: int, frame: object) -> None:
        if asked.is_set():
            raise KeyboardInterrupt
        asked.set()
        batch.cancel()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
