"""ui/repair.py without a window: what the banner says about a damaged journal or
catalog, what moving the damaged file aside does and tells the user, and the Repair part
that does it off the Tk thread."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from matcher import (
    BatchFinished,
    BatchStarted,
    EngineError,
    History,
    default_journal_path,
)
from tests.ui.controller_fixtures import B, FakeEngine, Harness, m3u
from ui.queue_model import ItemStatus
from ui.repair import Damage, describe_damage, repair_damage


def test_a_damaged_journal_is_set_aside_and_a_fresh_one_started(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    path.write_bytes(os.urandom(4096))
    damage = Damage("journal", path, "journal is damaged or not a database")
    text, button = describe_damage(damage)
    assert text.startswith("The batch history (journal.sqlite) is damaged") and button == "Rebuild"
    ok, said = repair_damage(damage, "")
    assert ok and "moved to journal.sqlite.corrupt-" in said
    with History.open(path) as journal:
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


# -- the repair part: off the Tk thread, with the engine and the journal let go of --------


def test_repair_moves_a_damaged_journal_aside_off_the_tk_thread(tmp_path: Path) -> None:
    path = default_journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(8192))
    h = Harness()
    h.add(m3u(tmp_path / "a.m3u8"))
    assert h.c.start()  # an engine to hand over
    h.c.on_event(BatchStarted(B, 1, 3, ((0, "a.m3u8", "a", 3),), 1))
    h.c.on_event(BatchFinished(B, 2, True, 3, 3, {}, 0.5, str(tmp_path / "out")))
    h.c.history.refresh_unfinished()  # reads the damaged journal: the banner's offer
    assert h.c.repair.damage is not None
    engine = FakeEngine.made[0]
    assert h.c.repair.repair()
    assert h.c.repair.repairing and h.c.engine is None
    assert not h.c.repair.repair()  # once at a time
    assert h.c.repair.damage is not None  # until the thread's outcome arrives
    h.settle()
    assert engine.closed and not h.c.repair.repairing and h.c.repair.damage is None
    assert "moved to journal.sqlite.corrupt-" in h.notices[-1]
    assert h.c.history.unfinished == []  # the fresh journal read at once
    with History.open() as journal:
        assert journal.batches() == []


def test_after_a_catalog_repair_the_failed_playlists_wait_again(tmp_path: Path) -> None:
    db = tmp_path / "catalog.sqlite"
    db.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    h = Harness()
    h.add(m3u(tmp_path / "a.m3u8"), m3u(tmp_path / "b.m3u8"))
    assert h.c.start()
    h.c.on_event(EngineError(B, 1, "catalog database is corrupt", fatal=True,
                             damaged="catalog", damaged_path=str(db)))  # fmt: skip
    h.c.on_event(BatchFinished(B, 2, False, 0, 6, {}, 0.1, ""))  # the host ends the batch
    assert {i.status for i in h.c.model.items} == {ItemStatus.QUEUED}  # nothing matched
    assert h.c.repair.repair()
    h.settle()
    assert [(i.label, i.status, i.batch_id) for i in h.c.model.items] == [
        ("a", ItemStatus.QUEUED, None), ("b", ItemStatus.QUEUED, None)]  # fmt: skip
    assert h.notices[-1].endswith("choose its file in Settings → Catalog file.")
    assert not db.exists()


def test_nothing_to_repair_or_a_running_batch_refuses(tmp_path: Path) -> None:
    h = Harness()
    assert not h.c.repair.repair()  # nothing damaged
    h.add(m3u(tmp_path / "a.m3u8"))
    assert h.c.start()
    h.c.repair.found(Damage("journal", default_journal_path(), "journal is damaged"))
    assert not h.c.repair.repair()
    assert h.notices[-1].startswith("Wait for the current batch to end")
    assert h.c.engine is not None and not h.c.repair.repairing
