"""The "Write tags" dialog: a preview of what would change in the DJ's audio files, then
the write's progress, then what it did, with Undo. It renders the controller's write-back
part (ui/writes.py) and changes face with its current run (ui.write_run.Stage):

    reading the files  ─▶  preview + options  ─Write─▶  progress  ─▶  result  ─Undo─▶ …
    (Cancel closes)        (Cancel closes)             (Pause, Cancel; Close leaves it
                                                        running: the Writes tab shows it)

Keys: Ctrl+Enter writes, Ctrl+P pauses or resumes, Escape closes. It is not modal: the
window keeps reporting, and the results table marks the rows as their files are written.

A write into a DJ library (Rekordbox, Traktor, a Serato crate) goes through the same
faces; its preview names the library (Choose… picks another, and so does the error face
when none was found), its progress names each step, and its undo restores the library.
"""

from __future__ import annotations

import contextlib
import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from tkinter import filedialog
from typing import Any

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from ui.progress_model import plural
from ui.theme import GAP, MUTED, PAD, SECONDARY, WARN, font
from ui.views.after_jobs import AfterJobs
from ui.views.confirm import ConfirmDialog, center_over
from ui.views.write_preview import PreviewPanel
from ui.views.write_progress import ProgressPanel, ResultPanel
from ui.write_model import LIBRARY_TITLES, TAGS
from ui.write_run import RunKind, RunPhase, Stage, WriteRun

__all__ = ["WriteDialog", "force_undo_text", "library_undo_text", "undo_confirm_text"]

REFRESH_MS = 40  # changes arriving closer than this are drawn together
TICK_MS = 500  # the clock moves even when no event arrives
SIZE = (1080, 660)  # at 96 dpi; never more than the screen


class WriteDialog(ctk.CTkToplevel):
    def __init__(
        self, master: Any, writes: Any, open_folder: Callable[[Path], None] | None = None
    ) -> None:
        super().__init__(master)
        self.writes = writes  # ui.writes.Writes
        self.open_folder = open_folder or (lambda path: None)
        self.confirm: ConfirmDialog | None = None
        self.ask_library: Callable[[str], str] = self._ask_library  # replaced in tests
        self._jobs = AfterJobs(self)
        self._stage: Stage | None = None
        self.title("Write tags")
        self._size(master)
        self.grid_columnconfigure(0, weight=1)
        self.grid_rowconfigure(1, weight=1)
        self._build_header()
        self.progress = ProgressPanel(self)
        self.preview = PreviewPanel(self, writes, self.choose_library)
        self.result = ResultPanel(self)
        self.error = ctk.CTkLabel(self, text="", font=font("body"), text_color=WARN,
                                  anchor="nw", justify="left", wraplength=900)  # fmt: skip
        self._build_buttons()
        self.bind("<Control-Return>", lambda _e: self.write())
        self.bind("<Control-KP_Enter>", lambda _e: self.write())
        self.bind("<Control-p>", lambda _e: writes.toggle_pause())
        self.bind("<Escape>", lambda _e: self.close())
        self.protocol("WM_DELETE_WINDOW", self.close)
        if isinstance(master, tk.Wm):
            self.transient(master)
        writes.watch(self._changed)
        self.refresh()
        self._tick()
        self.after(50, self._take_focus)

    def _size(self, master: Any) -> None:
        scale = ScalingTracker.get_window_scaling(self)
        width = min(SIZE[0], round((self.winfo_screenwidth() - 40) / scale))
        height = min(SIZE[1], round((self.winfo_screenheight() - 60) / scale))
        self.geometry(f"{width}x{height}")  # customtkinter scales it
        self.minsize(round(min(760, width) * scale), round(min(480, height) * scale))

    # -- layout ----------------------------------------------------------------------

    def _build_header(self) -> None:
        head = ctk.CTkFrame(self, fg_color="transparent")
        head.grid(row=0, column=0, sticky="ew", padx=PAD, pady=(PAD, 0))
        head.grid_columnconfigure(0, weight=1)
        self.heading = ctk.CTkLabel(head, text="Write tags into your audio files",
                                    font=font("title", "bold"), anchor="w")  # fmt: skip
        self.heading.grid(row=0, column=0, sticky="ew")
        self.subtitle = ctk.CTkLabel(head, text="", font=font("small"), text_color=MUTED,
                                     anchor="w")  # fmt: skip
        self.subtitle.grid(row=1, column=0, sticky="ew")

    def _build_buttons(self) -> None:
        bar = ctk.CTkFrame(self, fg_color="transparent")
        bar.grid(row=2, column=0, sticky="ew", padx=PAD, pady=PAD)
        bar.grid_columnconfigure(0, weight=1)
        self.keys = ctk.CTkLabel(bar, text="", font=font("small"), text_color=MUTED, anchor="w")
        self.keys.grid(row=0, column=0, sticky="w")
        flat = {**SECONDARY, "height": 34, "font": font("body")}
        self.folder_button = ctk.CTkButton(bar, text="Open folder", width=120,
                                           command=self._open_folder, **flat)  # fmt: skip
        self.undo_button = ctk.CTkButton(bar, text="Undo this write", width=150,
                                         command=self.ask_undo, **flat)  # fmt: skip
        self.force_button = ctk.CTkButton(bar, text="Undo anyway…", width=150,
                                          command=self.ask_force_undo, **flat)  # fmt: skip
        self.pause_button = ctk.CTkButton(bar, text="❚❚  Pause", width=110,
                                          command=self.writes.toggle_pause, **flat)  # fmt: skip
        self.stop_button = ctk.CTkButton(bar, text="Cancel", width=130, command=self.stop, **flat)
        self.close_button = ctk.CTkButton(bar, text="Close", width=110, command=self.close, **flat)
        self.choose_button = ctk.CTkButton(bar, text="Choose library…", width=150,
                                           command=self.choose_library, **flat)  # fmt: skip
        self.write_button = ctk.CTkButton(
            bar, text="Write tags", width=230, height=34, font=font("body", "bold"),
            command=self.write,
        )  # fmt: skip
        self._buttons = (self.folder_button, self.undo_button, self.force_button,
                         self.pause_button, self.stop_button, self.choose_button,
                         self.close_button, self.write_button)  # fmt: skip
        self._shown_buttons: tuple[ctk.CTkButton, ...] = ()

    def _show_buttons(self, *shown: ctk.CTkButton) -> None:
        if shown == self._shown_buttons:
            return
        self._shown_buttons = shown
        for button in self._buttons:
            if button not in shown:
                button.grid_forget()
        for n, button in enumerate(shown, start=1):
            button.grid(row=0, column=n, padx=(GAP, 0))

    # -- rendering -------------------------------------------------------------------

    def _changed(self) -> None:
        if "refresh" not in self._jobs:
            self._jobs.schedule("refresh", REFRESH_MS, self.refresh)

    def _tick(self) -> None:
        run = self.writes.run
        if run is not None and not run.over:
            self.refresh()
        self._jobs.schedule("tick", TICK_MS, self._tick)

    @property
    def stage(self) -> Stage | None:
        """The face the dialog shows (it follows the run within REFRESH_MS)."""
        return self._stage

    def refresh(self) -> None:
        self._jobs.cancel("refresh")
        self.writes.refresh_preview()  # a review decision since its read: read it again
        writes, run = self.writes, self.writes.run
        if run is None:
            return
        stage = run.stage
        if stage is not self._stage:
            self._stage = stage
            panels = {Stage.PROGRESS: self.progress, Stage.PREVIEW: self.preview,
                      Stage.RESULT: self.result, Stage.ERROR: self.error}  # fmt: skip
            for key, panel in panels.items():
                if key is stage:
                    panel.grid(row=1, column=0, sticky="nsew", padx=PAD, pady=(GAP, 0))
                else:
                    panel.grid_remove()
        self._set_heading(run)
        source = writes.source.out_dir if writes.source is not None else ""
        if run.kind is RunKind.READ:
            self._set(self.subtitle, f"From the results in {source}" if source else "")
        else:
            what = "Undoing write" if run.kind is RunKind.UNDO else "Write"
            self._set(self.subtitle, f"{what} {run.write_id}" if run.write_id else "")
        getattr(self, f"_show_{stage.value}")(run)

    def _set_heading(self, run: WriteRun) -> None:
        if run.target == TAGS:
            title, heading = "Write tags", "Write tags into your audio files"
        elif run.target == "serato":
            title, heading = "Write a Serato crate", "Write a crate of the found tracks for Serato"
        else:
            title = f"Write to {LIBRARY_TITLES[run.target].split()[0]}"
            heading = f"Write into your {run.library_title}"
        if self.title() != title:
            self.title(title)
        self._set(self.heading, heading)

    def _show_progress(self, run: Any) -> None:
        self.progress.show(run, self.writes.session.clock())
        if run.kind is RunKind.READ:
            self._set(self.stop_button, "Cancel")
            self._show_buttons(self.stop_button)
            self._set(self.keys, "Esc: cancel")
            return
        self._set(self.pause_button, "▶  Resume" if run.paused else "❚❚  Pause")
        self._set(self.stop_button, "Cancel undo" if run.kind is RunKind.UNDO else "Cancel write")
        self._set(self.close_button, "Close")
        self._show_buttons(self.pause_button, self.stop_button, self.close_button)
        self._set(self.keys, "Ctrl+P: pause or resume · Esc: close (it keeps running)")

    def _show_preview(self, run: Any) -> None:
        self.preview.refresh()
        preview = self.writes.preview
        counts = preview.counts() if preview is not None and preview.ready else None
        library = preview.library if preview is not None else None
        if library is not None:
            text = _library_button_text(library, counts.changes if counts is not None else 0)
        elif counts is not None and counts.to_change:
            text = f"Write {plural(counts.changes, 'field')} to {plural(counts.to_change, 'file')}"
        else:
            text = "Write tags"
        self._set(self.write_button, text)
        writable = preview is not None and preview.writable and not self.writes.blocked()
        state = "normal" if writable else "disabled"
        if self.write_button.cget("state") != state:
            self.write_button.configure(state=state)
        self._set(self.close_button, "Cancel")
        self._show_buttons(self.close_button, self.write_button)
        self._set(self.keys, "Ctrl+Enter: write · Esc: cancel")

    def _show_result(self, run: Any) -> None:
        before = self.writes.refused_before if run.kind is RunKind.WRITE else []
        self.result.show(run, before)
        self._set(self.close_button, "Close")
        shown = [self.folder_button] if run.out_dir or run.summary_path else []
        if run.kind is RunKind.WRITE and _undoable(run):
            shown.append(self.undo_button)
        if run.kind is RunKind.UNDO and run.may_force and run.phase is RunPhase.FAILED:
            shown.append(self.force_button)
        self._show_buttons(*shown, self.close_button)
        self._set(self.keys, "Esc: close")

    def _show_error(self, run: Any) -> None:
        message = run.result_headline()
        touched = f"The {run.library_title} was not touched." if run.library else (
            "The files were not touched.")  # fmt: skip
        self._set(self.error, message + "\n\n" + touched)
        self._set(self.close_button, "Close")
        if run.library:
            self._show_buttons(self.choose_button, self.close_button)
        else:
            self._show_buttons(self.close_button)
        self._set(self.keys, "Esc: close")

    @staticmethod
    def _set(widget: Any, text: str) -> None:
        if widget.cget("text") != text:
            widget.configure(text=text)

    def _take_focus(self) -> None:
        with contextlib.suppress(tk.TclError):
            center_over(self, self.master)
            self.lift()
            self.focus_set()

    # -- actions ---------------------------------------------------------------------

    def write(self) -> None:
        if self.stage is Stage.PREVIEW and self.write_button.cget("state") == "normal":
            self.writes.write()

    def stop(self) -> None:
        """Cancel the run; a read being cancelled closes the dialog (nothing to show)."""
        run = self.writes.run
        self.writes.cancel()
        if run is not None and run.kind is RunKind.READ:
            self.destroy()

    def close(self) -> None:
        """Close; a read in progress is cancelled, a write or an undo goes on."""
        run = self.writes.run
        if run is not None and run.kind is RunKind.READ and not run.over:
            self.writes.cancel()
        self.destroy()

    def choose_library(self) -> None:
        """Ask for another library of the run's app and preview writing into it."""
        run = self.writes.run
        if run is None or not run.library or not run.over and run.kind is not RunKind.READ:
            return
        path = self.ask_library(run.target)
        if path:
            self.writes.read_into(run.target, path)

    def _ask_library(self, app: str) -> str:
        if app == "serato":
            return filedialog.askdirectory(parent=self, title="Choose the _Serato_ folder") or ""
        types = {"rekordbox": [("Rekordbox library", "master.db"), ("All files", "*")],
                 "traktor": [("Traktor collection", "*.nml"), ("All files", "*")]}[app]  # fmt: skip
        title = f"Choose the {LIBRARY_TITLES[app]}"
        return filedialog.askopenfilename(parent=self, title=title, filetypes=types) or ""

    def ask_undo(self) -> None:
        run = self.writes.run
        if run is None or not run.write_id or self.confirm is not None:
            return
        written = run.outcomes.get("written", 0)
        text, keep = undo_confirm_text(run.target if run.library else "", written)
        self.confirm = ConfirmDialog(self, "Undo this write?", text, yes="Undo the write",
                                     no=keep, on_answer=self._undo_answered)  # fmt: skip

    def _undo_answered(self, yes: bool, force: bool = False) -> None:
        run, self.confirm = self.writes.run, None
        if yes and run is not None:
            self.writes.undo(run.write_id, force=force)

    def ask_force_undo(self) -> None:
        """The library changed after the write: undo anyway, once the user agrees to lose
        what changed."""
        run = self.writes.run
        if run is None or not run.may_force or self.confirm is not None:
            return
        self.confirm = ConfirmDialog(
            self, "Undo anyway?", force_undo_text(run.target), yes="Undo anyway", no="Keep it",
            on_answer=lambda yes: self._undo_answered(yes, force=True),
        )  # fmt: skip

    def _open_folder(self) -> None:
        run = self.writes.run
        folder = run.out_dir if run is not None else ""
        if not folder and run is not None and run.summary_path:
            folder = str(Path(run.summary_path).parent)
        if folder:
            self.open_folder(Path(folder))

    def destroy(self) -> None:
        self.writes.unwatch(self._changed)
        self._jobs.cancel_all()
        if self.confirm is not None:
            with contextlib.suppress(tk.TclError):
                self.confirm.destroy()
            self.confirm = None
        super().destroy()


def _library_button_text(library: Any, changes: int) -> str:
    """ "Write 18 fields and a playlist", "Add the crate of 3 tracks" """
    found = len(library.found)
    if library.app == "serato":
        return f"Add the crate of {plural(found, 'track')}"
    parts = [plural(changes, "field")] if changes else []
    if found:
        parts.append("a playlist")
    if not parts and library.review:
        parts.append("the review marks")
    return "Write " + " and ".join(parts) if parts else "Nothing to write"


def _undoable(run: WriteRun) -> bool:
    """A write with something to put back: a library write that finished (it wrote the
    library even when no field changed), or files written."""
    if run.library:
        return (
            run.write_id != ""
            and not run.error
            and bool(run.outcomes.get("written") or run.outcomes.get("unchanged"))
        )
    return bool(run.outcomes.get("written"))


def undo_confirm_text(library: str, written: int) -> tuple[str, str]:
    """The undo confirmation's text and its "no" button, for the write dialog and the
    Writes tab alike: a write into `library`'s app, or ("") a tag write of `written`
    files."""
    if library:
        return library_undo_text(library), "Keep it"
    text = (f"The {plural(written, 'file')} it wrote go back exactly as they were before. "
            "A file changed since (by you or another program) is left as it is.")  # fmt: skip
    return text, "Keep the tags"


def force_undo_text(app: str) -> str:
    """What undoing a write into `app`'s library anyway does, for the confirmation."""
    title = LIBRARY_TITLES.get(app, app)
    name = title.split()[0]
    if app == "serato":
        return (
            "The crate this write made changed after it, perhaps because Serato saved it. "
            "Undoing now deletes the crate anyway, with whatever changed in it."
        )
    return (
        f"The {title} changed after this write, perhaps because {name} saved it. Undoing "
        "now puts back the backup made before the write, byte for byte: whatever changed "
        f"in the library since is lost. Quit {name} first."
    )


def library_undo_text(app: str) -> str:
    """What undoing a write into `app`'s library does, for the confirmation."""
    title = LIBRARY_TITLES.get(app, app)
    if app == "serato":
        return ("The crate this write made is deleted. If it changed since (Serato saved "
                "it), the undo refuses rather than lose that.")  # fmt: skip
    name = title.split()[0]
    return (
        f"The {title} goes back byte for byte as it was before this write, from the "
        f"backup made first. Quit {name} before: the undo refuses while it runs, and "
        f"refuses if the library changed since (rather than lose that)."
    )
