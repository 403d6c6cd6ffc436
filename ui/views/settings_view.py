"""The Settings tab: catalog or provider, preset (in plain words, its numbers behind an
"Advanced" disclosure), workers (or a Dask cluster to match on), output folder, the DJ
libraries found on this computer (looked for off the Tk thread), the online cache, and
provider tokens (kept only in the system keyring). One column that scrolls, so nothing
is squeezed.

Nothing takes effect until Save: the values are checked, written to settings.json and
used for the next batch. Tokens are saved on their own, straight into the keyring.
"""

from __future__ import annotations

import os
from dataclasses import replace
from tkinter import filedialog, ttk

import customtkinter as ctk
from customtkinter.windows.widgets.scaling import ScalingTracker

from matcher import PRESETS, PROVIDERS, default_catalog_path, default_out_dir
from ui.controller import Controller
from ui.preset_words import PRESET_NAMES, WEIGHTS_HEADING, preset_rows, preset_summary
from ui.settings import MAX_ADDRESS, MAX_CACHE_MB, PROVIDER_NAMES, TOKEN_PROVIDERS, Settings
from ui.theme import BORDER, GAP, MUTED, PAD, SECONDARY, WARN, font
from ui.views.libraries_view import LibrariesView
from ui.views.table_style import style_table

__all__ = ["SettingsView", "catalog_placeholder"]

STYLE = "Preset.Treeview"
AUTO = "Auto"
HINT_WIDTH = 440  # hints wrap at this width (96 dpi), less when the form is narrower
_ADVANCED = ("Advanced ▸", "Advanced ▾")
_TABLE_ROWS = 12  # the numbers table shows this many rows and scrolls
_LABEL_WIDTH, _VALUE_WIDTH = 300, 90  # the numbers table's columns, at 96 dpi


def catalog_placeholder(imported: bool) -> str:
    """What the empty catalog field stands for, as the line under Start says it
    (ui/catalog_choice.describe_target): the imported catalog, or none yet."""
    if imported:
        return "The imported catalog (cratematch catalog import)"
    return "None yet: choose a catalog file (Start asks for one)"


def _shown(names: dict[str, str], key: str) -> str:
    return names.get(key, key)


def _key(names: dict[str, str], shown: str) -> str:
    return next((k for k, v in names.items() if v == shown), shown)


def _flat_button(master: ctk.CTkBaseClass, text: str, command, width: int = 90) -> ctk.CTkButton:  # noqa: ANN001
    return ctk.CTkButton(master, text=text, width=width, command=command, **SECONDARY)


class SettingsView(ctk.CTkFrame):
    def __init__(self, master: ctk.CTkBaseClass, controller: Controller) -> None:
        super().__init__(master, fg_color="transparent")
        self.controller = controller
        self.columnconfigure(0, weight=1)
        self.rowconfigure(0, weight=1)
        # an explicit colour, not "transparent": a scrollable frame does not pass a light/dark
        # switch on to what is inside it, so its children would keep the old colours
        form = ctk.CTkScrollableFrame(self, fg_color=ctk.ThemeManager.theme["CTkFrame"]["fg_color"])
        form.grid(row=0, column=0, sticky="nsew")
        form.columnconfigure(1, weight=1)
        self.form = form
        self._row = 0
        self._hints: list[ctk.CTkLabel] = []

        self._heading(form, "Matching")
        providers = [_shown(PROVIDER_NAMES, p) for p in PROVIDERS]
        self.provider = ctk.CTkSegmentedButton(
            form, values=providers, command=lambda _v: self._provider_changed()
        )
        self._field(form, "Match against", self.provider, sticky="w")
        self.catalog = ctk.CTkEntry(form, placeholder_text=catalog_placeholder(False))
        self._field(
            form, "Catalog file", self.catalog, _flat_button(form, "Browse…", self._browse_catalog)
        )
        self._hint(
            form,
            "A catalog CSV, Rekordbox XML or Traktor NML (imported once), "
            "or a catalog database. Used by the local catalog only.",
        )
        self.preset = ctk.CTkSegmentedButton(
            form, values=[_shown(PRESET_NAMES, p) for p in PRESETS],
            command=lambda _v: self._show_preset(),
        )  # fmt: skip
        self._field(form, "Preset", self.preset, sticky="w")
        self.preset_text = self._hint(form, "")
        self._build_advanced(form)
        cpus = os.cpu_count() or 1
        self.workers = ctk.CTkOptionMenu(
            form, values=[f"{AUTO} ({cpus})"] + [str(n) for n in range(1, 2 * cpus + 1)], width=120
        )
        self._field(form, "Workers", self.workers, sticky="w")
        self._hint(form, "Processes matching side by side; Auto uses one per CPU.")
        self.cluster = ctk.CTkEntry(form, placeholder_text="This computer")
        self._field(form, "Dask cluster", self.cluster)
        self._hint(
            form,
            "A Dask scheduler such as tcp://host:8786: its workers match, the catalog is "
            "sent to them. Empty: match on this computer. Local catalog only.",
        )

        self._heading(form, "Results")
        self.out_dir = ctk.CTkEntry(form, placeholder_text=str(default_out_dir()))
        self._field(
            form, "Output folder", self.out_dir, _flat_button(form, "Browse…", self._browse_out)
        )

        self._heading(form, "DJ libraries")
        self.libraries = LibrariesView(form, controller.session)
        self._field(form, "Found here", self.libraries)
        self._hints.append(self.libraries.lines)
        self._hint(form, "Drop one on the window (or a USB stick) to pick from its playlists.")

        self._heading(form, "Online catalogs")
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
            self._field(form, f"{_shown(PROVIDER_NAMES, provider)} token", entry, button)
        self.keyring_note = self._hint(form, "")

        bottom = ctk.CTkFrame(form, fg_color="transparent")
        bottom.grid(row=self._row, column=0, columnspan=3, sticky="ew", pady=(PAD, GAP))
        bottom.columnconfigure(1, weight=1)
        self.save_button = ctk.CTkButton(bottom, text="Save settings", width=140, command=self.save)
        self.save_button.grid(row=0, column=0, sticky="w")
        self.message = ctk.CTkLabel(bottom, text="", font=font("small"), text_color=MUTED,
                                    anchor="w", justify="left", wraplength=HINT_WIDTH)  # fmt: skip
        self.message.grid(row=0, column=1, sticky="w", padx=(PAD, 0))
        self._hints.append(self.message)
        form.bind("<Configure>", lambda e: self._fit_hints(e.width), add="+")
        self.load(controller.settings)
        controller.session.watch(self._changed_elsewhere)

    def _build_advanced(self, form: ctk.CTkScrollableFrame) -> None:
        """The preset's numbers, shown on request (a DJ needs the words, not the weights)."""
        self.advanced_button = ctk.CTkButton(
            form, text=_ADVANCED[0], width=110, height=24, font=font("small"),
            command=self.toggle_advanced, **SECONDARY,
        )  # fmt: skip
        self.advanced_button.grid(row=self._row, column=1, sticky="w", pady=(0, 4))
        self._row += 1
        box = ctk.CTkFrame(form, border_width=1, border_color=BORDER, corner_radius=6)
        box.columnconfigure(0, weight=1)
        style_table(self, STYLE)
        self.preset_table = ttk.Treeview(box, columns=("value",), show="tree", style=STYLE,
                                         selectmode="none", height=_TABLE_ROWS)  # fmt: skip
        scale = ScalingTracker.get_widget_scaling(self)
        self.preset_table.column("#0", width=round(_LABEL_WIDTH * scale), stretch=True)
        self.preset_table.column("value", width=round(_VALUE_WIDTH * scale), stretch=False,
                                 anchor="e")  # fmt: skip
        family = ctk.ThemeManager.theme["CTkFont"]["family"]  # pixels, scaled like the rows
        self.preset_table.tag_configure("heading", font=(family, -round(13 * scale), "bold"))
        scroll = ctk.CTkScrollbar(box, command=self.preset_table.yview)
        self.preset_table.configure(yscrollcommand=scroll.set)
        self.preset_table.grid(row=0, column=0, sticky="nsew", padx=(2, 0), pady=2)
        scroll.grid(row=0, column=1, sticky="ns", pady=2)
        self.advanced_box = box
        self._advanced_row = self._row
        self._row += 1

    @property
    def advanced_shown(self) -> bool:
        return bool(self.advanced_box.winfo_manager())

    def toggle_advanced(self) -> None:
        if self.advanced_shown:
            self.advanced_box.grid_forget()
        else:
            self.advanced_box.grid(row=self._advanced_row, column=1, columnspan=2, sticky="ew",
                                   pady=(0, GAP))  # fmt: skip
        self.advanced_button.configure(text=_ADVANCED[self.advanced_shown])

    def _set_appearance_mode(self, mode_string: str) -> None:
        super()._set_appearance_mode(mode_string)
        style_table(self, STYLE, mode_string.lower())  # ttk does not follow by itself

    # -- values --------------------------------------------------------------------------

    def _changed_elsewhere(self) -> None:
        """Show settings another part of the window changed (the catalog chosen at Start),
        so that Save does not put back what the form showed before."""
        if self.controller.settings is not self._loaded:
            self.load(self.controller.settings)
        self._show_catalog_placeholder()

    def _show_catalog_placeholder(self) -> None:
        """Whether a catalog is imported can change (a batch, `cratematch catalog import`);
        the disk is asked only while the field is empty, as the line under Start does."""
        entry = self.catalog
        if entry.get() or _has_focus(entry):  # typed in, or being typed in
            return
        text = catalog_placeholder(default_catalog_path().exists())
        if entry.cget("placeholder_text") != text:
            state = entry.cget("state")
            entry.configure(state="normal")  # a disabled entry takes no new text
            entry.configure(placeholder_text=text)
            entry.configure(state=state)

    def load(self, settings: Settings) -> None:
        self._loaded = settings
        self.provider.set(_shown(PROVIDER_NAMES, settings.provider))
        self.preset.set(_shown(PRESET_NAMES, settings.preset))
        _set_entry(self.catalog, settings.catalog)
        self._show_catalog_placeholder()
        _set_entry(self.out_dir, settings.out_dir)
        _set_entry(self.cluster, settings.cluster)
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
        cluster = self.cluster.get().strip()
        if any(c.isspace() for c in cluster) or len(cluster) > MAX_ADDRESS:
            raise ValueError("The Dask cluster is one address, such as tcp://host:8786.")
        return replace(
            self.controller.settings,  # what the form does not show (the window) stays
            provider=_key(PROVIDER_NAMES, self.provider.get()),
            catalog=self.catalog.get().strip(),
            preset=_key(PRESET_NAMES, self.preset.get()),
            workers=None if workers.startswith(AUTO) else int(workers),
            out_dir=self.out_dir.get().strip(),
            cache_enabled=bool(self.cache_enabled.get()),
            cache_size_mb=int(size),
            cluster=cluster,
        )

    def save(self) -> bool:
        try:
            settings = self.values()
        except ValueError as err:
            self._say(str(err), warn=True)
            return False
        self._loaded = settings  # what the form shows: no reload when it is applied
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
        self._hints.append(label)
        return label

    def _fit_hints(self, form_width: int) -> None:
        """Hints wrap inside the form: at HINT_WIDTH, or less in a narrow window."""
        scale = ScalingTracker.get_widget_scaling(self)
        room = round((form_width - 190 * scale) / scale)  # less the labels' column
        wrap = max(200, min(HINT_WIDTH, room))
        for label in self._hints:
            if label.winfo_exists() and label.cget("wraplength") != wrap:  # not while closing
                label.configure(wraplength=wrap)

    def _show_preset(self) -> None:
        name = _key(PRESET_NAMES, self.preset.get())
        self.preset_text.configure(text=preset_summary(name))
        table = self.preset_table
        table.delete(*table.get_children())
        for label, value in preset_rows(name):
            tags = ("heading",) if label == WEIGHTS_HEADING else ()
            table.insert("", "end", text=label, values=(value,), tags=tags)

    def _provider_changed(self) -> None:
        local = _key(PROVIDER_NAMES, self.provider.get()) == "local"
        self.catalog.configure(state="normal" if local else "disabled")
        self.cluster.configure(state="normal" if local else "disabled")

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


def _has_focus(entry: ctk.CTkEntry) -> bool:
    try:
        focus = entry.focus_get()
    except KeyError:  # tkinter cannot name some focused widgets (a menu's popdown)
        return False
    return focus is not None and str(focus).startswith(str(entry))


def _set_entry(entry: ctk.CTkEntry, text: str) -> None:
    """Show `text`, or the placeholder (such as the default output folder) when empty."""
    state = entry.cget("state")
    entry.configure(state="normal")
    if entry.get() != text:  # get() is "" while the placeholder shows
        entry.delete(0, "end")
        if text:
            entry.insert(0, text)
            entry.xview_moveto(1.0)  # a long path shows its end: the file's name
        else:
            entry._activate_placeholder()  # delete() does not, before the first focus
    entry.configure(state=state)
