"""The engine tests' invented catalog (engine_fixtures.write_catalog), a journal and an
output folder, one of each per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.engine.journal import Journal
from tests.matcher.engine.engine_fixtures import write_catalog


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.csv"
    write_catalog(path)
    return path


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "journal.sqlite") as j:
        yield j


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "out"
