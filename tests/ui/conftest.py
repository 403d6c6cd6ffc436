"""Shared setup for the window's tests.

* customtkinter copies its fonts into ~/.fonts when first imported, and fontconfig reads
  them when the first window opens, so HOME points at a temporary folder before anything
  imports it (this module is loaded before the test modules of this folder).
* No test may touch the real keyring: every test runs with an in-memory backend.
* Window tests need a display (pytest-xvfb gives one); without it they skip, unless CI is
  set, where they fail.
* `make_app` closes every window it made (and its engine) and fails the test if a view
  raised while handling an event. Helpers for driving windows are in gui_helpers.py.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator

import keyring
import pytest
from keyring.backends import fail

from tests.ui.gui_helpers import MemoryKeyring

_FONT_HOME = tempfile.mkdtemp(prefix="cratematch-ui-home-")
os.environ["HOME"] = _FONT_HOME


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(fail.Keyring())  # whatever runs next cannot reach the real one


@pytest.fixture
def display() -> str:
    value = os.environ.get("DISPLAY", "")
    if not value:
        if os.environ.get("CI"):
            pytest.fail("no DISPLAY: window tests need Xvfb (pytest-xvfb) on CI")
        pytest.skip("no DISPLAY for window tests")
    return value


@pytest.fixture
def make_app(display: str) -> Iterator[Callable[..., object]]:
    """`make_app(argv or LaunchOptions)`: a window; every one is closed after the test
    (engine included), and no view may have raised while handling an event."""
    from tests.ui.gui_helpers import spin
    from ui.app import build_app

    apps = []

    def make(options: object = (), **kwargs: object):  # noqa: ANN202
        app = build_app(list(options) if isinstance(options, tuple | list) else options, **kwargs)
        apps.append(app)
        spin(app, 0.2)
        return app

    yield make
    failures = []
    for app in apps:
        failures += app.pump.failures
        if not app.closed:
            app._finish_close()
    assert not failures, failures
