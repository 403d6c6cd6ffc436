"""The engine tests' invented catalog (engine_fixtures.write_catalog), one per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.matcher.engine.engine_fixtures import write_catalog


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.csv"
    write_catalog(path)
    return path
