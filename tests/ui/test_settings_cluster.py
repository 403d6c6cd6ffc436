"""The Dask cluster setting: kept with the other settings, passed to the engine for the
local catalog only, typed in the Settings tab and read back after a restart."""

from __future__ import annotations

import json

import pytest

from tests.ui.gui_helpers import screenshot
from ui.settings import Settings, load_settings, settings_from_dict, settings_path


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        pytest.param("tcp://10.0.0.5:8786", [], id="address"),
        pytest.param("  tcp://10.0.0.5:8786 ", [], id="trimmed"),
        pytest.param("tcp://a b:1", ["cluster"], id="spaces-inside"),
        pytest.param(8786, ["cluster"], id="not-text"),
    ],
)
def test_the_cluster_setting_is_checked(value: object, bad: list[str]) -> None:
    settings, problems = settings_from_dict({"cluster": value})
    assert problems == bad
    assert settings.cluster == ("tcp://10.0.0.5:8786" if not bad else "")


def test_the_engine_gets_the_cluster_for_the_local_catalog_only() -> None:
    local = Settings(cluster="tcp://10.0.0.5:8786")
    assert local.engine_config().cluster == "tcp://10.0.0.5:8786"
    assert Settings().engine_config().cluster is None
    online = Settings(provider="musicbrainz", cluster="tcp://10.0.0.5:8786")
    assert online.engine_config().cluster is None  # online providers run on this computer


def test_the_cluster_is_typed_saved_and_read_back(make_app) -> None:  # noqa: ANN001
    app = make_app()
    view = app.settings_view
    app.tabs.set("Settings")
    assert view.cluster.get() == ""  # the placeholder says "This computer"
    view.cluster.insert(0, "tcp://10.0.0.5:8786")
    view.save_button.invoke()
    assert json.loads(settings_path().read_text(encoding="utf-8"))["cluster"] == (
        "tcp://10.0.0.5:8786"
    )
    assert app.controller.settings.cluster == "tcp://10.0.0.5:8786"
    screenshot(app, "settings-cluster")
    app._finish_close()

    again = make_app()
    view = again.settings_view
    assert view.cluster.get() == "tcp://10.0.0.5:8786"
    view.provider._buttons_dict["MusicBrainz"].invoke()
    assert view.cluster.cget("state") == "disabled"
    assert load_settings()[0].cluster == "tcp://10.0.0.5:8786"


def test_an_address_with_spaces_is_refused_with_a_message(make_app) -> None:  # noqa: ANN001
    view = make_app().settings_view
    view.cluster.insert(0, "tcp://my host:8786")
    assert not view.save()
    assert "one address" in view.message.cget("text")
