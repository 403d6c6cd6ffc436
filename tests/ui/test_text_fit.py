"""Text that fits a width (ui/text_fit.py), measured as one pixel per character."""

from __future__ import annotations

import pytest

from ui.text_fit import elide_middle, fit_parts


def measure(text: str) -> int:
    return len(text)


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        pytest.param("house.xml", 20, "house.xml", id="fits"),
        pytest.param("rekordbox_house_disco_2024.xml", 15, "rekordb…024.xml", id="middle-goes"),
        pytest.param("abcdef", 1, "…", id="nothing-fits"),
        pytest.param("ab cd", 4, "ab…d", id="no-space-beside-the-dots"),
    ],
)
def test_elide_middle(text: str, width: int, expected: str) -> None:
    shown = elide_middle(text, width, measure)
    assert shown == expected
    assert measure(shown) <= max(width, 1)


def test_fit_parts_keeps_the_count_whole() -> None:
    assert fit_parts("house.xml", "1,200 tracks", 40, measure) == "house.xml · 1,200 tracks"
    shown = fit_parts("rekordbox_house_disco_2024.xml · Sets/Friday", "10,000 tracks", 30, measure)
    assert shown.endswith(" · 10,000 tracks") and "…" in shown and len(shown) <= 30
    assert fit_parts("", "5 tracks", 3, measure) == "5 tracks"
