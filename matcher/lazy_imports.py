"""Names a package offers but loads on first use (PEP 562): each engine process imports
the packages it touches, and should not pay for the parts it never calls (httpx for a
local batch, mutagen for the command line's options, the XML writers for a worker)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(package: str, home: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package`: `name` comes from the submodule
    `home[name]`, imported when the name is first asked for."""

    def __getattr__(name: str) -> Any:
        if name in home:
            return getattr(import_module(f"{package}.{home[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
