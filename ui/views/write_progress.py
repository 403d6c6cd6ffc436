"""The "Write tags" dialog's other two faces: a run's progress (reading, writing or
undoing: a bar, files done, time, and each playlist's files), and what a write or an
undo did (a headline, the counts, the write id, every refused file with its reason).
Both only render a ui.write_run.WriteRun."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from ui.theme import DONE_TEXT, GAP, MUTED, WARN, WRITTEN_TEXT, font, set_progress
from ui.views.table_style import current_mode, make_table, style_table
from ui.write_run import RunKind, RunPhase, WriteRun

__all__ = ["ProgressPanel", "ResultPanel", "refused_rows"]

STYLE = "WriteRun.Treeview"
REFUSED_STYLE = "WriteRefused.Treeview"
GROUP_COLUMNS = (("playlist", "Playlist", 420), ("done", "Done", 120), ("files", "Files", 120))
REFUSED_COLUMNS = (("file", "File", 250), ("reason", "Reason", 330), ("folder", "Folder", 300))
MAX_REFUSED = 2_000  # rows listed; tag_changes.csv has them all


def refused_rows(refused: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(file name, reason, folder) for the refused-files table, at most MAX_REFUSED."""
    rows = []
    for path, reason in refused[:MAX_REFUSED]:
        pure = PurePath(path)
        rows.append((pure.name or path, reason, str(pure.parent) if pure.name else ""))
    return rows


def _set(label: ctk.CTkLabel, text: str) -> None:
    if label.cget("text") != text:
        label.configure(text=text)


class ProgressPanel(ctk.CTkFrame):
    """Reading the files… ───────────── 12 of 26 files · 46 %   Elapsed 0:02 · 120 files/s"""

    def __init__(self, master: Any) -> None:
        super().__init__(master, fg_color="transparent")
        self.grid_columnconfigure(0, weight=1)
        self.grid_rowconfigure(4, weight=1)
        self.title = ctk.CTkLabel(self, text="", font=font("heading", "bold"), anchor="w")
        self.title.grid(row=0, column=0, columnspan=2, sticky="ew", pady=(GAP, GAP))
        self.bar = ctk.CTkProgressBar(self, height=10)
        set_progress(self.bar, 0.0)
        self.bar.grid(row=1, column=0, columnspan=2, sticky="ew")
        self.files = ctk.CTkLabel(self, text="", font=font("body"), anchor="w")
        self.files.grid(row=2, column=0, sticky="w", pady=(GAP // 2, 0))
        self.timing = ctk.CTkLabel(self, text="", font=font("small"), text_color=MUTED)
        self.timing.grid(row=2, column=1, sticky="e", pady=(GAP // 2, 0))
        self.hint = ctk.CTkLabel(self, text="", font=font("small"), text_color=MUTED,
                                 anchor="w", justify="left")  # fmt: skip
        self.hint.grid(row=3, column=0, columnspan=2, sticky="ew", pady=(0, GAP))
        box, self.groups = make_table(self, STYLE, GROUP_COLUMNS, height=6, stretch="playlist")
        box.grid(row=4, column=0, columnspan=2, sticky="nsew")
        self.box = box
        style_table(self, STYLE, current_mode())

    def show(self, run: WriteRun, now: float) -> None:
        _set(self.title, run.title())
        line = run.progress_line(now)
        if abs(self.bar.get() - line.fraction) > 1e-4 or line.fraction == 0:
            set_progress(self.bar, line.fraction)
        if run.library:
            files = f"{run.step} · {line.tracks}" if run.step else "Reading the library…"
            if run.kind is not RunKind.READ and not run.step:
                files = "Starting…"
            _set(self.files, files)
        else:
            _set(self.files, line.tracks if run.total else "Gathering the files…")
        _set(self.timing, line.timing)
        _set(self.hint, (_LIBRARY_HINTS if run.library else _HINTS)[run.kind])
        tree = self.groups
        if run.library:  # one library, its steps in the line above: no table to show
            self.box.grid_remove()
            return
        self.box.grid()
        for group_id, group in sorted(run.groups.items()):
            iid = f"g{group_id}"
            values = (group.name, f"{group.done:,}", f"{group.total:,}")
            if not tree.exists(iid):
                tree.insert("", "end", iid=iid, values=values)
            elif tuple(tree.item(iid, "values")) != values:
                tree.item(iid, values=values)


_HINTS = {
    RunKind.READ: "Reading what each file says now; nothing is written yet.",
    RunKind.WRITE: "Each file's tags are saved in the undo journal before it is written. "
    "Closing this window does not stop the write.",
    RunKind.UNDO: "Putting each file back byte for byte as it was before the write.",
}


_LIBRARY_HINTS = {
    RunKind.READ: "Reading the library to see what would change; nothing is written yet.",
    RunKind.WRITE: "The library is backed up before anything changes, and replaced in one "
    "step at the end: Cancel stops the write until then.",
    RunKind.UNDO: "Putting the library back from its backup, byte for byte.",
}


class ResultPanel(ctk.CTkFrame):
    """✓ Tags written to 21 files / 21 written · 5 refused · write 2026… / refused files"""

    def __init__(self, master: Any) -> None:
        super().__init__(master, fg_color="transparent")
        self.grid_columnconfigure(0, weight=1)
        self.grid_rowconfigure(4, weight=1)
        wrapped = {"anchor": "w", "justify": "left", "wraplength": 900}  # a long playlist name
        self.headline = ctk.CTkLabel(self, text="", font=font("heading", "bold"), **wrapped)
        self.headline.grid(row=0, column=0, sticky="ew", pady=(GAP, 2))
        self.detail = ctk.CTkLabel(self, text="", font=font("body"), **wrapped)
        self.detail.grid(row=1, column=0, sticky="ew")
        self.hint = ctk.CTkLabel(self, text="", font=font("small"), text_color=MUTED, anchor="w",
                                 justify="left", wraplength=900)  # fmt: skip
        self.hint.grid(row=2, column=0, sticky="ew", pady=(2, GAP))
        self.refused_title = ctk.CTkLabel(self, text="", font=font("body", "bold"), anchor="w")
        self.refused_title.grid(row=3, column=0, sticky="ew")
        self.box, self.refused = make_table(self, REFUSED_STYLE, REFUSED_COLUMNS, height=8)
        self.box.grid(row=4, column=0, sticky="nsew")
        colours = style_table(self, REFUSED_STYLE, current_mode())
        self.refused.tag_configure("refused", background=colours.status_background["refused"])
        self._shown: tuple[object, ...] = ()
        self.bind("<Configure>", self._rewrap, add="+")

    def _rewrap(self, event: Any) -> None:
        # wraplength is in unscaled units (customtkinter scales it), event.width in pixels
        width = max(300, round((event.width - 20) / ScalingTracker.get_widget_scaling(self)))
        for label in (self.headline, self.detail, self.hint):
            if label.cget("wraplength") != width:
                label.configure(wraplength=width)

    def show(self, run: WriteRun, refused_before: list[tuple[str, str]]) -> None:
        """`refused_before`: files the preview refused (a write lists them too)."""
        good = run.phase is RunPhase.FINISHED and not run.error
        colour = (WRITTEN_TEXT if run.kind is RunKind.WRITE else DONE_TEXT) if good else WARN
        mark = "✓ " if good else ""
        self.headline.configure(text=mark + run.result_headline(), text_color=colour)
        _set(self.detail, run.result_detail(len(refused_before)))
        _set(self.hint, _result_hint(run))
        refused = [*refused_before, *run.refused]
        shown = (run.batch_id, len(refused))
        if shown == self._shown:
            return
        self._shown = shown
        tree = self.refused
        tree.delete(*tree.get_children(""))
        if not refused:
            self.refused_title.grid_remove()
            self.box.grid_remove()
            return
        more = f" (the first {MAX_REFUSED:,} listed)" if len(refused) > MAX_REFUSED else ""
        noun = "track" if run.library else "file"
        word = noun if len(refused) == 1 else noun + "s"
        verb = "left as they were" if run.kind is RunKind.UNDO else "left untouched"
        self.refused_title.configure(text=f"{len(refused):,} refused {word}, {verb}{more}:")
        self.refused_title.grid()
        self.box.grid()
        call, tree_w = tree.tk.call, tree._w  # straight to Tcl: 2,000 rows in a few ms
        for n, values in enumerate(refused_rows(refused)):
            call(tree_w, "insert", "", "end", "-id", n, "-values", values, "-tags", "refused")


def _library_hint(run: WriteRun) -> str:
    name = run.library_title.split()[0]
    if run.may_force and run.phase is RunPhase.FAILED:
        anyway = "deletes the crate" if run.target == "serato" else "puts the backup back"
        return (f"Perhaps {name} saved it. It was left as it is, since undoing now would lose "
                f"what changed; Undo anyway… {anyway} regardless.")  # fmt: skip
    if run.phase is not RunPhase.FINISHED:
        return ""
    if run.kind is RunKind.UNDO:
        return f"Open {name} to see the library as it was."
    if run.target == "serato":
        return ("Serato lists the crate under “CrateMatch” the next time it starts. Undo this "
                "write (now, or later from the Writes tab) deletes it.")  # fmt: skip
    return (f"The library was backed up first: Undo this write, now or later from the Writes "
            f"tab, puts it back byte for byte (with {name} closed). Open {name} to see the "
            "new values and the playlist.")  # fmt: skip


def _result_hint(run: WriteRun) -> str:
    if run.library:
        return _library_hint(run)
    cancelled = run.phase is RunPhase.CANCELLED
    if run.kind is RunKind.UNDO:
        parts = []
        if cancelled:
            parts.append("The other files keep the written tags: Undo last write in the "
                         "Writes tab finishes the job.")  # fmt: skip
        if run.refused:
            parts.append("A refused file was changed after the write (by you or another "
                         "program) and is left as it is now.")  # fmt: skip
        if run.outcomes.get("restored"):
            parts.append("In Rekordbox, select the tracks and choose Reload Tag to see the "
                         "old values again.")  # fmt: skip
        return " ".join(parts)
    if cancelled and run.outcomes.get("written"):
        return ("The files not reached yet are as they were. Undo this write puts back the "
                "ones written, now or later from the Writes tab.")  # fmt: skip
    if run.outcomes.get("written"):
        tail = f" Every change is listed in {run.summary_path}." if run.summary_path else ""
        return ("Every written file can be put back exactly as it was: Undo this write, now "
                "or later from the Writes tab. In Rekordbox, select the tracks and choose "
                "Reload Tag to see the new values." + tail)  # fmt: skip
    return ""
