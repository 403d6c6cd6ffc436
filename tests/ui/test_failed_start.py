"""A batch that fails before matching anything (a file that is not a catalog, a catalog
that cannot be opened, a provider or cluster out of reach) gives its playlists back to
the queue: Start runs them again once the cause is fixed, without adding them again.
Through the real window and engine, as a DJ met it: Start, the catalog question answered
with the wrong file, then the right catalog set in Settings and Start again."""

from __future__ import annotations

from pathlib import Path

from tests.matcher.engine.engine_fixtures import write_catalog, write_m3u8
from tests.ui.gui_helpers import pump_until, rekordbox_two_playlists, screenshot, spin
from ui.queue_model import ItemStatus

NOT_A_CATALOG = "source,writer,expected_entries\nrekordbox,Rekordbox 6,12\n"


def test_playlists_of_a_batch_that_failed_at_start_run_again_after_the_fix(
    make_app, tmp_path: Path
) -> None:
    write_catalog(tmp_path / "catalog.csv")
    write_m3u8(tmp_path / "Warm Up.m3u8", 30)
    write_m3u8(tmp_path / "Peak Time.m3u8", 20, seed=1)
    rekordbox_two_playlists(tmp_path / "sets.xml")  # a file holding two playlists
    (tmp_path / "MANIFEST.csv").write_text(NOT_A_CATALOG, encoding="utf-8")
    inputs = [str(tmp_path / n) for n in ("Warm Up.m3u8", "Peak Time.m3u8", "sets.xml")]
    app = make_app([*inputs, "--out", str(tmp_path / "out")])
    c, queue = app.controller, app.queue_view
    picker = pump_until(app, lambda: app.picker, "the playlist picker for sets.xml")
    picker.select(["Friday"])  # both of its playlists
    picker.confirm()
    pump_until(app, lambda: len(c.model.waiting()) == 4, "four playlists queued")
    ids = [i.item_id for i in c.model.items]

    app.root.event_generate("<F5>")  # Start: no catalog yet, so the window asks
    pump_until(app, lambda: app.catalog_prompt.winfo_ismapped(), "the catalog question")
    app.catalog_prompt.ask = lambda: str(tmp_path / "MANIFEST.csv")  # the wrong file
    app.catalog_prompt.button.invoke()
    pump_until(app, lambda: c.model.batch_id and not c.model.active, "the batch to fail")
    spin(app, 0.2)
    screenshot(app, "failed-start-queued-again")

    items = c.model.items
    assert [i.item_id for i in items] == ids  # the same cards, in the same order
    assert all(i.waiting for i in items), [(i.label, i.status) for i in items]
    assert all("missing catalog column" in i.message for i in items)
    assert all(queue.status_of(n) is ItemStatus.QUEUED for n in ids)
    assert queue.start_button.cget("state") == "normal"
    card = queue.rows[ids[0]]
    assert card.message.winfo_ismapped() and "missing catalog column" in card.message.cget("text")
    assert card.remove.winfo_ismapped()  # each card can still be removed on its own

    app.settings_view.catalog.delete(0, "end")  # the right catalog, set in Settings
    app.settings_view.catalog.insert(0, str(tmp_path / "catalog.csv"))
    assert app.settings_view.save()
    app.root.event_generate("<F5>")
    pump_until(app, lambda: app.status_bar.phase.cget("text") == "Finished", "the batch to end")
    spin(app, 0.2)
    screenshot(app, "failed-start-run-again")

    assert "Add playlists to the queue first." not in c.session.notices
    items = c.model.items
    assert [i.item_id for i in items] == ids
    assert [i.status for i in items] == [ItemStatus.DONE] * 4
    assert all(i.message == "" for i in items)
    assert [i.done for i in items] == [30, 20, 3, 2]
    assert items[0].counts.matched > 0 and items[1].counts.matched > 0
    for folder in ("Warm Up", "Peak Time"):
        assert (tmp_path / "out" / folder / "matches.csv").is_file()


def test_the_status_bar_says_the_batch_could_not_start_and_why(make_app, tmp_path: Path) -> None:
    """The cards went back to the queue saying "Not run: …", while the status bar said
    "Ready" beside "0 of 50 tracks · 0%", as if nothing had happened. It says the batch
    could not start, why, and where its playlists are, in one line that fits the bar."""
    write_m3u8(tmp_path / "Warm Up.m3u8", 30)
    write_m3u8(tmp_path / "Peak Time.m3u8", 20, seed=1)
    (tmp_path / "MANIFEST.csv").write_text(NOT_A_CATALOG, encoding="utf-8")
    inputs = [str(tmp_path / n) for n in ("Warm Up.m3u8", "Peak Time.m3u8")]
    app = make_app([*inputs, "--catalog", str(tmp_path / "MANIFEST.csv"),
                    "--out", str(tmp_path / "out")])  # fmt: skip
    c, bar = app.controller, app.status_bar
    pump_until(app, lambda: len(c.model.waiting()) == 2, "two playlists queued")
    app.queue_view.start_button.invoke()
    pump_until(app, lambda: c.model.batch_id and not c.model.active, "the batch to fail")
    spin(app, 0.2)

    assert bar.phase.cget("text") == "Could not start"
    line = bar.tracks.cget("text")
    assert line == (
        "MANIFEST.csv: missing catalog column(s): catalog_id, title, artists"
        " · 2 playlists back in the queue"
    )
    assert bar.tracks.winfo_reqwidth() <= bar._room()  # one line, within the bar
    screenshot(app, "failed-start-status-bar")

    app.root.geometry("900x640")  # narrower: the reason gives way, the rest stays whole
    pump_until(app, lambda: "…" in bar.tracks.cget("text"), "the reason shortened")
    line = bar.tracks.cget("text")
    assert line.startswith("MANIFEST.csv") and line.endswith(" · 2 playlists back in the queue")
    app.root.update_idletasks()  # the label's size follows its new text when idle
    assert bar.tracks.winfo_reqwidth() <= bar._room()
