"""The results tab's toolbar: which rows to show, by status, minimum confidence and a
search. Each change sets the results model's filter and asks the table to lay its rows
out again; typing and sliding settle for a moment first, so a 10,000-row table is not
re-filtered on every key."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import replace

import customtkinter as ctk

from ui.results_model import ALL, STATUSES, ResultsModel, RowFilter
from ui.review_model import percent
from ui.views.after_jobs import AfterJobs

__all__ = ["TYPING_DELAY_MS", "FilterBar"]

TYPING_DELAY_MS = 150  # search and slider changes settle before re-filtering
_STATUS_LABELS = {"All": ALL, **{s.capitalize(): s for s in STATUSES}}


class FilterBar(ctk.CTkFrame):
    """[All|Matched|Review|Unmatched|Error]  Min. confidence ──●── 0 %  [Search (Ctrl+F)]"""

    def __init__(
        self, master: ctk.CTkBaseClass, model: ResultsModel, on_change: Callable[[], None]
    ) -> None:
        super().__init__(master, fg_color="transparent")
        self.model = model
        self.on_change = on_change  # the table re-lays out its rows
        self._jobs = AfterJobs(self)
        self.grid_columnconfigure(4, weight=1)
        self.status_filter = ctk.CTkSegmentedButton(
            self, values=list(_STATUS_LABELS), command=self._on_status_choice
        )
        self.status_filter.set("All")
        self.status_filter.grid(row=0, column=0, padx=(0, 12))
        ctk.CTkLabel(self, text="Min. confidence").grid(row=0, column=1, padx=(0, 6))
        self.confidence_slider = ctk.CTkSlider(
            self, from_=0, to=1, number_of_steps=20, width=130, command=self._on_slider
        )
        self.confidence_slider.set(0)
        self.confidence_slider.grid(row=0, column=2)
        self.confidence_label = ctk.CTkLabel(self, text=percent(0.0), width=48)
        self.confidence_label.grid(row=0, column=3, padx=(4, 12))
        self.search_entry = ctk.CTkEntry(self, placeholder_text="Search (Ctrl+F)")
        self.search_entry.grid(row=0, column=4, sticky="ew")
        self.search_entry.bind("<KeyRelease>", self._on_search_key)
        self.search_entry.bind("<Escape>", lambda _e: self.set_search(""))

    def set_status(self, status: str) -> None:
        self.model.filter = replace(self.model.filter, status=status)
        label = next((k for k, v in _STATUS_LABELS.items() if v == status), "All")
        if self.status_filter.get() != label:
            self.status_filter.set(label)
        self.on_change()

    def set_min_confidence(self, value: float) -> None:
        value = round(max(0.0, min(1.0, value)), 2)
        self.model.filter = replace(self.model.filter, min_confidence=value)
        self.confidence_label.configure(text=percent(value))
        if abs(self.confidence_slider.get() - value) > 1e-6:
            self.confidence_slider.set(value)
        self.on_change()

    def set_search(self, text: str) -> None:
        if self.search_entry.get() != text:
            self.search_entry.delete(0, "end")
            if text:
                self.search_entry.insert(0, text)
        self.model.filter = replace(self.model.filter, text=text)
        self.on_change()

    def clear(self) -> None:
        """Show every row again: all statuses, any confidence, no search (one re-layout)."""
        self.model.filter = RowFilter()
        self.status_filter.set("All")
        self.confidence_slider.set(0)
        self.confidence_label.configure(text=percent(0.0))
        self.search_entry.delete(0, "end")
        self._jobs.cancel_all()
        self.on_change()

    def focus_search(self) -> None:
        self.search_entry.focus_set()
        self.search_entry.select_range(0, "end")

    def _on_status_choice(self, label: str) -> None:
        self.set_status(_STATUS_LABELS.get(label, ALL))

    def _on_slider(self, value: float) -> None:
        self.confidence_label.configure(text=percent(value))
        self._jobs.schedule("slider", TYPING_DELAY_MS, lambda: self.set_min_confidence(value))

    def _on_search_key(self, _event: tk.Event) -> None:
        self._jobs.schedule("search", TYPING_DELAY_MS,
                            lambda: self.set_search(self.search_entry.get()))  # fmt: skip

    def destroy(self) -> None:
        self._jobs.cancel_all()
        super().destroy()
