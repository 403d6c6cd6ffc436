"""The dashboard in the real window on a 1280×720 screen at 100 dpi (Xvfb's default, and
customtkinter scales by it): every view, fed with a full snapshot, keeps every widget
inside the dashboard and the window, every table row in sight and no cell cut short.
Runs the window in a process of its own (tests/ui/dashboard_probe.py) on a screen of
that size, so its DPI and scaling touch no other test."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.gui_helpers import SCREENSHOTS
from tests.ui.xscreen import ROOT, virtual_screen

pytestmark = pytest.mark.skipif(not shutil.which("Xvfb"), reason="needs Xvfb")


@pytest.mark.parametrize(
    ("width", "height", "dpi"),
    [pytest.param(1280, 720, None, id="1280x720-100dpi"),
     pytest.param(1920, 1080, 144, id="1920x1080-144dpi")],
)  # fmt: skip
def test_every_dashboard_view_fits_the_window(width, height, dpi, tmp_path: Path) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    prefix = SCREENSHOTS / f"dashboard-{width}x{height}"
    with virtual_screen(width, height, dpi) as screen:
        env = dict(os.environ, DISPLAY=screen.display, HOME=str(tmp_path),
                   CRATEMATCH_HOME=str(tmp_path / "cratematch"))  # fmt: skip
        done = subprocess.run([sys.executable, "-m", "tests.ui.dashboard_probe", str(prefix)],
                              cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    window_w, window_h = report["window"]
    assert window_w <= width and window_h <= height, report["window"]
    assert list(report["views"]) == ["Overview", "Queries", "Slowest tracks", "Memory"]
    for name, view in report["views"].items():
        assert view["outside"] == [], f"{name}: beyond the dashboard or the window"
        assert view["hidden_rows"] == 0, f"{name}: rows out of sight"
        assert view["clipped"] == [], f"{name}: text cut by its column"
