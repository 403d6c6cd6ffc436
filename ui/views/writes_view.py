"""The Writes tab: every write CrateMatch made (tags into audio files, or into a DJ
library), newest first, with what it wrote counted as its dialog counted it (files; a
library's tracks) and whether it was undone since, and Undo for any of them (or the last
one): a library write's undo restores the library from its backup. A write running
now shows its progress on top, with a button that brings its dialog back.

A row says what the write did and whether it still holds (`WriteSummary.did` and
`holds`, which `cratematch writes` prints too), "—" for a library write recorded before
the journal kept its tracks.

It renders `writes.listed` (listed on a thread by ui/write_list.py); Undo asks first, then
starts the undo and opens the dialog that shows its progress and result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from matcher import WriteSummary
from ui.progress_model import plural
from ui.theme import BORDER, GAP, MUTED, SECONDARY, WARN, font
from ui.views.after_jobs import AfterJobs
from ui.views.confirm import ConfirmDialog
from ui.views.table_style import current_mode, make_table, style_table
from ui.views.write_dialog import undo_confirm_text
from ui.write_model import FIELD_LABELS, LIBRARY_TITLES, NOTATION_LABELS, TAGS

__all__ = ["WRITE_COLUMNS", "WritesView", "write_detail", "write_row"]

STYLE = "Writes.Treeview"
# widths at 96 dpi, with room for "From" at 1280 pixels and 100 dpi (it takes the rest)
WRITE_COLUMNS = (
    ("when", "When", 122), ("into", "Into", 82), ("written", "Written", 70),
    ("refused", "Refused", 74), ("unchanged", "Unchanged", 95), ("state", "State", 110),
    ("source", "From", 120),
)  # fmt: skip
INTO = {TAGS: "Audio files", **{app: title.split()[0] for app, title in LIBRARY_TITLES.items()}}
UNKNOWN = "—"  # a library write recorded before the journal kept its tracks
REFRESH_MS = 100
_PRIMARY = ctk.ThemeManager.theme["CTkButton"]["fg_color"]


def write_row(summary: WriteSummary, running: bool = False) -> tuple[str, ...]:
    """One table row: when, into what, what it wrote, refused and left unchanged (files,
    or a library's tracks), whether it still holds, the output folder."""
    counts = summary.did()
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.created))
    source = ", ".join(PurePath(s).name or s for s in summary.sources)
    into = INTO.get(summary.target, summary.target)
    if counts is None:
        figures = (UNKNOWN,) * 3
    else:
        figures = tuple(f"{counts[s]:,}" for s in ("written", "refused", "unchanged"))
    if summary.target == "serato" and counts is not None:
        figures = (figures[0], figures[1], UNKNOWN)  # a crate leaves no track unchanged
    return (when, into, *figures, summary.holds(running), source)


def write_detail(summary: WriteSummary) -> str:
    """The line under the table for the selected write: its id, where from, and how."""
    options = summary.options
    chosen = set(options.get("fields", ()))
    fields = [label for name, label in FIELD_LABELS.items() if name in chosen]
    parts = [f"Write {summary.write_id}"]
    if summary.target != TAGS:
        parts.append(f"into {options.get('library') or summary.target}")
        tracks = options.get("tracks")
        if isinstance(tracks, dict) and summary.target != "serato":
            changed = plural(int(options.get("fields_written", 0)), "field")
            parts.append(f"{changed} in {plural(int(tracks.get('written', 0)), 'track')}")
        if options.get("playlist"):
            word = "crate" if summary.target == "serato" else "playlist"
            parts.append(f"{word} “{options['playlist']}”")
    parts.append(f"from {', '.join(summary.sources) or '?'}")
    if fields:
        parts.append(", ".join(fields))
    notation = options.get("key_notation")
    if summary.target != "serato":  # a crate lists tracks: it writes no field
        overwrite = options.get("overwrite")
        parts.append("overwrote differing values" if overwrite else "filled empty fields")
        if notation:
            parts.append(f"key as {NOTATION_LABELS.get(notation, notation)}")
    if options.get("include_review"):
        parts.append("review rows included")
    return " · ".join(parts)


class WritesView(ctk.CTkFrame):
    def __init__(
        self,
        master: Any,
        writes: Any,
        show_run: Callable[[], None],
        open_folder: Callable[[Path], None],
    ) -> None:
        super().__init__(master, fg_color="transparent")
        self.writes = writes  # ui.writes.Writes
        self.show_run = show_run  # brings the write dialog up on the current run
        self.open_folder = open_folder
        self.confirm: ConfirmDialog | None = None
        self._jobs = AfterJobs(self)
        self._listed: tuple[WriteSummary, ...] | None = None
        self.grid_columnconfigure(0, weight=1)
        self.grid_rowconfigure(2, weight=1)
        head = ctk.CTkFrame(self, fg_color="transparent")
        head.grid(row=0, column=0, sticky="ew")
        head.grid_columnconfigure(1, weight=1)
        ctk.CTkLabel(head, text="Writes", font=font("heading", "bold")).grid(row=0, column=0)
        ctk.CTkLabel(
            head, text="Newest first. Undo puts every file of a write (audio files, or a DJ "
            "library) back exactly as it was.",
            font=font("small"), text_color=MUTED, anchor="w",
        ).grid(row=0, column=1, sticky="ew", padx=GAP)  # fmt: skip
        self.refresh_button = ctk.CTkButton(head, text="Refresh", width=90, height=28,
                                            command=writes.listed.refresh, **SECONDARY)  # fmt: skip
        self.refresh_button.grid(row=0, column=2)
        self.running = ctk.CTkFrame(self, corner_radius=8)
        self.running.grid_columnconfigure(0, weight=1)
        self.running_label = ctk.CTkLabel(self.running, text="", anchor="w", font=font("body"))
        self.running_label.grid(row=0, column=0, sticky="ew", padx=12, pady=6)
        ctk.CTkButton(self.running, text="Show progress", width=130, height=28,
                      command=show_run).grid(row=0, column=1, padx=(0, 8))  # fmt: skip
        box, self.tree = make_table(self, STYLE, WRITE_COLUMNS, height=10)
        box.grid(row=2, column=0, sticky="nsew", pady=(GAP, 0))
        style_table(self, STYLE, current_mode())
        self.tree.bind("<Double-1>", lambda _e: self.ask_undo(self.selected()))
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._show_detail())
        self.detail = ctk.CTkLabel(self, text="", font=font("small"), text_color=MUTED,
                                   anchor="w", justify="left", wraplength=700)  # fmt: skip
        self.detail.grid(row=3, column=0, sticky="ew", pady=(2, 0))
        self.bind("<Configure>", self._rewrap, add="+")
        # a line of its own, wrapped: beside the buttons a long one was cut off at 1280 px
        self.message = ctk.CTkLabel(self, text="", anchor="w", justify="left",
                                    font=font("small"), wraplength=700)  # fmt: skip
        self.message.grid(row=4, column=0, sticky="ew", pady=(GAP // 2, 0))
        bar = ctk.CTkFrame(self, fg_color="transparent")
        bar.grid(row=5, column=0, sticky="ew", pady=(GAP // 2, 0))
        bar.grid_columnconfigure(0, weight=1)
        self.folder_button = ctk.CTkButton(bar, text="Open folder", width=110,
                                           command=self._open_folder, **SECONDARY)  # fmt: skip
        self.undo_selected_button = ctk.CTkButton(
            bar, text="Undo selected", width=130, command=lambda: self.ask_undo(self.selected()),
            **SECONDARY,
        )  # fmt: skip
        self.undo_last_button = ctk.CTkButton(bar, text="Undo last write", width=140,
                                              command=self.ask_undo_last)  # fmt: skip
        for n, button in enumerate(
            (self.folder_button, self.undo_selected_button, self.undo_last_button), start=1
        ):
            button.grid(row=0, column=n, padx=(GAP, 0))
        writes.watch(self._changed)
        self.refresh()

    # -- rendering -------------------------------------------------------------------

    def _changed(self) -> None:
        if "refresh" not in self._jobs:
            self._jobs.schedule("refresh", REFRESH_MS, self.refresh)

    def refresh(self) -> None:
        writes = self.writes
        run = writes.run
        if run is not None and not run.over:
            line = run.progress_line(writes.session.clock())
            self.running_label.configure(text=f"{run.title()}  {line.tracks}")
            self.running.grid(row=1, column=0, sticky="ew", pady=(GAP, 0))
        else:
            self.running.grid_remove()
        listed = writes.listed
        if listed.writes is not self._listed:
            self._listed = listed.writes
            selected = self.tree.selection()
            self.tree.delete(*self.tree.get_children(""))
            going = run.write_id if run is not None and not run.over else ""
            for summary in listed.writes:
                values = write_row(summary, running=summary.write_id == going)
                self.tree.insert("", "end", iid=summary.write_id, values=values)
            keep = [iid for iid in selected if self.tree.exists(iid)]
            if not keep and listed.writes:
                keep = [listed.writes[0].write_id]  # the newest, so its details show
            if keep:
                self.tree.selection_set(keep)
            self._show_detail()
        if listed.error:
            self.message.configure(text=listed.error, text_color=WARN)
        elif listed.loading and not listed.writes:
            self.message.configure(text="Reading the writes…", text_color=MUTED)
        elif not listed.writes:
            self.message.configure(text="Nothing written yet: after a batch, use Write tags… "
                                   "(Ctrl+T) or To library ▾ under the results.",
                                   text_color=MUTED)  # fmt: skip
        else:
            self.message.configure(text=f"{plural(len(listed.writes), 'write')}",
                                   text_color=MUTED)  # fmt: skip
        idle = not writes.blocked()
        last = listed.last_undoable()
        self._enable(self.undo_last_button, idle and last is not None)
        self._enable(self.undo_selected_button, idle and bool(listed.writes))
        self._enable(self.folder_button, bool(listed.writes))

    def _rewrap(self, event: Any) -> None:
        # wraplength is in unscaled units (customtkinter scales it), event.width in pixels
        width = max(300, round((event.width - 20) / ScalingTracker.get_widget_scaling(self)))
        for label in (self.detail, self.message):
            if label.cget("wraplength") != width:
                label.configure(wraplength=width)

    def _show_detail(self) -> None:
        summary = self.selected()
        self.detail.configure(text=write_detail(summary) if summary is not None else "")

    def _enable(self, button: ctk.CTkButton, enabled: bool) -> None:
        state = "normal" if enabled else "disabled"
        if button.cget("state") != state:
            button.configure(state=state)
            if button is self.undo_last_button:  # a greyed main button, not a blue one
                button.configure(fg_color=_PRIMARY if enabled else BORDER)

    # -- actions ---------------------------------------------------------------------

    def selected(self) -> WriteSummary | None:
        selection = self.tree.selection()
        if not selection:
            return None
        return self.writes.listed.find(selection[0])

    def ask_undo_last(self) -> None:
        self.ask_undo(self.writes.listed.last_undoable())

    def ask_undo(self, summary: WriteSummary | None) -> None:
        if summary is None:
            self.message.configure(text="Select a write to undo.", text_color=WARN)
            return
        if self.confirm is not None or self.writes.blocked():
            return
        counts = summary.counts
        written = counts.get("written", 0) + counts.get("pending", 0)
        if not written:
            state = summary.holds()
            why = {"undone": "was undone already", "nothing written": "wrote nothing"}.get(
                state, f"has nothing to put back ({state})")  # fmt: skip
            self.message.configure(text=f"Nothing to undo: write {summary.write_id} {why}.",
                                   text_color=WARN)  # fmt: skip
            return
        text, keep = undo_confirm_text(summary.target if summary.target != TAGS else "", written)
        self.confirm = ConfirmDialog(
            self.winfo_toplevel(),
            f"Undo write {summary.write_id}?",
            text,
            yes="Undo the write",
            no=keep,
            on_answer=lambda yes: self._undo_answered(yes, summary.write_id),
        )

    def _undo_answered(self, yes: bool, write_id: str) -> None:
        self.confirm = None
        if yes and self.writes.undo(write_id):
            self.show_run()

    def _open_folder(self) -> None:
        listed = self.writes.listed.writes
        summary = self.selected() or (listed[0] if listed else None)
        if summary is not None and summary.target != TAGS and summary.options.get("library"):
            self.open_folder(Path(str(summary.options["library"])).parent)  # the library's
        elif summary is not None and summary.sources:
            self.open_folder(Path(summary.sources[0]))

    def destroy(self) -> None:
        self.writes.unwatch(self._changed)
        self._jobs.cancel_all()
        super().destroy()
