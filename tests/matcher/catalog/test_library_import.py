"""DJ libraries as catalogs: Rekordbox master.db and USB exports through the same
`catalog import` / `--catalog` paths as an XML collection."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from matcher.catalog import CatalogStore, detect_source_kind, import_catalog, resolve_catalog
from matcher.catalog.sync import ALREADY_IMPORTED, IMPORTED
from matcher.errors import InputError
from matcher.playlists.library_errors import LibraryLocked
from tests.matcher.playlists import pdb_builder as pdb
from tests.matcher.playlists.rekordbox_fixtures import (
    NOW,
    SHARED_DB,
    Track,
    encrypt,
    generated_tracks,
    master_db,
)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    tracks = [
        Track("7", "Can You Feel It", "Mr. Fingers", mix="Original Mix", label="Trax",
              key="Am", bpm=120, length=420, year=1986, isrc="US-AAA-86-00001",
              path="/Music/can.mp3"),
        Track("8", "Strings of Life (Remix)", "Rhythim Is Rhythim", remixer="Derrick May",
              bpm=122, path="/Music/strings.mp3"),
        Track("9", "Gone", deleted=True),
    ]  # fmt: skip
    return master_db(tmp_path / "master.db", tracks)


def test_master_db_is_a_catalog_source(library: Path, tmp_path: Path) -> None:
    assert detect_source_kind(library) == "rekordbox-db"
    db = tmp_path / "catalog.sqlite"
    (report,) = import_catalog([library], db).sources
    assert (report.kind, report.status, report.rows_read, report.rows_written) == (
        "rekordbox-db", IMPORTED, 2, 2
    )  # fmt: skip
    with CatalogStore.open(db, readonly=True) as store:
        track = store.by_id("rbdb:7")
        strings = store.by_id("rbdb:8")
    assert track is not None and strings is not None
    assert (track.title, track.mix, track.artists, track.label, track.key) == (
        "Can You Feel It", "Original Mix", ("Mr. Fingers",), "Trax", "A Minor"
    )  # fmt: skip
    assert (track.bpm, track.duration_s, track.release_date, track.isrc) == (
        120.0, 420.0, "1986", "USAAA8600001"
    )  # fmt: skip
    assert track.location == "/Music/can.mp3"
    assert strings.remixers == ("Derrick May",)
    assert import_catalog([library], db).sources[0].status == ALREADY_IMPORTED


def test_changes_in_the_wal_count_as_a_change(library: Path, tmp_path: Path) -> None:
    db = tmp_path / "catalog.sqlite"
    import_catalog([library], db)
    writer = sqlite3.connect(library, isolation_level=None)
    try:
        writer.execute("PRAGMA journal_mode = WAL")
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute(
            "INSERT INTO djmdContent (ID, Title, created_at, updated_at) VALUES (?, ?, ?, ?)",
            ("10", "Added While Running", NOW, NOW),
        )
        report = import_catalog([library], db)
    finally:
        writer.close()
    assert (report.sources[0].status, report.total_tracks) == (IMPORTED, 3)


def test_resolve_catalog_imports_a_master_db_rather_than_opening_it_as_one(
    library: Path,
) -> None:
    built = resolve_catalog(library)
    assert built != library and built.suffix == ".sqlite"
    with CatalogStore.open(built, readonly=True) as store:
        assert store.count() == 2


def test_encrypted_master_db(library: Path, tmp_path: Path, monkeypatch) -> None:
    locked = encrypt(library, tmp_path / "locked.db", "a-key-of-our-own")
    assert detect_source_kind(locked) == "rekordbox-db"
    with pytest.raises(LibraryLocked):
        import_catalog([locked], tmp_path / "catalog.sqlite")
    monkeypatch.setenv("CRATEMATCH_REKORDBOX_KEY", "a-key-of-our-own")
    assert import_catalog([locked], tmp_path / "catalog.sqlite").total_tracks == 2


def test_real_master_db_rows_equal_sql_counts(tmp_path: Path) -> None:
    source = SHARED_DB / "master_locked.db"
    if not source.is_file():
        pytest.skip("../shared is not present")
    locked = Path(shutil.copyfile(source, tmp_path / "master.db"))
    plain = Path(shutil.copyfile(SHARED_DB / "master_unlocked.db", tmp_path / "plain.db"))
    with sqlite3.connect(plain) as conn:
        (expected,) = conn.execute(
            "SELECT count(*) FROM djmdContent WHERE coalesce(rb_local_deleted, 0) = 0"
        ).fetchone()
    report = import_catalog([locked], tmp_path / "catalog.sqlite")
    assert report.rows_written == report.total_tracks == expected == 6


def usb_stick(tmp_path: Path, titles: list[str]) -> Path:
    stick = tmp_path / "USB"
    export = stick / "PIONEER" / "rekordbox" / "export.pdb"
    export.parent.mkdir(parents=True)
    tracks = [
        pdb.track_row(pdb.UsbTrack(id=i + 1, title=t, path=f"/Contents/{t}.mp3", artist=1))
        for i, t in enumerate(titles)
    ]
    tables = [pdb.Table(pdb.TRACKS, tracks), pdb.Table(pdb.ARTISTS, [pdb.artist_row(1, "DJ")])]
    export.write_bytes(pdb.build(tables))
    return stick


def test_usb_stick_root_is_a_catalog_source_hashed_by_its_export(tmp_path: Path) -> None:
    stick = usb_stick(tmp_path, ["One", "Two"])
    (stick / "Contents").mkdir()
    assert detect_source_kind(stick) == "rekordbox-usb"
    db = tmp_path / "catalog.sqlite"
    report = import_catalog([stick], db)
    assert (report.sources[0].kind, report.total_tracks) == ("rekordbox-usb", 2)
    (stick / "Contents" / "new.mp3").write_bytes(b"audio files do not change the export")
    assert import_catalog([stick], db).sources[0].status == ALREADY_IMPORTED
    with CatalogStore.open(db, readonly=True) as store:
        ids = [t.catalog_id for t in store.iter_tracks()]
    assert all(i.startswith("rbusb:") for i in ids) and len(ids) == 2


def test_a_plain_folder_is_still_an_audio_folder(tmp_path: Path) -> None:
    (tmp_path / "PIONEER").mkdir()
    assert detect_source_kind(tmp_path) == "folder"


def test_a_text_file_named_db_is_refused_in_one_line(tmp_path: Path) -> None:
    bogus = tmp_path / "master.db"
    bogus.write_text("hello\n" * 100)
    with pytest.raises(InputError, match="^master.db: not a Rekordbox database"):
        import_catalog([bogus], tmp_path / "catalog.sqlite")


@pytest.mark.slow
def test_five_thousand_tracks_import(tmp_path: Path) -> None:
    library = master_db(tmp_path / "master.db", generated_tracks(5000))
    report = import_catalog([library], tmp_path / "catalog.sqlite")
    assert report.total_tracks == 5000
