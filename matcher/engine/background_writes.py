"""A finished playlist's outputs, written on a thread while the batch goes on.

Writing a playlist's eight outputs takes a tenth of a second per thousand entries, most of
it the Rekordbox XML. Done on the host's loop it left the workers without chunks that
long at every playlist's end (a batch of many playlists spent a sixth of its time so).
Here one thread writes while the loop keeps dispatching; the loop collects what is done
(`finished`) and does the rest on its own thread: the journal, the metrics, the events.

Only writes that need nothing but what they were handed go here: a write that streams
results from the journal stays on the loop's thread, which owns the journal's
connection (`PlaylistRun.memory_writer` says which is which).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["BackgroundWrites", "Written"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Written(Generic[T]):
    """One write that ended: its key, what it returned or the error it raised, and how
    long it took."""

    key: int
    value: T | None
    error: BaseException | None
    seconds: float


class BackgroundWrites(Generic[T]):
    """Writes by key (a playlist id), one at a time, in the order they were started."""

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None
        self._running: dict[int, Future[tuple[T, float]]] = {}

    def start(self, key: int, write: Callable[[], T]) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="cratematch-outputs")
        self._running[key] = self._executor.submit(_timed, write)

    def busy(self, key: int | None = None) -> bool:
        """Whether the write of `key` (None: any write) has not been collected yet."""
        return bool(self._running) if key is None else key in self._running

    def finished(self, wait: bool = False) -> list[Written[T]]:
        """The writes that have ended, in the order they started (all of them, once
        ended, with `wait`); each is collected once."""
        out: list[Written[T]] = []
        for key, future in list(self._running.items()):
            if not wait and not future.done():
                break  # one thread: a later write cannot have ended before this one
            del self._running[key]
            try:
                value, seconds = future.result()
            except BaseException as err:  # noqa: BLE001 - handed to the loop to raise
                out.append(Written(key, None, err, 0.0))
            else:
                out.append(Written(key, value, None, seconds))
        return out

    def close(self) -> None:
        """Wait for the writes still running, drop their results, stop the thread."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        self._running.clear()


def _timed(write: Callable[[], T]) -> tuple[T, float]:
    t0 = time.perf_counter()
    value = write()
    return value, time.perf_counter() - t0
