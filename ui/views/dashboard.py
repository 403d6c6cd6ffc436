"""The dashboard tab: four views behind one switch, so each gets the whole tab, even in
a 1280×720 window.

    [Overview | Queries | Slowest tracks | Memory]   [✓ Previous run] [Export report…]
    Overview        metrics table │ throughput chart (+ the previous run, dashed) / tips
    Queries         per query kind: runs, time, candidates, cache, matches; a bar chart
    Slowest tracks  the 10 slowest entries; double-click one to see it in Results
    Memory          RSS now and at peak: the engine host, each worker, all of them

It only renders: `on_snapshot` receives the newest MetricsSnapshot (the pump keeps one
per tick); the Overview's parts update themselves (the chart draws nothing while
hidden), and of the other views only the one shown is refreshed, the others when they
are switched to. `on_event` starts over when a new batch starts, and looks up the
previous run of the same playlists off the Tk thread (it reads the journal).

The tracks done and the counts per status are the tally's (ui/tally.py), the same count
the queue cards and the results footer show, laid over the snapshot's, and redrawn when
the tally moves (`refresh_counts`), not only every 250 ms. For a batch on the local
catalog the rows of the web cache and requests are left out: they cannot apply.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from tkinter import filedialog
from typing import Any

import customtkinter as ctk

from matcher import (
    PERFORMANCE_REPORT,
    BatchCancelled,
    BatchFinished,
    BatchStarted,
    CrateMatchError,
    Event,
    MetricsSnapshot,
    RunSeries,
    previous_run,
)
from ui.performance_model import (
    PANELS,
    EntryRef,
    PerformanceState,
    memory_rows,
    slowest_rows,
)
from ui.progress_model import paused_seconds
from ui.report_export import ExportOutcome, export_report
from ui.tally import Tally
from ui.theme import GAP, MUTED, SECONDARY, font
from ui.views.chart_png import save_chart_png
from ui.views.chart_view import ChartView
from ui.views.metrics_table import MetricsTable
from ui.views.perf_panels import MemoryPanel, QueryPanel, SlowestPanel
from ui.views.tips_view import TipsView

__all__ = ["WEB_ROWS", "Dashboard", "find_previous"]

log = logging.getLogger(__name__)

# format_metrics labels that only an online catalog fills
WEB_ROWS = frozenset({
    "Cache hit rate", "Cache hits / misses", "Web requests", "Retries",
    "Too many requests (429)", "Waiting for rate limit",
})  # fmt: skip
RowKey = tuple[str, int, int]  # (batch_id, playlist_id, entry_index), as the results key rows
Post = Callable[[Callable[[], None]], None]
PreviousFinder = Callable[[Sequence[tuple[int, str, str, int]], str], "RunSeries | None"]


def find_previous(
    playlists: Sequence[tuple[int, str, str, int]], batch_id: str
) -> RunSeries | None:
    """The newest finished run of the same playlists before `batch_id`; None when there
    is none or the journal cannot say (the overlay is a nicety, never an error)."""
    try:
        return previous_run(playlists, before=batch_id)
    except (CrateMatchError, OSError):
        return None


class Dashboard(ctk.CTkFrame):
    def __init__(
        self,
        master: Any,
        tally: Tally | None = None,
        provider: Callable[[], str] = lambda: "local",
        *,
        out_dir: Callable[[], Path | None] = lambda: None,
        post: Post | None = None,
        previous: PreviousFinder = find_previous,
    ) -> None:
        super().__init__(master, fg_color="transparent")
        self.tally = tally  # None: the snapshot's own counts
        self.provider = provider  # the current batch's catalog: "local" or an online one
        self.out_dir = out_dir  # the output folder setting (a running batch writes there)
        self.post = post  # runs a call on the Tk thread (None: look up previous runs inline)
        self.previous = previous
        self.on_show_entry: Callable[[RowKey], None] = lambda _key: None  # the window's
        self.ask_save_path = self._ask_save_path  # replaced in tests
        self.state = PerformanceState()
        self._metrics: Mapping[str, float] = {}
        self.grid_columnconfigure(0, weight=1)
        self.grid_rowconfigure(2, weight=1)
        self._build_bar()
        self.message = ctk.CTkLabel(self, text="", anchor="w", justify="left", height=20,
                                    font=font("small"), text_color=MUTED,
                                    wraplength=700)  # fmt: skip
        body = ctk.CTkFrame(self, fg_color="transparent")
        body.grid(row=2, column=0, sticky="nsew", pady=(GAP, 0))
        body.grid_columnconfigure(0, weight=1)
        body.grid_rowconfigure(0, weight=1)
        self.overview = self._build_overview(body)
        self.queries = QueryPanel(body)
        self.slowest = SlowestPanel(body, self._on_pick)
        self.memory = MemoryPanel(body)
        self.panels: dict[str, ctk.CTkFrame] = dict(zip(PANELS, (self.overview, self.queries,
                                                                 self.slowest, self.memory),
                                                         strict=True))  # fmt: skip
        self.shown = ""
        self.show_panel(PANELS[0])
        self._show_provider()

    # -- layout --------------------------------------------------------------------

    def _build_bar(self) -> None:
        bar = ctk.CTkFrame(self, fg_color="transparent")
        bar.grid(row=0, column=0, sticky="ew")
        bar.grid_columnconfigure(1, weight=1)
        self.switch = ctk.CTkSegmentedButton(bar, values=list(PANELS), command=self.show_panel)
        self.switch.grid(row=0, column=0, sticky="w")
        self.previous_shown = ctk.BooleanVar(value=False)  # no run yet: nothing to overlay
        self.wants_previous = True  # the user's choice, kept while there is none to show
        self.previous_box = ctk.CTkCheckBox(bar, text="No previous run", state="disabled",
                                            variable=self.previous_shown, checkbox_width=20,
                                            checkbox_height=20,
                                            command=self._toggle_previous)  # fmt: skip
        self.previous_box.grid(row=0, column=2, padx=(GAP, GAP))
        self.export_button = ctk.CTkButton(bar, text="Export report…", width=120,
                                           state="disabled", command=self.export,
                                           **SECONDARY)  # type: ignore[arg-type]  # fmt: skip
        self.export_button.grid(row=0, column=3)

    def _build_overview(self, body: ctk.CTkFrame) -> ctk.CTkFrame:
        overview = ctk.CTkFrame(body, fg_color="transparent")
        overview.grid_columnconfigure(1, weight=1)
        overview.grid_rowconfigure(0, weight=1)
        self.metrics_table = MetricsTable(overview)
        self.metrics_table.grid(row=0, column=0, rowspan=2, sticky="nsw", padx=(0, 8))
        self.chart = ChartView(overview)
        self.chart.grid(row=0, column=1, sticky="nsew")
        self.tips = TipsView(overview)
        self.tips.grid(row=1, column=1, sticky="ew", pady=(8, 0))
        return overview

    def show_panel(self, name: str) -> None:
        """Switch the view (the switch calls this; so may a test)."""
        if name not in self.panels or name == self.shown:
            return
        if self.shown:
            self.panels[self.shown].grid_remove()
        self.shown = name
        self.panels[name].grid(row=0, column=0, sticky="nsew")
        if self.switch.get() != name:
            self.switch.set(name)
        if name == PANELS[0]:
            self.previous_box.grid()
        else:
            self.previous_box.grid_remove()  # it is about the Overview's chart
        self._render_panel()

    def say(self, text: str) -> None:
        """A line under the switch (an export's outcome); "" removes it."""
        self.message.configure(text=text)
        if text:
            self.message.grid(row=1, column=0, sticky="ew", pady=(4, 0))
        else:
            self.message.grid_remove()

    # -- events --------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        if isinstance(event, BatchStarted) and self.state.start(event):
            self._metrics = {}
            self._show_provider()
            self.chart.reset()
            self.metrics_table.update_metrics({})
            self.tips.update_tips({})
            self.say("")
            self.export_button.configure(state="normal")
            self._set_previous(None, looking=True)
            self._look_up_previous(event)
            self._render_panel()
        elif isinstance(event, BatchFinished | BatchCancelled):
            self.state.end(event)

    def on_snapshot(self, snapshot: MetricsSnapshot) -> None:
        """The newest snapshot of the batch shown: every view that is on screen follows."""
        if self.state.observe(snapshot):
            self.on_metrics(snapshot.metrics)
            self._render_panel()

    def on_metrics(self, metrics: dict[str, float]) -> None:
        self._metrics = metrics
        merged = self._with_counts(metrics)
        paused = self._paused()
        self.metrics_table.update_metrics(merged, paused)
        self.chart.add(merged, paused)
        self.tips.update_tips(merged, self.state.queries)

    def refresh_counts(self) -> None:
        """The tally moved: the table's counts follow at once."""
        if self._metrics and self.tally is not None:
            self.metrics_table.update_metrics(self._with_counts(self._metrics), self._paused())

    def _paused(self) -> float:
        """How long the batch was paused, from the engine's own figures (the tally's
        counts are not what its speed divides)."""
        return paused_seconds(self._metrics, self.state.already_done)

    def _render_panel(self) -> None:
        state = self.state
        if self.shown == "Queries":
            self.queries.show(state.queries, self.provider())
        elif self.shown == "Slowest tracks":
            self.slowest.show(slowest_rows(state.slowest))
        elif self.shown == "Memory":
            self.memory.show(memory_rows(state.memory))

    def _with_counts(self, metrics: Mapping[str, float]) -> dict[str, float]:
        merged = dict(metrics)
        batch_id = self.state.batch_id
        if self.tally is None or not batch_id:
            return merged
        counts = self.tally.batch(batch_id)
        if counts.total:
            merged.update(
                done_tracks=counts.total, matched_tracks=counts.matched,
                review_tracks=counts.review, unmatched_tracks=counts.unmatched,
                error_tracks=counts.error,
            )  # fmt: skip
        return merged

    def _show_provider(self) -> None:
        online = self.provider() != "local"
        self.metrics_table.hide(frozenset() if online else WEB_ROWS)
        self.chart.set_online(online)

    def _on_pick(self, entry: EntryRef) -> None:
        if self.state.batch_id:
            self.on_show_entry((self.state.batch_id, *entry))

    # -- the previous run ----------------------------------------------------------

    def _look_up_previous(self, event: BatchStarted) -> None:
        batch_id, playlists = event.batch_id, event.playlists
        if self.post is None:
            self._got_previous(batch_id, self.previous(playlists, batch_id))
            return
        post = self.post

        def look() -> None:
            try:
                found = self.previous(playlists, batch_id)
            except Exception:  # noqa: BLE001 - an overlay is a nicety: never a failure
                log.exception("looking up the previous run failed")
                found = None
            post(lambda: self._got_previous(batch_id, found))

        threading.Thread(target=look, name="cratematch-previous-run", daemon=True).start()

    def _got_previous(self, batch_id: str, found: RunSeries | None) -> None:
        if batch_id == self.state.batch_id and self.winfo_exists():
            self._set_previous(found)

    def _set_previous(self, found: RunSeries | None, looking: bool = False) -> None:
        """Offer the previous run, ticked as the user last left it; with none, the box is
        greyed and unticked (a tick beside "No previous run" read as a yes)."""
        self.chart.set_previous(found)
        if found is not None:
            preset = f" ({found.preset})" if found.preset else ""
            self.previous_shown.set(self.wants_previous)
            self.previous_box.configure(state="normal", text=f"Previous run{preset}")
            self.chart.show_previous(self.wants_previous)
        else:
            text = "Previous run" if looking else "No previous run"
            self.previous_shown.set(False)
            self.previous_box.configure(state="disabled", text=text)

    def _toggle_previous(self) -> None:
        self.wants_previous = bool(self.previous_shown.get())
        self.chart.show_previous(self.wants_previous)

    # -- export --------------------------------------------------------------------

    def export(self) -> None:
        chosen = self.ask_save_path()
        if chosen:
            self.export_to(Path(chosen))

    def export_to(self, path: Path) -> ExportOutcome:
        """Write the report and the charts beside it; the outcome is said under the switch."""
        state = self.state
        self.queries.show(state.queries, self.provider())  # current, even if never shown
        outcome = export_report(path, state.batch_id, state.export_snapshot(),
                                (partial(save_chart_png, self.chart),
                                 self.queries.chart.save_png))  # fmt: skip
        self.say(outcome.message)
        return outcome

    def export_folder(self) -> Path | None:
        """Where the save dialog opens: the batch's output folder (or the nearest folder
        of it that exists)."""
        folder = Path(self.state.out_dir) if self.state.out_dir else self.out_dir()
        while folder is not None and not folder.is_dir() and folder != folder.parent:
            folder = folder.parent
        return folder

    def _ask_save_path(self) -> str:
        folder = self.export_folder()
        return filedialog.asksaveasfilename(
            parent=self.winfo_toplevel(), title="Export the performance report",
            defaultextension=".json", initialfile=PERFORMANCE_REPORT,
            initialdir=str(folder) if folder else None,
            filetypes=[("JSON", "*.json"), ("All files", "*")],
        )  # fmt: skip
