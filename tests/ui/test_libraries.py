"""The DJ libraries found on this computer, shown in the Settings tab: the lines (no Tk),
then the real window, looking on a reader thread in a fresh home folder."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.ui.gui_helpers import pump_until, screenshot, spin
from tests.ui.library_fixtures import serato_drive
from ui.libraries_model import NONE_FOUND, find_libraries, library_lines
from ui.views import libraries_view
from ui.views.libraries_view import LOOKING


def fake_libraries(home: Path) -> dict[str, Path]:
    """A home with ~/Music/_Serato_ and two Traktor versions' collection.nml (the newer
    one is in use)."""
    serato_drive(home / "Music")
    base = home / "Documents" / "Native Instruments"
    old, new = base / "Traktor 3.10" / "collection.nml", base / "Traktor 3.11" / "collection.nml"
    for n, path in enumerate((old, new)):
        path.parent.mkdir(parents=True)
        path.write_text('<?xml version="1.0"?><NML VERSION="19"></NML>', encoding="utf-8")
        os.utime(path, ns=(n * 10**9, n * 10**9))
    return {"Traktor": new, "Serato": home / "Music" / "_Serato_"}


def test_find_libraries_in_a_home_folder(tmp_path: Path) -> None:
    assert find_libraries(tmp_path) == {}
    expected = fake_libraries(tmp_path)
    found = find_libraries(tmp_path)
    assert found == expected and list(found) == ["Traktor", "Serato"]


@pytest.mark.parametrize(
    ("found", "lines"),
    [
        pytest.param({}, [NONE_FOUND], id="none"),
        pytest.param({"Rekordbox": Path("/Users/dj/Library/Pioneer/rekordbox/master.db"),
                      "Serato": Path("/Users/dj/Music/_Serato_")},
                     ["Rekordbox:\u00a0/Users/dj/Library/Pioneer/rekordbox/master.db",
                      "Serato:\u00a0/Users/dj/Music/_Serato_"], id="two"),
    ],
)  # fmt: skip
def test_library_lines(found: dict[str, Path], lines: list[str]) -> None:
    assert library_lines(found) == lines


@pytest.fixture
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new, empty home folder (customtkinter's fonts linked in, so text renders)."""
    home = tmp_path / "home"
    home.mkdir()
    fonts = Path(os.environ["HOME"]) / ".fonts"
    if fonts.is_dir():
        (home / ".fonts").symlink_to(fonts)
    monkeypatch.setenv("HOME", str(home))
    return home


def test_the_settings_show_the_libraries_found_here(
    make_app, fresh_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = fake_libraries(fresh_home)
    threads: list[threading.Thread] = []

    def find() -> dict[str, Path]:
        threads.append(threading.current_thread())
        return find_libraries()

    monkeypatch.setattr(libraries_view, "find_libraries", find)
    app = make_app()
    view = app.settings_view.libraries
    pump_until(app, lambda: view.lines.cget("text") != LOOKING, "the libraries")
    assert [t.name for t in threads] == ["cratematch-find-libraries"]
    assert threads[0] is not threading.current_thread()  # not on the Tk thread
    assert view.lines.cget("text").splitlines() == [
        f"Traktor:\u00a0{expected['Traktor']}",
        f"Serato:\u00a0{expected['Serato']}",
    ]
    app.tabs.set("Settings")
    app.settings_view.form._parent_canvas.yview_moveto(0.45)
    spin(app, 0.1)
    assert view.lines.winfo_ismapped() and view.again.cget("state") == "normal"
    screenshot(app, "i16-settings-libraries")


def test_none_found_and_look_again(make_app, fresh_home: Path) -> None:
    app = make_app()
    view = app.settings_view.libraries
    pump_until(app, lambda: view.lines.cget("text") != LOOKING, "the libraries")
    assert view.lines.cget("text") == NONE_FOUND
    serato_drive(fresh_home / "Music")
    view.again.invoke()
    assert view.again.cget("state") == "disabled"
    pump_until(app, lambda: view.lines.cget("text") != NONE_FOUND, "the library")
    assert view.lines.cget("text") == f"Serato:\u00a0{fresh_home / 'Music' / '_Serato_'}"


def test_a_failed_look_is_one_line(make_app) -> None:
    app = make_app()
    view = app.settings_view.libraries
    pump_until(app, lambda: not view.looking, "the first look")

    def broken() -> dict[str, Path]:
        raise PermissionError("Permission denied: '/Users/dj/Music'")

    view.find = broken
    view.again.invoke()
    pump_until(app, lambda: not view.looking, "the second look")
    assert view.lines.cget("text") == (
        "The libraries could not be looked for: Permission denied: '/Users/dj/Music'"
    )
