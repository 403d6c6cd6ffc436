"""Every hostile input through every reader and the catalog importer, in this process.

Each input gives a result or one of our typed errors with a one-line message, within a
time bound; hostile XML never reads the canary file nor contacts the canary server, and
the XML attack files are refused as unsafe by every reader of XML.
"""

from __future__ import annotations

import resource
import sys
from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path

import pytest

from matcher.catalog import import_catalog, read_catalog_source
from matcher.errors import CrateMatchError, UnsafeXmlError
from matcher.playlists import detect_format, iter_collection, list_playlists, read_playlists
from tests.hardening import ledger
from tests.hardening.conftest import INPUT_LIMIT_S, Hostile, time_limit
from tests.hardening.corpus import CASES
from tests.hardening.specials import SPECIAL_NAMES

ALL_CASES = sorted(CASES) + list(SPECIAL_NAMES)
# The attacks: refused by the playlist readers and by the collection reader alike.
UNSAFE_XML = sorted(
    name
    for name in CASES
    if name.startswith(("xxe-", "external-dtd", "billion-laughs", "quadratic-", "doctype-"))
    or name == "declared-utf7-doctype.xml"
)
MEMORY_LIMIT_MB = 1500  # peak RSS of this test process, giant inputs included

Outcome = tuple[str, str]  # ("ok", what came back) or (error class name, message)


def _targets(path: Path, db: Path) -> dict[str, Callable[[], object]]:
    return {
        "detect_format": lambda: detect_format(path),
        "list_playlists": lambda: list_playlists(path),
        "read_playlists": lambda: read_playlists(path, all_playlists=True),
        "iter_collection": lambda: list(iter_collection(path)),
        "read_catalog_source": lambda: list(read_catalog_source(path)),
        "import_catalog": lambda: import_catalog([path], db),
    }


def _texts(value: object) -> str:
    """Every text a result holds (entries' fields, catalog rows), to look for leaks."""
    if isinstance(value, list | tuple):
        return "\n".join(_texts(v) for v in value)
    if hasattr(value, "entries"):
        return _texts(value.entries)
    if hasattr(value, "__dataclass_fields__"):
        return "\n".join(map(str, astuple(value)))
    return str(value)


def run_all(path: Path, db: Path) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}
    for target, call in _targets(path, db).items():
        with time_limit(INPUT_LIMIT_S, f"{target}({path.name!r})"):
            try:
                value = call()
            except CrateMatchError as err:
                message = str(err)
                # one line, but for the file's own name (the edges escape a newline in it)
                assert message and "\n" not in message.replace(path.name, ""), message
                assert "Traceback" not in message
                outcomes[target] = (type(err).__name__, message)
            else:
                outcomes[target] = ("ok", _texts(value))
    return outcomes


@pytest.mark.parametrize("name", ALL_CASES)
def test_each_input_gives_a_result_or_a_clean_error(
    hostile: Hostile, tmp_path: Path, name: str
) -> None:
    if name not in hostile.files:
        pytest.skip(f"{name} cannot be made on {sys.platform}")
    outcomes = run_all(hostile.files[name], tmp_path / "catalog.sqlite")
    ledger.inputs("readers+importer (in process)", len(outcomes))
    hostile.assert_no_leak(*(text for _kind, text in outcomes.values()))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    assert peak_mb < MEMORY_LIMIT_MB, f"peak memory {peak_mb} MB after {name}"


@pytest.mark.parametrize("name", UNSAFE_XML)
def test_xml_attacks_are_refused_as_unsafe(hostile: Hostile, tmp_path: Path, name: str) -> None:
    path = hostile.files[name]
    for call in (
        lambda: read_playlists(path, all_playlists=True),
        lambda: list(iter_collection(path)),
    ):
        with time_limit(INPUT_LIMIT_S, name), pytest.raises(UnsafeXmlError):
            call()
    # the importer refuses them too (a prolog too long to sniff is "not a collection")
    with pytest.raises(CrateMatchError):
        import_catalog([path], tmp_path / "catalog.sqlite")
    hostile.assert_no_leak()


@pytest.mark.parametrize(
    ("name", "says"),
    [
        pytest.param("fifo.m3u8", "not a regular file", id="fifo"),
        pytest.param("fifo.csv", "not a regular file", id="fifo-csv"),
        pytest.param("dev-zero.m3u8", "not a regular file", id="dev-zero"),
        pytest.param("dev-urandom.csv", "not a regular file", id="dev-urandom"),
        pytest.param("broken-symlink.m3u8", "file not found", id="broken-symlink"),
        pytest.param("symlink-loop.m3u", "cannot be read", id="symlink-loop"),
        pytest.param("folder-named.m3u8", "is a folder", id="folder"),
        pytest.param("empty.m3u8", "empty", id="empty"),
    ],
)
def test_files_that_are_not_playlists_say_why(hostile: Hostile, name: str, says: str) -> None:
    if name not in hostile.files:
        pytest.skip(f"{name} cannot be made on {sys.platform}")
    with time_limit(5, name), pytest.raises(CrateMatchError, match=says):
        read_playlists(hostile.files[name], all_playlists=True)


@pytest.mark.parametrize(
    "name",
    ["fifo.m3u8", "fifo.csv", "dev-zero.xml", "dev-urandom.csv", "broken-symlink.m3u8"],
)
def test_the_importer_refuses_what_is_not_a_file_at_once(
    hostile: Hostile, tmp_path: Path, name: str
) -> None:
    if name not in hostile.files:
        pytest.skip(f"{name} cannot be made on {sys.platform}")
    with time_limit(5, name), pytest.raises(CrateMatchError):
        import_catalog([hostile.files[name]], tmp_path / "catalog.sqlite")
    assert not (tmp_path / "catalog.sqlite").exists()  # every source is checked first


@pytest.mark.parametrize(
    ("name", "entries"),
    [
        pytest.param("bom-utf8.m3u8", 3, id="m3u-bom-utf8"),
        pytest.param("bom-utf16le.m3u8", 3, id="m3u-bom-utf16le"),
        pytest.param("bom-utf16be.m3u8", 3, id="m3u-bom-utf16be"),
        pytest.param("bom-utf32le.m3u8", 3, id="m3u-bom-utf32le"),
        pytest.param("bom-utf32be.m3u8", 3, id="m3u-bom-utf32be"),
        pytest.param("utf16-no-bom-le.m3u", 3, id="m3u-utf16-no-bom"),
        pytest.param("crlf.m3u8", 3, id="m3u-crlf"),
        pytest.param("cr-only.m3u8", 3, id="m3u-cr-only"),
        pytest.param("cp1252.m3u", 3, id="m3u-cp1252"),
        pytest.param("bom-utf16le.csv", 2, id="csv-bom-utf16le"),
        pytest.param("utf16-no-bom.csv", 2, id="csv-utf16-no-bom"),
        pytest.param("cr-only.csv", 2, id="csv-cr-only"),
        pytest.param("bom-utf16be.xml", 2, id="xml-bom-utf16be"),
        pytest.param("cr-only.xml", 2, id="xml-cr-only"),
        pytest.param("long-extinf-10mb.m3u", 4, id="m3u-10mb-line"),
        pytest.param("columns-10000.csv", 1, id="csv-10000-columns"),
    ],
)
def test_odd_but_honest_files_are_read_in_full(hostile: Hostile, name: str, entries: int) -> None:
    (playlist,) = read_playlists(hostile.files[name], all_playlists=True)
    assert len(playlist.entries) == entries
    first = playlist.entries[0]
    assert (first.artist, first.title) in {
        ("Tamsin Orlo", "Velvet Quarry"),
        ("Tamsin Orlo", "Velvet Quarry - Extended Mix"),
        ("Tamsin Orlo", "Velvet Quarry (Extended Mix)"),
    } or first.artist.startswith("AAAA")
