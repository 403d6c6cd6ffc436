"""The window's settings: what the user picked, kept as JSON, and tokens kept in the keyring.

    settings.json (matcher.paths.config_dir())      the OS keyring (service "CrateMatch")
    ┌──────────────────────────────────────┐        ┌──────────────────────────────┐
    │ provider, catalog, preset, workers,  │        │ beatport → token             │
    │ out_dir, cache_enabled, cache_size_mb│        │ discogs  → token             │
    │ cluster, window (its size and place) │        └──────────────────────────────┘
    └──────────────────────────────────────┘

Tokens never reach the JSON file: a settings file is copied, synced and attached to bug
reports, a keyring entry is not. A file that is missing, broken or holds odd values gives
the defaults for what is wrong plus one line saying so, never an exception. No Tk here.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from matcher import PRESETS, PROVIDERS, EngineConfig, HttpOptions, config_dir

__all__ = [
    "KEYRING_SERVICE",
    "PROVIDER_NAMES",
    "TOKEN_PROVIDERS",
    "Settings",
    "TokenStore",
    "load_settings",
    "remember_window_geometry",
    "save_settings",
    "settings_from_dict",
    "settings_path",
]

PROVIDER_NAMES = {"local": "Local catalog", "musicbrainz": "MusicBrainz",
                  "beatport": "Beatport", "discogs": "Discogs"}  # fmt: skip

KEYRING_SERVICE = "CrateMatch"
TOKEN_PROVIDERS = ("beatport", "discogs")  # MusicBrainz needs no token
MAX_WORKERS = 64
MAX_CACHE_MB = 100_000
MAX_ADDRESS = 200  # a Dask scheduler's address is a host and a port


@dataclass(frozen=True, slots=True)
class Settings:
    provider: str = "local"
    catalog: str = ""  # a catalog file; "" means the default local catalog
    preset: str = "balanced"
    workers: int | None = None  # None: one per CPU
    out_dir: str = ""  # "" means matcher.paths.default_out_dir()
    cache_enabled: bool = True  # for the online providers' HTTP cache
    cache_size_mb: int = 500
    window: str = ""  # the window's "WxH+X+Y" in screen pixels at the last close; "" none
    cluster: str = ""  # a Dask scheduler ("tcp://host:8786") to match on; "" this computer

    def engine_config(self) -> EngineConfig:
        """The engine's config for these settings (the cache ones go to the HTTP layer)."""
        http = replace(
            HttpOptions.from_env(), cache=self.cache_enabled, cache_max_mb=float(self.cache_size_mb)
        )
        return EngineConfig(
            provider=self.provider,
            catalog=self.catalog or None,
            preset=self.preset,
            workers=self.workers,
            out_dir=self.out_dir or None,
            http=http,
            background=True,  # the window stays responsive while workers match
            cluster=(self.cluster or None) if self.provider == "local" else None,
        )


def settings_path() -> Path:
    return config_dir() / "settings.json"


def _check(name: str, value: Any) -> Any:
    """`value` if it is a good value for field `name`; ValueError otherwise."""
    if name == "provider" and value in PROVIDERS:
        return value
    if name == "preset" and value in PRESETS:
        return value
    if name in ("catalog", "out_dir") and isinstance(value, str):
        return value.strip()
    if name == "workers" and (value is None or _is_int(value, 1, MAX_WORKERS)):
        return value
    if name == "cache_enabled" and isinstance(value, bool):
        return value
    if name == "cache_size_mb" and _is_int(value, 0, MAX_CACHE_MB):
        return value
    if name == "window" and isinstance(value, str) and len(value) < 40:
        return value.strip()
    if name == "cluster" and isinstance(value, str) and len(value) <= MAX_ADDRESS:
        value = value.strip()
        if not any(c.isspace() for c in value):
            return value
    raise ValueError(name)


def _is_int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def settings_from_dict(raw: Any) -> tuple[Settings, list[str]]:
    """Settings from parsed JSON: unknown keys are ignored, bad values fall back to their
    default, and each fallback is named in the returned list."""
    if not isinstance(raw, dict):
        return Settings(), ["the file does not hold a settings object"]
    values: dict[str, Any] = {}
    bad: list[str] = []
    for f in fields(Settings):
        if f.name not in raw:
            continue
        try:
            values[f.name] = _check(f.name, raw[f.name])
        except ValueError:
            bad.append(f.name)
    return replace(Settings(), **values), bad


def load_settings(path: Path | None = None) -> tuple[Settings, str]:
    """The saved settings and "" or, when some could not be used, the defaults for those
    and one line for the user saying what happened."""
    path = path or settings_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), ""
    except OSError as err:
        return Settings(), f"Settings could not be read ({err.strerror}); using the defaults."
    try:
        raw = json.loads(text)
    except ValueError:
        return Settings(), f"{path.name} is damaged; using the default settings."
    if not isinstance(raw, dict):
        return Settings(), f"{path.name} is damaged; using the default settings."
    settings, bad = settings_from_dict(raw)
    if bad:
        return settings, f"Some settings were not valid ({', '.join(bad)}); using their defaults."
    return settings, ""


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write atomically (a temporary file in the same folder, then a rename), so a crash
    mid-write leaves the previous settings, never half a file. Raises OSError."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(asdict(settings), indent=2, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remember_window_geometry(geometry: str, path: Path | None = None) -> bool:
    """Keep the window's size and place in the saved settings, leaving everything else as
    saved (this session's command-line choices are not saved). A file that cannot be read
    or holds bad values is left alone; a failed write is ignored. True when saved."""
    path = path or settings_path()
    saved, problem = load_settings(path)
    if problem or saved.window == geometry:
        return False
    try:
        save_settings(replace(saved, window=geometry), path)
    except OSError:
        return False
    return True


class TokenStore:
    """Provider tokens in the OS keyring; says plainly when there is no keyring to use."""

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        self.service = service

    def available(self) -> bool:
        """True when a real keyring backend is present (not the "fail" or "null" one)."""
        try:
            import keyring
            from keyring.backends import chainer, fail, null

            backend = keyring.get_keyring()
        except Exception:  # noqa: BLE001 - a broken keyring install means "no keyring"
            return False
        if isinstance(backend, fail.Keyring | null.Keyring):
            return False
        return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)

    def get(self, provider: str) -> str:
        """The stored token, or "" when there is none or no keyring."""
        if not self.available():
            return ""
        try:
            import keyring

            return keyring.get_password(self.service, provider) or ""
        except Exception:  # noqa: BLE001 - keyring backends raise all sorts of errors
            return ""

    def set(self, provider: str, token: str) -> str:
        """Store (or with "" delete) a token; returns a line for the user saying what happened."""
        if provider not in TOKEN_PROVIDERS:
            raise ValueError(f"no token for provider {provider!r}")
        if not self.available():
            return "No system keyring is available, so the token was not stored."
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            if token:
                keyring.set_password(self.service, provider, token)
                return f"The {provider} token is stored in the system keyring."
            with contextlib.suppress(PasswordDeleteError):
                keyring.delete_password(self.service, provider)
            return f"The {provider} token was removed from the system keyring."
        except KeyringError as err:
            return f"The keyring refused the token ({err}); it was not stored."
