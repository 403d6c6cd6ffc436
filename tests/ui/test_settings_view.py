"""The Settings tab in a real window: what it shows, what Save writes, that a restarted
window reads it back, and that tokens only ever reach the (test) keyring."""

from __future__ import annotations

import json
from pathlib import Path
from tkinter import ttk

import keyring
from keyring.backends import fail

from matcher import PRESETS
from tests.ui.gui_helpers import MemoryKeyring, screenshot, spin
from ui.settings import KEYRING_SERVICE, Settings, settings_path
from ui.views.settings_view import preset_rows


def click_segment(segmented, value: str) -> None:  # noqa: ANN001
    """Click one segment of a CTkSegmentedButton, as a user would."""
    segmented._buttons_dict[value].invoke()


def table(view) -> list[tuple[str, str]]:  # noqa: ANN001
    tree = view.preset_table
    return [(tree.item(i, "text"), tree.item(i, "values")[0]) for i in tree.get_children()]


def type_into(entry, text: str) -> None:  # noqa: ANN001
    entry.delete(0, "end")
    entry.insert(0, text)


def test_the_preset_table_shows_the_presets_own_numbers(make_app) -> None:
    app = make_app()
    view = app.settings_view
    app.tabs.set("Settings")
    assert view.preset_title.cget("text") == "Preset: balanced"
    rows = dict(table(view))
    balanced = PRESETS["balanced"].as_table()
    assert rows["Max queries"] == str(balanced["max_queries"])
    assert rows["Early exit"] == f"{balanced['early_exit']:g}"
    assert rows["Weight: title"] == f"{balanced['weight.title']:g}"
    assert len(rows) == len(balanced) - 2  # everything but name and description
    click_segment(view.preset, "thorough")
    assert dict(table(view))["Max queries"] == str(PRESETS["thorough"].max_queries)
    assert view.preset_text.cget("text") == PRESETS["thorough"].description
    assert table(view) == [(label, value) for label, value in preset_rows("thorough")]
    screenshot(app, "05-settings")


def test_saved_settings_survive_a_restart(make_app, tmp_path: Path) -> None:
    app = make_app()
    view = app.settings_view
    click_segment(view.provider, "musicbrainz")
    click_segment(view.preset, "fast")
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
    }  # fmt: skip
    assert app.controller.settings == expected
    assert view.message.cget("text").startswith("Saved.")
    app._finish_close()

    again = make_app()
    view = again.settings_view
    assert again.controller.settings == expected
    assert (view.provider.get(), view.preset.get(), view.workers.get()) == (
        "musicbrainz", "fast", "2")  # fmt: skip
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
    tree = view.preset_table
    table_font = ttk.Style(tree).lookup("Preset.Treeview", "font")

    def width(text: str) -> int:
        return int(tree.tk.call("font", "measure", table_font, text))

    for name, preset in PRESETS.items():
        click_segment(view.preset, name)
        spin(app, 0.05)
        shown = table(view)
        keys = [k for k in preset.as_table() if k not in ("name", "description")]
        assert len(shown) == len(keys), (name, keys)
        label_room = int(tree.column("#0", "width")) - 24  # the item's indent and padding
        value_room = int(tree.column("value", "width")) - 8
        for label, value in shown:
            assert width(label) <= label_room, (name, label)
            assert width(value) <= value_room, (name, value)
    columns = int(tree.column("#0", "width")) + int(tree.column("value", "width"))
    assert tree.winfo_width() >= columns  # the side panel makes room for both columns
