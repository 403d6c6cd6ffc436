"""The results tab's footer: how many rows are shown of how many (the tally's count, as
on the cards), a one-line message under it (an export's outcome, a hint), and the four
buttons: Review… and Export… act on the rows shown, so they are off while there are
none; Write tags… and To library ▾ are the window's to turn on and off (write_actions).

The count and the message wrap in the room the buttons leave: at 1280 pixels and 100
dpi, a line with every status counted would push the buttons out of the window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from ui.results_model import STATUSES

__all__ = ["FOOTER_WRAP", "ResultsFooter"]

FOOTER_WRAP = 480  # the footer's labels wrap at this width at most (96 dpi)


class ResultsFooter(ctk.CTkFrame):
    def __init__(
        self,
        master: Any,
        *,
        review: Callable[[], object],
        export: Callable[[], object],
        write_tags: Callable[[], object],
        write_library: Callable[[], object],
    ) -> None:
        super().__init__(master, fg_color="transparent")
        self.grid_columnconfigure(0, weight=1)
        self.count_label = ctk.CTkLabel(self, text="No results yet", anchor="w", justify="left",
                                        wraplength=FOOTER_WRAP)  # fmt: skip
        self.count_label.grid(row=0, column=0, sticky="w")
        self.message_label = ctk.CTkLabel(self, text="", anchor="w", justify="left",
                                          wraplength=FOOTER_WRAP, height=20)  # fmt: skip
        self.review_button = ctk.CTkButton(self, text="Review…", width=92, state="disabled",
                                           command=review)  # fmt: skip
        self.review_button.grid(row=0, column=1, rowspan=2, padx=(12, 6))
        self.export_button = ctk.CTkButton(self, text="Export…", width=92, state="disabled",
                                           command=export)  # fmt: skip
        self.export_button.grid(row=0, column=2, rowspan=2, padx=(0, 6))
        self.write_button = ctk.CTkButton(self, text="Write tags…", width=106, state="disabled",
                                          command=write_tags)  # fmt: skip
        self.write_button.grid(row=0, column=3, rowspan=2)
        self.library_button = ctk.CTkButton(self, text="To library ▾", width=104,
                                            state="disabled", command=write_library)  # fmt: skip
        self.library_button.grid(row=0, column=4, rowspan=2, padx=(6, 0))
        self.bind("<Configure>", lambda e: self._fit(e.width), add="+")

    def say(self, text: str) -> None:
        """A line under the count; "" removes it."""
        self.message_label.configure(text=text)
        if text:
            self.message_label.grid(row=1, column=0, sticky="w")
        else:
            self.message_label.grid_remove()

    def show_count(self, shown: int, counts: Mapping[str, int]) -> None:
        """`shown` rows of the `counts` per status; Review… and Export… need a row."""
        state = "normal" if shown else "disabled"
        for button in (self.review_button, self.export_button):
            if button.cget("state") != state:
                button.configure(state=state)
        total = sum(counts.values())
        if not total:
            self.count_label.configure(text="No results yet")
            return
        parts = " · ".join(f"{counts[s]:,} {s}" for s in STATUSES if counts.get(s))
        self.count_label.configure(text=f"Showing {shown:,} of {total:,}  ({parts})")

    def _fit(self, width: int) -> None:
        """The labels wrap in what the buttons leave of the footer's width."""
        scale = ScalingTracker.get_widget_scaling(self)
        buttons = (self.review_button, self.export_button, self.write_button, self.library_button)
        taken = sum(b.winfo_reqwidth() for b in buttons) + round(30 * scale)
        wrap = max(160, min(FOOTER_WRAP, round((width - taken) / scale)))
        for label in (self.count_label, self.message_label):
            if label.winfo_exists() and label.cget("wraplength") != wrap:
                label.configure(wraplength=wrap)
