"""The core's guards against hostile input, one by one: matching reads at most
MAX_TEXT characters of a field, the journal keeps file names that are not UTF-8, the
command line prints one line whatever a name holds, errors about damaged files name the
file, and the engine host outlives a journal that breaks under it."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from matcher.catalog import CatalogDamaged
from matcher.cli import main
from matcher.cli.run import one_line
from matcher.config import EngineConfig
from matcher.engine.events import BatchFinished, EngineError, damage_of
from matcher.engine.host import _Host
from matcher.engine.journal import Journal, JournalDamaged, JournalError
from matcher.matching.match import match_entry
from matcher.matching.presets import get_preset
from matcher.matching.provider import Provider, Query
from matcher.matching.readings import MAX_TEXT, read_entry, read_track
from matcher.model import CatalogTrack, PlaylistEntry


class _Empty(Provider):
    name = "empty"

    def search(self, query: Query, limit: int) -> list[CatalogTrack]:
        return []

    def by_id(self, catalog_id: str) -> CatalogTrack | None:
        return None

    def by_isrc(self, isrc: str) -> list[CatalogTrack]:
        return []


@contextlib.contextmanager
def bounded(seconds: int):  # noqa: ANN201
    """Fail instead of hanging (a hang guard, not a benchmark)."""
    if sys.platform == "win32":
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_matching_a_10_mb_title_reads_only_its_start() -> None:
    huge = "Glass Tide " + "la " * 3_500_000
    entry = PlaylistEntry("x.m3u8", "x", 0, title=huge, artist="Nova " * 100_000,
                          location="/m/" + "p" * 1_000_000 + ".mp3")  # fmt: skip
    with bounded(20):
        reading = read_entry(entry)
        result = match_entry(entry, _Empty(), get_preset("balanced"))
        track = read_track(CatalogTrack("1", huge, artists=("A" * 5_000_000,)))
    assert all(len(r.title) <= MAX_TEXT for r in reading.readings)
    assert result.entry is entry and str(result.status) == "unmatched"
    assert all(len(t) <= MAX_TEXT for t in track.titles)


def test_the_journal_keeps_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9 \xff.m3u8")
    with Journal.open(tmp_path / "journal.sqlite") as journal:
        journal.create_batch("b", config={"out_dir": str(tmp_path / name)},
                             inputs=[{"path": str(tmp_path / name), "name": None}],
                             out_dir=str(tmp_path / name))  # fmt: skip
        journal.add_playlist("b", 0, file=name, source=str(tmp_path / name), name=name,
                             format="m3u", total=1)  # fmt: skip
        record = journal.batch("b")
        (playlist,) = journal.playlists("b")
    assert record is not None and record.inputs[0]["path"] == str(tmp_path / name)  # exact
    assert playlist.name == "caf\ufffd \ufffd.m3u8"  # shown with replacement characters


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("plain words", "plain words", id="plain"),
        pytest.param("new\nline.m3u8: bad", "new\\nline.m3u8: bad", id="newline"),
        pytest.param("a\rb\tc\x00d\x1b", "a\\rb\\tc\\x00d\\x1b", id="controls"),
        pytest.param("caf\udce9.m3u8", "caf\\udce9.m3u8", id="not-utf8"),
        pytest.param("Ünïcødé 🎵", "Ünïcødé 🎵", id="unicode"),
    ],
)
def test_one_line(text: str, shown: str) -> None:
    assert one_line(text) == shown


def _run(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", ["new\nline.m3u8", "car\rriage.csv", "tab\t.xml"])
def test_a_control_character_in_a_file_name_keeps_the_error_one_line(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(b"\x00\x01\x02 binary junk")
    for args in (["match", path, "--catalog", path], ["catalog", "import", path]):
        code, _out, err = _run(*args)
        assert code == 2 and len(err.splitlines()) == 1 and err.startswith("cratematch: error:")


def test_damage_of_names_the_damaged_file(tmp_path: Path) -> None:
    assert damage_of(JournalDamaged("damaged", tmp_path / "j")) == {
        "damaged": "journal", "damaged_path": str(tmp_path / "j")}  # fmt: skip
    assert damage_of(CatalogDamaged("damaged", tmp_path / "c"))["damaged"] == "catalog"
    assert damage_of(JournalError("busy")) == {} and damage_of(ValueError()) == {}


class _Events(list):
    def put(self, event: Any) -> None:
        self.append(event)


class _BrokenRun:
    """A batch whose journal breaks when the host records its failure."""

    batch_id = "b1"
    over = False

    def fail(self, message: str, detail: str = "", **damage: str) -> None:
        raise JournalDamaged("journal is damaged: j", Path("j"))


def test_the_host_reports_a_batch_even_when_its_journal_breaks() -> None:
    events = _Events()
    host = _Host(commands=None, events=events, config=EngineConfig())
    host.current = _BrokenRun()  # type: ignore[assignment]
    try:
        raise JournalDamaged("journal is damaged: j", Path("j"))
    except JournalDamaged as err:
        host._fail("b1", host.emit_for("b1"), err)
    error, final = events
    assert isinstance(error, EngineError) and error.fatal and error.damaged == "journal"
    assert isinstance(final, BatchFinished) and not final.ok
    assert host.current is None  # the host goes on with the next batch
