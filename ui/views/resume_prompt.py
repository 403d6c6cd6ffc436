"""A banner offering to finish a batch that was cut off (cancelled, crashed, or the
window closed mid-batch), read from the journal at launch and after a cancel.
Resume continues it where it stopped; Dismiss hides it for this session."""

from __future__ import annotations

import time

import customtkinter as ctk

from matcher.journal import BatchRecord
from ui.controller import Controller
from ui.progress_model import format_count
from ui.theme import GAP, font

__all__ = ["ResumePrompt", "describe"]

_BANNER = ("#fff4d6", "#3a3117")
_BANNER_TEXT = ("#5c4300", "#f5dc9a")


def describe(record: BatchRecord, more: int = 0) -> str:
    """ "Unfinished batch from Fri 28 Nov, 14:02: 1,234 of 5,000 tracks in 2 playlists." """
    when = time.strftime("%a %d %b, %H:%M", time.localtime(record.created))
    count = len(record.inputs)
    noun = "playlist" if count == 1 else "playlists"
    text = (
        f"Unfinished batch from {when}: {format_count(record.done)} of "
        f"{format_count(record.total)} tracks in {count} {noun}."
    )
    if more:
        text += f" ({more} more unfinished)"
    return text


class ResumePrompt(ctk.CTkFrame):
    def __init__(self, master: ctk.CTkBaseClass, controller: Controller) -> None:
        super().__init__(master, fg_color=_BANNER, corner_radius=10)
        self.controller = controller
        self.record: BatchRecord | None = None
        self.columnconfigure(0, weight=1)
        self.text = ctk.CTkLabel(
            self,
            text="",
            font=font("small"),
            text_color=_BANNER_TEXT,
            anchor="w",
            justify="left",
            wraplength=250,
        )
        self.text.grid(row=0, column=0, sticky="ew", padx=(12, GAP), pady=GAP)
        self.resume_button = ctk.CTkButton(
            self, text="Resume", width=76, height=28, command=self.resume
        )
        self.resume_button.grid(row=0, column=1, padx=(0, 4))
        self.dismiss_button = ctk.CTkButton(
            self,
            text="Dismiss",
            width=72,
            height=28,
            fg_color="transparent",
            text_color=_BANNER_TEXT,
            hover_color=("#f3e2b3", "#4a3f1f"),
            command=self.dismiss,
        )
        self.dismiss_button.grid(row=0, column=2, padx=(0, GAP))
        self.on_visibility = lambda visible: None  # set by the window: show or hide the banner
        controller.watch(self.refresh)

    @property
    def visible(self) -> bool:
        return self.record is not None

    def refresh(self) -> None:
        waiting = self.controller.unfinished
        record = waiting[0] if waiting and not self.controller.model.active else None
        if record is not None:
            text = describe(record, len(waiting) - 1)
            if self.text.cget("text") != text:
                self.text.configure(text=text)
        if (record is None) != (self.record is None):
            self.on_visibility(record is not None)
        self.record = record

    def resume(self) -> None:
        if self.record is not None:
            self.controller.resume_batch(self.record.batch_id)

    def dismiss(self) -> None:
        if self.record is not None:
            self.controller.dismiss_unfinished(self.record.batch_id)
