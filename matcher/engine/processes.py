"""How an engine process starts, lives and ends: the spawn targets, and what the host and
the workers share about their lives (following the parent, priority, a quick exit).

The targets are here, not beside the code they run, so that the process which spawns
them need not import that code: the command line starts the host and the host starts
the workers without loading the matching stack themselves (a tenth of a second each,
on the way to the first result). The spawned process imports what it runs.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
import time
from typing import Any, NoReturn

__all__ = [
    "BACKGROUND_NICE",
    "COLLECT_EVERY",
    "NO_PROVIDER",
    "HostThread",
    "calm_collector",
    "exit_with_parent",
    "host_process",
    "lower_priority",
    "quick_exit",
    "worker_process",
]

NO_PROVIDER = "none"  # a pool for file runs only: no catalog to open


def worker_process(*args: Any) -> None:
    """The workers' spawn target: `worker.worker_main`, then a quick exit once it has
    returned (a worker that fails on a bug exits the usual way, its traceback printed)."""
    from matcher.engine.worker import worker_main

    calm_collector()
    worker_main(*args)
    quick_exit()


def host_process(*args: Any) -> None:
    """The engine host's spawn target: `host.host_main` (which ends with a quick exit)."""
    from matcher.engine.host import host_main

    host_main(*args)


class HostThread(threading.Thread):
    """The engine host on a thread of the caller's own process (`Engine(in_process=True)`),
    for a caller with nothing else to do while a batch runs: the command line. It is
    spared a process start, a second copy of the imports and the pickling of every
    event, on the way to the first result and after the last. The loop is the host
    process's; the face it shows the caller is a process's (`is_alive`, `join`,
    `exitcode`)."""

    def __init__(self, commands: Any, events: Any, config: Any, results: bool) -> None:
        super().__init__(name="cratematch-engine", daemon=True)
        self._host_args = (commands, events, os.getpid(), config, results)
        self.exitcode: int | None = None  # as a process's: None while it runs

    def run(self) -> None:
        from matcher.engine.host import host_main

        # the host sets the collector for the whole process (calm_collector): the caller's
        # settings are put back when it ends
        threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
        try:
            host_main(*self._host_args, own_process=False)
        except BaseException:
            self.exitcode = 1
            raise  # printed by threading's hook, as a process prints its own
        finally:
            gc.set_threshold(*threshold)
            if not frozen:
                gc.unfreeze()
        self.exitcode = 0


# Allocations between two collections of the youngest generation (Python's default: 700).
COLLECT_EVERY = 50_000


def calm_collector() -> None:
    """Set the cycle collector for an engine process, once its modules are imported.

    An engine process makes millions of short-lived objects (a worker's readings and
    candidates, the host's results and XML) and keeps tens of thousands of long-lived
    ones (the matcher's caches, a batch's results). At the default threshold the
    collector ran every few entries and its older passes walked those again: 5-6 % of a
    worker's matching time. The imported modules are frozen out of every pass, and the
    youngest generation is collected every COLLECT_EVERY allocations; the engine makes
    few cycles, so what waits for a pass stays small."""
    gc.freeze()
    gc.set_threshold(COLLECT_EVERY, *gc.get_threshold()[1:])


def exit_with_parent(parent_pid: int, interval_s: float = 0.2) -> None:
    """Exit this process soon after its parent dies (kill -9 included): a daemon thread
    watches the parent pid. Orphans would otherwise keep a batch's files open."""

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(0)
            time.sleep(interval_s)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def quick_exit(code: int = 0) -> NoReturn:
    """End a process that has closed what it owns (catalog, caches, journals, pipes)
    without the interpreter's teardown: freeing a matching worker's caches takes a
    quarter of a second, and the end of every batch run from the CLI waited for it."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream
                stream.flush()
    os._exit(code)


BACKGROUND_NICE = 10


def lower_priority() -> None:
    """Let the interactive process (the window) win the CPU over matching work."""
    try:
        if sys.platform == "win32":
            import ctypes

            below_normal = 0x4000
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), below_normal)
        elif os.getpriority(os.PRIO_PROCESS, 0) < BACKGROUND_NICE:  # set, not added:
            os.setpriority(os.PRIO_PROCESS, 0, BACKGROUND_NICE)  # workers inherit the host's
    except (OSError, AttributeError):
        pass  # not allowed or not available: run at normal priority
