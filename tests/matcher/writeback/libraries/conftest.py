"""Journals the library write-back tests share: a batch journal to plan from and the
writes journal that records each write and its backup."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.engine.journal import Journal
from matcher.writeback import WriteJournal


@pytest.fixture
def batch_journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "journal.sqlite") as journal:
        yield journal


@pytest.fixture
def writes(journal: WriteJournal) -> WriteJournal:
    """The writes journal (../conftest.py's `journal`), named apart from the batch's."""
    return journal
