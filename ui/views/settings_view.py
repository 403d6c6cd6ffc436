"""The Settings tab: catalog or provider, preset (with its numbers), workers, output
folder, the online cache, and provider tokens (kept only in the system keyring).

Nothing takes effect until Save: the values are checked, written to settings.json and
used for the next batch. Tokens are saved on their own, straight into the keyring.
"""

from __future__ import annotations

import os
from tkinter import filedialog, ttk

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from matcher import PRESETS, PROVIDERS, default_out_dir
from ui.controller import Controller
from ui.settings import MAX_CACHE_MB, TOKEN_PROVIDERS, Settings
from ui.theme import BORDER, GAP, MUTED, PAD, SECONDARY, WARN, font
from ui.views.table_style import style_table

__all__ = ["SettingsView", "preset_rows"]

STYLE = "Preset.Treeview"
AUTO = "Auto"
SIDE_WIDTH = 300  # the preset table's column
HINT_WIDTH = 300
_UNITS = {"time budget ms": "time budget (ms)"}
# the preset table's columns: at least these widths, and wide enough for every row of
# every preset (text plus the cell's margins; the label column also has the item's indent)
_LABEL_WIDTH, _LABEL_MARGIN = 190, 34
_VALUE_WIDTH, _VALUE_MARGIN = 80, 16


def preset_rows(name: str) -> list[tuple[str, str]]:
    """Every number of the preset's `as_table()` as (label, value) rows, in its order."""
    rows = []
    for key, value in PRESETS[name].as_table().items():
        if key in ("name", "description"):
            continue
        label = key.replace("weight.", "weight: ").replace("_", " ")
        label = _UNITS.get(label, label)
        text = f"{value:g}" if isinstance(value, float) else str(value)
        rows.append((label[:1].upper() + label[1:], text))
    return rows


def _fitting_width(widget: ttk.Treeview, texts: list[str], least: int, margin: int) -> int:
    """A column width that shows the widest of `texts` whole, in the table's font."""
    scale = ScalingTracker.get_widget_scaling(widget)
    table_font = ttk.Style(widget).lookup(str(widget.cget("style")), "font") or "TkDefaultFont"
    widest = max((int(widget.tk.call("font", "measure", table_font, t)) for t in texts), default=0)
    return max(round(least * scale), widest + round(margin * scale))


def _flat_button(master: ctk.CTkBaseClass, text: str, command, width: int = 90) -> ctk.CTkButton:  # noqa: ANN001
    return ctk.CTkButton(master, text=text, width=width, command=command, **SECONDARY)


class SettingsView(ctk.CTkFrame):
    def __init__(self, master: ctk.CTkBaseClass, controller: Controller) -> None:
        super().__init__(master, fg_color="transparent")
        self.controller = controller
        self.columnconfigure(0, weight=1)
        self.columnconfigure(1, weight=0, minsize=SIDE_WIDTH)
        self.rowconfigure(0, weight=1)
        # an explicit colour, not "transparent": a scrollable frame does not pass a light/dark
        # switch on to what is inside it, so its children would keep the old colours
        form = ctk.CTkScrollableFrame(self, fg_color=ctk.ThemeManager.theme["CTkFrame"]["fg_color"])
        form.grid(row=0, column=0, sticky="nsew", padx=(0, PAD))
        form.columnconfigure(1, weight=1)
        self._row = 0

        self._heading(form, "Matching")
        self.provider = ctk.CTkSegmentedButton(
            form, values=list(PROVIDERS), command=lambda _v: self._provider_changed()
        )
        self._field(form, "Provider", self.provider)
        self.catalog = ctk.CTkEntry(form, placeholder_text="The imported local catalog")
        self._field(
            form, "Catalog file", self.catalog, _flat_button(form, "Browse…", self._browse_catalog)
        )
        self._hint(
            form,
            "A catalog CSV, Rekordbox XML or Traktor NML (imported once), "
            "or a catalog database. Used by the local provider.",
        )
        self.preset = ctk.CTkSegmentedButton(
            form, values=list(PRESETS), command=lambda _v: self._show_preset()
        )
        self._field(form, "Preset", self.preset)
        cpus = os.cpu_count() or 1
        self.workers = ctk.CTkOptionMenu(
            form, values=[f"{AUTO} ({cpus})"] + [str(n) for n in range(1, 2 * cpus + 1)], width=120
        )
        self._field(form, "Workers", self.workers, sticky="w")

        self._heading(form, "Results")
        self.out_dir = ctk.CTkEntry(form, placeholder_text=str(default_out_dir()))
        self._field(
            form, "Output folder", self.out_dir, _flat_button(form, "Browse…", self._browse_out)
        )

        self._heading(form, "Online providers")
        cache = ctk.CTkFrame(form, fg_color="transparent")
        self.cache_enabled = ctk.CTkSwitch(cache, text="Keep answers on disk")
        self.cache_enabled.grid(row=0, column=0, padx=(0, PAD))
        self.cache_size = ctk.CTkEntry(cache, width=80)
        self.cache_size.grid(row=0, column=1)
        ctk.CTkLabel(cache, text="MB", text_color=MUTED).grid(row=0, column=2, padx=(4, 0))
        self._field(form, "Cache", cache, sticky="w")
        self.tokens: dict[str, ctk.CTkEntry] = {}
        self.token_buttons: dict[str, ctk.CTkButton] = {}
        for provider in TOKEN_PROVIDERS:
            entry = ctk.CTkEntry(form, show="•")
            button = _flat_button(form, "Save token", lambda p=provider: self.save_token(p))
            self.tokens[provider], self.token_buttons[provider] = entry, button
            self._field(form, f"{provider.capitalize()} token", entry, button)
        self.keyring_note = self._hint(form, "")

        bottom = ctk.CTkFrame(form, fg_color="transparent")
        bottom.grid(row=self._row, column=0, columnspan=3, sticky="ew", pady=(PAD, 0))
        self.save_button = ctk.CTkButton(bottom, text="Save settings", width=140, command=self.save)
        self.save_button.grid(row=0, column=0, sticky="w")
        self.message = ctk.CTkLabel(
            bottom,
            text="",
            font=font("small"),
            text_color=MUTED,
            anchor="w",
            justify="left",
            wraplength=HINT_WIDTH + 90,
        )
        self.message.grid(row=1, column=0, sticky="w", pady=(GAP, 0))

        side = ctk.CTkFrame(self, fg_color="transparent")
        side.grid(row=0, column=1, sticky="nsew")
        side.columnconfigure(0, weight=1)
        side.rowconfigure(2, weight=1)
        self.preset_title = ctk.CTkLabel(side, text="", font=font("heading", "bold"), anchor="w")
        self.preset_title.grid(row=0, column=0, sticky="ew", pady=(GAP, 0))
        self.preset_text = ctk.CTkLabel(
            side,
            text="",
            font=font("small"),
            text_color=MUTED,
            anchor="w",
            justify="left",
            wraplength=SIDE_WIDTH - 20,
        )
        self.preset_text.grid(row=1, column=0, sticky="ew", pady=(2, GAP))
        box = ctk.CTkFrame(side, border_width=1, border_color=BORDER, corner_radius=6)
        box.grid(row=2, column=0, sticky="nsew", pady=(0, GAP))
        box.columnconfigure(0, weight=1)
        box.rowconfigure(0, weight=1)
        style_table(self, STYLE)
        self.preset_table = ttk.Treeview(
            box, columns=("value",), show="tree headings", style=STYLE, selectmode="none"
        )
        self.preset_table.heading("#0", text="Setting", anchor="w")
        self.preset_table.heading("value", text="Value", anchor="e")
        rows = [row for name in PRESETS for row in preset_rows(name)]
        labels = [label for label, _ in rows]
        values = [value for _, value in rows]
        label_width = _fitting_width(self.preset_table, labels, _LABEL_WIDTH, _LABEL_MARGIN)
        value_width = _fitting_width(self.preset_table, values, _VALUE_WIDTH, _VALUE_MARGIN)
        self.preset_table.column("#0", width=label_width, minwidth=label_width, stretch=True)
        self.preset_table.column("value", width=value_width, stretch=False, anchor="e")
        scroll = ctk.CTkScrollbar(box, command=self.preset_table.yview)
        self.preset_table.configure(yscrollcommand=scroll.set)
        self.preset_table.grid(row=0, column=0, sticky="nsew", padx=(2, 0), pady=2)
        scroll.grid(row=0, column=1, sticky="ns", pady=2)
        self.load(controller.settings)

    def _set_appearance_mode(self, mode_string: str) -> None:
        super()._set_appearance_mode(mode_string)
        style_table(self, STYLE, mode_string.lower())  # ttk does not follow by itself

    # -- values --------------------------------------------------------------------------

    def load(self, settings: Settings) -> None:
        self.provider.set(settings.provider)
        self.preset.set(settings.preset)
        _set_entry(self.catalog, settings.catalog)
        _set_entry(self.out_dir, settings.out_dir)
        values = self.workers.cget("values")
        self.workers.set(values[0] if settings.workers is None else str(settings.workers))
        (self.cache_enabled.select if settings.cache_enabled else self.cache_enabled.deselect)()
        _set_entry(self.cache_size, str(settings.cache_size_mb))
        self._refresh_tokens()
        self._show_preset()
        self._provider_changed()

    def values(self) -> Settings:
        """The settings as entered; ValueError (with a line for the user) when invalid."""
        size = self.cache_size.get().strip()
        if not size.isdigit() or int(size) > MAX_CACHE_MB:
            raise ValueError(f"The cache size must be a whole number of MB (0–{MAX_CACHE_MB}).")
        workers = self.workers.get()
        return Settings(
            provider=self.provider.get(),
            catalog=self.catalog.get().strip(),
            preset=self.preset.get(),
            workers=None if workers.startswith(AUTO) else int(workers),
            out_dir=self.out_dir.get().strip(),
            cache_enabled=bool(self.cache_enabled.get()),
            cache_size_mb=int(size),
        )

    def save(self) -> bool:
        try:
            settings = self.values()
        except ValueError as err:
            self._say(str(err), warn=True)
            return False
        self.controller.apply_settings(settings)
        self._say("Saved. The next batch uses these settings.")
        return True

    def save_token(self, provider: str) -> str:
        entry = self.tokens[provider]
        message = self.controller.session.tokens.set(provider, entry.get().strip())
        entry.delete(0, "end")
        self._refresh_tokens()
        self._say(message, warn="not" in message)
        return message

    # -- plumbing ------------------------------------------------------------------------

    def _heading(self, form: ctk.CTkBaseClass, text: str) -> None:
        top = GAP if self._row == 0 else PAD + 4
        ctk.CTkLabel(form, text=text, font=font("heading", "bold"), anchor="w").grid(
            row=self._row, column=0, columnspan=3, sticky="ew", pady=(top, GAP)
        )
        self._row += 1

    def _field(self, form, label: str, widget, extra=None, sticky: str = "ew") -> None:  # noqa: ANN001
        ctk.CTkLabel(form, text=label, anchor="w").grid(
            row=self._row, column=0, sticky="w", padx=(0, PAD), pady=4
        )
        span = 1 if extra is not None else 2
        widget.grid(row=self._row, column=1, columnspan=span, sticky=sticky, pady=4)
        if extra is not None:
            extra.grid(row=self._row, column=2, sticky="e", padx=(GAP, 0), pady=4)
        self._row += 1

    def _hint(self, form: ctk.CTkBaseClass, text: str) -> ctk.CTkLabel:
        label = ctk.CTkLabel(
            form,
            text=text,
            font=font("small"),
            text_color=MUTED,
            anchor="w",
            justify="left",
            wraplength=HINT_WIDTH,
        )
        label.grid(row=self._row, column=1, columnspan=2, sticky="ew", pady=(0, 4))
        self._row += 1
        return label

    def _show_preset(self) -> None:
        name = self.preset.get()
        preset = PRESETS[name]
        self.preset_title.configure(text=f"Preset: {name}")
        self.preset_text.configure(text=preset.description)
        self.preset_table.delete(*self.preset_table.get_children())
        for label, value in preset_rows(name):
            self.preset_table.insert("", "end", text=label, values=(value,))

    def _provider_changed(self) -> None:
        local = self.provider.get() == "local"
        self.catalog.configure(state="normal" if local else "disabled")

    def _refresh_tokens(self) -> None:
        store = self.controller.session.tokens
        available = store.available()
        for provider, entry in self.tokens.items():
            entry.configure(state="normal" if available else "disabled")
            self.token_buttons[provider].configure(state="normal" if available else "disabled")
            stored = available and bool(store.get(provider))
            entry.configure(placeholder_text="Stored in the system keyring" if stored else "")
        self.keyring_note.configure(
            text="Tokens are kept in the system keyring, never in the settings file."
            if available
            else "No system keyring is available, so tokens cannot be stored.",
            text_color=MUTED if available else WARN,
        )

    def _say(self, text: str, warn: bool = False) -> None:
        self.message.configure(text=text, text_color=WARN if warn else MUTED)

    def _browse_catalog(self) -> None:
        path = filedialog.askopenfilename(parent=self, title="Choose a catalog file")
        if path:
            _set_entry(self.catalog, path)

    def _browse_out(self) -> None:
        path = filedialog.askdirectory(parent=self, title="Choose the output folder")
        if path:
            _set_entry(self.out_dir, path)


def _set_entry(entry: ctk.CTkEntry, text: str) -> None:
    state = entry.cget("state")
    entry.configure(state="normal")
    entry.delete(0, "end")
    if text:
        entry.insert(0, text)
    entry.configure(state=state)
