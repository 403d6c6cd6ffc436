"""Shared test setup: every test runs with its own CRATEMATCH_HOME, so no test reads or
writes the user's real settings, catalog, journal or cache."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def cratematch_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("cratematch-home")
    monkeypatch.setenv("CRATEMATCH_HOME", str(home))
    return home


@pytest.fixture
def shared() -> Path:
    """../shared (devset, realfiles): tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED
