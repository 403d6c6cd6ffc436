"""A banner asking for the catalog to match against, when Start found none (see
ui/catalog_choice.py). Its button opens the file dialog; the chosen file becomes
Settings' catalog file and the waiting playlists start."""

from __future__ import annotations

from collections.abc import Callable
from tkinter import filedialog

import customtkinter as ctk

from ui.catalog_choice import CATALOG_TYPES, CatalogChoice
from ui.theme import RESUME_BANNER
from ui.views.banner import Banner

__all__ = ["MESSAGE", "CatalogPrompt"]

MESSAGE = (
    "Choose the catalog to match against: your collection or a store's catalog as a CSV, "
    "Rekordbox XML or Traktor NML, or a catalog database. It is kept in Settings."
)


class CatalogPrompt(Banner):
    def __init__(self, master: ctk.CTkBaseClass, choice: CatalogChoice) -> None:
        super().__init__(master, RESUME_BANNER, action="Choose…", on_action=self.choose,
                         action_width=86, on_dismiss=choice.dismiss, wraplength=230)  # fmt: skip
        self.choice = choice
        # the file dialog (tests put a stand-in here)
        self.ask: Callable[[], str] = lambda: filedialog.askopenfilename(
            parent=self, title="Choose a catalog file", filetypes=CATALOG_TYPES
        )
        choice.session.watch(self.refresh)

    def refresh(self) -> None:
        self.show(MESSAGE if self.choice.asking else None)

    def choose(self) -> None:
        self.choice.choose(self.ask() or "")
