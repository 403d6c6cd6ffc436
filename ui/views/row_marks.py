"""Write-back's marks on the results table ("✓ written", "undone", "refused"), applied a
few milliseconds per tick: a write marks thousands of rows at once, and Tk takes about
60 µs to change one, so all at once would freeze the window for a tenth of a second."""

from __future__ import annotations

import time
from collections import deque
from tkinter import ttk

from ui.results_model import ResultsModel, RowKey
from ui.views.after_jobs import AfterJobs

__all__ = ["RowMarks"]

BUDGET_S = 0.008
INTERVAL_MS = 40


class RowMarks:
    def __init__(self, tree: ttk.Treeview, model: ResultsModel, created: set[str]) -> None:
        self._tree = tree
        self._model = model
        self._created = created  # the iids the table has items for
        self._pending: deque[tuple[RowKey, str]] = deque()
        self._jobs = AfterJobs(tree)

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, marks: list[tuple[RowKey, str]]) -> None:
        self._pending.extend(marks)
        if "mark" not in self._jobs:
            self._jobs.schedule("mark", 1, self._tick)

    def _tick(self) -> None:
        deadline = time.perf_counter() + BUDGET_S
        call, tree_w, pending = self._tree.tk.call, self._tree._w, self._pending
        done = 0
        while pending and (done % 16 or time.perf_counter() < deadline):
            done += 1
            row = self._model.mark(*pending.popleft())  # a row not in the table yet gets it
            if row is not None and row.iid in self._created:  # when it is inserted
                call(tree_w, "item", row.iid, "-values", row.values, "-tags", row.tag)
        if pending:
            self._jobs.schedule("mark", INTERVAL_MS, self._tick)

    def cancel(self) -> None:
        self._jobs.cancel_all()
