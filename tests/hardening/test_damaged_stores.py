"""A damaged journal or catalog database: one clear line from the command line, the
damage named in the engine's error (so the window can offer to rebuild), and
`cratematch batches --rebuild` to set a damaged journal aside and start afresh.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from matcher.catalog import CatalogDamaged, CatalogStore, import_catalog, set_aside
from matcher.config import EngineConfig
from matcher.engine.client import Engine
from matcher.engine.events import BatchFinished, BatchState, EngineError
from matcher.engine.journal import Journal, JournalDamaged, default_journal_path
from matcher.errors import CatalogError
from matcher.playlists import read_playlists
from tests.hardening import ledger
from tests.matcher.engine.engine_fixtures import collect, write_catalog, write_m3u8
from tests.matcher.engine.test_batch_run import canned_result

HINT = "cratematch batches --rebuild"


def cratematch(home: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CRATEMATCH_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "matcher", *map(str, args)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cratematch: error: "), proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    return lines[0]


def damage_pages(path: Path, start: float = 0.5) -> None:
    """Overwrite every 4 KB page from `start` (a share of the file, never the first page)
    to the last but one with random bytes: the file opens, reading those pages fails."""
    size = path.stat().st_size
    first = max(4096, int(size * start) // 4096 * 4096)
    with path.open("r+b") as handle:
        for offset in range(first, size - 4096, 4096):
            handle.seek(offset)
            handle.write(os.urandom(4096))


def cut_off_batch(tmp_path: Path, entries: int = 3000, done: int = 2000) -> tuple[str, Path]:
    """A journal batch over a real playlist, cut off with `done` results (as after kill -9)."""
    playlist_file = tmp_path / "long.m3u8"
    write_m3u8(playlist_file, entries)
    (playlist,) = read_playlists(playlist_file)
    out = tmp_path / "out"
    with Journal.open() as journal:
        journal.create_batch(
            "20260101-000000-cafe01",
            config={"provider": "local", "catalog": str(tmp_path / "catalog.csv"),
                    "preset": "balanced", "workers": 1, "out_dir": str(out)},
            inputs=[{"path": str(playlist_file), "name": None}],
            out_dir=str(out),
        )  # fmt: skip
        journal.add_playlist("20260101-000000-cafe01", 0, file=playlist.file_name,
                             source=str(playlist_file), name=playlist.name, format="m3u",
                             total=entries)  # fmt: skip
        for start in range(0, done, 250):
            chunk = playlist.entries[start : start + 250]
            journal.record_results("20260101-000000-cafe01", 0, [canned_result(e) for e in chunk])
        journal.set_state("20260101-000000-cafe01", BatchState.RUNNING)
    write_catalog(tmp_path / "catalog.csv")
    return "20260101-000000-cafe01", out


# -- the journal ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["batches"], id="batches"),
        pytest.param(["resume"], id="resume"),
        pytest.param(["resume", "20260101-000000-cafe01"], id="resume-by-id"),
        pytest.param(["match", "{playlist}", "--catalog", "{catalog}"], id="match"),
    ],
)
def test_a_journal_that_is_not_a_database_is_one_line_with_the_way_out(
    cratematch_home: Path, tmp_path: Path, args: list[str]
) -> None:
    write_m3u8(tmp_path / "set.m3u8", 5)
    write_catalog(tmp_path / "catalog.csv")
    journal = default_journal_path()
    journal.write_bytes(os.urandom(8192))
    filled = [a.format(playlist=tmp_path / "set.m3u8", catalog=tmp_path / "catalog.csv")
              for a in args]  # fmt: skip
    extra = ["--out", tmp_path / "out"] if args[0] == "match" else []
    line = one_error_line(cratematch(cratematch_home, *filled, *extra))
    assert "journal" in line and "damaged" in line and HINT in line
    assert not (tmp_path / "out").exists()
    ledger.fault(f"journal not a database ({args[0]})", expected=0, lost=0)


def test_rebuild_sets_the_damaged_journal_aside_and_starts_afresh(
    cratematch_home: Path, tmp_path: Path
) -> None:
    journal = default_journal_path()
    junk = os.urandom(8192)
    journal.write_bytes(junk)
    done = cratematch(cratematch_home, "batches", "--rebuild")
    assert done.returncode == 0, done.stderr
    (aside,) = journal.parent.glob("journal.sqlite.corrupt-*")
    assert aside.read_bytes() == junk and aside.name in done.stdout  # kept, not deleted
    listed = cratematch(cratematch_home, "batches")
    assert listed.returncode == 0 and "No batches yet." in listed.stdout
    again = cratematch(cratematch_home, "batches", "--rebuild")  # a healthy journal stays
    assert again.returncode == 0 and "not damaged" in again.stdout
    assert list(journal.parent.glob("journal.sqlite.corrupt-*")) == [aside]


@pytest.mark.slow
def test_damaged_pages_fail_the_resume_in_one_line_and_rebuild_finds_them(
    cratematch_home: Path, tmp_path: Path
) -> None:
    batch_id, out = cut_off_batch(tmp_path)
    damage_pages(default_journal_path())
    line = one_error_line(cratematch(cratematch_home, "resume", batch_id, "--quiet"))
    assert "journal" in line and "damaged" in line and HINT in line
    with Journal.open() as journal, pytest.raises(JournalDamaged):
        journal.check()
    done = cratematch(cratematch_home, "batches", "--rebuild")
    assert done.returncode == 0 and "moved to" in done.stdout
    with Journal.open() as journal:
        journal.check()
        assert journal.batches() == []
    ledger.fault("journal pages damaged (resume)", expected=0, lost=0)


def test_the_engine_names_a_damaged_journal(cratematch_home: Path, tmp_path: Path) -> None:
    write_m3u8(tmp_path / "set.m3u8", 5)
    write_catalog(tmp_path / "catalog.csv")
    default_journal_path().write_bytes(os.urandom(8192))
    config = EngineConfig(catalog=tmp_path / "catalog.csv", workers=1, out_dir=tmp_path / "out")
    with Engine(config) as engine:
        events = collect(engine.start([tmp_path / "set.m3u8"]))
    (error,) = [e for e in events if isinstance(e, EngineError)]
    assert error.fatal and error.damaged == "journal"
    assert Path(error.damaged_path) == default_journal_path()
    assert isinstance(events[-1], BatchFinished) and not events[-1].ok


# -- the catalog ---------------------------------------------------------------------------


@pytest.fixture
def catalog_db(tmp_path: Path) -> Path:
    write_catalog(tmp_path / "catalog.csv", rows=3000)
    db = tmp_path / "catalog.sqlite"
    import_catalog([tmp_path / "catalog.csv"], db)
    return db


@pytest.mark.parametrize(
    ("how", "words"),
    [
        pytest.param("pages", "corrupt", id="damaged-pages"),
        pytest.param("truncated", "catalog", id="cut-short"),
        pytest.param("header-only", "catalog", id="header-then-junk"),
    ],
)
def test_a_damaged_catalog_is_one_line(
    cratematch_home: Path, tmp_path: Path, catalog_db: Path, how: str, words: str
) -> None:
    if how == "pages":
        damage_pages(catalog_db, start=0.05)
    elif how == "truncated":
        data = catalog_db.read_bytes()
        catalog_db.write_bytes(data[: len(data) // 3])
    else:
        catalog_db.write_bytes(catalog_db.read_bytes()[:100] + os.urandom(50_000))
    write_m3u8(tmp_path / "set.m3u8", 20)
    line = one_error_line(
        cratematch(cratematch_home, "match", tmp_path / "set.m3u8", "--catalog", catalog_db,
                   "--out", tmp_path / "out", "--workers", "1", "--quiet")
    )  # fmt: skip
    assert words in line and catalog_db.name in line
    assert not (tmp_path / "out" / "set").exists()
    ledger.fault(f"catalog database {how}", expected=0, lost=0)


def test_the_engine_names_a_damaged_catalog_and_set_aside_keeps_it(
    tmp_path: Path, catalog_db: Path
) -> None:
    damage_pages(catalog_db, start=0.05)
    write_m3u8(tmp_path / "set.m3u8", 5)
    config = EngineConfig(catalog=catalog_db, workers=1, out_dir=tmp_path / "out")
    with Engine(config) as engine:
        events = collect(engine.start([tmp_path / "set.m3u8"]))
    (error,) = [e for e in events if isinstance(e, EngineError)]
    assert error.fatal and error.damaged == "catalog"
    assert Path(error.damaged_path) == catalog_db
    damaged = catalog_db.read_bytes()
    aside = set_aside(catalog_db)
    assert not catalog_db.exists() and aside.read_bytes() == damaged
    assert aside.name.startswith("catalog.sqlite.corrupt-")


def test_catalog_store_raises_catalog_damaged(catalog_db: Path) -> None:
    damage_pages(catalog_db, start=0.05)
    with pytest.raises(CatalogDamaged) as caught, CatalogStore.open(catalog_db) as store:
        list(store.iter_tracks())
    assert isinstance(caught.value, CatalogError) and caught.value.path == catalog_db
