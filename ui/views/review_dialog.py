"""The review dialog: one entry, its scored candidates and why each won or lost.

It reads the FULL result from the journal (`history.full_result`, every candidate
with its feature scores and penalties; progress events carry only the best) and sends
the user's decision with `controller.review(...)`. The engine saves it, rewrites the
playlist's outputs and answers with ResultEdited, which updates the results table.

Keys: Enter accepts the best candidate, N says "not in the catalog", Escape cancels.
"""

from __future__ import annotations

import contextlib
import tkinter as tk
from tkinter import ttk
from typing import Any

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from matcher import Candidate, CrateMatchError, MatchResult, PlaylistEntry
from ui.theme import REVIEW_NOTICE
from ui.views.table_style import current_mode, style_table

__all__ = [
    "CANDIDATE_COLUMNS",
    "REVIEW_FEATURES",
    "ReviewDialog",
    "candidate_values",
    "entry_fields",
    "shortlist",
    "why_rows",
]

STYLE = "Review.Treeview"
REVIEW_FEATURES = ("title", "artists", "version", "duration", "bpm", "key")
_VERSION_SIGNALS = ("version", "unstated_remix", "unknown_version")
# (key, heading, width, numeric)
_SCORE_HEADINGS = {"duration": "Dur.", "bpm": "BPM"}
CANDIDATE_COLUMNS: tuple[tuple[str, str, int, bool], ...] = (
    ("rank", "#", 30, True),
    ("catalog_id", "Catalog id", 90, False),
    ("artists", "Artists", 120, False),
    ("title", "Title", 140, False),
    ("mix", "Mix", 110, False),
    ("confidence", "Conf.", 56, True),
    *(
        (
            f"score_{f}",
            "≈" + _SCORE_HEADINGS.get(f, f.capitalize()),
            84 if f in ("artists", "version") else 64,
            True,
        )
        for f in REVIEW_FEATURES
    ),
    ("note", "Why it lost", 230, False),
)
MAX_WHY = 8  # penalty rows shown for the selected candidate


def shortlist(result: MatchResult) -> tuple[Candidate, ...]:
    """The candidates best first; the proposed best is included even if not listed."""
    if result.best is not None and result.best not in result.candidates:
        return (result.best, *result.candidates)
    return result.candidates


def _feature(candidate: Candidate, name: str) -> float | None:
    if name == "version":
        return next((candidate.features[s] for s in _VERSION_SIGNALS
                     if s in candidate.features), None)  # fmt: skip
    return candidate.features.get(name)


def candidate_values(rank: int, candidate: Candidate) -> tuple[str, ...]:
    """One candidate-table row: who it is, its confidence, each signal, why it lost."""
    track = candidate.track
    scores = []
    for name in REVIEW_FEATURES:
        value = _feature(candidate, name)
        scores.append("–" if value is None else f"{value:.2f}")
    note = f"guard: {candidate.guard}" if candidate.guard else candidate.note
    return (
        str(rank), track.catalog_id, ", ".join(track.artists), track.title, track.mix,
        f"{candidate.confidence:.2f}", *scores, note,
    )  # fmt: skip


def why_rows(candidate: Candidate) -> list[tuple[str, float]]:
    """The candidate's penalties, largest first; negative ones are support (evidence)."""
    return sorted(candidate.penalties.items(), key=lambda kv: (-kv[1], kv[0]))


def _duration(seconds: float | None) -> str:
    if not seconds:
        return ""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def entry_fields(entry: PlaylistEntry) -> list[tuple[str, str]]:
    """What the playlist said about the entry, as (label, value) pairs."""
    return [
        ("Artist", entry.artist), ("Title", entry.title), ("Mix", entry.mix),
        ("Album", entry.album), ("Duration", _duration(entry.duration_s)),
        ("BPM", _number(entry.bpm)), ("Key", entry.key), ("Location", entry.location),
    ]  # fmt: skip


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
        scale = ScalingTracker.get_window_scaling(self)
        self.geometry(f"{round(1180 * scale)}x{round(660 * scale)}")
        self.minsize(round(760 * scale), round(480 * scale))
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
        title = f"{entry.artist} – {entry.title}" if entry else "No result"
        ctk.CTkLabel(head, text=title, font=ctk.CTkFont(size=16, weight="bold"),
                     anchor="w").grid(row=0, column=0, columnspan=4, sticky="w",
                                      padx=10, pady=(8, 4))  # fmt: skip
        fields = entry_fields(entry) if entry else []
        for n, (label, value) in enumerate(fields):
            row, col = 1 + n % 4, (n // 4) * 2
            ctk.CTkLabel(head, text=label, text_color=("gray40", "gray62"), anchor="w").grid(
                row=row, column=col, sticky="w", padx=(10, 8)
            )
            ctk.CTkLabel(head, text=value or "—", anchor="w", wraplength=380).grid(
                row=row, column=col + 1, sticky="w", padx=(0, 12)
            )
        if self.result is not None:
            r = self.result
            status = f"Now: {r.status} · confidence {r.confidence:.2f} · {r.reason}"
        else:
            status = ""
        self.status_label = ctk.CTkLabel(head, text=status, anchor="w")
        self.status_label.grid(row=5, column=0, columnspan=4, sticky="w", padx=10, pady=(4, 8))
        self.notice_label = ctk.CTkLabel(head, text=notice, anchor="w",
                                         text_color=REVIEW_NOTICE)  # fmt: skip
        self.notice_label.grid(row=6, column=0, columnspan=4, sticky="w", padx=10, pady=(0, 6))
        if not notice:
            self.notice_label.grid_remove()

    def _build_candidates(self) -> None:
        ctk.CTkLabel(self, text="Candidates, best first  (≈ columns: how well each signal"
                     " agrees, 1.00 = the same; – = not known)", anchor="w",
                     font=ctk.CTkFont(weight="bold")).grid(row=1, column=0, sticky="w",
                                                           padx=14)  # fmt: skip
        box = ctk.CTkFrame(self)
        box.grid(row=2, column=0, sticky="nsew", padx=12)
        box.grid_columnconfigure(0, weight=1)
        box.grid_rowconfigure(0, weight=1)
        keys = [c[0] for c in CANDIDATE_COLUMNS]
        self.tree = ttk.Treeview(box, columns=keys, show="headings", style=STYLE,
                                 selectmode="browse", height=6)  # fmt: skip
        self.tree.grid(row=0, column=0, sticky="nsew", padx=(4, 0), pady=4)
        scroll = ctk.CTkScrollbar(box, command=self.tree.yview)
        scroll.grid(row=0, column=1, sticky="ns", pady=4)
        self.tree.configure(yscrollcommand=scroll.set)
        scale = ScalingTracker.get_widget_scaling(self)
        for key, heading, width, numeric in CANDIDATE_COLUMNS:
            anchor = "e" if numeric else "w"
            self.tree.heading(key, text=heading, anchor=anchor)
            self.tree.column(key, width=round(width * scale), minwidth=30, anchor=anchor,
                             stretch=key == "note")  # fmt: skip
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._show_why())
        self.tree.bind("<Double-1>", lambda _e: self.pick_selected())

    def _build_why(self) -> None:
        frame = ctk.CTkFrame(self)
        frame.grid(row=3, column=0, sticky="ew", padx=12, pady=6)
        frame.grid_columnconfigure(2, weight=1)
        self.why_title = ctk.CTkLabel(frame, text="", anchor="w",
                                      font=ctk.CTkFont(weight="bold"))  # fmt: skip
        self.why_title.grid(row=0, column=0, columnspan=3, sticky="w", padx=10, pady=(6, 2))
        self._why: list[tuple[ctk.CTkLabel, ctk.CTkLabel, ctk.CTkProgressBar]] = []
        for n in range(MAX_WHY):
            row, col = 1 + n % 4, (n // 4) * 3
            name = ctk.CTkLabel(frame, text="", anchor="w", width=110)
            value = ctk.CTkLabel(frame, text="", anchor="e", width=48)
            bar = ctk.CTkProgressBar(frame, width=150, height=8)
            name.grid(row=row, column=col, sticky="w", padx=(10, 4))
            value.grid(row=row, column=col + 1, sticky="e", padx=(0, 8))
            bar.grid(row=row, column=col + 2, sticky="w", padx=(0, 16))
            self._why.append((name, value, bar))
        frame.grid_columnconfigure(5, weight=1)

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
            rows: list[tuple[str, float]] = []
        else:
            note = f"guard: {candidate.guard}" if candidate.guard else candidate.note
            self.why_title.configure(
                text=f"Why {candidate.track.catalog_id} scored {candidate.confidence:.2f}"
                f"{f' ({note})' if note else ''}: penalties, largest first"
                " (negative = supporting evidence)"
            )
            rows = why_rows(candidate)
        top = max((v for _n, v in rows), default=0.0)
        for n, (name_label, value_label, bar) in enumerate(self._why):
            if n < len(rows):
                name, value = rows[n]
                name_label.configure(text=name.replace("_", " "))
                value_label.configure(text=f"{value:+.2f}")
                bar.set(max(0.0, value) / top if top > 0 else 0.0)
                bar.grid()
            else:
                name_label.configure(text="")
                value_label.configure(text="")
                bar.grid_remove()

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
