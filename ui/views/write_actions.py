"""Where the window's write-back actions meet: "Write tags…" (the results footer, Ctrl+T)
reads the last batch's files and opens the dialog; "To library ▾" beside it offers the
DJ libraries (Rekordbox, Traktor, a Serato crate), whose write goes through the same
dialog; the Writes tab's "Show progress" and its undos bring the dialog up on the run
already going. One dialog at a time."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from pathlib import Path

import customtkinter as ctk
from customtkinter.windows.widgets.core_widget_classes import DropdownMenu

from ui.theme import font
from ui.views.write_dialog import WriteDialog
from ui.write_model import LIBRARY_TITLES, TAGS
from ui.write_run import RunKind
from ui.writes import Writes

__all__ = ["LIBRARY_MENU", "WriteActions"]

LIBRARY_MENU = {f"{title}…": app for app, title in LIBRARY_TITLES.items()}


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
        self.library_button: ctk.CTkButton | None = None  # "To library ▾", the same
        self.menu: DropdownMenu | None = None

    @property
    def can_write(self) -> bool:
        """ "Write tags…" is on: a batch has results, and none is matching."""
        writes = self.writes
        return not self.batch_active() and (writes.source is not None or writes.run is not None)

    def refresh(self) -> None:
        """Turn the "Write tags…" button on or off."""
        state = "normal" if self.can_write else "disabled"
        for button in (self.button, self.library_button):
            if button is not None and button.cget("state") != state:
                button.configure(state=state)

    def write_tags(self) -> WriteDialog | None:
        """Preview the last batch's tags: a run going is shown as it is, a preview ready
        as the files are now (ui.writes.Writes.open_preview); after a write or an undo the
        files are read again for a new preview."""
        return self.open_write(TAGS)

    def write_library(self, app: str, library: str | None = None) -> WriteDialog | None:
        """Preview writing the last batch's results into `app`'s library (`library`:
        one the user chose; by default where the app keeps it on this computer)."""
        return self.open_write(app, library)

    def open_write(self, target: str, library: str | None = None) -> WriteDialog | None:
        run = self.writes.run
        if run is not None and not run.over and run.kind is not RunKind.READ:
            return self.show()  # a write or an undo going: show it
        if not self.writes.open_preview(target, library):
            return None
        return self.show()

    def show_menu(self, widget: tk.Misc) -> None:
        """The libraries' menu, under `widget` (the "To library ▾" button)."""
        if not self.can_write:
            return
        if self.menu is None:
            self.menu = DropdownMenu(
                self.root, values=list(LIBRARY_MENU), font=font("body"),
                command=lambda value: self.write_library(LIBRARY_MENU[value]),
            )  # fmt: skip
        menu = self.menu
        menu.update_idletasks()
        width, height = menu.winfo_reqwidth(), menu.winfo_reqheight()
        x = min(widget.winfo_rootx(), widget.winfo_screenwidth() - width - 4)
        y = widget.winfo_rooty() + widget.winfo_height()
        if y + height > widget.winfo_screenheight():  # no room below: above the button
            y = widget.winfo_rooty() - height - 8
        menu.open(max(0, x), max(0, y))

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
