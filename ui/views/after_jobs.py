"""Timers for the views that stream rows: named after() jobs, at most one pending per
name, and scrollbars that redraw at most every so often."""

from __future__ import annotations

import time
import tkinter as tk
from collections.abc import Callable

import customtkinter as ctk

__all__ = ["AfterJobs", "ThrottledScroll"]


class AfterJobs:
    """A widget's pending after() jobs by name; `cancel_all` when the widget goes."""

    def __init__(self, widget: tk.Misc) -> None:
        self._widget = widget
        self._jobs: dict[str, str] = {}

    def __contains__(self, name: str) -> bool:
        return name in self._jobs

    def schedule(self, name: str, delay_ms: int, action: Callable[[], object]) -> None:
        """Run `action()` in `delay_ms`, instead of a job of that name not yet run."""
        self.cancel(name)

        def run() -> None:
            self._jobs.pop(name, None)
            action()

        self._jobs[name] = self._widget.after(delay_ms, run)

    def cancel(self, name: str) -> None:
        job = self._jobs.pop(name, None)
        if job is not None:
            self._widget.after_cancel(job)

    def cancel_all(self) -> None:
        for name in list(self._jobs):
            self.cancel(name)


class ThrottledScroll:
    """A scroll command for a Treeview: a CTkScrollbar redraws itself on every `set` (a
    few ms), and while rows stream in that is every tick, so the latest position is
    applied at most every `interval_ms`, at once when it has been quiet."""

    def __init__(self, jobs: AfterJobs, scrollbar: ctk.CTkScrollbar, interval_ms: int) -> None:
        self._jobs = jobs
        self._scrollbar = scrollbar
        self._interval_ms = interval_ms
        self._name = f"scroll-{id(self)}"
        self._fractions: tuple[str, ...] = ()
        self._set_at = 0.0

    def __call__(self, *fractions: str) -> None:
        self._fractions = fractions
        if self._name in self._jobs:
            return
        if time.perf_counter() - self._set_at >= self._interval_ms / 1000:
            self._apply()
        else:
            self._jobs.schedule(self._name, self._interval_ms, self._apply)

    def _apply(self) -> None:
        self._set_at = time.perf_counter()
        self._scrollbar.set(*self._fractions)
