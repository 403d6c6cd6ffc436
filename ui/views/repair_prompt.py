"""A banner saying the batch history (journal) or the catalog database is damaged, with
the button that moves it aside so a fresh one can take its place (ui/repair.py)."""

from __future__ import annotations

import customtkinter as ctk

from ui.controller import Controller
from ui.repair import describe_damage
from ui.theme import GAP, font

__all__ = ["RepairPrompt"]

_BANNER = ("#fde3e1", "#3d1d1b")
_BANNER_TEXT = ("#7a1a12", "#f6b8b1")


class RepairPrompt(ctk.CTkFrame):
    def __init__(self, master: ctk.CTkBaseClass, controller: Controller) -> None:
        super().__init__(master, fg_color=_BANNER, corner_radius=10)
        self.controller = controller
        self.shown = False
        self.columnconfigure(0, weight=1)
        self.text = ctk.CTkLabel(
            self,
            text="",
            font=font("small"),
            text_color=_BANNER_TEXT,
            anchor="w",
            justify="left",
            wraplength=290,
        )
        self.text.grid(row=0, column=0, sticky="ew", padx=(12, GAP), pady=GAP)
        self.button = ctk.CTkButton(
            self, text="Rebuild", width=86, height=28, command=controller.repair
        )
        self.button.grid(row=0, column=1, padx=(0, GAP))
        self.on_visibility = lambda visible: None  # set by the window: show or hide the banner
        controller.watch(self.refresh)

    @property
    def visible(self) -> bool:
        return self.shown

    def refresh(self) -> None:
        damage = self.controller.damage
        if damage is not None:
            text, label = describe_damage(damage, self.controller.settings.catalog)
            if self.text.cget("text") != text:
                self.text.configure(text=text)
            busy = self.controller.repairing
            self.button.configure(
                text="Working…" if busy else label, state="disabled" if busy else "normal"
            )
        if (damage is not None) != self.shown:
            self.shown = damage is not None
            self.on_visibility(self.shown)
