"""Why an online catalog failed, as typed errors with one-line messages.

ProviderError (matcher.errors)       a catalog provider failed for a track
 ├── ProviderAuthError               the token is missing or the service rejected it
 ├── ProviderUnavailable             unreachable, timing out, or failing (5xx) after retries
 ├── ProviderRateLimited             asked to wait longer than we will, or kept saying 429
 └── ProviderResponseError           an answer we cannot use (malformed JSON, odd status)

`match_entry` turns any of them into an `error` row whose reason is the message, so
messages say what happened and what to do, and never carry a token (`redact`).
"""

from __future__ import annotations

from collections.abc import Iterable

from matcher.errors import ProviderError

__all__ = [
    "ProviderAuthError",
    "ProviderRateLimited",
    "ProviderResponseError",
    "ProviderUnavailable",
    "redact",
]


class ProviderAuthError(ProviderError):
    """No token, or the service answered 401/403: every later request would fail too."""


class ProviderUnavailable(ProviderError):
    """The service could not be reached or kept failing after the retries."""


class ProviderRateLimited(ProviderError):
    """The service asked for a pause longer than the cap, or kept throttling."""


class ProviderResponseError(ProviderError):
    """The service answered with something we cannot read."""


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret (a token) replaced by `***`."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
