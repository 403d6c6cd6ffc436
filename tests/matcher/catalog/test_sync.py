from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from matcher import paths
from matcher.catalog import CatalogStore, import_catalog, prepare_catalog, resolve_catalog
from matcher.catalog.sync import ALREADY_IMPORTED, IMPORTED
from matcher.errors import CatalogImportError, InputError, UnsupportedFormat

HEADER = (
    "catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,duration_s,isrc"
)


def write_catalog(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def rows(n: int, start: int = 1, title: str = "Track") -> list[str]:
    return [
        f"{i},{title} {i},Original Mix,Artist {i},,,,,124,8A,,300," for i in range(start, start + n)
    ]


def test_import_then_reimport_unchanged(tmp_path: Path) -> None:
    source = write_catalog(tmp_path / "cat.csv", [*rows(9), "bad,,,,,,,,,,,,"])
    db = tmp_path / "catalog.sqlite"
    seen: list[int] = []
    report = import_catalog([source], db, progress=seen.append)
    (first,) = report.sources
    assert (first.status, first.kind) == (IMPORTED, "csv")
    assert (first.rows_read, first.rows_written, first.rows_skipped) == (10, 9, 1)
    assert report.total_tracks == 9 and seen == [9]
    assert "9 tracks imported" in report.lines()[0]

    again = import_catalog([source], db)
    assert again.sources[0].status == ALREADY_IMPORTED
    assert again.rows_written == 0 and again.total_tracks == 9
    assert "already imported" in again.lines()[0]


def test_changed_file_is_upserted(tmp_path: Path) -> None:
    source = write_catalog(tmp_path / "cat.csv", rows(5))
    db = tmp_path / "catalog.sqlite"
    import_catalog([source], db)
    write_catalog(source, rows(5, title="Renamed") + rows(2, start=6))
    report = import_catalog([source], db)
    assert report.sources[0].status == IMPORTED
    assert report.total_tracks == 7
    with CatalogStore.open(db, readonly=True) as store:
        assert store.by_id("3").title == "Renamed 3"
        assert [t.catalog_id for t in store.search('title:("renamed" "3")', 5)] == ["3"]
        assert store.search('title:("track" "3")', 5) == []


def test_several_sources_and_progress(tmp_path: Path) -> None:
    a = write_catalog(tmp_path / "a.csv", rows(5000))
    b = write_catalog(tmp_path / "b.csv", rows(10, start=5001))
    seen: list[int] = []
    report = import_catalog([a, b], tmp_path / "c.sqlite", progress=seen.append)
    assert [s.rows_written for s in report.sources] == [5000, 10]
    assert seen == [4000, 5000, 5010]
    assert report.total_tracks == 5010


def test_bad_source_fails_before_anything_is_written(tmp_path: Path) -> None:
    good = write_catalog(tmp_path / "a.csv", rows(3))
    odd = tmp_path / "set.m3u"
    odd.write_text("#EXTM3U\n/music/a.mp3\n")
    db = tmp_path / "c.sqlite"
    with pytest.raises(UnsupportedFormat, match="set.m3u"):
        import_catalog([good, odd], db)
    assert not db.exists()


def test_resolve_none_is_the_default_catalog() -> None:
    assert resolve_catalog(None) == paths.default_catalog_path()


def test_resolve_a_database_is_itself(tmp_path: Path) -> None:
    db = tmp_path / "mine.db"
    import_catalog([write_catalog(tmp_path / "a.csv", rows(2))], db)
    assert resolve_catalog(db) == db


def test_resolve_imports_once_and_reuses(tmp_path: Path) -> None:
    source = write_catalog(tmp_path / "cat.csv", rows(20))
    built = resolve_catalog(source)
    assert built.parent == paths.data_dir() / "catalogs"
    assert built.suffix == ".sqlite"
    stamp = built.stat().st_mtime_ns
    assert resolve_catalog(source) == built
    assert built.stat().st_mtime_ns == stamp  # not rebuilt
    with CatalogStore.open(built, readonly=True) as store:
        assert store.count() == 20
        assert store.meta("built_from") == str(source.resolve())
    marked = built.with_suffix(".used")  # when it was used last (see kept.py)
    assert sorted(p.name for p in built.parent.iterdir()) == sorted([built.name, marked.name])

    write_catalog(source, rows(21))
    rebuilt = resolve_catalog(source)
    assert rebuilt != built
    with CatalogStore.open(rebuilt, readonly=True) as store:
        assert store.count() == 21


def test_resolve_same_content_elsewhere_shares_the_catalog(tmp_path: Path) -> None:
    a = write_catalog(tmp_path / "a.csv", rows(3))
    b = tmp_path / "copy.csv"
    b.write_bytes(a.read_bytes())
    assert resolve_catalog(a) == resolve_catalog(b)


def test_resolve_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "Music"
    folder.mkdir()
    (folder / "Artist - Tune.wav").write_bytes(_wav_bytes())
    built = resolve_catalog(folder)
    with CatalogStore.open(built, readonly=True) as store:
        (track,) = store.iter_tracks()
    assert (track.artists, track.title) == (("Artist",), "Tune")
    assert resolve_catalog(folder) == built
    (folder / "Other - Song.wav").write_bytes(_wav_bytes())
    assert resolve_catalog(folder) != built


def test_resolve_failure_leaves_nothing_behind(tmp_path: Path) -> None:
    source = tmp_path / "cat.csv.gz"
    with gzip.open(source, "wt", encoding="utf-8") as out:
        out.write("\n".join([HEADER, *rows(5000)]))
    source.write_bytes(source.read_bytes()[:-200])  # truncated download
    with pytest.raises(CatalogImportError):
        resolve_catalog(source)
    catalogs = paths.data_dir() / "catalogs"
    assert list(catalogs.iterdir()) == []


def test_resolve_sweeps_temps_left_by_a_killed_import(tmp_path: Path) -> None:
    catalogs = paths.data_dir() / "catalogs"
    catalogs.mkdir()
    dead = catalogs / ".abc.123.beef.tmp"
    dead.write_bytes(b"half a catalog")
    os.utime(dead, (1_000_000, 1_000_000))
    busy = catalogs / ".def.456.cafe.tmp-wal"
    busy.write_bytes(b"an import still running")
    built = resolve_catalog(write_catalog(tmp_path / "cat.csv", rows(2)))
    marked = built.with_suffix(".used").name
    assert sorted(p.name for p in catalogs.iterdir()) == sorted([built.name, marked, busy.name])


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        pytest.param("absent.csv", None, CatalogImportError, "not found", id="missing"),
        pytest.param("set.m3u8", "#EXTM3U\n", UnsupportedFormat, "set.m3u8", id="unsupported"),
        pytest.param("c.csv", HEADER + "\n", CatalogImportError, "no tracks", id="no-rows"),
    ],
)
def test_resolve_bad_sources(
    tmp_path: Path, name: str, content: str | None, error: type, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(error, match=message):
        resolve_catalog(path)


def test_devset_catalog(shared: Path, tmp_path: Path) -> None:
    source = shared / "devset" / "catalog.csv.gz"
    if not source.exists():
        pytest.skip("devset catalog absent")
    db = tmp_path / "devset.sqlite"
    report = import_catalog([source], db)
    assert report.total_tracks == 32781
    assert report.sources[0].rows_written == 32781
    assert report.sources[0].rows_skipped == 0
    size = os.path.getsize(db)
    again = import_catalog([source], db)
    assert again.sources[0].status == ALREADY_IMPORTED
    assert os.path.getsize(db) == size
    with CatalogStore.open(db, readonly=True) as store:
        assert store.has_numeric_ids()
        hits = store.search('title:("community" "funk") AND artists:("burufunk")', 5)
        assert "10000258" in [t.catalog_id for t in hits]


def _wav_bytes() -> bytes:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 800)
    return buffer.getvalue()


def test_prepare_catalog_without_a_catalog_names_the_import_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRATEMATCH_HOME", str(tmp_path / "home"))
    with pytest.raises(InputError, match="cratematch catalog import"):
        prepare_catalog(None)


def test_prepare_catalog_imports_a_catalog_file_once_and_reuses_it(tmp_path: Path) -> None:
    source = tmp_path / "catalog.csv"
    source.write_text(
        "catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,"
        "duration_s,isrc\n7200001,Salt Meridian,Original Mix,Corvin Ash,,,,,,,,,\n",
        encoding="utf-8",
    )
    first = prepare_catalog(source)
    stamp = first.stat().st_mtime_ns
    assert prepare_catalog(source) == first and first.stat().st_mtime_ns == stamp
    with CatalogStore.open(first, readonly=True) as store:
        assert store.count() == 1


def test_catalog_info_lists_what_was_imported(tmp_path: Path) -> None:
    """`catalog info` and a batch's last line read these: the size, the file a
    `--catalog FILE` catalog was built from, every import the meta records."""
    from matcher.catalog import catalog_info

    a = write_catalog(tmp_path / "a.csv", rows(3))
    b = write_catalog(tmp_path / "b.csv", rows(2, start=4))
    db = tmp_path / "c.sqlite"
    import_catalog([a, b], db)
    info = catalog_info(db)
    assert (info.tracks, info.built_from, info.name) == (5, "", str(db))
    assert [(s.path, s.kind, s.rows) for s in info.sources] == [
        (str(a.resolve()), "csv", 3), (str(b.resolve()), "csv", 2),
    ]  # fmt: skip
    assert info.lines() == [
        f"{db}: 5 tracks", f"  from {a.resolve()} (csv, 3 tracks)",
        f"  from {b.resolve()} (csv, 2 tracks)",
    ]  # fmt: skip

    built = catalog_info(resolve_catalog(a))
    assert (built.name, built.tracks) == (str(a.resolve()), 3)
