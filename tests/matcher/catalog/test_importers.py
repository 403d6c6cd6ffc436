from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from matcher.catalog.fields import ReadStats
from matcher.catalog.importers import (
    UnsupportedCatalogSource,
    detect_source_kind,
    read_catalog_source,
)
from matcher.errors import CatalogImportError, UnsupportedFormat
from matcher.model import CatalogTrack

HEADER = (
    "catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,duration_s,isrc"
)
ROWS = [
    '1,Sob 1,Original Mix,Swayzak,,,Dirty Dancing,2002-01-01,125,F Minor,Electro House,373,',
    '2,Community Funk,Deadmau5 Remix,"Burufunk, Carbon Community",Deadmau5,Shiznit,'
    'Community Funk,2007-01-01,128.5,8A,progressive house,374,us-abc-07-00001',
    "3,Tiësto Tune,,Tiësto,,,,,,,,,",
]  # fmt: skip


def write_csv(path: Path, lines: list[str], *, bom: bool = False, gz: bool = False) -> Path:
    text = ("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n"
    if gz:
        with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def read(path: Path) -> tuple[list[CatalogTrack], ReadStats]:
    stats = ReadStats()
    return list(read_catalog_source(path, stats)), stats


EXPECTED = [
    CatalogTrack("1", "Sob 1", "Original Mix", ("Swayzak",), (), "", "Dirty Dancing",
                 "2002-01-01", 125.0, "F Minor", "Electro House", 373.0, ""),
    CatalogTrack("2", "Community Funk", "Deadmau5 Remix", ("Burufunk", "Carbon Community"),
                 ("Deadmau5",), "Shiznit", "Community Funk", "2007-01-01", 128.5, "A Minor",
                 "progressive house", 374.0, "USABC0700001"),
    CatalogTrack("3", "Tiësto Tune", "", ("Tiësto",)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "bom", "gz"),
    [
        pytest.param("catalog.csv", False, False, id="plain"),
        pytest.param("catalog.csv", True, False, id="bom"),
        pytest.param("catalog.csv.gz", False, True, id="gzip"),
        pytest.param("catalog.csv.gz", True, True, id="gzip-bom"),
        pytest.param("renamed.txt", False, False, id="header-not-extension"),
    ],
)
def test_reads_catalog_csv(tmp_path: Path, name: str, bom: bool, gz: bool) -> None:
    path = write_csv(tmp_path / name, [HEADER, *ROWS], bom=bom, gz=gz)
    tracks, stats = read(path)
    assert tracks == EXPECTED
    assert (stats.rows_read, stats.rows_skipped, stats.bad_cells) == (3, 0, 0)


def test_bad_cells_become_empty_and_are_counted(tmp_path: Path) -> None:
    rows = [
        "1,A,,X,,,,,fast,Q Minor,,-5,",
        "2,B,,Y,,,,,nan,11B,,6:13,",
        "3,C,,Z,,,,,0,,,inf,",
        ",No Id,,Z,,,,,,,,,",
        "5,,,Z,,,,,,,,,",
        "6,Short Row,,Z",
        "",
    ]
    tracks, stats = read(write_csv(tmp_path / "c.csv", [HEADER, *rows]))
    assert [t.catalog_id for t in tracks] == ["1", "2", "3", "6"]
    assert [(t.bpm, t.duration_s) for t in tracks] == [
        (None, None), (None, 373.0), (None, None), (None, None)
    ]  # fmt: skip
    assert [t.key for t in tracks] == ["Q Minor", "A Major", "", ""]
    assert stats.rows_read == 6
    assert stats.rows_skipped == 2
    assert stats.bad_cells == 5  # fast, -5, nan, 0, inf
    assert any("line 2" in p for p in stats.problems)


def test_columns_in_any_order_and_extra_ones(tmp_path: Path) -> None:
    lines = ["Title,Artists,Catalog_ID,comment,location", "Song,A, 7 ,hi,/music/a.mp3"]
    tracks, _ = read(write_csv(tmp_path / "c.csv", lines))
    assert tracks == [CatalogTrack("7", "Song", artists=("A",), location="/music/a.mp3")]


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["catalog_id,name,mix", "1,x,y"])
    with pytest.raises(CatalogImportError) as err:
        read(path)
    assert "title, artists" in str(err.value)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("\n")
    with pytest.raises(CatalogImportError, match="empty"):
        read(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes((HEADER + "\n1,Caf\xe9,,X,,,,,,,,,\n").encode("latin-1"))
    with pytest.raises(CatalogImportError, match="UTF-8"):
        read(path)


def test_truncated_gzip(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv.gz", [HEADER, *ROWS * 200], gz=True)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(CatalogImportError) as err:
        read(path)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        pytest.param(
            "lib.xml",
            '<?xml version="1.0"?>\n<DJ_PLAYLISTS Version="1.0.0">',
            "rekordbox",
            id="rekordbox",
        ),  # fmt: skip
        pytest.param(
            "lib.nml", '<?xml version="1.0" encoding="UTF-8"?><NML VERSION="19">', "nml", id="nml"
        ),  # fmt: skip
        pytest.param("c.csv", HEADER, "csv", id="csv"),
        pytest.param("c.csv", "a,b,c\n1,2,3", "csv", id="csv-by-name"),
    ],
)
def test_detects_kind(tmp_path: Path, name: str, content: str, kind: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert detect_source_kind(path) == kind


def test_detects_folder(tmp_path: Path) -> None:
    assert detect_source_kind(tmp_path) == "folder"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("set.m3u8", "#EXTM3U\n#EXTINF:300,A - B\n/music/a.mp3\n", id="m3u"),
        pytest.param("feed.xml", '<?xml version="1.0"?><rss></rss>', id="other-xml"),
        pytest.param("song.mp3", "ID3\x03\x00", id="binary"),
        pytest.param("notes.txt", "hello, world", id="text"),
    ],
)
def test_unsupported_sources(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UnsupportedCatalogSource) as err:
        detect_source_kind(path)
    assert isinstance(err.value, UnsupportedFormat)
    assert isinstance(err.value, CatalogImportError)
    assert name in str(err.value)


def test_missing_source(tmp_path: Path) -> None:
    with pytest.raises(CatalogImportError, match="not found"):
        read(tmp_path / "absent.csv")
