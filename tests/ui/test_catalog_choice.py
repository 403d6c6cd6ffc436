"""No catalog at Start (ui/catalog_choice.py, ui/views/catalog_prompt.py): the window asks
for one instead of starting a batch that can only fail, keeps the playlists waiting, and
starts them with the file chosen, which Settings keep. With the model alone, then the real
window and engine."""

from __future__ import annotations

from pathlib import Path

from matcher import PlaylistRef, default_catalog_path
from tests.matcher.engine.engine_fixtures import write_catalog, write_m3u8
from tests.ui.controller_fixtures import FakeEngine, Harness, m3u
from tests.ui.gui_helpers import pump_until, screenshot, spin
from ui.catalog_choice import describe_target
from ui.queue_model import ItemStatus
from ui.settings import Settings, load_settings
from ui.views.catalog_prompt import MESSAGE


def waiting(tmp_path: Path, settings: Settings | None = None) -> Harness:
    h = Harness(settings, imported=False)
    h.add(m3u(tmp_path / "Warm Up.m3u8"))
    return h


def test_start_without_any_catalog_asks_for_one_and_keeps_the_playlists_waiting(
    tmp_path: Path,
) -> None:
    h = waiting(tmp_path)
    assert not h.c.start()
    assert h.c.catalog_choice.asking
    assert FakeEngine.made == []  # no batch, no engine: nothing can fail
    assert [i.status for i in h.c.model.items] == [ItemStatus.QUEUED]
    assert h.c.model.waiting() and h.notices == []


def test_the_file_chosen_is_kept_in_settings_and_the_waiting_playlists_start(
    tmp_path: Path,
) -> None:
    h = waiting(tmp_path)
    h.c.start()
    chosen = str(tmp_path / "collection.xml")
    assert h.c.catalog_choice.choose(chosen)
    assert not h.c.catalog_choice.asking
    assert h.c.settings.catalog == chosen and load_settings()[0].catalog == chosen
    (engine,) = FakeEngine.made
    assert str(engine.config.catalog) == chosen
    assert engine.log == [("start", [PlaylistRef(tmp_path / "Warm Up.m3u8", None)])]


def test_a_cancelled_dialog_changes_nothing_and_dismiss_hides_the_question(
    tmp_path: Path,
) -> None:
    h = waiting(tmp_path)
    h.c.start()
    assert not h.c.catalog_choice.choose("")
    assert h.c.catalog_choice.asking and h.c.settings.catalog == "" and FakeEngine.made == []
    h.c.catalog_choice.dismiss()
    assert not h.c.catalog_choice.asking and h.c.model.waiting()
    assert not h.c.start() and h.c.catalog_choice.asking  # Start asks again


def test_no_question_when_there_is_a_catalog_or_none_is_needed(tmp_path: Path) -> None:
    for settings in (Settings(catalog=str(tmp_path / "c.csv")), Settings(provider="musicbrainz")):
        h = waiting(tmp_path, settings)
        assert h.c.start() and not h.c.catalog_choice.asking
    h = waiting(tmp_path)
    default_catalog_path().parent.mkdir(parents=True, exist_ok=True)
    default_catalog_path().touch()  # `cratematch catalog import` made the default one
    assert h.c.start() and not h.c.catalog_choice.asking


def test_the_line_under_start_says_what_start_matches_against() -> None:
    said = describe_target
    assert said(Settings(), False) == "Catalog: none yet (Start asks for one) · Balanced preset"
    assert said(Settings(), True) == "Catalog: the imported one · Balanced preset"
    assert said(Settings(catalog="/music/Export/collection.xml", preset="fast"), False) == (
        "Catalog: collection.xml · Fast preset"
    )
    assert said(Settings(catalog="c.csv", cluster="tcp://h:8786"), False) == (
        "Catalog: c.csv · Balanced preset · on a Dask cluster"
    )
    assert said(Settings(provider="musicbrainz", cluster="tcp://h:8786"), False) == (
        "Catalog: MusicBrainz (online) · Balanced preset"  # online: never on the cluster
    )


def test_the_window_asks_then_matches_with_the_catalog_chosen(make_app, tmp_path: Path) -> None:
    write_catalog(tmp_path / "catalog.csv")
    write_m3u8(tmp_path / "Warm Up.m3u8", 40)
    app = make_app([str(tmp_path / "Warm Up.m3u8"), "--out", str(tmp_path / "out")])
    pump_until(app, lambda: app.controller.model.waiting(), "the playlist queued")
    prompt = app.catalog_prompt
    assert not prompt.visible and not prompt.winfo_ismapped()
    target = app.queue_view.target
    assert target.cget("text") == "Catalog: none yet (Start asks for one) · Balanced preset"
    app.root.event_generate("<F5>")  # Start
    pump_until(app, lambda: prompt.winfo_ismapped(), "the catalog question")
    assert prompt.text.cget("text") == MESSAGE and prompt.button.cget("text") == "Choose…"
    assert app.controller.model.items[0].status is ItemStatus.QUEUED
    assert app.controller.engine is None  # no batch was started to fail
    screenshot(app, "catalog-question")
    prompt.ask = lambda: str(tmp_path / "catalog.csv")  # the file dialog's answer
    prompt.button.invoke()
    pump_until(app, lambda: app.status_bar.phase.cget("text") == "Finished", "the batch to end")
    spin(app, 0.2)
    assert not prompt.winfo_ismapped()
    assert app.controller.settings.catalog == str(tmp_path / "catalog.csv")
    assert (tmp_path / "out" / "Warm Up" / "matches.csv").is_file()
    assert app.controller.model.items[0].counts.matched > 0
    assert target.cget("text") == "Catalog: catalog.csv · Balanced preset"
    # the Settings tab shows it, so that its Save keeps it rather than the empty field
    assert app.settings_view.catalog.get() == str(tmp_path / "catalog.csv")
    assert app.settings_view.save()
    assert load_settings()[0].catalog == str(tmp_path / "catalog.csv")
