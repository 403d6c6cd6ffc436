"""The bottom line: what the batch is doing, its progress (the tally's tracks done, as on
the cards), the engine's elapsed time and speed (the dashboard's figures: the time the
batch ran, its pauses said apart, and for a resumed batch that they are this run's), the
time left, and the one "Open results folder" button. Redrawn when the controller changes,
when resized, and twice a second; `on_event` hears BatchStarted, which says what earlier
runs already did.
Once the batch is over it says how it ended and why (ui/batch_outcome.py): a batch that
could not start gave its playlists back to the queue, which left the bar at "Ready".

Between Start and BatchStarted nothing arrives from the engine: an engine started for
the batch is preparing its catalog then (the seconds a catalog file's import takes), so
that is what the bar says, rather than "Reading playlists…".

The folder opens with the controller's `open_folder` (which says where the folder is
when the OS has no program to open folders with).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import customtkinter as ctk

from matcher import BatchStarted, Event
from ui.batch_outcome import outcome
from ui.controller import Controller
from ui.progress_model import starting_text
from ui.queue_model import Phase
from ui.theme import GAP, MUTED, PAD, SECONDARY, font, set_progress

__all__ = ["StatusBar"]

TICK_MS = 500
_PHASE_TEXT = {
    Phase.IDLE: "Ready",
    Phase.STARTING: "Reading playlists…",  # or what starting_text() says
    Phase.RUNNING: "Matching",
    Phase.PAUSING: "Pausing…",
    Phase.PAUSED: "Paused",
    Phase.RESUMING: "Resuming…",
    Phase.CANCELLING: "Cancelling…",
}


class StatusBar(ctk.CTkFrame):
    def __init__(self, master: ctk.CTkBaseClass, controller: Controller) -> None:
        super().__init__(
            master, corner_radius=0, height=44, border_width=0, fg_color=("gray86", "gray20")
        )
        self.controller = controller
        self.columnconfigure(2, weight=1)
        self.phase = ctk.CTkLabel(self, text="", font=font("small", "bold"), width=130, anchor="w")
        self.bar = ctk.CTkProgressBar(self, width=220, height=8)
        set_progress(self.bar, 0.0)
        self.tracks = ctk.CTkLabel(self, text="", font=font("small"), anchor="w")
        self.timing = ctk.CTkLabel(self, text="", font=font("small"), text_color=MUTED)
        self.open_button = ctk.CTkButton(
            self,
            text="Open results folder",
            height=26,
            width=150,
            font=font("small"),
            command=self._open,
            **SECONDARY,
        )
        self.phase.grid(row=0, column=0, padx=(PAD, GAP), pady=GAP)
        self.bar.grid(row=0, column=1, padx=(0, GAP + 4))
        self.tracks.grid(row=0, column=2, sticky="w")
        self.timing.grid(row=0, column=3, sticky="e", padx=(GAP, PAD))
        self.open_button.grid(row=0, column=4, sticky="e", padx=(0, PAD))
        self._after: str | None = None
        self._already: tuple[str, int] = ("", 0)  # (batch id, tracks earlier runs did)
        self._ready_engine: object = None  # the engine that has run a batch: catalog ready
        controller.session.watch(self.refresh)
        self.bind("<Configure>", lambda _e: self.refresh(), add="+")  # the reason's room
        self.refresh()
        self._tick()

    def on_event(self, event: Event) -> None:
        """A batch started (or resumed): what its earlier runs did is not in its figures."""
        if isinstance(event, BatchStarted):
            self._already = (event.batch_id, event.already_done)
            self.refresh()

    def refresh(self) -> None:
        c = self.controller
        done, total = c.model.progress()
        phase = c.model.phase
        batch, already = self._already
        already = already if batch == c.model.batch_id else 0
        line = c.figures.line(done, total, running=phase is Phase.RUNNING, already_done=already)
        if c.model.batch_id is None:
            line = replace(line, tracks="No batch yet")
        text, tracks = _PHASE_TEXT[phase], line.tracks
        if phase is Phase.STARTING:
            text = starting_text(c.engine is not self._ready_engine, c.provider)
        else:
            self._ready_engine = c.engine
        if phase is Phase.IDLE and c.model.batch_id is not None:
            ended = outcome(c.model.batch_items())
            text, tracks = ended.phase, ended.text(line.tracks, self._room(), self._measure)
        self._set(self.phase, text)
        self._set(self.tracks, tracks)
        self._set(self.timing, line.timing)
        if abs(self.bar.get() - line.fraction) > 1e-4 or line.fraction == 0:
            set_progress(self.bar, line.fraction)
        state = "normal" if self._folder() is not None else "disabled"
        if self.open_button.cget("state") != state:
            self.open_button.configure(state=state)

    def _room(self) -> int | None:
        """The pixels the tracks line has before the timing and the button; None until
        the bar is laid out."""
        width = self.winfo_width()
        if width <= 1:
            return None
        right = self.timing.winfo_reqwidth() + self.open_button.winfo_reqwidth()
        return width - self.tracks.winfo_x() - right - GAP - 2 * PAD

    def _measure(self, text: str) -> int:
        return int(self.tk.call("font", "measure", self.tracks._label.cget("font"), text))

    def _set(self, label: ctk.CTkLabel, text: str) -> None:
        if label.cget("text") != text:
            label.configure(text=text)

    def _tick(self) -> None:
        self.refresh()
        self._after = self.after(TICK_MS, self._tick)

    def _folder(self) -> Path | None:
        """The last batch's output folder, else the output folder once it exists."""
        c = self.controller
        if c.last_out_dir is not None:
            return c.last_out_dir
        return c.out_dir if c.out_dir.is_dir() else None

    def _open(self) -> None:
        folder = self._folder()
        if folder is not None:
            self.controller.open_folder(folder)

    def destroy(self) -> None:
        if self._after is not None:
            self.after_cancel(self._after)
            self._after = None
        super().destroy()
