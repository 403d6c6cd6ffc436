"""The window as X sees it, launched as a DJ launches it (`python -m ui`) on screens of
several sizes and DPIs: inside the screen (and inside the work area a panel leaves),
larger on a large screen, and back where it was left at the next launch. Each case runs
its own Xvfb, so the DPI differs from the one pytest-xvfb gives the other tests."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from tests.ui.xscreen import (
    launch_window,
    set_cardinals,
    virtual_screen,
    window_id,
    x_command,
)

pytestmark = pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xwininfo") and shutil.which("xdotool")),
    reason="needs Xvfb, xwininfo and xdotool",
)


@pytest.mark.parametrize(
    ("width", "height", "dpi"),
    [
        pytest.param(1280, 720, 96, id="1280x720-96dpi"),
        pytest.param(1280, 720, None, id="1280x720-100dpi"),  # Xvfb's default
        pytest.param(1920, 1080, 96, id="1920x1080-96dpi"),
        pytest.param(1920, 1080, 144, id="1920x1080-144dpi"),
    ],
)
def test_the_window_opens_inside_the_screen(width, height, dpi, tmp_path: Path) -> None:
    with virtual_screen(width, height, dpi) as screen, launch_window(screen, tmp_path) as got:
        assert got.inside(0, 0, width, height), f"{got} leaves the {width}x{height} screen"
        assert got.width >= width - 16 or got.width >= 1280  # usable: not a small window
        if width == 1920 and dpi == 96:
            assert (got.width, got.height) > (1280, 800)  # grows on a larger screen


def test_the_window_stays_out_of_the_panels(tmp_path: Path) -> None:
    with virtual_screen(1280, 720, None) as screen:
        set_cardinals(screen, "_NET_WORKAREA", [0, 32, 1280, 656])  # 32-pixel top and bottom bars
        with launch_window(screen, tmp_path) as got:
            assert got.height <= 656 - 32, got  # with room for a title bar


def test_size_and_place_come_back_at_the_next_launch(tmp_path: Path) -> None:
    with virtual_screen(1920, 1080, 96) as screen:
        with launch_window(screen, tmp_path) as first:
            wid = window_id(screen)
            x_command(screen, "xdotool", "windowsize", wid, "1400", "850")
            x_command(screen, "xdotool", "windowmove", wid, "120", "90")
            time.sleep(1.0)  # for the window to hear of it before it is closed
        saved = json.loads((tmp_path / "cratematch" / "config" / "settings.json").read_text())
        assert saved["window"] == "1400x850+120+90", (first, saved)
        with launch_window(screen, tmp_path) as again:
            assert (again.width, again.height, again.x, again.y) == (1400, 850, 120, 90)
