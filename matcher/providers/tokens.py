"""Provider tokens: from the environment or the OS keyring, never from a plain file.

An environment variable wins (CI, scripts, tests); otherwise the keyring entry under the
service "CrateMatch" and the provider's name. Tokens are never logged and never part of
a message; cache keys carry only a fingerprint of them (`fingerprint`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping

from matcher.errors import InputError

__all__ = [
    "KEYRING_SERVICE",
    "TOKEN_ENV",
    "fingerprint",
    "forget_token",
    "get_token",
    "store_token",
    "token_hint",
]

KEYRING_SERVICE = "CrateMatch"
TOKEN_ENV = {"beatport": "CRATEMATCH_BEATPORT_TOKEN", "discogs": "CRATEMATCH_DISCOGS_TOKEN"}

KeyringGet = Callable[[str, str], "str | None"]


def _keyring_get(service: str, username: str) -> str | None:
    try:
        import keyring

        return keyring.get_password(service, username)
    except Exception:  # noqa: BLE001 - no backend, locked, D-Bus down: all mean "no token here"
        return None


def get_token(
    provider: str, *, env: Mapping[str, str] | None = None, keyring_get: KeyringGet | None = None
) -> str | None:
    """The provider's token, or None when neither the environment nor the keyring has one."""
    env = os.environ if env is None else env
    name = TOKEN_ENV.get(provider)
    if name and env.get(name, "").strip():
        return env[name].strip()
    token = (keyring_get or _keyring_get)(KEYRING_SERVICE, provider)
    return token.strip() if token and token.strip() else None


def store_token(provider: str, token: str) -> None:
    """Save a token in the OS keyring (the Settings view). InputError when there is none."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, provider, token.strip())
    except Exception as err:  # noqa: BLE001 - any backend failure is the same to the user
        raise InputError(
            f"cannot save the {provider} token in the system keyring ({type(err).__name__}); "
            f"set {TOKEN_ENV.get(provider, 'the environment variable')} instead"
        ) from None


def forget_token(provider: str) -> None:
    """Remove a saved token; nothing happens when there is none."""
    try:
        import keyring

        keyring.delete_password(KEYRING_SERVICE, provider)
    except Exception:  # noqa: BLE001 - absent entry or no backend: nothing to forget
        pass


def token_hint(provider: str) -> str:
    """How to fix a missing or rejected token, for error messages."""
    return f"set it in Settings or {TOKEN_ENV[provider]}"


def fingerprint(token: str | None) -> str:
    """A short, one-way tag of a token: keeps two accounts' cached answers apart."""
    if not token:
        return "anonymous"
    return hashlib.sha256(token.encode()).hexdigest()[:16]
