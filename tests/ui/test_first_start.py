"""The window at its very first start, nothing run yet: what cannot act is off, and
nothing claims what is not there (the user test's s1_* screenshots)."""

from __future__ import annotations

from tests.ui.gui_helpers import screenshot, spin


def test_a_first_start_offers_nothing_it_cannot_do(make_app) -> None:
    app = make_app()
    results = app.results_view
    assert results.count_label.cget("text") == "No results yet"
    # Review… said "Select a row to review.", Export… wrote a header-only CSV
    assert results.review_button.cget("state") == "disabled"
    assert results.export_button.cget("state") == "disabled"
    app.tabs.set("Dashboard")
    spin(app, 0.2)
    box = app.dashboard.previous_box
    assert box.get() == 0 and box.cget("text") == "No previous run"  # was "✓ Previous run"
    assert app.status_bar.open_button.cget("state") == "disabled"
    screenshot(app, "first-start-dashboard")
