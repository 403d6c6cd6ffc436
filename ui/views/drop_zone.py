"""Where playlists come in: the drop zone (the whole window takes drops), the Add… button
and a small message area for files that could not be queued.

tkdnd hands a drop over as one Tcl list: paths with spaces come in braces, and file
managers may send percent-encoded `file://` URIs, so the data is split with
`tk.splitlist` and each item turned into a path by `paths_from_drop`.
"""

from __future__ import annotations

import sys
import tkinter.font as tkfont
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker
from tkinterdnd2 import COPY, DND_FILES

from ui.theme import ACCENT, BORDER, GAP, MUTED, PAD, PANEL, SECONDARY, WARN, font

__all__ = ["DropZone", "NoticeArea", "paths_from_drop"]


def _path_from_uri(uri: str) -> Path:
    parts = urlsplit(uri)
    path = unquote(parts.path)
    if parts.netloc and parts.netloc != "localhost":  # file://server/share/x (UNC)
        return Path(f"//{parts.netloc}{path}")
    if sys.platform == "win32" and len(path) > 2 and path[0] == "/" and path[2] == ":":
        path = path[1:]  # file:///C:/Music/x.xml
    return Path(path)


def paths_from_drop(items: Sequence[str]) -> list[Path]:
    """Paths from tkdnd's list items: plain paths or (percent-encoded) file:// URIs;
    anything else (text, http links) is ignored."""
    paths = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        if item.lower().startswith("file:"):
            paths.append(_path_from_uri(item))
        elif "://" not in item:
            paths.append(Path(item))
    return paths


class DropZone(ctk.CTkFrame):
    """An inviting target while the queue is empty, a slim strip once it is not."""

    def __init__(
        self,
        master: ctk.CTkBaseClass,
        on_paths: Callable[[list[Path]], None],
        on_add: Callable[[], None],
    ) -> None:
        super().__init__(
            master, fg_color=PANEL, border_width=2, border_color=BORDER, corner_radius=14
        )
        self.on_paths = on_paths
        self.compact = False
        self.glyph = ctk.CTkLabel(self, text="⇩", font=font("glyph"), text_color=ACCENT)
        self.title = ctk.CTkLabel(
            self, text="Drop playlists or folders here", font=font("heading", "bold")
        )
        self.hint = ctk.CTkLabel(
            self,
            text="Rekordbox (XML, master.db, USB) · Serato · Traktor · M3U · CSV",
            font=font("small"),
            text_color=MUTED,
        )
        self.add_button = ctk.CTkButton(self, text="Add playlists…", width=140, command=on_add)
        self.reading = ctk.CTkLabel(self, text="", font=font("small"), text_color=MUTED)
        self._layout()

    def register(self, window: ctk.CTk) -> None:
        """Take drops anywhere on `window` (drops on child widgets reach it too)."""
        window.drop_target_register(DND_FILES)  # type: ignore[attr-defined]
        window.dnd_bind("<<Drop>>", self._on_drop)  # type: ignore[attr-defined]
        window.dnd_bind("<<DropEnter>>", lambda e: self._highlight(True, e))  # type: ignore[attr-defined]
        window.dnd_bind("<<DropLeave>>", lambda e: self._highlight(False, e))  # type: ignore[attr-defined]

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            self._layout()

    def set_reading(self, count: int) -> None:
        text = "" if not count else "Reading playlists…"
        if self.reading.cget("text") != text:
            self.reading.configure(text=text)

    # -- plumbing ------------------------------------------------------------------------

    def _layout(self) -> None:
        for widget in (self.glyph, self.title, self.hint, self.add_button, self.reading):
            widget.grid_forget()
        if self.compact:
            self.columnconfigure(0, weight=0)
            self.columnconfigure(1, weight=1)
            self.rowconfigure((0, 5), weight=0)
            self.glyph.configure(font=font("heading", "bold"))
            self.title.configure(text="Drop more playlists here", font=font("body", "bold"))
            self.add_button.configure(text="Add…", width=84)
            self.glyph.grid(row=0, column=0, padx=(PAD, GAP), pady=GAP + 2)
            self.title.grid(row=0, column=1, sticky="w")
            self.reading.grid(row=0, column=2, padx=GAP)
            self.add_button.grid(row=0, column=3, padx=(0, GAP + 4))
        else:
            self.columnconfigure(0, weight=1)
            self.columnconfigure(1, weight=0)
            self.rowconfigure((0, 5), weight=1)
            self.glyph.configure(font=font("glyph"))
            self.title.configure(
                text="Drop playlists or folders here", font=font("heading", "bold")
            )
            self.add_button.configure(text="Add playlists…", width=140)
            self.glyph.grid(row=1, column=0, pady=(PAD, 0))
            self.title.grid(row=2, column=0, pady=(GAP // 2, 0))
            self.hint.grid(row=3, column=0, padx=PAD, pady=(2, GAP + 4))
            self.add_button.grid(row=4, column=0, pady=(0, GAP))
            self.reading.grid(row=5, column=0, sticky="n", pady=(0, PAD))

    def _highlight(self, on: bool, event: object) -> str:
        self.configure(border_color=ACCENT if on else BORDER)
        return getattr(event, "action", COPY)

    def _on_drop(self, event: object) -> str:
        self._highlight(False, event)
        data = getattr(event, "data", "")
        paths = paths_from_drop(self.tk.splitlist(data)) if data else []
        if paths:
            self.on_paths(paths)
        return COPY


class NoticeArea(ctk.CTkFrame):
    """Up to a few messages (a file that is not a playlist, an engine error), with one
    ✕ that dismisses them all. Hidden when there is nothing to say.

    The messages wrap to the width there is and take at most `MAX_LINES` lines; more
    scroll. The left column is shared with the banners and the queue: four messages of
    two or three wrapped lines each left the queue one card tall.
    """

    MAX_LINES = 4

    def __init__(self, master: ctk.CTkBaseClass, on_dismiss: Callable[[], None]) -> None:
        super().__init__(master, fg_color="transparent")
        self.columnconfigure(0, weight=1)
        self.text = ctk.CTkTextbox(
            self, height=20, wrap="word", font=font("small"), text_color=WARN,
            fg_color="transparent", border_width=0, corner_radius=0, border_spacing=0,
        )  # fmt: skip
        self.text.grid(row=0, column=0, sticky="new")
        self.text.configure(state="disabled")
        # a small ✕ (as on the queue cards), so the messages have the width to stay short
        self.dismiss = ctk.CTkButton(self, text="✕", width=26, height=24, font=font("small"),
                                     command=on_dismiss, **SECONDARY)  # fmt: skip
        self.dismiss.grid(row=0, column=1, sticky="ne", padx=(GAP // 2, 0))
        self.lines: list[str] = []
        self._width = 0
        self.text.bind("<Configure>", self._on_resize, add="+")

    @property
    def shown(self) -> str:
        """The text as shown (every message, one "• " each)."""
        return self.text.get("1.0", "end-1c")

    def show(self, lines: Sequence[str]) -> None:
        lines = list(lines)
        if lines == self.lines:
            return
        self.lines = lines
        self.text.configure(state="normal")
        self.text.delete("1.0", "end")
        self.text.insert("1.0", "\n".join(f"• {line}" for line in lines))
        self.text.configure(state="disabled")
        self.after_idle(self._fit)

    def _on_resize(self, event: object) -> None:
        width = getattr(event, "width", 0)
        if width != self._width:  # wrapped anew: as many lines as that takes
            self._width = width
            self.after_idle(self._fit)

    def _fit(self) -> None:
        """As tall as the wrapped messages, up to MAX_LINES lines (the rest scrolls)."""
        if not self.winfo_exists():
            return
        inner = self.text._textbox  # the tk Text: it alone counts wrapped lines
        count = inner.count("1.0", "end", "displaylines") or (1,)
        lines = max(1, min(self.MAX_LINES, int(count[0] if isinstance(count, tuple) else count)))
        pixels = lines * tkfont.Font(font=inner.cget("font")).metrics("linespace") + 2
        height = round(pixels / ScalingTracker.get_widget_scaling(self))
        if self.text.cget("height") != height:
            self.text.configure(height=height)
