"""The dashboard's tips: `matcher.tips(metrics, queries)` as a short list of advice. The
snapshot's per-kind query figures go with the metrics, so a query kind that found
nothing is named (the fast preset skips it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import customtkinter as ctk

from matcher import MIN_TRACKS_FOR_TIPS, QueryKindStats, tips

__all__ = ["TipsView", "tips_text"]


def tips_text(metrics: Mapping[str, float], queries: Sequence[QueryKindStats] = ()) -> str:
    """What the panel says: one bullet per tip, or why there are none."""
    found = tips(metrics, queries)
    if found:
        return "\n".join(f"• {tip}" for tip in found)
    done = metrics.get("done_tracks", 0) or 0
    if done < MIN_TRACKS_FOR_TIPS:
        return f"No tips yet: advice appears once {MIN_TRACKS_FOR_TIPS} tracks are done."
    return "No tips: the run looks healthy."


class TipsView(ctk.CTkFrame):
    def __init__(self, master: Any) -> None:
        super().__init__(master)
        self.grid_columnconfigure(0, weight=1)
        self.grid_rowconfigure(1, weight=1)
        ctk.CTkLabel(self, text="Tips", font=ctk.CTkFont(weight="bold"), anchor="w").grid(
            row=0, column=0, sticky="w", padx=10, pady=(6, 0)
        )
        self.text = ctk.CTkTextbox(self, height=84, wrap="word", activate_scrollbars=True)
        self.text.grid(row=1, column=0, sticky="nsew", padx=6, pady=(2, 6))
        self._shown = ""
        self.update_tips({})

    def update_tips(
        self, metrics: Mapping[str, float], queries: Sequence[QueryKindStats] = ()
    ) -> None:
        text = tips_text(metrics, queries)
        if text == self._shown:
            return
        self._shown = text
        self.text.configure(state="normal")
        self.text.delete("1.0", "end")
        self.text.insert("1.0", text)
        self.text.configure(state="disabled")

    @property
    def shown(self) -> str:
        return self._shown
