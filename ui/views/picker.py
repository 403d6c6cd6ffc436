"""Choose playlists from a file that holds several (a Rekordbox XML or Traktor NML).

The file's folder tree is shown as it is in the DJ software; several rows can be selected
and a selected folder stands for every playlist under it. `done(paths)` is called once:
with the chosen playlist paths, or with [] when the picker is cancelled or closed.
"""

from __future__ import annotations

import contextlib
import tkinter as tk
from collections.abc import Callable, Sequence
from pathlib import Path
from tkinter import ttk

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from matcher import PlaylistInfo
from ui.progress_model import format_count
from ui.theme import BORDER, GAP, MUTED, PAD, SECONDARY, font
from ui.views.confirm import center_over
from ui.views.table_style import style_table

__all__ = ["PlaylistPicker", "chosen_playlists"]

STYLE = "Picker.Treeview"


def chosen_playlists(infos: Sequence[PlaylistInfo], selected: Sequence[str]) -> list[str]:
    """The playlists `selected` stands for (folders expand to the playlists below them),
    in file order and without repeats. Pure, so it is tested without a window."""
    picked = set(selected)
    folders = [i.path + "/" for i in infos if i.is_folder and i.path in picked]
    return [
        i.path
        for i in infos
        if not i.is_folder and (i.path in picked or any(i.path.startswith(f) for f in folders))
    ]


class PlaylistPicker(ctk.CTkToplevel):
    def __init__(
        self,
        master: tk.Misc,
        path: Path,
        infos: Sequence[PlaylistInfo],
        done: Callable[[list[str]], None],
    ) -> None:
        super().__init__(master)
        self.infos = list(infos)
        self._done: Callable[[list[str]], None] | None = done
        playlists = [i for i in self.infos if not i.is_folder]
        self.title(f"Choose playlists — {path.name}")
        self.geometry("560x560")
        self.minsize(420, 380)
        self.transient(master)  # type: ignore[arg-type]
        self.columnconfigure(0, weight=1)
        self.rowconfigure(2, weight=1)

        ctk.CTkLabel(self, text=path.name, font=font("heading", "bold"), anchor="w").grid(
            row=0, column=0, sticky="ew", padx=PAD, pady=(PAD, 0)
        )
        ctk.CTkLabel(
            self,
            anchor="w",
            justify="left",
            font=font("small"),
            text_color=MUTED,
            text=f"Holds {len(playlists)} playlists. Choose the ones to match: "
            "Ctrl- or Shift-click for several; a folder takes every playlist in it.",
            wraplength=520,
        ).grid(row=1, column=0, sticky="ew", padx=PAD, pady=(2, GAP))

        box = ctk.CTkFrame(self, border_width=1, border_color=BORDER, corner_radius=6)
        box.grid(row=2, column=0, sticky="nsew", padx=PAD)
        box.columnconfigure(0, weight=1)
        box.rowconfigure(0, weight=1)
        style_table(self, STYLE)
        scale = ScalingTracker.get_widget_scaling(self)
        self.tree = ttk.Treeview(box, columns=("tracks",), selectmode="extended", style=STYLE)
        self.tree.heading("#0", text="Playlist", anchor="w")
        self.tree.heading("tracks", text="Tracks", anchor="e")
        self.tree.column("#0", width=round(380 * scale), stretch=True)
        self.tree.column("tracks", width=round(90 * scale), stretch=False, anchor="e")
        scroll = ctk.CTkScrollbar(box, command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        self.tree.grid(row=0, column=0, sticky="nsew", padx=(2, 0), pady=2)
        scroll.grid(row=0, column=1, sticky="ns", pady=2)
        self._fill()
        self._selected: set[str] = set()
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._on_select())

        buttons = ctk.CTkFrame(self, fg_color="transparent")
        buttons.grid(row=3, column=0, sticky="ew", padx=PAD, pady=PAD)
        buttons.columnconfigure(1, weight=1)
        flat = SECONDARY
        ctk.CTkButton(buttons, text="Select all", width=100, command=self.select_all, **flat).grid(
            row=0, column=0
        )
        ctk.CTkButton(buttons, text="Cancel", width=90, command=self.cancel, **flat).grid(
            row=0, column=2, padx=(0, GAP)
        )
        self.ok_button = ctk.CTkButton(buttons, text="", width=150, command=self.confirm)
        self.ok_button.grid(row=0, column=3)
        self._update_button()

        self.protocol("WM_DELETE_WINDOW", self.cancel)
        self.bind("<Escape>", lambda _e: self.cancel())
        self.bind("<Return>", lambda _e: self.confirm())
        self.after(50, self._focus)

    # -- what tests and keyboard users call ----------------------------------------------

    def chosen(self) -> list[str]:
        return chosen_playlists(self.infos, list(self.tree.selection()))

    def select(self, paths: Sequence[str]) -> None:
        self.tree.selection_set(list(paths))
        self._on_select()

    def select_all(self) -> None:
        self.select([i.path for i in self.infos if not i.is_folder])

    def confirm(self) -> None:
        chosen = self.chosen()
        if chosen:
            self._finish(chosen)

    def cancel(self) -> None:
        self._finish([])

    # -- plumbing ------------------------------------------------------------------------

    def _fill(self) -> None:
        """One row per folder and playlist; a row's id is its path (unique in a file)."""
        for info in self.infos:
            parent, _, name = info.path.rpartition("/")
            if parent and not self.tree.exists(parent):
                parent = ""  # a name with "/" in it: show it at the top level
            tags = ("folder",) if info.is_folder else ()
            self.tree.insert(
                parent,
                "end",
                iid=info.path,
                text=name,
                open=True,
                tags=tags,
                values=(format_count(info.entries),),
            )
        family = ctk.ThemeManager.theme["CTkFont"]["family"]
        size = -round(13 * ScalingTracker.get_widget_scaling(self))  # pixels, like CTkFont
        self.tree.tag_configure("folder", font=(family, size, "bold"))

    def _on_select(self) -> None:
        """A folder just selected selects the playlists in it, so the tree shows what
        will be added."""
        selected = set(self.tree.selection())
        for info in self.infos:
            if info.is_folder and info.path in selected - self._selected:
                below = chosen_playlists(self.infos, [info.path])
                self.tree.selection_add(below)
                selected.update(below)
        self._selected = selected
        self._update_button()

    def _update_button(self) -> None:
        count = len(self.chosen())
        noun = "playlist" if count == 1 else "playlists"
        self.ok_button.configure(
            text=f"Add {count} {noun}" if count else "Add", state="normal" if count else "disabled"
        )

    def _focus(self) -> None:
        with contextlib.suppress(tk.TclError):
            center_over(self, self.master)
            self.lift()
            self.tree.focus_set()
            first = self.tree.get_children("")
            if first:
                self.tree.focus(first[0])
            self.grab_set()  # modal when a window manager lets it be; harmless otherwise

    def _finish(self, chosen: list[str]) -> None:
        done, self._done = self._done, None
        with contextlib.suppress(tk.TclError):
            self.grab_release()
        self.destroy()
        if done is not None:
            done(chosen)
