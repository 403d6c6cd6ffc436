"""Shared set-up for the tests that run providers against the stand-in server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from matcher.http.options import HttpOptions
from matcher.http.retry import RetryPolicy
from matcher.model import CatalogTrack, PlaylistEntry
from matcher.providers import open_provider
from matcher.providers.online import OnlineProvider
from tests.matcher.http.stand_in import StandIn

TOKEN = "bp-test-token-0001"
FAST_RETRY = RetryPolicy(attempts=4, base_s=0.02, cap_s=0.1, max_retry_after_s=60.0)

TRACKS = [
    CatalogTrack("30001", "Glass Tide", mix="Original Mix", artists=("Nova Reyes",),
                 label="Tidal Records", release="Glass Tide", release_date="2021-04-09",
                 bpm=124.0, key="A Minor", genre="Techno", duration_s=412.0),
    CatalogTrack("30002", "Glass Tide", mix="Extended Mix", artists=("Nova Reyes",),
                 bpm=124.0, key="A Minor", duration_s=470.0),
    CatalogTrack("30003", "Glass Tide", mix="Kaito Brenn Remix", artists=("Nova Reyes",),
                 remixers=("Kaito Brenn",), bpm=126.0, duration_s=430.0),
    CatalogTrack("30004", "Glass Tide", mix="Original Mix", artists=("Corin Adebayo",),
                 duration_s=380.0),
    CatalogTrack("30005", "Amber Road", mix="Original Mix", artists=("Mira Solen",),
                 isrc="GBXYZ2100001", duration_s=360.0),
    CatalogTrack("12345678", "Harbour Lights", mix="Extended Mix", artists=("Tomas Vey",),
                 duration_s=390.0),
    CatalogTrack("30009", "Lantern Field", mix="Original Mix",
                 artists=("Sela Marrow", "Ivo Pratt"), duration_s=350.0),
]  # fmt: skip


def entry(index: int = 0, **fields: object) -> PlaylistEntry:
    return PlaylistEntry("set.m3u8", "set", index, **fields)  # type: ignore[arg-type]


GLASS_TIDE = entry(title="Glass Tide (Original Mix)", artist="Nova Reyes", duration_s=412.0)
LANTERN = entry(1, title="Lantern Field", artist="Sela Marrow, Ivo Pratt", duration_s=350.0)


@pytest.fixture
def server() -> Iterator[StandIn]:
    with StandIn(TRACKS, token=TOKEN) as stand_in:
        yield stand_in


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read the real keyring from a test: no token there."""
    import keyring

    monkeypatch.setattr(keyring, "get_password", lambda service, username: None)


def open_online(name: str, **options: object) -> OnlineProvider:
    provider = open_provider(name, None, options=HttpOptions(**options))  # type: ignore[arg-type]
    assert isinstance(provider, OnlineProvider)
    if provider.client is not None:
        provider.client.retry = FAST_RETRY
    return provider
