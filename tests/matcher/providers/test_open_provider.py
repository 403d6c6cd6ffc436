"""open_provider in a worker process: names, base URLs and tokens from the environment."""

from __future__ import annotations

import pytest

from matcher.errors import InputError
from matcher.http.options import HttpOptions
from matcher.providers import open_provider
from matcher.providers.beatport import BeatportProvider
from matcher.providers.discogs import DiscogsProvider
from matcher.providers.musicbrainz import MusicBrainzProvider
from tests.matcher.providers.online_fixtures import no_keyring  # noqa: F401 - autouse fixture


@pytest.mark.parametrize(
    ("name", "kind", "url_env", "override", "base"),
    [
        pytest.param("musicbrainz", MusicBrainzProvider, "CRATEMATCH_MUSICBRAINZ_URL",
                     "http://127.0.0.1:9", "http://127.0.0.1:9/ws/2/", id="musicbrainz"),
        pytest.param("beatport", BeatportProvider, "CRATEMATCH_BEATPORT_URL",
                     "http://127.0.0.1:9/v4", "http://127.0.0.1:9/v4/", id="beatport"),
        pytest.param("discogs", DiscogsProvider, "CRATEMATCH_DISCOGS_URL",
                     "http://127.0.0.1:9/", "http://127.0.0.1:9/", id="discogs"),
    ],
)  # fmt: skip
def test_online_providers_read_their_base_url_and_token(
    monkeypatch, name, kind, url_env, override, base
):
    monkeypatch.setenv(url_env, override)
    monkeypatch.setenv("CRATEMATCH_BEATPORT_TOKEN", "bp-token-1234")
    monkeypatch.setenv("CRATEMATCH_DISCOGS_TOKEN", "dg-token-1234")
    with open_provider(name, None) as provider:
        assert isinstance(provider, kind) and provider.name == name
        assert provider.client is not None
        assert str(provider.client._http.base_url) == base


def test_the_cache_lives_in_the_user_cache_dir(cratematch_home):
    with open_provider("musicbrainz", None) as provider:
        assert provider.client.cache.path == cratematch_home / "cache" / "http.sqlite"
        assert provider.client.cache.enabled
    with open_provider("musicbrainz", None, options=HttpOptions(cache=False)) as provider:
        assert not provider.client.cache.enabled


def test_environment_options_reach_the_client(monkeypatch):
    monkeypatch.setenv("CRATEMATCH_HTTP_TIMEOUT", "3")
    monkeypatch.setenv("CRATEMATCH_BEATPORT_RATE", "2")
    monkeypatch.setenv("CRATEMATCH_BEATPORT_TOKEN", "bp-token-1234")
    with open_provider("beatport", None) as provider:
        assert provider.client.timeout_s == 3.0
        assert provider.client.service.policy.min_interval_s == 0.5


def test_unknown_and_local_without_catalog():
    with pytest.raises(InputError, match="not available"):
        open_provider("spotify", None)
    with pytest.raises(InputError, match="needs a catalog"):
        open_provider("local", None)
