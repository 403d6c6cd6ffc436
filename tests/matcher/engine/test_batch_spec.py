"""What a resumed batch matches against (matcher.engine.batch_spec): the journal keeps the
file `--catalog` named, so an imported catalog deleted since (unused for long, see
matcher/catalog/kept.py) is imported again when that file has not changed, and a batch
that cannot go on against the same catalog says so in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.catalog import resolve_catalog
from matcher.config import EngineConfig
from matcher.engine.batch_spec import (
    BatchSpec,
    config_record,
    journal_catalog,
    spec_from_journal,
)
from matcher.engine.journal import Journal
from matcher.errors import CrateMatchError

HEADER = "catalog_id,title,artists,duration_s\n"


def _catalog(path: Path, title: str = "Lantern Anthem") -> Path:
    path.write_text(HEADER + f"c1,{title},Pell Ardent,300\n", encoding="utf-8")
    return path


def _resumed(tmp_path: Path, source: Path) -> BatchSpec:
    """A batch started with `--catalog source`, journalled, then read back to resume."""
    database = resolve_catalog(source)
    out = tmp_path / "out"
    config = EngineConfig(catalog=source, out_dir=out).checked()
    started = BatchSpec("night-1", (("set.m3u8", None),), config=config)
    with Journal.open(tmp_path / "journal.sqlite") as journal:
        record = config_record(started, database)
        journal.create_batch("night-1", config=record, inputs=[{"path": "set.m3u8"}],
                             out_dir=str(out))  # fmt: skip
        return spec_from_journal(journal, "night-1")


def test_the_journal_keeps_the_catalog_file_the_batch_named(
    tmp_path: Path, cratematch_home: Path
) -> None:
    source = _catalog(tmp_path / "catalog.csv")
    spec = _resumed(tmp_path, source)
    assert spec.catalog_source == str(source.absolute())
    assert journal_catalog(spec) == resolve_catalog(source)


@pytest.fixture
def import_deleted(tmp_path: Path, cratematch_home: Path) -> tuple[Path, BatchSpec, Path]:
    """(the catalog file, the resumed batch, its import), the import deleted since."""
    source = _catalog(tmp_path / "catalog.csv")
    spec = _resumed(tmp_path, source)
    database = Path(spec.config.catalog)  # type: ignore[arg-type]
    database.unlink()
    return source, spec, database


def test_a_deleted_import_of_an_unchanged_file_is_imported_again(
    import_deleted: tuple[Path, BatchSpec, Path],
) -> None:
    _, spec, database = import_deleted
    assert journal_catalog(spec) == database and database.is_file()


def test_a_deleted_import_of_a_changed_file_stops_the_resume(
    import_deleted: tuple[Path, BatchSpec, Path],
) -> None:
    source, spec, _ = import_deleted
    _catalog(source, "Another Anthem")
    with pytest.raises(CrateMatchError, match=r"has changed since; start a new batch$"):
        journal_catalog(spec)


def test_a_catalog_gone_with_its_file_stops_the_resume(
    import_deleted: tuple[Path, BatchSpec, Path],
) -> None:
    source, spec, _ = import_deleted
    source.unlink()
    with pytest.raises(CrateMatchError, match=r"matched against is gone \(.+\); start a new"):
        journal_catalog(spec)
