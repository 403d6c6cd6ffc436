"""Catalog providers behind one interface (`base.Provider`)."""

from __future__ import annotations

from pathlib import Path

from matcher.errors import InputError
from matcher.providers.base import Provider, ProviderCounters, Query

__all__ = ["Provider", "ProviderCounters", "Query", "open_provider"]


def open_provider(name: str, catalog: Path | None) -> Provider:
    """Open the named provider in this process (each worker opens its own)."""
    if name == "local":
        from matcher.providers.local import LocalCatalog

        if catalog is None:
            raise InputError("the local provider needs a catalog")
        return LocalCatalog(catalog)
    raise InputError(f"the {name} provider is not available in this version")
