"""Driving a real window in tests: run its loop, wait (bounded), drop files through
tkdnd's own handlers, take screenshots, and write small playlists."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from keyring.backend import KeyringBackend

__all__ = [
    "MemoryKeyring",
    "SCREENSHOTS",
    "WAIT_S",
    "pump_until",
    "rekordbox_two_playlists",
    "screenshot",
    "simulate_drop",
    "spin",
]

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
WAIT_S = 60.0  # bound on any wait for the engine: generous for a loaded 2-core machine


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in a dict, so tests can look inside and nothing leaks."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


def _run_loop(app, done: Callable[[], bool]) -> None:  # noqa: ANN001 - an App
    """Run the window's real main loop until `done()`: like the app itself, so calls that
    other threads make into Tk (an image freed on a reader thread) are served, not stalled."""
    failure: list[BaseException] = []

    def poll() -> None:
        try:
            finished = done()
        except BaseException as err:  # noqa: BLE001 - re-raised below, outside the loop
            failure.append(err)
            finished = True
        if finished:
            app.root.quit()
        else:
            app.root.after(5, poll)

    app.root.after(0, poll)
    app.root.mainloop()
    if failure:
        raise failure[0]


def spin(app, seconds: float) -> None:  # noqa: ANN001 - an App
    """Run the window's event loop for `seconds`."""
    deadline = time.monotonic() + seconds
    _run_loop(app, lambda: time.monotonic() >= deadline)


def pump_until(app, check: Callable[[], object], what: str, timeout: float = WAIT_S):  # noqa: ANN001, ANN201
    """Run the event loop until `check()` is truthy (returned) or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    value: list[object] = []

    def done() -> bool:
        result = check()
        if result:
            value.append(result)
            return True
        return time.monotonic() >= deadline

    _run_loop(app, done)
    if not value and check():  # the window closed itself, which ends its loop
        value.append(check())
    assert value, f"timed out after {timeout} s waiting for {what}"
    return value[0]


def simulate_drop(widget, paths: Sequence[str]) -> str:  # noqa: ANN001 - a Tk widget
    """Drive tkdnd's own handlers, as an XDND drop on `widget` would (GUI_TESTING.md)."""
    tk, w = widget.tk, widget._w
    top = widget.winfo_toplevel()
    top.lift()  # no window manager under Xvfb: a window left by another test may cover it
    top.update_idletasks()
    x, y = widget.winfo_rootx() + 5, widget.winfo_rooty() + 5
    tk.call("tkdnd::generic::HandleEnter", w, "test-src", ("text/uri-list",),
            ("text/uri-list",), ("copy",), ())  # fmt: skip
    tk.call("tkdnd::generic::SetDroppedData", tuple(paths))
    tk.call("tkdnd::generic::HandlePosition", w, "test-src", (), x, y, "copy")
    action = tk.call("tkdnd::generic::HandleDrop", w, "test-src", (), x, y, 0)
    tk.call("tkdnd::generic::HandleLeave")
    return str(action)


def screenshot(app, name: str) -> Path:  # noqa: ANN001
    """Save the whole display as tests/ui/screenshots/<name>.png, for a person to look at."""
    from PIL import ImageGrab

    app.root.update_idletasks()
    spin(app, 0.6)
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).save(path)
    return path


def rekordbox_two_playlists(path: Path) -> Path:
    """A Rekordbox export with a folder "Friday" holding "Warm Up" (3 tracks) and
    "Peak Time" (2 tracks); names invented."""
    tracks = "".join(
        f'    <TRACK TrackID="{n}" Name="Title {n}" Artist="Artist {n}" TotalTime="300"/>\n'
        for n in range(1, 5)
    )
    warm = "".join(f'<TRACK Key="{n}"/>' for n in (1, 2, 3))
    peak = "".join(f'<TRACK Key="{n}"/>' for n in (3, 4))
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<DJ_PLAYLISTS Version="1.0.0">\n'
        '  <PRODUCT Name="rekordbox" Version="6.8.5" Company="AlphaTheta"/>\n'
        f'  <COLLECTION Entries="4">\n{tracks}  </COLLECTION>\n'
        '  <PLAYLISTS><NODE Type="0" Name="ROOT" Count="1">'
        '<NODE Type="0" Name="Friday" Count="2">'
        f'<NODE Name="Warm Up" Type="1" KeyType="0" Entries="3">{warm}</NODE>'
        f'<NODE Name="Peak Time" Type="1" KeyType="0" Entries="2">{peak}</NODE>'
        "</NODE></NODE></PLAYLISTS>\n</DJ_PLAYLISTS>\n",
        encoding="utf-8",
    )
    return path
