"""Whatever bytes a catalog source holds, importing it gives tracks or a typed error.

`read_catalog_source` (the streaming reader) and `import_catalog` (into a real SQLite
catalog) are fed arbitrary bytes and plausible-but-broken catalog CSVs, plain and gzipped,
under the names users give them. A refused source leaves no catalog behind.
"""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.catalog import CatalogStore, import_catalog, read_catalog_source
from matcher.errors import CrateMatchError
from tests.hardening import ledger

HEADER = (
    "catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,"
    "duration_s,isrc\n"
)
NAMES = st.sampled_from(["catalog.csv", "catalog.csv.gz", "library.xml", "tracks.nml", "x"])
CELLS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(['"', '""', ",", "\r\n", "\x00", "NaN", "-1", "1e999", "A# Major", "\ufeff"]),
)
ROWS = st.lists(st.lists(CELLS, max_size=16).map(",".join), max_size=12).map("\n".join)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_counter = itertools.count()


def _one_line(err: CrateMatchError) -> None:
    assert str(err) and "\n" not in str(err) and "Traceback" not in str(err)


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / f"{next(_counter)}-{name}"
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def _exercise(folder: Path, path: Path) -> None:
    try:
        tracks = list(read_catalog_source(path))
    except CrateMatchError as err:
        _one_line(err)
    else:
        assert all(t.catalog_id and t.title for t in tracks)
    db = folder / f"{path.name}.sqlite"
    try:
        report = import_catalog([path], db)
    except CrateMatchError as err:
        _one_line(err)
    else:
        with CatalogStore.open(db, readonly=True) as store:
            assert store.count() == report.total_tracks
    ledger.inputs("catalog importer (hypothesis)", 2)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("catalog-fuzz")


@SETTINGS
@given(name=NAMES, data=st.binary(max_size=600))
def test_arbitrary_bytes(folder: Path, name: str, data: bytes) -> None:
    _exercise(folder, _write(folder, name, data))


@SETTINGS
@given(name=NAMES, rows=ROWS, bom=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-16"]))
def test_broken_catalog_csvs(folder: Path, name: str, rows: str, bom: bool, encoding: str) -> None:
    text = ("\ufeff" if bom else "") + HEADER + rows
    _exercise(folder, _write(folder, name, text.encode(encoding, "surrogatepass")))


@SETTINGS
@given(prefix=st.sampled_from(["<?xml version='1.0'?><DJ_PLAYLISTS>", "<NML VERSION='19'>"]),
       tail=st.binary(max_size=400))  # fmt: skip
def test_collections_with_junk_inside(folder: Path, prefix: str, tail: bytes) -> None:
    _exercise(folder, _write(folder, "library.xml", prefix.encode() + tail))
