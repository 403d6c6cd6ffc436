"""The results tab: every track and its match, filterable, sortable, exportable.

Rows arrive in chunks (TracksMatched, up to a few hundred results) far faster than Tk
can draw them one by one, so `on_event` only queues them; an `after` loop builds their
rows (ui/results_model.py) and creates Treeview items within a few milliseconds per
tick, in arrival order (edits and batch starts go through the same queue). Items are
created once; filtering and sorting re-order them with a single `set_children` call, so a
10,000-row table re-filters without rebuilding anything.

The footer counts with the tally the queue cards and the dashboard read (ui/tally.py),
over the playlists the table holds; the Playlist column shows only while the table holds
more than one playlist (with one, it would repeat the same name on every row).

"Write tags…" (Ctrl+T in the window) calls `on_write_tags`, "To library ▾" beside it
`on_write_library` with itself (the window opens the libraries' menu under it and turns
both buttons on and off); `mark_rows` tints the rows whose files write-back wrote and
fills their "File tags" cell. The results folder opens from the status bar. `show_row`
selects one row and scrolls to it (a slowest track picked on the dashboard). The footer
(count, message, buttons) is ui/views/results_footer.py.
"""

from __future__ import annotations

import bisect
import time
import tkinter as tk
from collections import deque
from collections.abc import Callable
from pathlib import Path
from tkinter import filedialog, ttk
from typing import Any

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from matcher import (
    BatchStarted,
    CrateMatchError,
    Event,
    MatchResult,
    ResultEdited,
    TracksMatched,
    atomic_write_text,
)
from ui.results_model import COLUMNS, ResultRow, ResultsModel, RowKey, export_csv
from ui.tally import Tally
from ui.views.after_jobs import AfterJobs, ThrottledScroll
from ui.views.results_filter import FilterBar
from ui.views.results_footer import ResultsFooter
from ui.views.review_dialog import ReviewDialog
from ui.views.row_marks import RowMarks
from ui.views.table_style import STATUS_TAGS, current_mode, style_table

__all__ = ["ResultsView"]

STYLE = "Results.Treeview"
INSERT_BUDGET_S = 0.008  # rows built and inserted per tick stay under this (~150 rows)
INSERT_INTERVAL_MS = 40  # each tick costs a Treeview redraw (~10 ms): few, fuller ticks
RELAYOUT_DELAY_MS = 250  # while rows stream in under a sort or filter, re-order this often
SCROLLBAR_DELAY_MS = 100
RESEQUENCE_MOVES = 20_000  # a longer out-of-order tail is re-set in one call (30 ms/100k)


class ResultsView(ctk.CTkFrame):
    def __init__(
        self, master: Any, controller: Any, history: Any = None, tally: Tally | None = None
    ) -> None:
        super().__init__(master, fg_color="transparent")
        self.controller = controller  # review, out_dir: ui.controller
        self.history = history  # full_result, for the review dialog: ui.history
        self.model = ResultsModel()
        # the window's tally, fed by the queue model; alone (in tests), one of its own
        self.tally = tally if tally is not None else Tally()
        self._own_tally = tally is None
        self._one_playlist: bool | None = None
        self._measured: list[str] = []  # the playlist names the column was sized for
        self.review_dialog: ReviewDialog | None = None
        self.ask_save_path = self._ask_save_path  # replaced in tests
        self.on_write_tags: Callable[[], object] = lambda: None  # the window opens the dialog
        self.on_write_library: Callable[[Any], object] = lambda button: None  # and the menu
        self._incoming: deque[tuple[str, int, MatchResult] | BatchStarted] = deque()
        self._created: set[str] = set()
        self._order: list[RowKey] = []  # keys of created items, sorted: where new rows go
        self._shown = 0
        self._wanted: RowKey | None = None  # show_row's row, not in the table yet
        self._jobs = AfterJobs(self)
        self.grid_columnconfigure(0, weight=1)
        self.grid_rowconfigure(1, weight=1)
        self.filters = FilterBar(self, self.model, on_change=self.relayout)
        self.filters.grid(row=0, column=0, sticky="ew", pady=(0, 6))
        self._build_table()
        self._marks = RowMarks(self.tree, self.model, self._created)
        self._build_footer()
        self._apply_style()
        self._update_count()

    # -- layout --------------------------------------------------------------------

    def _build_table(self) -> None:
        box = ctk.CTkFrame(self, corner_radius=6)
        box.grid(row=1, column=0, sticky="nsew")
        box.grid_columnconfigure(0, weight=1)
        box.grid_rowconfigure(0, weight=1)
        keys = [c.key for c in COLUMNS]
        self.tree = ttk.Treeview(box, columns=keys, show="headings", style=STYLE,
                                 selectmode="browse")  # fmt: skip
        self.tree.grid(row=0, column=0, sticky="nsew", padx=(4, 0), pady=(4, 0))
        yscroll = ctk.CTkScrollbar(box, command=self.tree.yview)
        yscroll.grid(row=0, column=1, sticky="ns", pady=4)
        xscroll = ctk.CTkScrollbar(box, orientation="horizontal", command=self.tree.xview)
        xscroll.grid(row=1, column=0, sticky="ew", padx=4)
        self.tree.configure(
            yscrollcommand=ThrottledScroll(self._jobs, yscroll, SCROLLBAR_DELAY_MS),
            xscrollcommand=ThrottledScroll(self._jobs, xscroll, SCROLLBAR_DELAY_MS),
        )
        scale = ScalingTracker.get_widget_scaling(self)
        for column in COLUMNS:
            self.tree.column(column.key, width=round(column.width * scale), minwidth=36,
                             stretch=column is COLUMNS[-1],
                             anchor="e" if column.numeric else "w")  # fmt: skip
        self._update_headings()
        self.tree.bind("<Double-1>", self._on_double_click)
        self.tree.bind("<Return>", lambda _e: self.review_selected())
        self.tree.bind("<Control-f>", lambda _e: self.focus_search())

    def _build_footer(self) -> None:
        self.footer = ResultsFooter(
            self, review=self.review_selected, export=self.export,
            write_tags=lambda: self.on_write_tags(),
            write_library=lambda: self.on_write_library(self.library_button),
        )  # fmt: skip
        self.footer.grid(row=2, column=0, sticky="ew", pady=(6, 0))
        footer = self.footer  # its parts, under the names the window and tests use
        self.count_label, self.message_label = footer.count_label, footer.message_label
        self.review_button, self.export_button = footer.review_button, footer.export_button
        self.write_button, self.library_button = footer.write_button, footer.library_button

    def say(self, text: str) -> None:
        """A line under the count (an export's result, a hint); "" removes it."""
        self.footer.say(text)

    def _apply_style(self) -> None:
        colours = style_table(self, STYLE, current_mode())
        for tag in STATUS_TAGS:  # "written" too (a row's only tag once its file is written)
            self.tree.tag_configure(tag, background=colours.status_background[tag],
                                    foreground=colours.foreground)  # fmt: skip

    def _set_appearance_mode(self, mode_string: str) -> None:
        super()._set_appearance_mode(mode_string)
        self._apply_style()

    # -- events --------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        """Queue what changes rows; the insert loop applies it in order, a few ms a tick
        (a 200-result chunk would otherwise hold the Tk thread for tens of ms)."""
        if isinstance(event, TracksMatched):
            self._incoming.extend((event.batch_id, event.playlist_id, r) for r in event.results)
            if self._own_tally:
                self.tally.add(event.batch_id, event.playlist_id, event.results)
        elif isinstance(event, ResultEdited):
            self._incoming.append((event.batch_id, event.playlist_id, event.result))
            if self._own_tally:
                self.tally.add(event.batch_id, event.playlist_id, (event.result,))
        elif isinstance(event, BatchStarted):
            self._incoming.append(event)
        else:
            return
        if "insert" not in self._jobs:
            self._jobs.schedule("insert", 1, self._insert_tick)

    def _insert_tick(self) -> None:
        deadline = time.perf_counter() + INSERT_BUDGET_S
        tree, created, incoming = self.tree, self._created, self._incoming
        added: list[str] = []
        changed = False
        done = 0
        call, tree_w = tree.tk.call, tree._w
        moved_from = len(self._order)  # the first position a row went in out of order
        while incoming and (done % 16 or time.perf_counter() < deadline):
            done += 1
            item = incoming.popleft()
            if isinstance(item, BatchStarted):
                changed = self._start_batch(item) or changed
                continue
            row = self.model.edit(*item)  # adds, or replaces the row under the same key
            if row.iid in created:  # an edit, or a retried chunk: update in place
                tree.item(row.iid, values=row.values, tags=(row.tag,))
                changed = True
            else:
                at = bisect.bisect(self._order, row.key)
                self._order.insert(at, row.key)
                if at < len(self._order) - 1:
                    moved_from = min(moved_from, at)
                # straight to Tcl: tkinter's insert() quotes every value with regexes,
                # a third of the cost of a row; a tuple becomes a Tcl list natively.
                # Always at the end: Tk walks its list to reach a numeric position
                # (5 ms a row at 100,000 rows); _resequence puts late rows in place.
                call(tree_w, "insert", "", "end", "-id", row.iid,
                     "-values", row.values, "-tags", row.tag)  # fmt: skip
                created.add(row.iid)
                added.append(row.iid)
        if self.model.is_plain:
            if moved_from < len(self._order):
                self._resequence(moved_from)
            self._shown = len(created)
            self._update_count()
        elif added or changed:
            if added:  # shown by the next relayout, in place and only if they pass
                tree.detach(*added)
            if "relayout" not in self._jobs:  # throttled, not postponed
                self._jobs.schedule("relayout", RELAYOUT_DELAY_MS, self.relayout)
        if incoming:
            self._jobs.schedule("insert", INSERT_INTERVAL_MS, self._insert_tick)
        if self._wanted is not None and (self.model.row(self._wanted) or not incoming):
            self.show_row(self._wanted)

    def _resequence(self, start: int) -> None:
        """Put the rows from position `start` on back in key order after rows that
        finished out of order went in at the end (chunks from two workers overtake each
        other). Moving a row to the end is cheap in Tk, so this costs the tail's length
        (about a chunk); a tail that is most of the table is one set_children."""
        rows = self.model.row
        tail = [rows(key) for key in self._order[start:]]
        if len(tail) > RESEQUENCE_MOVES:
            self.tree.set_children("", *(r.iid for key in self._order if (r := rows(key))))
            return
        call, tree_w = self.tree.tk.call, self.tree._w
        for row in tail:
            if row is not None:
                call(tree_w, "move", row.iid, "", "end")

    def _start_batch(self, event: BatchStarted) -> bool:
        """A new batch of the same playlists replaces their rows; True if any went."""
        removed = self.model.start_batch(event.batch_id, event.playlists)
        gone = [row.iid for row in removed if row.iid in self._created]
        if gone:
            keys = {row.key for row in removed}
            self._order = [key for key in self._order if key not in keys]
            self.tree.delete(*gone)
            self._created.difference_update(gone)
            self._shown = len(self.tree.get_children(""))
            self._update_count()
        return bool(gone)

    def mark_rows(self, marks: list[tuple[RowKey, str]]) -> None:
        """Write-back wrote (or undid, or refused) these rows' files (a few ms a tick)."""
        self._marks.add(marks)

    @property
    def pending_count(self) -> int:
        """Rows, batch starts and marks received but not yet in the Treeview."""
        return len(self._incoming) + len(self._marks)

    # -- filter and sort -----------------------------------------------------------

    def relayout(self) -> None:
        """Show exactly the model's visible rows, in order (one Tk call)."""
        self._jobs.cancel("relayout")
        created = self._created
        iids = [row.iid for row in self.model.visible() if row.iid in created]
        self.tree.set_children("", *iids)
        self._shown = len(iids)
        self._update_count()

    def sort_by(self, column: str) -> None:
        self.model.toggle_sort(column)
        self._update_headings()
        self.relayout()

    def focus_search(self) -> None:
        self.filters.focus_search()

    def shown_iids(self) -> list[str]:
        return list(self.tree.get_children(""))

    def _update_headings(self) -> None:
        order = self.model.order
        for column in COLUMNS:
            arrow = ""
            if column.key == order.column:
                arrow = " ▼" if order.descending else " ▲"
            self.tree.heading(column.key, text=column.heading + arrow,
                              anchor="e" if column.numeric else "w",
                              command=lambda key=column.key: self.sort_by(key))  # fmt: skip

    def _update_count(self) -> None:
        pairs = self.model.pairs()
        self._show_playlist_column(len(pairs) <= 1)
        self.footer.show_count(self._shown, self.tally.counts(pairs, with_prior=False).as_dict())

    def _show_playlist_column(self, one: bool) -> None:
        """The Playlist column only when rows come from more than one playlist, as wide as
        their longest name (within reason)."""
        if one is not self._one_playlist:
            self._one_playlist = one
            keys = [c.key for c in COLUMNS if not (one and c.key == "playlist")]
            self.tree.configure(displaycolumns=keys)
        names = self.model.playlist_names()
        if not one and names != self._measured:
            self._measured = names
            scale = ScalingTracker.get_widget_scaling(self)
            table_font = ttk.Style(self).lookup(STYLE, "font") or "TkDefaultFont"
            longest = max((int(self.tk.call("font", "measure", table_font, name))
                           for name in names), default=0)  # fmt: skip
            width = max(round(80 * scale), min(longest + round(16 * scale), round(220 * scale)))
            if int(self.tree.column("playlist", "width")) != width:
                self.tree.column("playlist", width=width)

    # -- actions -------------------------------------------------------------------

    def selected_row(self) -> ResultRow | None:
        selection = self.tree.selection()
        return self.model.row_by_iid(selection[0]) if selection else None

    def show_row(self, key: RowKey) -> bool:
        """Select the row under `key` and scroll to it, clearing a filter that hides it;
        a row still on its way is shown when it arrives. False when it is not (yet) here."""
        row = self.model.row(key)
        self._wanted = key if row is None and self._incoming else None
        if row is None or row.iid not in self._created:
            self.say("" if self._wanted else "That track is not in the table any more.")
            return False
        if not self.model.accepts(row):
            self.filters.clear()  # lays the rows out again
            self.say("Filters cleared to show the track.")
        elif "relayout" in self._jobs:  # rows wait, detached, for a sort or filter
            self.relayout()
        self.tree.selection_set(row.iid)
        self.tree.focus(row.iid)
        self.tree.see(row.iid)
        self.tree.focus_set()
        return True

    def review_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            self.say("Select a row to review.")
            return
        self.open_review(row.key)

    def open_review(self, key: RowKey) -> ReviewDialog:
        if self.review_dialog is not None and self.review_dialog.winfo_exists():
            self.review_dialog.destroy()
        self.say("")
        top = self.winfo_toplevel()
        self.review_dialog = ReviewDialog(top, self.history, self.controller, *key)
        return self.review_dialog

    def _on_double_click(self, event: tk.Event) -> None:
        iid = self.tree.identify_row(event.y)
        row = self.model.row_by_iid(iid) if iid else None
        if row is not None:
            self.tree.selection_set(iid)
            self.open_review(row.key)

    def export(self) -> None:
        name = self.ask_save_path()
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> int:
        """Write the rows the table shows (filter and sort applied) as CSV; returns how
        many. Errors become a one-line message under the table."""
        rows = self.model.visible()
        try:
            atomic_write_text(path, export_csv(rows))
        except CrateMatchError as err:
            self.say(str(err))
            return 0
        self.say(f"Exported {len(rows):,} rows to {path.name}")
        return len(rows)

    def _ask_save_path(self) -> str:
        folder = getattr(self.controller, "out_dir", None)
        return filedialog.asksaveasfilename(
            parent=self.winfo_toplevel(), title="Export the rows shown",
            defaultextension=".csv", initialfile="results.csv",
            initialdir=str(folder) if folder else None,
            filetypes=[("CSV", "*.csv"), ("All files", "*")],
        )  # fmt: skip

    def destroy(self) -> None:
        self._jobs.cancel_all()
        self._marks.cancel()
        super().destroy()
