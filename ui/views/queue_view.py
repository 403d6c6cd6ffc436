"""The batch queue: one card per playlist (name, tracks, progress, counts, status) and the
Start / Pause-Resume / Cancel / Clear finished buttons. Renders the queue model; edits
(move, remove, clear) go to the intake, Start / Pause / Cancel to the controller. Cards
are updated in place, so a progress event redraws only what changed.

A card keeps its shape through a run: the right-hand column is as wide as the status,
the buttons and "10,000 / 10,000" for the playlist's total need, from the start, so the
bar beside it never shrinks; the name and the file line give up their middle ("…")
rather than their end when the card is too narrow for them.
"""

from __future__ import annotations

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from ui.controller import Controller
from ui.intake import Intake
from ui.progress_model import format_count, plural
from ui.queue_model import ItemStatus, Phase, QueueItem
from ui.text_fit import elide_middle, fit_parts
from ui.theme import (
    BORDER,
    COUNT_COLORS,
    GAP,
    MUTED,
    PAD,
    PANEL,
    SECONDARY,
    STATUS_COLORS,
    WARN,
    font,
    set_progress,
)

__all__ = ["QueueRow", "QueueView", "subtitle", "subtitle_parts"]

_PRIMARY = ctk.ThemeManager.theme["CTkButton"]["fg_color"]
_COUNT_WORDS = (
    ("matched", "matched"),
    ("review", "review"),
    ("unmatched", "unmatched"),
    ("error", "errors"),
)


def subtitle_parts(item: QueueItem) -> tuple[str, str]:
    """("house.xml · Sets/Friday", "1,200 tracks"): where it comes from, and its size."""
    parts = [item.path.name]
    if item.name and "/" in item.name:
        parts.append(item.name.rsplit("/", 1)[0])
    count = "… tracks" if item.entries is None else plural(item.entries, "track")
    return " · ".join(parts), count


def subtitle(item: QueueItem) -> str:
    """ "house.xml · Sets/Friday · 1,200 tracks" """
    return " · ".join(subtitle_parts(item))


class QueueRow(ctk.CTkFrame):
    """One playlist's card.

    name ...................................... STATUS
    file · folder · tracks ........................ ▲ ▼ ✕
    [progress ..................................] done / total
    matched  review  unmatched  errors
    """

    def __init__(self, master: ctk.CTkBaseClass, intake: Intake, item: QueueItem) -> None:
        super().__init__(
            master, fg_color=PANEL, corner_radius=10, border_width=1, border_color=BORDER
        )
        self.intake = intake
        self.item_id = item.item_id
        self.item: QueueItem | None = None
        self.columnconfigure(0, weight=1)
        self.label = ctk.CTkLabel(self, text="", font=font("body", "bold"), anchor="w")
        self.status = ctk.CTkLabel(
            self, text="", font=font("small", "bold"), corner_radius=8, width=90, height=22
        )
        self.sub = ctk.CTkLabel(self, text="", font=font("small"), text_color=MUTED, anchor="w")
        # width=1: empty (a running playlist), it takes no room; customtkinter's 200 would
        # narrow the bar and the name for the whole run
        self.tools = ctk.CTkFrame(self, fg_color="transparent", width=1, height=24)
        small = {**SECONDARY, "width": 26, "height": 22, "font": font("small")}
        self.up = ctk.CTkButton(self.tools, text="▲", command=lambda: self._move(-1), **small)
        self.down = ctk.CTkButton(self.tools, text="▼", command=lambda: self._move(1), **small)
        self.remove = ctk.CTkButton(self.tools, text="✕", command=self._remove, **small)
        self.bar = ctk.CTkProgressBar(self, height=8)
        self.done = ctk.CTkLabel(self, text="", font=font("small"), text_color=MUTED)
        counts = ctk.CTkFrame(self, fg_color="transparent")
        self.counts = {}
        for n, (key, _word) in enumerate(_COUNT_WORDS):
            label = ctk.CTkLabel(counts, text="", font=font("small"))
            label.grid(row=0, column=n, padx=(0, 12))
            self.counts[key] = label
        self.message = ctk.CTkLabel(
            self, text="", font=font("small"), text_color=WARN, anchor="w", justify="left",
            wraplength=360,
        )  # fmt: skip

        self.label.grid(row=0, column=0, sticky="ew", padx=(12, GAP), pady=(10, 0))
        self.status.grid(row=0, column=1, sticky="e", padx=(0, 12), pady=(10, 0))
        self.sub.grid(row=1, column=0, sticky="ew", padx=12)
        self.tools.grid(row=1, column=1, sticky="e", padx=(0, 12))
        self.bar.grid(row=2, column=0, sticky="ew", padx=(12, GAP), pady=(6, 2))
        self.done.grid(row=2, column=1, sticky="e", padx=(0, 12), pady=(6, 2))
        counts.grid(row=3, column=0, columnspan=2, sticky="w", padx=12, pady=(0, 10))
        self._fitted: tuple[object, ...] = ()
        self._tools_shown = 0  # buttons shown beside the file line
        self._right_min = 0  # the right-hand column's least width
        self.bind("<Configure>", lambda _e: self._fit_text(), add="+")
        self.update_item(item)

    def update_item(self, item: QueueItem) -> None:
        old, self.item = self.item, item
        if old is None or old.status is not item.status:
            text_color, pill = STATUS_COLORS[item.status]
            self.status.configure(
                text=item.status.value.upper(), text_color=text_color, fg_color=pill
            )
        if old is None or old.entries != item.entries:
            self._fix_right_column(item.entries)
        if old is None or (old.done, old.entries) != (item.done, item.entries):
            set_progress(self.bar, item.fraction)
            total = "…" if item.entries is None else format_count(item.entries)
            self.done.configure(text=f"{format_count(item.done)} / {total}")
        if old is None or old.counts != item.counts:
            for key, word in _COUNT_WORDS:
                n = getattr(item.counts, key)
                self.counts[key].configure(
                    text=f"{format_count(n)} {word}", text_color=COUNT_COLORS[key] if n else MUTED
                )
        if old is None or old.message != item.message:
            self.message.configure(text=item.message)
            if item.message:
                self.message.grid(row=4, column=0, columnspan=2, sticky="ew", padx=12,
                                  pady=(0, 10))  # fmt: skip
            else:
                self.message.grid_forget()
        if old is None or (old.waiting, old.finished) != (item.waiting, item.finished):
            self._show_tools(item)
        self._fit_text()  # a new name, or a right-hand column that changed: refit (cheap)

    def _measure(self, label: ctk.CTkLabel, text: str) -> int:
        return int(self.tk.call("font", "measure", label._label.cget("font"), text))

    def _fix_right_column(self, entries: int | None) -> None:
        """Wide enough for the status, the buttons and "total / total" from the start."""
        total = format_count(entries or 0)
        scale = ScalingTracker.get_widget_scaling(self)
        widest = max(self._measure(self.done, f"{total} / {total}"), round(90 * scale))
        self.columnconfigure(1, minsize=widest)
        self._right_min = widest

    def _right_width(self) -> int:
        """The right-hand column's width and padding, from what is in it (the status pill,
        the buttons shown, "done / total"), not from the last layout: at the card's first
        <Configure> that layout may still be the one from before its buttons were sized
        (customtkinter frames start 200 wide), which shortened names that fitted."""
        scale = ScalingTracker.get_widget_scaling(self)
        pill = max(round(90 * scale), self._measure(self.status, self.status.cget("text"))
                   + round(16 * scale))  # fmt: skip
        tools = round(self._tools_shown * (26 + 4) * scale)
        done = self._measure(self.done, self.done.cget("text"))
        return max(pill, tools, done, self._right_min) + round(12 * scale)

    def _fit_text(self) -> None:
        """The name and the file line within the card, shortened in the middle if need be."""
        item = self.item
        width = self.winfo_width()
        if item is None or width <= 1:
            self.label.configure(text=item.label if item else "")
            self.sub.configure(text=subtitle(item) if item else "")
            return
        scale = ScalingTracker.get_widget_scaling(self)
        room = width - self._right_width() - round((12 + GAP + 4) * scale)
        key = (item.label, subtitle(item), room)
        if key == self._fitted:
            return
        self._fitted = key
        self.label.configure(text=elide_middle(item.label, room,
                                               lambda t: self._measure(self.label, t)))  # fmt: skip
        where, count = subtitle_parts(item)
        self.sub.configure(text=fit_parts(where, count, room,
                                          lambda t: self._measure(self.sub, t)))  # fmt: skip

    def _show_tools(self, item: QueueItem) -> None:
        """▲ ▼ for playlists still waiting; ✕ for those and for finished ones."""
        shown = [self.up, self.down, self.remove] if item.waiting else []
        if item.finished:
            shown = [self.remove]
        for button in (self.up, self.down, self.remove):
            button.grid_forget()
        for n, button in enumerate(shown):
            button.grid(row=0, column=n, padx=(4, 0))
        self._tools_shown = len(shown)

    def _move(self, delta: int) -> None:
        self.intake.move(self.item_id, delta)

    def _remove(self) -> None:
        self.intake.remove(self.item_id)


class QueueView(ctk.CTkFrame):
    def __init__(self, master: ctk.CTkBaseClass, intake: Intake, controller: Controller) -> None:
        super().__init__(master, fg_color="transparent")
        self.intake = intake
        self.controller = controller
        self.rows: dict[int, QueueRow] = {}
        self._order: list[int] = []
        self.columnconfigure(0, weight=1)
        self.rowconfigure(1, weight=1)

        header = ctk.CTkFrame(self, fg_color="transparent")
        header.grid(row=0, column=0, sticky="ew", pady=(0, GAP))
        header.columnconfigure(1, weight=1)
        ctk.CTkLabel(header, text="Queue", font=font("heading", "bold")).grid(row=0, column=0)
        self.summary = ctk.CTkLabel(header, text="", font=font("small"), text_color=MUTED)
        self.summary.grid(row=0, column=1, sticky="w", padx=GAP)
        self.clear_button = ctk.CTkButton(
            header, text="Clear finished", width=110, height=26, font=font("small"),
            command=intake.clear_finished, **SECONDARY,
        )  # fmt: skip
        self.clear_button.grid(row=0, column=2, sticky="e")

        window = ctk.ThemeManager.theme["CTk"]["fg_color"]  # explicit: see SettingsView
        self.list = ctk.CTkScrollableFrame(self, fg_color=window, corner_radius=0)
        self.list.grid(row=1, column=0, sticky="nsew")
        self.list.columnconfigure(0, weight=1)
        self.empty = ctk.CTkLabel(
            self.list,
            text="Nothing queued yet.\nDrop playlists above, or press Ctrl+O.",
            font=font("body"),
            text_color=MUTED,
            justify="center",
        )

        buttons = ctk.CTkFrame(self, fg_color="transparent")
        buttons.grid(row=2, column=0, sticky="ew", pady=(GAP, 0))
        buttons.columnconfigure((0, 1, 2), weight=1, uniform="controls")
        self.start_button = ctk.CTkButton(
            buttons, text="▶  Start", height=36, font=font("body", "bold"), command=controller.start
        )
        self.pause_button = ctk.CTkButton(
            buttons, text="Pause", height=36, font=font("body"), command=controller.toggle_pause,
            **SECONDARY,
        )  # fmt: skip
        self.cancel_button = ctk.CTkButton(
            buttons, text="Cancel", height=36, font=font("body"), command=controller.cancel,
            **SECONDARY,
        )  # fmt: skip
        self.start_button.grid(row=0, column=0, sticky="ew", padx=(0, GAP // 2))
        self.pause_button.grid(row=0, column=1, sticky="ew", padx=GAP // 2)
        self.cancel_button.grid(row=0, column=2, sticky="ew", padx=(GAP // 2, 0))
        # what Start matches against: the catalog, the preset, where it runs
        self.target = ctk.CTkLabel(self, text="", font=font("small"), text_color=MUTED,
                                   anchor="w")  # fmt: skip
        self.target.grid(row=3, column=0, sticky="ew", pady=(4, 0))
        controller.session.watch(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        model = self.controller.model
        items = model.items
        ids = [i.item_id for i in items]
        gone = set(self.rows) - set(ids)
        for item_id in gone:
            self.rows.pop(item_id).destroy()
        if gone and not ids:  # the list's scroll offset would keep its empty text out of view
            self.list._parent_canvas.yview_moveto(0)
        for item in items:
            row = self.rows.get(item.item_id)
            if row is None:
                self.rows[item.item_id] = QueueRow(self.list, self.intake, item)
            elif row.item != item:
                row.update_item(item)
        if ids != self._order:
            self._order = ids
            for n, item_id in enumerate(ids):
                self.rows[item_id].grid(row=n, column=0, sticky="ew", pady=(0, GAP), padx=(0, 4))
        if ids:
            self.empty.grid_forget()
        else:
            self.empty.grid(row=0, column=0, pady=PAD * 2)
        self._refresh_summary(items)
        self._refresh_buttons()
        target = self.controller.catalog_choice.target()
        if self.target.cget("text") != target:
            self.target.configure(text=target)

    def _refresh_summary(self, items: list[QueueItem]) -> None:
        if not items:
            text = ""
        else:
            tracks = sum(i.entries or 0 for i in items)
            noun = "playlist" if len(items) == 1 else "playlists"
            text = f"{len(items)} {noun} · {format_count(tracks)} tracks"
        if self.summary.cget("text") != text:
            self.summary.configure(text=text)

    def _refresh_buttons(self) -> None:
        model = self.controller.model
        phase = model.phase
        states = {
            self.start_button: not model.active and bool(model.waiting()),
            self.pause_button: phase in (Phase.RUNNING, Phase.PAUSED, Phase.PAUSING),
            self.cancel_button: model.active and phase is not Phase.CANCELLING,
            self.clear_button: any(i.finished for i in model.items),
        }
        for button, enabled in states.items():
            state = "normal" if enabled else "disabled"
            if button.cget("state") != state:
                button.configure(state=state)
                if button is self.start_button:  # a greyed main button, not a blue one
                    button.configure(fg_color=_PRIMARY if enabled else BORDER)
        paused = phase in (Phase.PAUSED, Phase.PAUSING)
        text = "▶  Resume" if paused else "❚❚  Pause"
        if self.pause_button.cget("text") != text:
            self.pause_button.configure(text=text)

    def status_of(self, item_id: int) -> ItemStatus | None:
        """The status a card shows (for tests and accessibility tools)."""
        row = self.rows.get(item_id)
        return row.item.status if row is not None and row.item is not None else None
