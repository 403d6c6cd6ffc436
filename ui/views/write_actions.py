"""Where the window's write-back actions meet: "Write tags…" (the results footer, Ctrl+T)
reads the last batch's files and opens the dialog; the Writes tab's "Show progress" and
its undos bring the dialog up on the run already going. One dialog at a time."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from pathlib import Path

import customtkinter as ctk

from ui.views.write_dialog import WriteDialog
from ui.write_run import RunKind, RunPhase
from ui.writes import Writes

__all__ = ["WriteActions"]


class WriteActions:
    def __init__(
        self,
        root: tk.Misc,
        writes: Writes,
        open_folder: Callable[[Path], None],
        batch_active: Callable[[], bool],
    ) -> None:
        self.root = root
        self.writes = writes
        self.open_folder = open_folder
        self.batch_active = batch_active
        self.dialog: WriteDialog | None = None
        self.button: ctk.CTkButton | None = None  # "Write tags…", on when `can_write`

    @property
    def can_write(self) -> bool:
        """ "Write tags…" is on: a batch has results, and none is matching."""
        writes = self.writes
        return not self.batch_active() and (writes.source is not None or writes.run is not None)

    def refresh(self) -> None:
        """Turn the "Write tags…" button on or off."""
        state = "normal" if self.can_write else "disabled"
        if self.button is not None and self.button.cget("state") != state:
            self.button.configure(state=state)

    def write_tags(self) -> WriteDialog | None:
        """Preview the last batch's tags: a run going, or a preview ready, is shown as it
        is; after a write or an undo the files are read again for a new preview."""
        writes, run = self.writes, self.writes.run
        ready = (
            run is not None and run.kind is RunKind.READ and run.phase is not RunPhase.FAILED
            and run.phase is not RunPhase.CANCELLED and writes.preview is not None
        )  # fmt: skip
        if (run is None or run.over) and not ready and not writes.read():
            return None
        return self.show()

    def show(self) -> WriteDialog | None:
        """The dialog on the current run, made if needed (None when there is no run)."""
        dialog = self._open()
        if dialog is not None:
            dialog.refresh()
            dialog.lift()
            return dialog
        if self.writes.run is None:
            return None
        self.dialog = WriteDialog(self.root, self.writes, self.open_folder)
        return self.dialog

    def _open(self) -> WriteDialog | None:
        dialog = self.dialog
        if dialog is not None and not dialog.winfo_exists():
            dialog = self.dialog = None
        return dialog
