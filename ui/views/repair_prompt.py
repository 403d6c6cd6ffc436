"""A banner saying the batch history (journal) or the catalog database is damaged, with
the button that moves it aside so a fresh one can take its place (ui/repair.py)."""

from __future__ import annotations

import customtkinter as ctk

from ui.repair import Repair, describe_damage
from ui.theme import REPAIR_BANNER
from ui.views.banner import Banner

__all__ = ["RepairPrompt"]


class RepairPrompt(Banner):
    def __init__(self, master: ctk.CTkBaseClass, repair: Repair) -> None:
        super().__init__(master, REPAIR_BANNER, action="Rebuild", on_action=repair.repair,
                         action_width=86, wraplength=290)  # fmt: skip
        self.repair = repair
        repair.session.watch(self.refresh)

    def refresh(self) -> None:
        damage = self.repair.damage
        if damage is None:
            self.show(None)
            return
        text, label = describe_damage(damage, self.repair.session.settings.catalog)
        busy = self.repair.repairing
        self.set_action("Working…" if busy else label, enabled=not busy)
        self.show(text)
