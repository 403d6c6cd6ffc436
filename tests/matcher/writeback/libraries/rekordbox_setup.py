"""Rekordbox master.db copies for write-back tests (../shared is never written to): the
real 6-track database, or a larger one generated from it with SQL on its own schema."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from matcher.engine.journal import Journal
from matcher.model import MatchResult
from tests.matcher.playlists import rekordbox_fixtures
from tests.matcher.playlists.rekordbox_fixtures import NOW, Track
from tests.matcher.writeback.batches import MATCHED, REVIEW, Batches, result
from tests.matcher.writeback.libraries.nml_setup import NmlBatch

__all__ = ["built_master_db", "copy_master_db", "grow", "locations", "rekordbox_batch",
           "with_update_count"]  # fmt: skip


def copy_master_db(shared: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / "master.db"
    shutil.copyfile(shared / "realfiles" / "rekordbox-db" / "master_unlocked.db", dest)
    dest.chmod(dest.stat().st_mode | stat.S_IWUSR)
    return dest


def with_update_count(db: Path) -> Path:
    """The library-wide USN Rekordbox keeps in agentRegistry (every real master.db has
    it; a schema made from pyrekordbox's models starts without rows)."""
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(
            "INSERT OR IGNORE INTO agentRegistry (registry_id, int_1, created_at, updated_at) "
            "VALUES ('localUpdateCount', 100, ?, ?)", (NOW, NOW),
        )  # fmt: skip
    return db


def built_master_db(folder: Path, tracks: Sequence[Track]) -> Path:
    """A master.db of `tracks` in `folder`, built without ../shared (as CI builds it)."""
    folder.mkdir(parents=True, exist_ok=True)
    real = rekordbox_fixtures.SHARED_DB
    rekordbox_fixtures.SHARED_DB = folder / "no shared schema"  # pyrekordbox's models
    try:
        return with_update_count(rekordbox_fixtures.master_db(folder / "master.db", tracks))
    finally:
        rekordbox_fixtures.SHARED_DB = real


def grow(db: Path, tracks: int) -> None:
    """Add `tracks` copies of the first track, each with its own ID, UUID and file."""
    with closing(sqlite3.connect(db)) as conn, conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(djmdContent)")]
        first = conn.execute("SELECT * FROM djmdContent ORDER BY ID LIMIT 1").fetchone()
        row = dict(zip(columns, first, strict=True))
        rows = []
        for n in range(tracks):
            row.update(ID=str(900_000_000 + n), UUID=f"00000000-cafe-0000-0000-{n:012d}",
                       FolderPath=f"D:/Music/generated/{n:06d} Track.mp3",
                       Title=f"Generated {n}", GenreID=None, LabelID=None, KeyID=None)  # fmt: skip
            rows.append(tuple(row.values()))
        marks = ", ".join("?" for _ in columns)
        conn.executemany(f"INSERT INTO djmdContent VALUES ({marks})", rows)


def locations(db: Path) -> list[str]:
    uri = f"file:{db}?mode=ro&immutable=1"  # touches neither the file nor a -wal beside it
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        return [r[0] for r in conn.execute(
            "SELECT FolderPath FROM djmdContent WHERE FolderPath LIKE '%.mp3' ORDER BY ID"
        )]  # fmt: skip


def rekordbox_batch(root: Path, journal: Journal, db: Path, count: int = 4) -> NmlBatch:
    """`count` matched rows, one review row, one matched row Rekordbox does not hold."""
    chosen = locations(db)[: count + 1]
    matched, review = chosen[:-1], chosen[-1]
    missing = "D:/Music/not in rekordbox.mp3"
    rows: list[MatchResult] = [result(i, loc) for i, loc in enumerate(matched)]
    rows.append(result(len(rows), review, REVIEW, catalog_id="cat-review"))
    rows.append(result(len(rows), missing, MATCHED))
    out = Batches(root, journal).add({"Peak": rows})
    return NmlBatch(out, tuple(matched), review, missing)
