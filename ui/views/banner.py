"""A coloured strip at the top of the left column: one message, one action button, and
optionally Dismiss. The resume prompt and the repair prompt are banners.

    ┌────────────────────────────────────────────────────────┐
    │ message, wrapped to a few lines        [Action] Dismiss │
    └────────────────────────────────────────────────────────┘

A banner does not place itself: when it should appear or go, it calls `on_visibility`
(the window grids it in its row or forgets it). Text and button are changed only when
they differ, so refreshing on every controller change costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import customtkinter as ctk

from ui.theme import GAP, BannerColors, font

__all__ = ["Banner"]


class Banner(ctk.CTkFrame):
    def __init__(
        self,
        master: ctk.CTkBaseClass,
        colors: BannerColors,
        *,
        action: str,
        on_action: Callable[[], object],
        action_width: int,
        on_dismiss: Callable[[], object] | None = None,
        wraplength: int,
    ) -> None:
        super().__init__(master, fg_color=colors.background, corner_radius=10)
        self.shown = False
        self.on_visibility: Callable[[bool], None] = lambda visible: None  # set by the window
        self.columnconfigure(0, weight=1)
        self.text = ctk.CTkLabel(
            self,
            text="",
            font=font("small"),
            text_color=colors.text,
            anchor="w",
            justify="left",
            wraplength=wraplength,
        )
        self.text.grid(row=0, column=0, sticky="ew", padx=(12, GAP), pady=GAP)
        self.button = ctk.CTkButton(
            self, text=action, width=action_width, height=28, command=on_action
        )
        self.button.grid(row=0, column=1, padx=(0, GAP if on_dismiss is None else 4))
        self.dismiss_button: ctk.CTkButton | None = None
        if on_dismiss is not None:
            hover = {} if colors.hover is None else {"hover_color": colors.hover}
            self.dismiss_button = ctk.CTkButton(
                self,
                text="Dismiss",
                width=72,
                height=28,
                fg_color="transparent",
                text_color=colors.text,
                command=on_dismiss,
                **hover,
            )
            self.dismiss_button.grid(row=0, column=2, padx=(0, GAP))

    @property
    def visible(self) -> bool:
        return self.shown

    def show(self, message: str | None) -> None:
        """Show `message`, or hide the banner when it is None."""
        if message is not None and self.text.cget("text") != message:
            self.text.configure(text=message)
        if (message is not None) != self.shown:
            self.shown = message is not None
            self.on_visibility(self.shown)

    def set_action(self, text: str, *, enabled: bool = True) -> None:
        state = "normal" if enabled else "disabled"
        if (self.button.cget("text"), self.button.cget("state")) != (text, state):
            self.button.configure(text=text, state=state)
