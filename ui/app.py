"""The CrateMatch window: composes the views around one Controller and one EventPump.
Each view gets the part of the controller it needs (ui/controller.py): the drop zone the
intake, the banners the history and the repair, the queue the intake and batch control.

    ┌───────────────────────────┬───────────────────────────────────────────┐
    │ CrateMatch                │  Results │ Dashboard │ Writes │ Settings  │
    │ [damaged-file banner]     │                                           │
    │ [resume banner]           │  ResultsView (Write tags… opens the       │
    │ drop zone (+ Add…)        │  WriteDialog) / Dashboard / WritesView /  │
    │ notices                   │  SettingsView                             │
    │ Queue: cards, Start/Pause │                                           │
    ├───────────────────────────┴───────────────────────────────────────────┤
    │ StatusBar: phase, progress, elapsed, ETA, tracks/s                    │
    └───────────────────────────────────────────────────────────────────────┘

The window never waits on the engine: commands go out at once and the pump brings
events back on `after()`; the events of tag writes go to the write-back views only.
Closing during a batch or a tag write asks first, then cancels, waits (bounded) for
BatchCancelled so the batch stays resumable, and closes the engine. What the command
line asks of the window (files, a session's catalog) is ui/launch_options.py.
"""

from __future__ import annotations

import gc
import time
import tkinter as tk
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from tkinter import filedialog

import customtkinter as ctk
from tkinterdnd2 import TkinterDnD

from matcher import PlaylistInfo
from ui import tk_gc
from ui.bridge import EventPump
from ui.controller import Controller
from ui.launch_options import LaunchOptions, parse_options, with_overrides
from ui.settings import TokenStore, load_settings
from ui.theme import GAP, MUTED, PAD, apply_scaling, font, setup_appearance
from ui.views.banner import Banner
from ui.views.catalog_prompt import CatalogPrompt
from ui.views.confirm import ConfirmDialog
from ui.views.dashboard import Dashboard
from ui.views.drop_zone import DropZone, NoticeArea
from ui.views.picker import PlaylistPicker
from ui.views.queue_view import QueueView
from ui.views.repair_prompt import RepairPrompt
from ui.views.results_view import ResultsView
from ui.views.resume_prompt import ResumePrompt
from ui.views.settings_view import SettingsView
from ui.views.status_bar import StatusBar
from ui.views.write_actions import WriteActions
from ui.views.writes_view import WritesView
from ui.window_place import place_window, remember_window

__all__ = ["App", "LaunchOptions", "build_app", "parse_options"]

CLOSE_WAIT_S = 10.0  # how long closing waits for BatchCancelled (partial outputs written)
LEFT_WIDTH = 440
PLAYLIST_TYPES = [
    ("Playlists", "*.xml *.nml *.m3u *.m3u8 *.csv *.tsv"),
    ("DJ libraries", "master.db export.pdb *.crate"),
    ("All files", "*"),
]
# the left column, top to bottom (the title is row 0)
_ROW = {"repair": 1, "resume": 2, "catalog": 3, "drop": 4, "notices": 5, "queue": 6}
_TYPING = ("Entry", "TEntry", "Text", "Spinbox", "TSpinbox", "TCombobox")


class Root(ctk.CTk, TkinterDnD.DnDWrapper):
    """A customtkinter window that takes file drops."""

    def __init__(self) -> None:
        super().__init__(className="CrateMatch")  # WM_CLASS, as the .desktop file expects
        self.TkdndVersion = TkinterDnD._require(self)
        self._icon: tk.PhotoImage | None = None
        icon = Path(__file__).parent / "assets" / "cratematch.png"
        if icon.exists():
            self._icon = tk.PhotoImage(master=self, file=str(icon))
            self.iconphoto(True, self._icon)

    def destroy(self) -> None:
        self._icon = None  # freed here, on the Tk thread, not by a later collection elsewhere
        super().destroy()


class App:
    def __init__(self, options: LaunchOptions, *, tokens: TokenStore | None = None) -> None:
        tk_gc.take_over_collection()
        setup_appearance()
        self.root = root = Root()
        root.title("CrateMatch")
        settings, problem = load_settings()
        place_window(root, settings.window)
        apply_scaling(root)  # after the size: customtkinter rescales the size it knows
        settings = with_overrides(settings, options)
        self.pump = EventPump(root, lambda: self.controller.poll_events())
        self.controller = Controller(settings, post=self.pump.call_soon, tokens=tokens)
        self.controller.intake.chooser = self._choose
        self.ask_files: Callable[[], Sequence[str]] = self._ask_files
        self.picker: PlaylistPicker | None = None
        self.close_dialog: ConfirmDialog | None = None
        self.closed = False
        self._close_deadline = 0.0
        self._start_when_read = False
        self._empty: bool | None = None
        self._build()
        self._bind_keys()
        writes = self.controller.writes  # its runs' events are not for the match views
        self.pump.subscribe(self.controller.on_event)
        self.pump.subscribe(lambda e: writes.owns(e.batch_id) or self.results_view.on_event(e))
        self.pump.subscribe(lambda e: writes.owns(e.batch_id) or self.dashboard.on_event(e))
        self.pump.subscribe(lambda e: writes.owns(e.batch_id) or self.status_bar.on_event(e))
        self.pump.subscribe_snapshots(self.dashboard.on_snapshot, lambda b: not writes.owns(b))
        self.pump.subscribe_metrics(self.controller.on_metrics, lambda b: not writes.owns(b))
        writes.on_marks = self.results_view.mark_rows
        writes.watch(self.write_actions.refresh)
        writes.listed.refresh()
        session = self.controller.session
        session.watch(self._on_change)
        session.watch(self.dashboard.refresh_counts)
        root.protocol("WM_DELETE_WINDOW", self.request_close)
        if problem:
            session.notice(problem)
        self.controller.history.refresh_unfinished()
        intake = self.controller.intake
        if options.files:
            intake.add_paths(list(options.files))
            self._start_when_read = options.start
        if root.tk.call("tk", "windowingsystem") == "aqua":  # "Open With" from the Finder
            root.createcommand(
                "::tk::mac::OpenDocument", lambda *paths: intake.add_paths([Path(p) for p in paths])
            )
        self.pump.start()

    # -- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        root, c = self.root, self.controller
        root.columnconfigure(1, weight=1)
        root.rowconfigure(0, weight=1)
        left = ctk.CTkFrame(root, width=LEFT_WIDTH, corner_radius=0, fg_color="transparent")
        left.grid(row=0, column=0, sticky="ns", padx=(PAD + 4, PAD), pady=(PAD, GAP))
        left.grid_propagate(False)
        left.columnconfigure(0, weight=1)
        left.rowconfigure(_ROW["queue"], weight=1)
        title = ctk.CTkFrame(left, fg_color="transparent")
        title.grid(row=0, column=0, sticky="ew", pady=(0, PAD - 4))
        ctk.CTkLabel(title, text="CrateMatch", font=font("title", "bold")).grid(
            row=0, column=0, sticky="w"
        )
        ctk.CTkLabel(
            title,
            text="Match DJ playlists against your catalog",
            font=font("small"),
            text_color=MUTED,
        ).grid(row=1, column=0, sticky="w")
        self.resume_prompt = ResumePrompt(left, c.history, c)
        self.resume_prompt.on_visibility = partial(self._show_banner, self.resume_prompt, "resume")
        self.repair_prompt = RepairPrompt(left, c.repair)
        self.repair_prompt.on_visibility = partial(self._show_banner, self.repair_prompt, "repair")
        self.catalog_prompt = CatalogPrompt(left, c.catalog_choice)
        self.catalog_prompt.on_visibility = partial(self._show_banner, self.catalog_prompt,
                                                    "catalog")  # fmt: skip
        self.drop_zone = DropZone(left, on_paths=c.intake.add_paths, on_add=self.add_dialog)
        self.drop_zone.register(root)
        self.notices = NoticeArea(left, on_dismiss=c.session.dismiss_notices)
        self.queue_view = QueueView(left, c.intake, c)
        self.queue_view.grid(row=_ROW["queue"], column=0, sticky="nsew", pady=(PAD - 4, 0))
        self.left = left

        self.tabs = ctk.CTkTabview(root, corner_radius=10, anchor="w")
        self.tabs.grid(row=0, column=1, sticky="nsew", padx=(0, PAD + 4), pady=(PAD - 12, GAP))
        for name in ("Results", "Dashboard", "Writes", "Settings"):
            tab = self.tabs.add(name)
            tab.columnconfigure(0, weight=1)
            tab.rowconfigure(0, weight=1)
        self.results_view = ResultsView(self.tabs.tab("Results"), c, c.history, c.session.tally)
        self.results_view.grid(row=0, column=0, sticky="nsew")
        self.dashboard = Dashboard(self.tabs.tab("Dashboard"), c.session.tally, lambda: c.provider,
                                   out_dir=lambda: c.out_dir, post=self.pump.call_soon)  # fmt: skip
        self.dashboard.grid(row=0, column=0, sticky="nsew")
        self.dashboard.on_show_entry = self.show_result
        self.settings_view = SettingsView(self.tabs.tab("Settings"), c)
        self.write_actions = WriteActions(root, c.writes, c.open_folder, lambda: c.model.active)
        self.results_view.on_write_tags = self.write_actions.write_tags
        self.write_actions.button = self.results_view.write_button
        self.results_view.on_write_library = self.write_actions.show_menu
        self.write_actions.library_button = self.results_view.library_button
        self.writes_view = WritesView(self.tabs.tab("Writes"), c.writes,
                                      self.write_actions.show, c.open_folder)  # fmt: skip
        self.writes_view.grid(row=0, column=0, sticky="nsew", padx=GAP, pady=GAP)
        self.settings_view.grid(row=0, column=0, sticky="nsew", padx=GAP, pady=GAP)

        self.status_bar = StatusBar(root, c)
        self.status_bar.grid(row=1, column=0, columnspan=2, sticky="ew")
        self._on_change()
        self.resume_prompt.refresh()
        self.repair_prompt.refresh()

    @staticmethod
    def _show_banner(banner: Banner, row: str, visible: bool) -> None:
        if visible:
            banner.grid(row=_ROW[row], column=0, sticky="ew", pady=(0, GAP + 4))
        else:
            banner.grid_forget()

    def _on_change(self) -> None:
        c = self.controller
        intake, notices = c.intake, c.session.notices
        empty = not c.model.items
        if self._empty is not empty:  # an inviting drop zone while nothing is queued
            self._empty = empty
            self.drop_zone.set_compact(not empty)
            self.drop_zone.grid(row=_ROW["drop"], column=0, sticky="nsew" if empty else "ew")
            self.left.rowconfigure(_ROW["drop"], weight=3 if empty else 0, minsize=0)
            if empty:  # once laid out: its size is known then
                self.root.after_idle(self._keep_drop_zone_whole)
        self.drop_zone.set_reading(intake.reading)
        self.write_actions.refresh()
        self.notices.show(notices)
        if notices:
            self.notices.grid(row=_ROW["notices"], column=0, sticky="ew", pady=(GAP, 0))
        else:
            self.notices.grid_forget()
        if self._start_when_read and not intake.adding:  # --start: once the files are read
            self._start_when_read = False
            if c.model.waiting():
                c.start()

    def _keep_drop_zone_whole(self) -> None:
        """The inviting drop zone never gets less height than it asks for: squeezed by
        notices, its hint ran over its border and its Add button went. The queue below,
        empty then, gives way instead."""
        if self._empty and not self.closed:
            self.left.rowconfigure(_ROW["drop"], minsize=self.drop_zone.winfo_reqheight())

    # -- actions -------------------------------------------------------------------------

    def add_dialog(self) -> None:
        paths = self.ask_files()
        if paths:
            self.controller.intake.add_paths([Path(p) for p in paths])

    def _ask_files(self) -> Sequence[str]:
        return filedialog.askopenfilenames(
            parent=self.root, title="Add playlists", filetypes=PLAYLIST_TYPES
        )

    def _choose(
        self, path: Path, infos: list[PlaylistInfo], done: Callable[[list[str]], None]
    ) -> None:
        def finish(chosen: list[str]) -> None:
            self.picker = None
            done(chosen)

        self.picker = PlaylistPicker(self.root, path, infos, finish)

    def show_result(self, key: tuple[str, int, int]) -> None:
        """A slowest track picked on the dashboard: its row in the Results tab."""
        self.tabs.set("Results")
        self.results_view.show_row(key)

    def find(self) -> None:
        self.tabs.set("Results")
        self.results_view.focus_search()

    @staticmethod
    def _typing(event: tk.Event) -> bool:
        """True when the key went to a text field (a space there is text, not Pause)."""
        widget = event.widget
        return isinstance(widget, tk.Misc) and widget.winfo_class() in _TYPING

    def _bind_keys(self) -> None:
        c = self.controller

        def key(action: Callable[[], object], unless_typing: bool = False):  # noqa: ANN202
            def handler(event: tk.Event) -> str | None:
                if unless_typing and self._typing(event):
                    return None
                action()
                return "break"

            return handler

        bindings: dict[str, Callable[[tk.Event], str | None]] = {
            "<Control-o>": key(self.add_dialog),
            "<Control-Return>": key(c.start),
            "<Control-KP_Enter>": key(c.start),
            "<F5>": key(c.start),
            "<space>": key(c.toggle_pause, unless_typing=True),
            "<Control-p>": key(c.toggle_pause),
            "<Escape>": key(c.cancel, unless_typing=True),
            "<Control-period>": key(c.cancel),
            "<Control-f>": key(self.find),
            "<Control-t>": key(self.write_actions.write_tags),
        }
        for sequence, handler in bindings.items():
            self.root.bind(sequence, handler)

    # -- closing -------------------------------------------------------------------------

    def request_close(self) -> None:
        """The window's close button: ask first while a batch or a tag write runs."""
        if self.closed:
            return
        if not self.controller.busy:
            self._finish_close()
        elif self.close_dialog is None and self.controller.model.active:
            self.close_dialog = ConfirmDialog(
                self.root,
                "Stop the batch and quit?",
                "The batch is cancelled; everything matched so far is kept, and you can "
                "resume it the next time you open CrateMatch.",
                yes="Cancel batch and quit",
                no="Keep running",
                on_answer=self._close_answered,
            )
        elif self.close_dialog is None:
            self.close_dialog = ConfirmDialog(
                self.root,
                "Stop writing tags and quit?",
                "The write stops after the files in hand; files written so far keep their "
                "new tags, and the Writes tab can undo them the next time.",
                yes="Stop and quit",
                no="Keep writing",
                on_answer=self._close_answered,
            )

    def terminate(self) -> None:
        """SIGTERM or SIGHUP (logout, `kill`): no one to ask, so cancel the batch (it stays
        resumable) and close as the close button would."""
        if self.close_dialog is not None:
            self.close_dialog.answer(True)
        elif self.controller.busy:
            self._close_answered(True)
        else:
            self._finish_close()

    def _close_answered(self, yes: bool) -> None:
        self.close_dialog = None
        if yes and not self.closed:
            self.controller.cancel_all()
            self._close_deadline = time.monotonic() + CLOSE_WAIT_S
            self._wait_then_close()

    def _wait_then_close(self) -> None:
        if self.controller.busy and time.monotonic() < self._close_deadline:
            self.root.after(50, self._wait_then_close)
        else:
            self._finish_close()

    def _finish_close(self) -> None:
        if self.closed:
            return
        self.closed = True
        remember_window(self.root)
        self.pump.stop()
        self.root.withdraw()
        self.controller.close()
        for job in self.root.tk.splitlist(self.root.tk.call("after", "info")):
            self.root.tk.call("after", "cancel", job)  # customtkinter leaves some behind
        self.root.destroy()
        gc.collect()  # Tk images in reference cycles must go on this thread, not a worker's
        tk_gc.flush()
        gc.enable()  # the window is gone: automatic collection is safe again

    def run(self) -> None:
        self.root.mainloop()


def build_app(options: LaunchOptions | Sequence[str] | None = None, **kwargs: object) -> App:
    """The window for these launch options (or command-line arguments), not yet running."""
    if options is None or not isinstance(options, LaunchOptions):
        options = parse_options(options)
    return App(options, **kwargs)  # type: ignore[arg-type]
