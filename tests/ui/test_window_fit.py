"""Where the window opens and how big, without a window (ui/window_fit.py)."""

from __future__ import annotations

import pytest

from ui.window_fit import FRAME, Rect, fit_window, logical_size, parse_geometry


@pytest.mark.parametrize(
    ("work", "scale", "size"),
    [
        pytest.param(Rect(0, 0, 1280, 720), 1.0, (1272, 680), id="720p-96dpi"),
        pytest.param(Rect(0, 0, 1280, 720), 1.04, (1272, 680), id="720p-100dpi"),
        pytest.param(Rect(0, 0, 1920, 1080), 1.0, (1536, 864), id="1080p-96dpi-grows"),
        pytest.param(Rect(0, 0, 1920, 1080), 1.5, (1912, 1040), id="1080p-144dpi"),
        pytest.param(Rect(0, 0, 2560, 1440), 1.0, (2048, 1152), id="1440p-grows"),
        pytest.param(Rect(0, 0, 1600, 1000), 1.0, (1280, 800), id="roomy-base-size"),
        pytest.param(Rect(0, 32, 1280, 656), 1.0, (1272, 616), id="below-a-panel"),
    ],
)
def test_the_first_window_fits_the_work_area(work: Rect, scale: float, size) -> None:
    placed = fit_window(work, scale)
    assert (placed.rect.width, placed.rect.height) == size
    framed = Rect(placed.rect.x, placed.rect.y, placed.rect.width + FRAME[0],
                  placed.rect.height + FRAME[1])  # fmt: skip
    assert work.contains(framed)
    assert placed.min_width <= placed.rect.width and placed.min_height <= placed.rect.height
    assert not placed.place  # the first time, the window manager chooses the place


def test_a_saved_geometry_that_fits_comes_back_as_it_was() -> None:
    saved = Rect(100, 60, 1400, 900)
    placed = fit_window(Rect(0, 0, 1920, 1080), 1.0, saved)
    assert placed.rect == saved and placed.place


@pytest.mark.parametrize(
    ("saved", "work"),
    [
        pytest.param(Rect(300, 200, 1800, 1000), Rect(0, 0, 1280, 720), id="from-a-bigger-screen"),
        pytest.param(Rect(3000, 40, 1200, 700), Rect(0, 0, 1920, 1080), id="off-to-the-right"),
        pytest.param(Rect(-500, -300, 1000, 600), Rect(0, 28, 1920, 1052), id="off-the-top-left"),
    ],
)
def test_a_saved_geometry_is_moved_and_shrunk_inside(saved: Rect, work: Rect) -> None:
    placed = fit_window(work, 1.0, saved).rect
    framed = Rect(placed.x, placed.y, placed.width + FRAME[0], placed.height + FRAME[1])
    assert work.contains(framed), placed


@pytest.mark.parametrize(
    ("text", "rect"),
    [
        ("1536x864+192+84", Rect(192, 84, 1536, 864)),
        (" 800x600+0+0 ", Rect(0, 0, 800, 600)),
        ("800x600+-20+-5", Rect(-20, -5, 800, 600)),
        ("800x600-20+5", None),
        ("", None),
        ("800x600", None),
        ("0x600+0+0", None),
        ("big", None),
    ],
)
def test_parse_geometry(text: str, rect: Rect | None) -> None:
    assert parse_geometry(text) == rect


@pytest.mark.parametrize("scale", [1.0, 1.04, 1.25, 1.5, 2.0])
@pytest.mark.parametrize("truncates", [True, False], ids=["rescaled", "geometry"])
def test_logical_size_makes_the_most_that_fits(scale: float, truncates: bool) -> None:
    def made(size: int) -> int:
        return int(size * scale) if truncates else round(size * scale)

    for pixels in range(600, 2600, 7):
        size = logical_size(pixels, scale, truncates)
        assert made(size) <= pixels < made(size + 1)
        if made(size) == pixels:  # a size read back comes back unchanged
            assert made(logical_size(made(size), scale, truncates)) == pixels
