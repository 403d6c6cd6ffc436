"""The review dialog: one entry, its candidates, how sure CrateMatch is of each and why,
and the four decisions (ui/review_model.py words it all).

It reads the FULL result from the journal (`history.full_result`, every candidate
with its clues; progress events carry only the best) and sends the user's decision with
`controller.review(...)`. The engine saves it, rewrites the playlist's outputs and
answers with ResultEdited, which updates the results table.

Keys: Enter accepts the best candidate, N says "not in the catalog", Escape cancels.
"""

from __future__ import annotations

import contextlib
import tkinter as tk
from tkinter import ttk
from typing import Any

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from matcher import Candidate, CrateMatchError, MatchResult
from ui.review_model import (
    CANDIDATE_COLUMNS,
    candidate_values,
    entry_fields,
    entry_heading,
    shortlist,
    status_line,
    why_rows,
    why_title,
)
from ui.theme import CHART_MATCH, REVIEW_NOTICE, WARN
from ui.views.table_style import current_mode, style_table
from ui.window_fit import logical_size

__all__ = ["ReviewDialog"]

STYLE = "Review.Treeview"
WHY_ROWS = 4  # the "why" panel's clues fill two columns of at least this many rows
HEADING_PAD = 16  # a column's width beyond its heading's text (the heading's padding)
SIZE = (1180, 660)  # at 96 dpi; less on a smaller screen
SCREEN_ROOM = (16, 64)  # left around the dialog on a small screen: borders, title bar


class ReviewDialog(ctk.CTkToplevel):
    def __init__(
        self,
        master: Any,
        history: Any,
        controller: Any,
        batch_id: str,
        playlist_id: int,
        entry_index: int,
        *,
        fallback: MatchResult | None = None,
    ) -> None:
        super().__init__(master)
        self.history = history  # full_result(batch_id, playlist_id, entry_index): ui.history
        self.controller = controller  # review(batch_id, ..., catalog_id): ui.controller
        self.key = (batch_id, playlist_id, entry_index)
        self.result, notice = self._load(fallback)
        self.candidates = shortlist(self.result) if self.result else ()
        self.title("Review match")
        self._fit_screen()
        self.grid_columnconfigure(0, weight=1)
        self.grid_rowconfigure(2, weight=1)
        self._build_header(notice)
        self._build_candidates()
        self._build_why()
        self._build_buttons()
        self._apply_style()
        self._fill()
        self.bind("<Return>", lambda _e: self.accept())
        self.bind("<KP_Enter>", lambda _e: self.accept())
        self.bind("<Escape>", lambda _e: self.cancel())
        self.bind("<n>", lambda _e: self.no_match())
        self.bind("<N>", lambda _e: self.no_match())
        self.protocol("WM_DELETE_WINDOW", self.cancel)
        if isinstance(master, tk.Wm):
            self.transient(master)
        self.after(50, self._take_focus)

    def _fit_screen(self) -> None:
        """1180x660 (scaled), or what the screen has room for: never off its edges."""
        scale = ScalingTracker.get_window_scaling(self)
        width = min(round(SIZE[0] * scale), self.winfo_screenwidth() - SCREEN_ROOM[0])
        height = min(round(SIZE[1] * scale), self.winfo_screenheight() - SCREEN_ROOM[1])
        self.geometry(f"{logical_size(width, scale, False)}x{logical_size(height, scale, False)}")
        self.minsize(min(760, logical_size(width, scale, False)),
                     min(480, logical_size(height, scale, False)))  # fmt: skip

    def _load(self, fallback: MatchResult | None) -> tuple[MatchResult | None, str]:
        try:
            full = self.history.full_result(*self.key)
        except CrateMatchError as err:
            full, problem = None, str(err)
        else:
            problem = ""
        if full is not None:
            return full, ""
        if fallback is not None:
            return fallback, problem or "Only the best candidate is known (not in the journal)."
        return None, problem or "There is no result for this entry yet."

    # -- layout --------------------------------------------------------------------

    def _build_header(self, notice: str) -> None:
        head = ctk.CTkFrame(self)
        head.grid(row=0, column=0, sticky="ew", padx=12, pady=(12, 6))
        head.grid_columnconfigure((1, 3), weight=1)
        entry = self.result.entry if self.result else None
        title = entry_heading(entry) if entry else "No result"
        self.heading = ctk.CTkLabel(head, text=title, font=ctk.CTkFont(size=16, weight="bold"),
                                    anchor="w")  # fmt: skip
        self.heading.grid(row=0, column=0, columnspan=4, sticky="w", padx=10, pady=(8, 4))
        fields = entry_fields(entry) if entry else []
        for n, (label, value) in enumerate(fields):
            row, col = 1 + n % 4, (n // 4) * 2
            ctk.CTkLabel(head, text=label, text_color=("gray40", "gray62"), anchor="w").grid(
                row=row, column=col, sticky="w", padx=(10, 8)
            )
            ctk.CTkLabel(head, text=value or "—", anchor="w", justify="left", wraplength=380).grid(
                row=row, column=col + 1, sticky="w", padx=(0, 12)
            )
        status = status_line(self.result) if self.result is not None else ""
        self.status_label = ctk.CTkLabel(head, text=status, anchor="w")
        self.status_label.grid(row=5, column=0, columnspan=4, sticky="w", padx=10, pady=(4, 8))
        self.notice_label = ctk.CTkLabel(head, text=notice, anchor="w",
                                         text_color=REVIEW_NOTICE)  # fmt: skip
        self.notice_label.grid(row=6, column=0, columnspan=4, sticky="w", padx=10, pady=(0, 6))
        if not notice:
            self.notice_label.grid_remove()

    def _build_candidates(self) -> None:
        ctk.CTkLabel(self, text="Candidates, best first  (≈ columns: how well each clue agrees"
                     " with the entry: 100 % = the same, – = not known)", anchor="w",
                     font=ctk.CTkFont(weight="bold")).grid(row=1, column=0, sticky="w",
                                                           padx=14)  # fmt: skip
        box = ctk.CTkFrame(self)
        box.grid(row=2, column=0, sticky="nsew", padx=12)
        box.grid_columnconfigure(0, weight=1)
        box.grid_rowconfigure(0, weight=1)
        keys = [c[0] for c in CANDIDATE_COLUMNS]
        style_table(self, STYLE, current_mode())  # now: the headings' font sizes the columns
        self.tree = ttk.Treeview(box, columns=keys, show="headings", style=STYLE,
                                 selectmode="browse", height=6)  # fmt: skip
        self.tree.grid(row=0, column=0, sticky="nsew", padx=(4, 0), pady=4)
        scroll = ctk.CTkScrollbar(box, command=self.tree.yview)
        scroll.grid(row=0, column=1, sticky="ns", pady=4)
        self.tree.configure(yscrollcommand=scroll.set)
        scale = ScalingTracker.get_widget_scaling(self)
        heading_font = ttk.Style(self).lookup(f"{STYLE}.Heading", "font") or "TkHeadingFont"
        for key, heading, width, numeric in CANDIDATE_COLUMNS:
            anchor = "e" if numeric else "w"
            self.tree.heading(key, text=heading, anchor=anchor)
            # never narrower than its heading ("≈Version" in a bold font at this DPI)
            text = int(self.tree.tk.call("font", "measure", heading_font, heading))
            width = max(round(width * scale), text + round(HEADING_PAD * scale))
            self.tree.column(key, width=width, minwidth=30, anchor=anchor,
                             stretch=key == "note")  # fmt: skip
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._show_why())
        self.tree.bind("<Double-1>", lambda _e: self.pick_selected())

    def _build_why(self) -> None:
        frame = ctk.CTkFrame(self)
        frame.grid(row=3, column=0, sticky="ew", padx=12, pady=6)
        self.why_title = ctk.CTkLabel(frame, text="", anchor="w",
                                      font=ctk.CTkFont(weight="bold"))  # fmt: skip
        self.why_title.grid(row=0, column=0, columnspan=6, sticky="w", padx=10, pady=(6, 2))
        self.why_frame = frame
        self._why: list[tuple[ctk.CTkLabel, ctk.CTkLabel, ctk.CTkProgressBar]] = []
        frame.grid_columnconfigure(5, weight=1)

    def _why_slots(self, count: int) -> None:
        """Room for `count` clues, every one of them (the panel grows; the candidates
        table gives up the height): two columns, filled top to bottom."""
        frame = self.why_frame
        while len(self._why) < count:
            self._why.append((ctk.CTkLabel(frame, text="", anchor="w"),
                              ctk.CTkLabel(frame, text="", anchor="w"),
                              ctk.CTkProgressBar(frame, width=90, height=8)))  # fmt: skip
        per_column = max(WHY_ROWS, -(-count // 2))
        for n, (name, effect, bar) in enumerate(self._why):
            if n >= count:
                for widget in (name, effect, bar):
                    widget.grid_remove()
                continue
            row, col = 1 + n % per_column, (n // per_column) * 3
            name.grid(row=row, column=col, sticky="w", padx=(10, 8))
            effect.grid(row=row, column=col + 1, sticky="w", padx=(0, 8))
            bar.grid(row=row, column=col + 2, sticky="w", padx=(0, 24))

    def _build_buttons(self) -> None:
        bar = ctk.CTkFrame(self, fg_color="transparent")
        bar.grid(row=4, column=0, sticky="ew", padx=12, pady=(0, 12))
        bar.grid_columnconfigure(0, weight=1)
        ctk.CTkLabel(bar, text="Enter: accept · N: no match · Esc: cancel",
                     text_color=("gray40", "gray62"), anchor="w").grid(row=0, column=0,
                                                                       sticky="w")  # fmt: skip
        self.accept_button = ctk.CTkButton(bar, text="Accept best", width=120,
                                           command=self.accept)  # fmt: skip
        self.pick_button = ctk.CTkButton(bar, text="Pick selected", width=120,
                                         command=self.pick_selected)  # fmt: skip
        self.no_match_button = ctk.CTkButton(bar, text="No match", width=100,
                                             command=self.no_match)  # fmt: skip
        self.cancel_button = ctk.CTkButton(bar, text="Cancel", width=90, fg_color="transparent",
                                           border_width=1, text_color=("gray10", "gray90"),
                                           command=self.cancel)  # fmt: skip
        buttons = (self.accept_button, self.pick_button, self.no_match_button, self.cancel_button)
        for n, button in enumerate(buttons, start=1):
            button.grid(row=0, column=n, padx=(6, 0))
        if not self.candidates:
            self.accept_button.configure(state="disabled")
            self.pick_button.configure(state="disabled")
        if self.result is None:
            self.no_match_button.configure(state="disabled")

    def _apply_style(self) -> None:
        colours = style_table(self, STYLE, current_mode())
        self.tree.tag_configure("guarded", foreground=colours.muted)

    def _set_appearance_mode(self, mode_string: str) -> None:
        super()._set_appearance_mode(mode_string)
        self._apply_style()

    def _fill(self) -> None:
        for rank, candidate in enumerate(self.candidates, start=1):
            tags = ("guarded",) if candidate.guard else ()
            self.tree.insert("", "end", iid=str(rank - 1), values=candidate_values(rank, candidate),
                             tags=tags)  # fmt: skip
        if self.candidates:
            self.tree.selection_set("0")
            self.tree.focus("0")
        self._show_why()

    def _show_why(self) -> None:
        candidate = self.selected_candidate()
        if candidate is None:
            self.why_title.configure(text="No candidate selected")
            rows = []
        else:
            rows = why_rows(candidate)
            self.why_title.configure(text=why_title(candidate, rows))
        self._why_slots(len(rows))
        top = max((abs(w.value) for w in rows), default=0.0)
        pick = 1 if current_mode() == "dark" else 0
        for why, (name_label, effect_label, bar) in zip(rows, self._why, strict=False):
            name_label.configure(text=why.label)
            effect_label.configure(text=why.effect)
            bar.configure(progress_color=WARN[pick] if why.against else CHART_MATCH[pick])
            bar.set(abs(why.value) / top if top > 0 else 0.0)

    def _take_focus(self) -> None:
        if not self.winfo_exists():
            return
        self.lift()
        self.tree.focus_set()
        with contextlib.suppress(tk.TclError):  # not viewable yet (no window manager)
            self.grab_set()

    # -- decisions -----------------------------------------------------------------

    def selected_candidate(self) -> Candidate | None:
        selection = self.tree.selection()
        return self.candidates[int(selection[0])] if selection else None

    def accept(self) -> None:
        """The proposed best (the first candidate when none was proposed)."""
        if self.result is None or not self.candidates:
            return
        best = self.result.best or self.candidates[0]
        self._decide(best.track.catalog_id)

    def pick_selected(self) -> None:
        candidate = self.selected_candidate()
        if candidate is not None:
            self._decide(candidate.track.catalog_id)

    def no_match(self) -> None:
        if self.result is not None:
            self._decide(None)

    def _decide(self, catalog_id: str | None) -> None:
        self.controller.review(*self.key, catalog_id)
        self.destroy()

    def cancel(self) -> None:
        self.destroy()

    def destroy(self) -> None:
        with contextlib.suppress(tk.TclError):
            self.grab_release()
        super().destroy()
