"""Tokens: the environment wins, then the keyring; never a file; fingerprints only."""

from __future__ import annotations

import pytest

from matcher.providers.tokens import KEYRING_SERVICE, fingerprint, get_token, token_hint


def keyring_with(entries: dict[tuple[str, str], str]):
    asked: list[tuple[str, str]] = []

    def get(service: str, username: str) -> str | None:
        asked.append((service, username))
        return entries.get((service, username))

    return get, asked


def test_environment_wins_and_the_keyring_is_not_asked():
    get, asked = keyring_with({(KEYRING_SERVICE, "beatport"): "from-keyring"})
    env = {"CRATEMATCH_BEATPORT_TOKEN": "  from-env  "}
    assert get_token("beatport", env=env, keyring_get=get) == "from-env"
    assert asked == []


def test_keyring_under_the_app_service_and_provider_name():
    get, asked = keyring_with({(KEYRING_SERVICE, "discogs"): "from-keyring"})
    assert get_token("discogs", env={}, keyring_get=get) == "from-keyring"
    assert asked == [("CrateMatch", "discogs")]


@pytest.mark.parametrize("stored", [None, "", "   "])
def test_no_token_anywhere(stored):
    get, _ = keyring_with({(KEYRING_SERVICE, "beatport"): stored} if stored is not None else {})
    assert get_token("beatport", env={"CRATEMATCH_BEATPORT_TOKEN": " "}, keyring_get=get) is None


def test_a_broken_keyring_means_no_token(monkeypatch):
    import keyring
    from keyring.errors import NoKeyringError

    def no_backend(service: str, username: str) -> str:
        raise NoKeyringError("no recommended backend")

    monkeypatch.setattr(keyring, "get_password", no_backend)
    assert get_token("beatport", env={}) is None


def test_fingerprint_is_short_stable_and_not_the_token():
    token = "abcdef0123456789secret"
    assert fingerprint(token) == fingerprint(token)
    assert fingerprint(token) != fingerprint(token + "x")
    assert token not in fingerprint(token) and len(fingerprint(token)) == 16
    assert fingerprint(None) == "anonymous"


def test_hint_names_the_variable():
    assert token_hint("discogs") == "set it in Settings or CRATEMATCH_DISCOGS_TOKEN"
