"""The Settings tab in a real window: what it shows, what Save writes, that a restarted
window reads it back, and that tokens only ever reach the (test) keyring."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from tkinter import ttk

import keyring
from keyring.backends import fail

from matcher import PRESETS
from tests.ui.gui_helpers import MemoryKeyring, screenshot, spin
from ui.preset_words import WEIGHTS_HEADING, preset_rows, preset_summary
from ui.settings import KEYRING_SERVICE, Settings, settings_path


def click_segment(segmented, value: str) -> None:  # noqa: ANN001
    """Click one segment of a CTkSegmentedButton, as a user would."""
    segmented._buttons_dict[value].invoke()


def table(view) -> list[tuple[str, str]]:  # noqa: ANN001
    tree = view.preset_table
    return [(tree.item(i, "text"), tree.item(i, "values")[0]) for i in tree.get_children()]


def type_into(entry, text: str) -> None:  # noqa: ANN001
    entry.delete(0, "end")
    entry.insert(0, text)


def test_the_preset_is_said_in_plain_words_and_its_numbers_are_advanced(make_app) -> None:
    app = make_app()
    view = app.settings_view
    app.tabs.set("Settings")
    balanced = PRESETS["balanced"]
    words = view.preset_text.cget("text")
    assert words == preset_summary("balanced")
    assert f"up to {balanced.max_queries} searches" in words
    assert f"{balanced.match_threshold * 100:.0f} % sure" in words
    assert not any(w in words.lower() for w in ("weight", "bias", "margin", "log-odds"))
    assert not view.advanced_shown  # the numbers wait behind "Advanced"
    view.advanced_button.invoke()
    assert view.advanced_shown and view.advanced_button.cget("text") == "Advanced ▾"
    rows = dict(table(view))
    assert rows["Searches per track, at most"] == str(balanced.max_queries)
    assert rows["Match when at least this sure"] == f"{balanced.match_threshold * 100:.0f} %"
    assert rows["Title"] == f"{balanced.as_table()['weight.title']:.2f}"
    assert WEIGHTS_HEADING in rows
    assert len(rows) == len(balanced.as_table()) - 2 + 1  # less name and description; a heading
    click_segment(view.preset, "Thorough")
    assert dict(table(view))["Searches per track, at most"] == str(PRESETS["thorough"].max_queries)
    assert view.preset_text.cget("text") == preset_summary("thorough")
    assert table(view) == preset_rows("thorough")
    screenshot(app, "05-settings")
    view.advanced_button.invoke()
    assert not view.advanced_shown


def test_saved_settings_survive_a_restart(make_app, tmp_path: Path) -> None:
    app = make_app()
    view = app.settings_view
    click_segment(view.provider, "MusicBrainz")
    click_segment(view.preset, "Fast")
    view.workers.set("2")
    type_into(view.out_dir, str(tmp_path / "results"))
    view.cache_enabled.toggle()
    type_into(view.cache_size, "300")
    view.save_button.invoke()
    expected = Settings(provider="musicbrainz", preset="fast", workers=2,
                        out_dir=str(tmp_path / "results"), cache_enabled=False,
                        cache_size_mb=300)  # fmt: skip
    assert json.loads(settings_path().read_text(encoding="utf-8")) == {
        "provider": "musicbrainz", "catalog": "", "preset": "fast", "workers": 2,
        "out_dir": str(tmp_path / "results"), "cache_enabled": False, "cache_size_mb": 300,
        "window": "", "cluster": "",
    }  # fmt: skip
    assert app.controller.settings == expected
    assert view.message.cget("text").startswith("Saved.")
    width = app.root.winfo_width()
    app._finish_close()

    again = make_app()
    view = again.settings_view
    assert replace(again.controller.settings, window="") == expected
    assert again.controller.settings.window.startswith(f"{width}x")  # remembered
    assert (view.provider.get(), view.preset.get(), view.workers.get()) == (
        "MusicBrainz", "Fast", "2")  # fmt: skip
    assert view.out_dir.get() == str(tmp_path / "results")
    assert view.cache_enabled.get() == 0 and view.cache_size.get() == "300"
    assert view.catalog.cget("state") == "disabled"  # the catalog is for the local provider


def test_a_bad_cache_size_is_refused_with_a_message(make_app) -> None:
    view = make_app().settings_view
    type_into(view.cache_size, "lots")
    assert not view.save()
    assert view.message.cget("text").startswith("The cache size must be a whole number of MB")
    assert not settings_path().exists()


def test_a_token_goes_to_the_keyring_not_to_settings_json(
    make_app, memory_keyring: MemoryKeyring
) -> None:
    app = make_app()
    view = app.settings_view
    type_into(view.tokens["beatport"], "bp-secret-123")
    view.token_buttons["beatport"].invoke()
    assert memory_keyring.secrets == {(KEYRING_SERVICE, "beatport"): "bp-secret-123"}
    assert view.tokens["beatport"].get() == ""  # not left on screen
    assert view.message.cget("text") == "The beatport token is stored in the system keyring."
    view.save_button.invoke()
    assert "bp-secret-123" not in settings_path().read_text(encoding="utf-8")
    app._finish_close()
    again = make_app().settings_view
    assert again.tokens["beatport"].cget("placeholder_text") == "Stored in the system keyring"


def test_without_a_keyring_the_view_says_so_and_stores_nothing(make_app) -> None:
    keyring.set_keyring(fail.Keyring())
    app = make_app()
    view = app.settings_view
    app.tabs.set("Settings")
    spin(app, 0.1)
    assert view.keyring_note.cget("text") == (
        "No system keyring is available, so tokens cannot be stored."
    )
    assert view.tokens["discogs"].cget("state") == "disabled"
    assert view.token_buttons["discogs"].cget("state") == "disabled"
    assert view.save_token("discogs").startswith("No system keyring is available")
    screenshot(app, "06-settings-without-keyring")


def test_every_number_of_every_preset_is_shown_whole(make_app) -> None:
    """Every entry of `as_table()` but the name and description has a row, and no label or
    value is cut off by its column (the longest of any preset fits)."""
    app = make_app()
    view = app.settings_view
    app.tabs.set("Settings")
    view.advanced_button.invoke()
    spin(app, 0.1)
    tree = view.preset_table
    table_font = ttk.Style(tree).lookup("Preset.Treeview", "font")

    def width(text: str) -> int:
        return int(tree.tk.call("font", "measure", table_font, text))

    for name, preset in PRESETS.items():
        click_segment(view.preset, name.capitalize())
        spin(app, 0.05)
        shown = table(view)
        keys = [k for k in preset.as_table() if k not in ("name", "description")]
        assert len(shown) == len(keys) + 1, (name, keys)  # and the weights' heading
        label_room = int(tree.column("#0", "width")) - 24  # the item's indent and padding
        value_room = int(tree.column("value", "width")) - 8
        for label, value in shown:
            assert width(label) <= label_room, (name, label)
            assert width(value) <= value_room, (name, value)
    # the weights' heading: in bold, as large as the rows (at any DPI), and whole too
    heading_font = tree.tag_configure("heading", "font")
    size = int(tree.tk.call("font", "actual", heading_font, "-size"))
    assert size == int(tree.tk.call("font", "actual", table_font, "-size")), heading_font
    heading = int(tree.tk.call("font", "measure", heading_font, WEIGHTS_HEADING))
    assert heading <= int(tree.column("#0", "width")) - 24


def test_a_long_catalog_path_does_not_widen_the_window(make_app, tmp_path: Path) -> None:
    long_path = "/home/dj/Music/" + "A Very Long Folder Name With Spaces/" * 12 + "catalog.csv"
    settings_path().write_text(json.dumps({"catalog": long_path}), encoding="utf-8")
    app = make_app()
    spin(app, 1.2)  # customtkinter settles the scaled size within a second
    before = app.root.winfo_width()
    app.tabs.set("Settings")
    spin(app, 0.3)
    view = app.settings_view
    assert view.catalog.get() == long_path
    assert view.catalog._entry.xview()[1] == 1.0  # its end shows: the file's name
    assert view.catalog._entry.xview()[0] > 0.5
    assert app.root.winfo_width() == before <= app.root.winfo_screenwidth()
    right = app.root.winfo_rootx() + app.root.winfo_width()
    for widget in (view.catalog, view.save_button, view.advanced_button):
        assert widget.winfo_rootx() + widget.winfo_width() <= right


def test_the_empty_catalog_field_says_what_start_would_use(make_app) -> None:
    """With no catalog imported, the field read "The imported local catalog" while the
    line under Start said "Catalog: none yet": both now say the same, either way."""
    from matcher import default_catalog_path
    from ui.views.settings_view import catalog_placeholder

    app = make_app()
    entry = app.settings_view.catalog
    assert not default_catalog_path().exists()
    assert app.queue_view.target.cget("text").startswith("Catalog: none yet")
    assert entry.cget("placeholder_text") == catalog_placeholder(False)
    assert entry.cget("placeholder_text").startswith("None yet")
    assert entry._entry.get() == catalog_placeholder(False)  # what the empty field shows
    default_catalog_path().parent.mkdir(parents=True, exist_ok=True)
    default_catalog_path().write_bytes(b"")  # `cratematch catalog import` made one
    app.controller.session.changed()
    spin(app, 0.1)
    assert app.queue_view.target.cget("text").startswith("Catalog: the imported one")
    assert entry.cget("placeholder_text") == catalog_placeholder(True)
    assert entry._entry.get() == catalog_placeholder(True)
    assert app.settings_view.values().catalog == ""  # a placeholder, never a value
