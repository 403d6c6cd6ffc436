"""ui/repair.py without a window: what the banner says about a damaged journal or
catalog, and what moving the damaged file aside does and tells the user."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from matcher.journal import Journal
from ui.repair import Damage, describe_damage, repair_damage


def test_a_damaged_journal_is_set_aside_and_a_fresh_one_started(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    path.write_bytes(os.urandom(4096))
    damage = Damage("journal", path, "journal is damaged or not a database")
    text, button = describe_damage(damage)
    assert text.startswith("The batch history (journal.sqlite) is damaged") and button == "Rebuild"
    ok, said = repair_damage(damage, "")
    assert ok and "moved to journal.sqlite.corrupt-" in said
    with Journal.open(path, readonly=True) as journal:
        assert journal.batches() == []


@pytest.mark.parametrize(
    ("setting", "expected_text", "expected_notice"),
    [
        pytest.param("source", "The catalog imported from catalog.csv", "Press Start to import",
                     id="built-from-a-source"),
        pytest.param("", "The catalog database (catalog.sqlite)", "Settings → Catalog file",
                     id="the-default-catalog"),
        pytest.param("itself", "The catalog database (catalog.sqlite)", "Settings → Catalog file",
                     id="a-catalog-database"),
    ],
)  # fmt: skip
def test_a_damaged_catalog(
    tmp_path: Path, setting: str, expected_text: str, expected_notice: str
) -> None:
    db = tmp_path / "catalog.sqlite"
    db.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    (tmp_path / "catalog.csv").write_text("catalog_id,title,artists\n", encoding="utf-8")
    catalog_setting = {"source": str(tmp_path / "catalog.csv"), "": "", "itself": str(db)}[setting]
    damage = Damage("catalog", db, "catalog database is corrupt")
    text, button = describe_damage(damage, catalog_setting)
    assert text.startswith(expected_text) and button == "Re-import"
    ok, said = repair_damage(damage, catalog_setting)
    assert ok and expected_notice in said and not db.exists()
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("catalog.sqlite.corrupt-")]
    assert len(aside) == 1


def test_a_file_that_cannot_be_moved_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matcher.sqlite_aside as sqlite_aside

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    db = tmp_path / "catalog.sqlite"
    db.write_bytes(b"junk")
    monkeypatch.setattr(sqlite_aside.os, "replace", refuse)
    ok, said = repair_damage(Damage("catalog", db, "corrupt"), "")
    assert not ok and said == (
        "Could not move the damaged file aside: cannot move the catalog aside: Permission denied"
    )
    assert db.read_bytes() == b"junk"
