"""A small yes/no question that does not block the event loop: the batch keeps reporting
while it is open, and tests answer it with `answer(True)` like a click would."""

from __future__ import annotations

import contextlib
import tkinter as tk
from collections.abc import Callable

import customtkinter as ctk

from ui.theme import GAP, MUTED, PAD, SECONDARY, font

__all__ = ["ConfirmDialog", "center_over"]


def center_over(window: tk.Toplevel, master: tk.Misc) -> None:
    """Place a dialog in the middle of its window (window managers often do; without one
    it would open in the corner of the screen)."""
    window.update_idletasks()
    x = master.winfo_rootx() + (master.winfo_width() - window.winfo_width()) // 2
    y = master.winfo_rooty() + (master.winfo_height() - window.winfo_height()) // 3
    window.geometry(f"+{max(0, x)}+{max(0, y)}")


class ConfirmDialog(ctk.CTkToplevel):
    def __init__(
        self,
        master: tk.Misc,
        title: str,
        message: str,
        yes: str,
        no: str,
        on_answer: Callable[[bool], None],
    ) -> None:
        super().__init__(master)
        self._on_answer: Callable[[bool], None] | None = on_answer
        self.message = message
        self.title(title)
        self.resizable(False, False)
        self.transient(master)  # type: ignore[arg-type]
        self.columnconfigure(0, weight=1)
        ctk.CTkLabel(self, text=title, font=font("heading", "bold"), anchor="w").grid(
            row=0, column=0, columnspan=2, sticky="ew", padx=PAD, pady=(PAD, 2)
        )
        ctk.CTkLabel(
            self,
            text=message,
            font=font("body"),
            text_color=MUTED,
            anchor="w",
            justify="left",
            wraplength=380,
        ).grid(row=1, column=0, columnspan=2, sticky="ew", padx=PAD)
        buttons = ctk.CTkFrame(self, fg_color="transparent")
        buttons.grid(row=2, column=0, sticky="e", padx=PAD, pady=PAD)
        self.no_button = ctk.CTkButton(
            buttons,
            text=no,
            width=120,
            command=lambda: self.answer(False),
            **SECONDARY,
        )
        self.no_button.grid(row=0, column=0, padx=(0, GAP))
        self.yes_button = ctk.CTkButton(
            buttons, text=yes, width=170, command=lambda: self.answer(True)
        )
        self.yes_button.grid(row=0, column=1)
        self.protocol("WM_DELETE_WINDOW", lambda: self.answer(False))
        self.bind("<Escape>", lambda _e: self.answer(False))
        self.after(50, self._focus)

    def answer(self, yes: bool) -> None:
        callback, self._on_answer = self._on_answer, None
        with contextlib.suppress(tk.TclError):
            self.grab_release()
        self.destroy()
        if callback is not None:
            callback(yes)

    def _focus(self) -> None:
        with contextlib.suppress(tk.TclError):
            center_over(self, self.master)
            self.lift()
            self.no_button.focus_set()
            self.grab_set()
