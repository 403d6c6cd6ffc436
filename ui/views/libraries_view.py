"""The DJ libraries found on this computer, a line each, in the Settings tab. Looking
touches the disk (a synced or network home folder can be slow), so it runs on a reader
thread and the lines arrive through the session's `post`; "Look again" repeats it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import customtkinter as ctk

from ui.libraries_model import NONE_FOUND, find_libraries, library_lines
from ui.session import Session
from ui.theme import GAP, MUTED, SECONDARY, WARN, font

__all__ = ["LOOKING", "LibrariesView"]

LOOKING = "Looking…"


class LibrariesView(ctk.CTkFrame):
    def __init__(
        self,
        master: ctk.CTkBaseClass,
        session: Session,
        find: Callable[[], dict[str, Path]] | None = None,  # None: find_libraries
    ) -> None:
        super().__init__(master, fg_color="transparent")
        self.session = session
        self.find = find
        self.columnconfigure(0, weight=1)
        self.lines = ctk.CTkLabel(self, text=LOOKING, anchor="w", justify="left",
                                  font=font("small"), text_color=MUTED)  # fmt: skip
        self.lines.grid(row=0, column=0, sticky="ew")
        self.again = ctk.CTkButton(self, text="Look again", width=90, command=self.look,
                                   **SECONDARY)  # fmt: skip
        self.again.grid(row=0, column=1, sticky="ne", padx=(GAP, 0))
        self.looking = False
        self.look()

    def look(self) -> None:
        """Look for the libraries on a reader thread; the lines follow."""
        if self.looking:
            return
        self.looking = True
        self.again.configure(state="disabled")
        self.session.spawn(self._look, name="cratematch-find-libraries")

    def _look(self) -> None:
        """Reader thread: no Tk here, only `post`."""
        try:
            lines, warn = library_lines((self.find or find_libraries)()), False
        except Exception as err:  # noqa: BLE001 - a line for the user, never a crash
            lines, warn = [f"The libraries could not be looked for: {err}"], True
        self.session.post(partial(self.show, lines, warn))

    def show(self, lines: list[str], warn: bool = False) -> None:
        self.looking = False
        if not self.winfo_exists():  # the window closed while looking
            return
        found = lines != [NONE_FOUND] and not warn
        color = ctk.ThemeManager.theme["CTkLabel"]["text_color"] if found else MUTED
        self.lines.configure(text="\n".join(lines), text_color=WARN if warn else color)
        self.again.configure(state="normal")
