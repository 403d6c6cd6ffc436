"""Settings on disk and tokens in the keyring, without a window."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from matcher.config import EngineConfig
from tests.ui.gui_helpers import MemoryKeyring
from ui.settings import (
    KEYRING_SERVICE,
    Settings,
    TokenStore,
    load_settings,
    save_settings,
    settings_from_dict,
    settings_path,
)

CUSTOM = Settings(
    provider="discogs",
    catalog="/music/catalog.csv",
    preset="thorough",
    workers=3,
    out_dir="/music/out",
    cache_enabled=False,
    cache_size_mb=250,
)


def test_missing_file_gives_the_defaults_quietly() -> None:
    assert load_settings() == (Settings(), "")
    assert settings_path().parent.is_dir()  # under CRATEMATCH_HOME, never the user's


def test_saved_settings_come_back_and_the_file_is_plain_json() -> None:
    save_settings(CUSTOM)
    assert load_settings() == (CUSTOM, "")
    raw = json.loads(settings_path().read_text(encoding="utf-8"))
    assert raw["provider"] == "discogs" and raw["workers"] == 3 and raw["cache_size_mb"] == 250
    assert [p.name for p in settings_path().parent.iterdir()] == ["settings.json"]  # no temp


def test_saving_replaces_the_previous_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(CUSTOM, path)
    save_settings(Settings(), path)
    assert load_settings(path) == (Settings(), "")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("{not json", id="broken-json"),
        pytest.param("", id="empty"),
        pytest.param('["a", "list"]', id="not-an-object"),
    ],
)
def test_a_damaged_file_gives_defaults_and_one_line(text: str) -> None:
    settings_path().write_text(text, encoding="utf-8")
    settings, message = load_settings()
    assert settings == Settings()
    assert message == "settings.json is damaged; using the default settings."


def test_bad_values_fall_back_one_by_one_and_are_named() -> None:
    raw = {"provider": "spotify", "preset": "fast", "workers": 0, "cache_size_mb": "big",
           "cache_enabled": "yes", "out_dir": "/out", "unknown": 1}  # fmt: skip
    settings_path().write_text(json.dumps(raw), encoding="utf-8")
    settings, message = load_settings()
    assert settings == Settings(preset="fast", out_dir="/out")
    assert "provider" in message and "workers" in message and "cache_size_mb" in message
    assert "cache_enabled" in message and "preset" not in message


@pytest.mark.parametrize(
    ("raw", "bad"),
    [
        pytest.param({"workers": None}, [], id="workers-auto"),
        pytest.param({"workers": True}, ["workers"], id="bool-is-not-a-count"),
        pytest.param({"workers": 65}, ["workers"], id="too-many-workers"),
        pytest.param({"cache_size_mb": -1}, ["cache_size_mb"], id="negative-cache"),
        pytest.param({"catalog": 7}, ["catalog"], id="catalog-not-text"),
    ],
)
def test_settings_from_dict(raw: dict, bad: list[str]) -> None:
    assert settings_from_dict(raw)[1] == bad


def test_engine_config_follows_the_settings() -> None:
    config = CUSTOM.engine_config()
    assert replace(config, http=None) == EngineConfig(
        provider="discogs", catalog="/music/catalog.csv", preset="thorough", workers=3,
        out_dir="/music/out", background=True,
    )  # fmt: skip
    assert config.http is not None
    assert config.http.cache == CUSTOM.cache_enabled
    assert config.http.cache_max_mb == float(CUSTOM.cache_size_mb)
    defaults = Settings().engine_config()  # "" means the defaults
    assert replace(defaults, http=None) == EngineConfig(background=True)
    assert defaults.http is not None and defaults.http.cache is True


# -- tokens -------------------------------------------------------------------------------


def test_tokens_go_to_the_keyring_and_never_to_the_settings_file(
    memory_keyring: MemoryKeyring,
) -> None:
    store = TokenStore()
    assert store.available()
    message = store.set("discogs", "s3cret-token")
    assert message == "The discogs token is stored in the system keyring."
    assert memory_keyring.secrets == {(KEYRING_SERVICE, "discogs"): "s3cret-token"}
    assert store.get("discogs") == "s3cret-token"
    save_settings(CUSTOM)
    assert "s3cret" not in settings_path().read_text(encoding="utf-8")
    assert store.set("discogs", "") == "The discogs token was removed from the system keyring."
    assert memory_keyring.secrets == {} and store.get("discogs") == ""


def test_without_a_keyring_backend_nothing_is_stored() -> None:
    keyring.set_keyring(fail.Keyring())
    store = TokenStore()
    assert not store.available()
    assert store.set("beatport", "abc") == (
        "No system keyring is available, so the token was not stored."
    )
    assert store.get("beatport") == ""


def test_only_providers_with_tokens_take_one() -> None:
    with pytest.raises(ValueError):
        TokenStore().set("musicbrainz", "abc")
