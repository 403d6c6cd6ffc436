"""A banner offering to finish a batch that was cut off (cancelled, crashed, or the
window closed mid-batch), read from the journal at launch and after a cancel.
Resume continues it where it stopped; Dismiss hides it for this session."""

from __future__ import annotations

import time

import customtkinter as ctk

from matcher import BatchRecord
from ui.controller import Controller
from ui.history import BatchHistory
from ui.progress_model import format_count
from ui.theme import RESUME_BANNER
from ui.views.banner import Banner

__all__ = ["ResumePrompt", "describe"]


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


class ResumePrompt(Banner):
    def __init__(
        self, master: ctk.CTkBaseClass, history: BatchHistory, controller: Controller
    ) -> None:
        super().__init__(master, RESUME_BANNER, action="Resume", on_action=self.resume,
                         action_width=76, on_dismiss=self.dismiss, wraplength=250)  # fmt: skip
        self.history = history
        self.controller = controller
        self.record: BatchRecord | None = None
        history.session.watch(self.refresh)

    def refresh(self) -> None:
        waiting = self.history.unfinished
        active = self.history.session.model.active
        self.record = waiting[0] if waiting and not active else None
        self.show(None if self.record is None else describe(self.record, len(waiting) - 1))

    def resume(self) -> None:
        if self.record is not None:
            self.controller.resume_batch(self.record.batch_id)

    def dismiss(self) -> None:
        if self.record is not None:
            self.history.dismiss_unfinished(self.record.batch_id)
