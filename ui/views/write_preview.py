"""The preview in the "Write tags" dialog: the options, what they would change (counts,
then one table row per field of each file), refused files in red.

    Fields    [x] Genre [x] Label [x] Key [x] BPM [x] Year [x] Remixers [x] Mix …
    Existing  (•) Fill empty fields only   ( ) Overwrite values that differ
    Key       [Am (musical) | 8A (Camelot) | 1m (Open Key)]   [ ] Include review rows
    21 files to change (168 fields) · 5 refused
    Fields: Genre 20, Label 21 … / Refused: damaged (empty file) (1) …
    ┌ File ─────────── Field ── Now ──────── New ──────── Why ──────────────────┐

It only renders the controller's preview (ui/write_model.py). An option sends new
WriteOptions to `writes.set_options`; re-planning runs a slice per `after` tick and the
table fills a few hundred rows per tick, so 10,000 files never stall the window.

A write into a DJ library shows its library first (the path read, and Choose… for
another one), only the fields that library keeps (none for a Serato crate), and under
the counts the playlist it adds and the backup it makes.
"""

from __future__ import annotations

import time
import tkinter as tk
from collections.abc import Callable
from typing import Any

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from matcher import KEY_NOTATIONS, WRITE_FIELDS, WriteOptions
from ui.theme import GAP, MUTED, PANEL, SECONDARY, font
from ui.views.after_jobs import AfterJobs
from ui.views.table_style import current_mode, make_table, style_table
from ui.write_model import (
    FIELD_LABELS,
    NOTATION_LABELS,
    TAGS,
    PreviewRow,
    WritePreview,
    fields_of,
    library_lines,
)

__all__ = ["PREVIEW_COLUMNS", "PreviewPanel"]

STYLE = "WritePreview.Treeview"
PREVIEW_COLUMNS = (("file", "File", 250), ("field", "Field", 84), ("now", "Now", 170),
                   ("new", "New", 170), ("why", "Why", 180))  # fmt: skip
FILL_BUDGET_S = 0.008  # table rows inserted per tick stay under this
_OVERWRITE = "overwrite"
_POLICY = {"fill": "Fill empty fields only", _OVERWRITE: "Overwrite values that differ"}
OUTDATED = ("Your review changed the results after this preview was read: it is read "
            "again before anything is written.")  # fmt: skip


class PreviewPanel(ctk.CTkFrame):
    def __init__(
        self, master: Any, writes: Any, choose_library: Callable[[], object] = lambda: None
    ) -> None:
        super().__init__(master, fg_color="transparent")
        self.writes = writes  # preview, set_options: ui.writes.Writes
        self.choose_library = choose_library  # the dialog asks for another library
        self._target: str | None = None  # the target the options are laid out for
        self._jobs = AfterJobs(self)
        self._shown: tuple[object, ...] | None = None  # what the table was filled from
        self._pending: list[PreviewRow] = []
        self.grid_columnconfigure(0, weight=1)
        self.grid_rowconfigure(3, weight=1)
        self._build_options()
        self.headline = ctk.CTkLabel(
            self, text="", font=font("body", "bold"), anchor="w", justify="left", wraplength=900
        )  # a long crate name wraps
        self.headline.grid(row=1, column=0, sticky="ew", pady=(GAP, 0))
        self.details = ctk.CTkLabel(self, text="", font=font("small"), text_color=MUTED,
                                    anchor="w", justify="left", wraplength=900)  # fmt: skip
        self.details.grid(row=2, column=0, sticky="ew", pady=(0, GAP // 2))
        box, self.tree = make_table(self, STYLE, PREVIEW_COLUMNS, height=8, stretch="why")
        box.grid(row=3, column=0, sticky="nsew")
        self.note = ctk.CTkLabel(self, text="", font=font("small"), text_color=MUTED, anchor="w")
        self.note.grid(row=4, column=0, sticky="ew")
        self.bind("<Configure>", self._rewrap, add="+")
        self._apply_style()

    # -- layout ----------------------------------------------------------------------

    def _build_options(self) -> None:
        box = ctk.CTkFrame(self, fg_color=PANEL, corner_radius=8)
        box.grid(row=0, column=0, sticky="ew")
        box.grid_columnconfigure(1, weight=1)
        label = {"font": font("body", "bold"), "anchor": "w"}
        self.library_label = ctk.CTkLabel(box, text="Library", **label)
        self.library_label.grid(row=0, column=0, sticky="w", padx=(12, GAP), pady=(8, 4))
        self.library_row = ctk.CTkFrame(box, fg_color="transparent")
        self.library_row.grid(row=0, column=1, sticky="ew", pady=(8, 4), padx=(0, 12))
        self.library_row.grid_columnconfigure(0, weight=1)
        self.library_path = ctk.CTkLabel(self.library_row, text="", font=font("body"),
                                          anchor="w")  # fmt: skip
        self.library_path.grid(row=0, column=0, sticky="ew")
        self.choose_button = ctk.CTkButton(self.library_row, text="Choose…", width=90, height=26,
                                           command=lambda: self.choose_library(),
                                           **SECONDARY)  # fmt: skip
        self.choose_button.grid(row=0, column=1, padx=(GAP, 0))
        self.fields_label = ctk.CTkLabel(box, text="Fields", **label)
        self.fields_label.grid(row=1, column=0, sticky="w", padx=(12, GAP), pady=(8, 4))
        fields = ctk.CTkFrame(box, fg_color="transparent")
        fields.grid(row=1, column=1, sticky="w", pady=(8, 4))
        self.fields_row = fields
        self.field_boxes: dict[str, ctk.CTkCheckBox] = {}
        for n, name in enumerate(WRITE_FIELDS):
            check = ctk.CTkCheckBox(fields, text=FIELD_LABELS[name], width=20, checkbox_width=20,
                                    checkbox_height=20, command=self._changed)  # fmt: skip
            check.grid(row=0, column=n, padx=(0, 14))
            self.field_boxes[name] = check

        self.policy_label = ctk.CTkLabel(box, text="Values in files", **label)
        self.policy_label.grid(row=2, column=0, sticky="w", padx=(12, GAP), pady=4)
        policy = ctk.CTkFrame(box, fg_color="transparent")
        policy.grid(row=2, column=1, sticky="w", pady=4)
        self.policy_row = policy
        self.policy = tk.StringVar(self, "fill")
        self.policy_buttons = {}
        for n, (value, text) in enumerate(_POLICY.items()):
            radio = ctk.CTkRadioButton(policy, text=text, value=value, variable=self.policy,
                                       radiobutton_width=18, radiobutton_height=18,
                                       command=self._changed)  # fmt: skip
            radio.grid(row=0, column=n, padx=(0, 24))
            self.policy_buttons[value] = radio

        self.notation_label = ctk.CTkLabel(box, text="Key notation", **label)
        self.notation_label.grid(row=3, column=0, sticky="w", padx=(12, GAP), pady=(4, 8))
        bottom = ctk.CTkFrame(box, fg_color="transparent")
        bottom.grid(row=3, column=1, sticky="ew", pady=(4, 8), padx=(0, 12))
        bottom.grid_columnconfigure(1, weight=1)
        self._notations = {NOTATION_LABELS[n]: n for n in KEY_NOTATIONS}
        self.notation = ctk.CTkSegmentedButton(bottom, values=list(self._notations),
                                               command=lambda _v: self._changed())  # fmt: skip
        self.notation.grid(row=0, column=0, sticky="w")
        self.include_review = ctk.CTkCheckBox(
            bottom, text="Include review rows (not yet accepted)", checkbox_width=20,
            checkbox_height=20, command=self._changed,
        )  # fmt: skip
        self.include_review.grid(row=0, column=2, sticky="e")

    def _apply_style(self) -> None:
        colours = style_table(self, STYLE, current_mode())
        for tag in ("refused",):
            self.tree.tag_configure(tag, background=colours.status_background[tag],
                                    foreground=colours.foreground)  # fmt: skip

    def _set_appearance_mode(self, mode_string: str) -> None:
        super()._set_appearance_mode(mode_string)
        self._apply_style()

    def _rewrap(self, event: tk.Event) -> None:
        # wraplength is in unscaled units (customtkinter scales it), event.width in pixels
        width = max(300, round((event.width - 20) / ScalingTracker.get_widget_scaling(self)))
        for label in (self.headline, self.details):
            if label.cget("wraplength") != width:
                label.configure(wraplength=width)

    # -- options ---------------------------------------------------------------------

    def lay_out(self, target: str) -> None:
        """Show what `target` has to choose: a library's path, the fields it keeps, the
        key notation where it is the user's choice (Rekordbox names keys its own way)."""
        if target == self._target:
            return
        self._target = target
        library = target != TAGS
        kept = set(fields_of(target))
        for widget in (self.library_label, self.library_row):
            widget.grid() if library else widget.grid_remove()
        for name, box in self.field_boxes.items():
            box.grid() if name in kept else box.grid_remove()
        for widget in (self.fields_label, self.fields_row, self.policy_label, self.policy_row):
            widget.grid() if kept else widget.grid_remove()
        notation = target in (TAGS, "traktor")
        for widget in (self.notation_label, self.notation):
            widget.grid() if notation else widget.grid_remove()
        if not notation:  # the review box keeps the row, with a label of its own
            self.notation_label.configure(text="Review rows")
            self.notation_label.grid()
            self.include_review.grid(row=0, column=0, sticky="w")
        else:
            self.notation_label.configure(text="Key notation")
            self.include_review.grid(row=0, column=2, sticky="e")
        self.policy_label.configure(text="Values in files" if not library else "Values there")

    def options(self) -> WriteOptions:
        """The options as the widgets say."""
        preview: WritePreview | None = self.writes.preview
        target = preview.target if preview is not None else TAGS
        kept = set(fields_of(target))
        notation = self._notations.get(self.notation.get(), "musical")
        if target not in (TAGS, "traktor") and preview is not None:
            notation = preview.options.key_notation
        return WriteOptions(
            fields=frozenset(n for n, box in self.field_boxes.items() if box.get() and n in kept),
            overwrite=self.policy.get() == _OVERWRITE,
            include_review=bool(self.include_review.get()),
            key_notation=notation,
            target=target,
        )

    def show_options(self, options: WriteOptions) -> None:
        ticks = [(box, name in options.fields) for name, box in self.field_boxes.items()]
        for box, ticked in [*ticks, (self.include_review, options.include_review)]:
            if bool(box.get()) != ticked:
                box.select() if ticked else box.deselect()
        self.policy.set(_OVERWRITE if options.overwrite else "fill")
        label = NOTATION_LABELS[options.key_notation]
        if self.notation.get() != label:
            self.notation.set(label)

    def _changed(self) -> None:
        self.writes.set_options(self.options())

    # -- rendering -------------------------------------------------------------------

    def refresh(self) -> None:
        preview: WritePreview | None = self.writes.preview
        if preview is None:
            return
        self.lay_out(preview.target)
        library = preview.library
        path = library.library if library is not None else ""
        if self.library_path.cget("text") != path:
            self.library_path.configure(text=path)
        self.show_options(preview.options)
        if not preview.ready:
            waiting = "Updating the preview…"
            if preview.outdated:  # read again as soon as no batch is matching
                waiting = OUTDATED
            elif preview.replanned:  # only the look at the files is left
                waiting = "Checking the files…"
            self.headline.configure(text=waiting)
            if not preview.replanned and "step" not in self._jobs:
                self._jobs.schedule("step", 1, self._step)
            return
        counts = preview.counts()
        headline = preview.headline()
        if self.headline.cget("text") != headline:  # back from "Checking…" as well
            self.headline.configure(text=headline)
        shown = (id(preview), preview.options, len(preview), tuple(preview.left_out.items()))
        if shown == self._shown:
            return
        self._shown = shown
        extra = library_lines(library) if library is not None else []
        notes = [preview.note] if preview.note else []
        self.details.configure(text="\n".join([*notes, *counts.detail_lines(), *extra]))
        rows, total = preview.rows()
        self.tree.delete(*self.tree.get_children(""))
        self._pending = rows[::-1]  # popped from the end: first rows first
        if total > len(rows):
            self.note.configure(
                text=f"Showing the first {len(rows):,} of {total:,} rows; "
                "tag_changes.csv in the output folder lists every one."
            )
        elif not total and library is not None and library.found and not preview.crate:
            self.note.configure(text="No field to change with these options; the playlist "
                                "is still added.")  # fmt: skip
        elif not total:
            self.note.configure(text="Nothing to change with these options.")
        else:
            self.note.configure(text="")
        self._fill_tick()

    def _step(self) -> None:
        preview = self.writes.preview
        if preview is not None and not preview.step():
            self._jobs.schedule("step", 1, self._step)
        else:
            self.refresh()
            self.writes.changed()  # the dialog's Write button follows the new counts

    def _fill_tick(self) -> None:
        deadline = time.perf_counter() + FILL_BUDGET_S
        call, tree_w = self.tree.tk.call, self.tree._w
        pending = self._pending
        done = 0
        while pending and (done % 32 or time.perf_counter() < deadline):
            row = pending.pop()
            call(tree_w, "insert", "", "end", "-id", row.iid, "-values", row.values,
                 "-tags", row.tag)  # fmt: skip
            done += 1
        if pending:
            self._jobs.schedule("fill", 15, self._fill_tick)

    @property
    def filling(self) -> bool:
        """True while rows or re-planning are still to come (tests wait for this)."""
        return bool(self._pending) or "step" in self._jobs or "fill" in self._jobs

    def destroy(self) -> None:
        self._jobs.cancel_all()
        super().destroy()
