"""The exception tree drawn in `matcher/errors.py` names every error CrateMatch raises."""

from __future__ import annotations

import importlib
import pkgutil

import matcher
from matcher import errors
from matcher.errors import CrateMatchError


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_the_tree_in_the_docstring_names_every_error_class() -> None:
    for module in pkgutil.walk_packages(matcher.__path__, "matcher."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    ours = {c for c in _subclasses(CrateMatchError) if c.__module__.startswith("matcher.")}
    missing = sorted(c.__name__ for c in ours if f" {c.__name__} " not in f" {errors.__doc__} ")
    assert ours and missing == []
