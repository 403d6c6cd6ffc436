"""A library write refuses, in one line and before anything is written, what it cannot
write safely: the app running, a damaged database, one locked with a key we do not have,
a newer layout, a read-only library. Libraries are built here (no ../shared needed)."""

from __future__ import annotations

import itertools
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from matcher.cli import main
from matcher.engine.journal import Journal
from matcher.playlists.library_errors import KEY_ENV
from matcher.writeback import WriteJournal
from matcher.writeback.errors import LibraryBusy, LibraryWriteError
from matcher.writeback.libraries import plan_write, write_plan
from matcher.writeback.libraries.targets import read_only_reason
from matcher.writeback.targets import WriteOptions
from tests.matcher.playlists.rekordbox_fixtures import Track, encrypt
from tests.matcher.writeback.batches import Batches, result
from tests.matcher.writeback.libraries.rekordbox_setup import built_master_db
from tests.matcher.writeback.libraries.running_app import app_running

OPTIONS = WriteOptions(overwrite=True, target="rekordbox")
TRACKS = [Track(str(100 + i), f"Song {i}", "Vesna Holt", path=f"/Music/{i}.mp3") for i in range(3)]
FOREIGN_KEY = "not-the-rekordbox-key-" + "0" * 20
_BATCHES = itertools.count(1)


def refusal(db: Path, journal: Journal, tmp_path: Path, app: str = "rekordbox") -> str:
    """The one-line refusal of planning a write into `db`."""
    n = next(_BATCHES)
    rows = {"Peak": [result(0, "/Music/0.mp3")]}
    out = Batches(tmp_path, journal).add(rows, batch_id=f"20260301-220000-{n:06x}", out=f"o{n}")
    with pytest.raises(LibraryWriteError) as raised:
        plan_write(app, db, journal, [out], OPTIONS)
    message = str(raised.value)
    assert "\n" not in message and "Traceback" not in message
    return message


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return built_master_db(tmp_path / "rekordbox", TRACKS)


def test_the_built_library_is_writable(
    db: Path, tmp_path: Path, batch_journal: Journal, writes: WriteJournal
) -> None:
    """The refusals below are about what was changed, not about the fixture."""
    out = Batches(tmp_path, batch_journal).add({"Peak": [result(0, "/Music/0.mp3")]})
    plan = plan_write("rekordbox", db, batch_journal, [out], OPTIONS)
    assert len(plan.found) == 1
    write_plan(plan, OPTIONS, writes)


def test_a_database_locked_with_a_key_we_do_not_have(
    db: Path,
    tmp_path: Path,
    batch_journal: Journal,
    writes: WriteJournal,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "locked").mkdir()
    locked = encrypt(db, tmp_path / "locked" / "master.db", FOREIGN_KEY)
    assert "encrypted with a key CrateMatch does not know" in refusal(
        locked, batch_journal, tmp_path
    )
    monkeypatch.setenv(KEY_ENV, "a-wrong-key")
    assert f"the key in {KEY_ENV} does not open this database" in refusal(
        locked, batch_journal, tmp_path
    )
    # a key that opens it for reading, but that pyrekordbox will not write with (it only
    # takes keys shaped like Rekordbox's): refused at the write, the file untouched
    monkeypatch.setenv(KEY_ENV, FOREIGN_KEY)
    before = locked.read_bytes()
    rows = {"Peak": [result(0, "/Music/0.mp3")]}
    out = Batches(tmp_path, batch_journal).add(rows, batch_id="20260301-220000-ffffff", out="o")
    plan = plan_write("rekordbox", locked, batch_journal, [out], OPTIONS)
    assert len(plan.found) == 1
    with pytest.raises(LibraryWriteError, match="cannot open it for writing") as raised:
        write_plan(plan, OPTIONS, writes)
    assert "\n" not in str(raised.value)
    assert locked.read_bytes() == before


def test_a_newer_layout_is_refused(db: Path, tmp_path: Path, batch_journal: Journal) -> None:
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("ALTER TABLE djmdContent DROP COLUMN ISRC")  # moved by a newer release
    message = refusal(db, batch_journal, tmp_path)
    assert "layout CrateMatch does not know" in message and "djmdContent.ISRC" in message


def test_a_library_without_rekordboxs_change_counter_is_refused(
    db: Path, tmp_path: Path, batch_journal: Journal
) -> None:
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("DELETE FROM agentRegistry WHERE registry_id = 'localUpdateCount'")
    assert "no localUpdateCount" in refusal(db, batch_journal, tmp_path)


def test_a_damaged_database_is_refused(db: Path, tmp_path: Path, batch_journal: Journal) -> None:
    data = bytearray(db.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # the second page (a table's b-tree) overwritten
    db.write_bytes(bytes(data))
    assert "damaged" in refusal(db, batch_journal, tmp_path)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("app", ["rekordbox", "traktor"])
def test_a_read_only_library_is_refused_and_left_alone(
    app: str, db: Path, tmp_path: Path, batch_journal: Journal
) -> None:
    library = db
    if app == "traktor":
        library = tmp_path / "traktor" / "collection.nml"
        library.parent.mkdir()
        library.write_bytes(b'<?xml version="1.0"?><NML VERSION="19"><COLLECTION ENTRIES="0">'
                            b"</COLLECTION></NML>")  # fmt: skip
    before = library.read_bytes()
    library.chmod(0o444)
    assert "read-only (its permissions)" in refusal(library, batch_journal, tmp_path, app)
    assert library.read_bytes() == before and oct(library.stat().st_mode & 0o777) == "0o444"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_command_line_says_it_in_one_line_and_exits_2(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from matcher.engine.journal_db import default_journal_path

    with Journal.open(default_journal_path()) as journal:
        out = Batches(tmp_path, journal).add({"Peak": [result(0, "/Music/0.mp3")]})
    db.chmod(0o444)
    code = main(["write", str(out), "--to", "rekordbox", "--library", str(db), "--yes"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("cratematch: error: ") and "read-only" in err


def test_read_only_reasons() -> None:
    """The drive and folder cases (a read-only mount, a folder root could still write
    to) as the check decides them; the file's own permissions are tested above."""
    assert read_only_reason(0o644, False, True) == ""
    assert read_only_reason(0o644, True, True) == "on a read-only drive"
    assert read_only_reason(0o444, False, True).startswith("read-only (its permissions)")
    assert read_only_reason(0o644, False, False).startswith("its folder is not writable")


@pytest.mark.skipif(os.name != "posix", reason="a process named rekordbox")
def test_rekordbox_started_between_preview_and_write(
    db: Path, tmp_path: Path, batch_journal: Journal, writes: WriteJournal
) -> None:
    out = Batches(tmp_path, batch_journal).add({"Peak": [result(0, "/Music/0.mp3")]})
    plan = plan_write("rekordbox", db, batch_journal, [out], OPTIONS)
    before = db.read_bytes()
    with (
        app_running(tmp_path, "rekordbox"),
        pytest.raises(LibraryBusy, match=r"^Rekordbox is running \(process \d+\): quit it"),
    ):
        write_plan(plan, OPTIONS, writes)
    assert db.read_bytes() == before and writes.writes() == ()
