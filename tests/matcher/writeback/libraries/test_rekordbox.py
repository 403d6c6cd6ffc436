"""Write-back into copies of a real Rekordbox master.db (and a larger one generated from
it), read back with pyrekordbox (a second reader) and undone byte-identical."""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from matcher.engine.journal import Journal
from matcher.writeback import WriteJournal
from matcher.writeback.errors import LibraryBusy, LibraryWriteError
from matcher.writeback.libraries import backups_dir, plan_write, undo_library, write_plan
from matcher.writeback.libraries.rekordbox import (
    PLAYLISTS_XML,
    REVIEW_TAG,
    playlists_xml_with_node,
)
from matcher.writeback.plan import PlanStatus
from matcher.writeback.targets import WriteOptions
from tests.matcher.writeback.batches import Batches, result
from tests.matcher.writeback.libraries.rekordbox_setup import (
    copy_master_db,
    grow,
    locations,
    rekordbox_batch,
)
from tests.matcher.writeback.libraries.running_app import app_running

ALL = WriteOptions(fields=frozenset({"genre", "label", "key", "comment", "year", "remixers",
                                     "bpm", "isrc", "mix"}),
                   overwrite=True, target="rekordbox")  # fmt: skip


def read_back(db: Path) -> tuple[dict[str, dict[str, object]], dict[str, list[str]], set[str]]:
    """Fields by FolderPath, playlists (name -> FolderPaths), review-tagged FolderPaths,
    read by pyrekordbox."""
    from pyrekordbox.masterdb import MasterDatabase

    logging.getLogger("pyrekordbox").setLevel(logging.ERROR)
    rb = MasterDatabase(path=db, db_dir=db.parent, unlock=False)
    try:
        fields = {
            c.FolderPath: {
                "genre": c.Genre.Name if c.Genre else None,
                "label": c.Label.Name if c.Label else None,
                "key": c.Key.ScaleName if c.Key else None,
                "remixer": c.Remixer.Name if c.Remixer else None,
                "comment": c.Commnt,
                "year": c.ReleaseYear,
                "bpm": c.BPM,
                "isrc": c.ISRC,
                "mix": c.Subtitle,
                "usn": c.rb_local_usn,
            }
            for c in rb.get_content()
        }
        playlists = {
            p.Name: [s.Content.FolderPath for s in sorted(p.Songs, key=lambda s: s.TrackNo)]
            for p in rb.get_playlist()
        }
        tags = rb.get_my_tag(Name=REVIEW_TAG).all()
        tagged = {s.Content.FolderPath for t in tags for s in t.MyTags}
        return fields, playlists, tagged
    finally:
        rb.close()


@pytest.mark.parametrize("extra", [0, 2000], ids=["real", "generated-2000"])
def test_round_trip_read_back_with_pyrekordbox(
    extra: int, shared: Path, tmp_path: Path, batch_journal: Journal, writes: WriteJournal
) -> None:
    db = copy_master_db(shared, tmp_path / "rekordbox")
    if extra:
        grow(db, extra)
    original = db.read_bytes()
    before, _, _ = read_back(db)
    db.write_bytes(original)  # reading with pyrekordbox must not count: start from these bytes
    batch = rekordbox_batch(tmp_path, batch_journal, db)
    plan = plan_write("rekordbox", db, batch_journal, [batch.out], ALL)
    refused = [p for p in plan.plans if p.status is PlanStatus.REFUSED]
    assert [p.reason for p in refused] == ["not in the Rekordbox library"]
    assert len(plan.found) == len(batch.matched) and len(plan.review) == 1
    write_id = write_plan(plan, ALL, writes)
    assert (backups_dir() / write_id / db.name).read_bytes() == original
    assert not any(Path(f"{db}{s}").exists() for s in ("-wal", "-shm"))

    fields, playlists, tagged = read_back(db)
    for location in batch.matched:
        got = fields[location]
        assert (got["genre"], got["label"], got["key"], got["remixer"], got["year"]) == (
            "Deep House", "Quarrystone", "Am", "Nimo Fell", 2022)  # fmt: skip
        assert (got["bpm"], got["isrc"], got["mix"]) == (12400, "QZQRY2200001", "Extended Mix")
        assert got["comment"].startswith("CrateMatch: local cat-")
        assert got["usn"] > before[location]["usn"]  # counted up, as Rekordbox does
    assert fields[batch.review]["genre"] == before[batch.review]["genre"]  # only marked
    assert tagged == {batch.review}
    assert playlists[plan.playlist] == list(batch.matched)
    for location, values in before.items():  # every other track as it was
        if location not in batch.matched:
            assert fields[location] == values, location

    assert undo_library(writes, write_id).status == "restored"
    assert db.read_bytes() == original


def test_a_wal_is_backed_up_folded_and_restored(
    shared: Path, tmp_path: Path, batch_journal: Journal, writes: WriteJournal
) -> None:
    db = copy_master_db(shared, tmp_path / "rekordbox")
    wal = Path(f"{db}-wal")
    wal.write_bytes(b"")  # a log left by a Rekordbox that quit uncleanly (empty: no frames)
    original = db.read_bytes()
    batch = rekordbox_batch(tmp_path, batch_journal, db, count=2)
    write_id = write_plan(plan_write("rekordbox", db, batch_journal, [batch.out], ALL), ALL,
                          writes)  # fmt: skip
    assert not wal.exists()
    assert (backups_dir() / write_id / wal.name).read_bytes() == b""
    undo_library(writes, write_id)
    assert db.read_bytes() == original and wal.read_bytes() == b""


@pytest.mark.skipif(os.name != "posix", reason="a process named rekordbox")
def test_refuses_while_rekordbox_runs(tmp_path: Path, shared: Path, batch_journal: Journal) -> None:
    db = copy_master_db(shared, tmp_path / "rekordbox")
    with (
        app_running(tmp_path, "rekordbox"),
        pytest.raises(LibraryBusy, match=r"^Rekordbox is running \(process \d+\)"),
    ):
        plan_write("rekordbox", db, batch_journal, [tmp_path], ALL)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        pytest.param(b"SQLite format 3\x00" + b"\x00" * 200, "damaged", id="damaged"),
        pytest.param(b"hello, not a database", "not a Rekordbox database", id="text"),
    ],
)
def test_a_bad_database_is_refused_in_one_line(
    data: bytes, says: str, tmp_path: Path, batch_journal: Journal
) -> None:
    db = tmp_path / "master.db"
    db.write_bytes(data)
    with pytest.raises(LibraryWriteError, match=says) as raised:
        plan_write("rekordbox", db, batch_journal, [tmp_path], ALL)
    assert "\n" not in str(raised.value)


def test_an_encrypted_database_is_written_with_the_key(
    shared: Path, tmp_path: Path, batch_journal: Journal, writes: WriteJournal
) -> None:
    from matcher.playlists.masterdb import known_key, open_master_db

    if not known_key():
        pytest.skip("pyrekordbox knows no key here")
    db = tmp_path / "rekordbox" / "master.db"
    db.parent.mkdir()
    shutil.copyfile(shared / "realfiles" / "rekordbox-db" / "master_locked.db", db)
    db.chmod(0o644)
    original = db.read_bytes()
    with open_master_db(db) as conn:
        paths = [r[0] for r in conn.execute(
            "SELECT FolderPath FROM djmdContent WHERE FolderPath LIKE '%.mp3' ORDER BY ID"
        )]  # fmt: skip
    batch = Batches(tmp_path, batch_journal).add({"Peak": [result(0, paths[0])]})
    plan = plan_write("rekordbox", db, batch_journal, [batch], ALL)
    assert [p.status for p in plan.plans] == [PlanStatus.CHANGE], plan.plans
    write_id = write_plan(plan, ALL, writes)
    from pyrekordbox.masterdb import MasterDatabase

    rb = MasterDatabase(path=db, db_dir=db.parent, key=known_key() or "", unlock=True)
    try:
        content = rb.get_content(FolderPath=paths[0]).one()
        assert (content.Genre.Name, content.Key.ScaleName) == ("Deep House", "Am")
    finally:
        rb.close()
    assert not db.read_bytes().startswith(b"SQLite format 3")  # still encrypted
    undo_library(writes, write_id)
    assert db.read_bytes() == original


def test_a_database_left_with_a_wal_keeps_its_log_and_gets_it_back(
    shared: Path, tmp_path: Path, batch_journal: Journal, writes: WriteJournal
) -> None:
    """A Rekordbox that quit uncleanly leaves master.db-wal holding committed changes:
    they are in the written library, and undo brings back both files byte for byte."""
    import sqlite3
    from contextlib import closing

    source = copy_master_db(shared, tmp_path / "source")
    db = tmp_path / "rekordbox" / "master.db"
    db.parent.mkdir()
    with closing(sqlite3.connect(source)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        with conn:
            conn.execute(
                "UPDATE djmdContent SET Title = 'Renamed in the log' WHERE Title = 'NOISE'"
            )
        for suffix in ("", "-wal", "-shm"):  # the files as a crash leaves them
            shutil.copyfile(f"{source}{suffix}", f"{db}{suffix}")
    wal = Path(f"{db}-wal")
    assert wal.stat().st_size > 0
    original, log = db.read_bytes(), wal.read_bytes()
    batch = rekordbox_batch(tmp_path, batch_journal, db, count=2)
    write_id = write_plan(plan_write("rekordbox", db, batch_journal, [batch.out], ALL), ALL,
                          writes)  # fmt: skip
    assert not wal.exists() and not Path(f"{db}-shm").exists()
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        titles = {r[0] for r in conn.execute("SELECT Title FROM djmdContent")}
    assert "Renamed in the log" in titles  # the log's change was folded in, not lost
    fields, _, _ = read_back(db)
    assert fields[batch.matched[0]]["genre"] == "Deep House"
    undo_library(writes, write_id)
    assert db.read_bytes() == original and wal.read_bytes() == log


def test_fill_only_keeps_rekordboxs_bpm_and_fills_isrc_and_mix(
    shared: Path, tmp_path: Path, batch_journal: Journal, writes: WriteJournal
) -> None:
    """Without --overwrite an analysed BPM (12800 = 128.00) stays; the empty ISRC and
    mix name (Subtitle) are filled; a BPM of 0 (never analysed) is filled too."""
    import sqlite3
    from contextlib import closing

    db = copy_master_db(shared, tmp_path / "rekordbox")
    first, second = locations(db)[:2]
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE djmdContent SET BPM = 0 WHERE FolderPath = ?", (second,))
    before, _, _ = read_back(db)
    assert before[first]["bpm"] == 12800 and not before[first]["isrc"]
    options = replace(ALL, overwrite=False)
    batch = Batches(tmp_path, batch_journal).add({"Peak": [result(0, first), result(1, second)]})
    plan = plan_write("rekordbox", db, batch_journal, [batch], options)
    changed = {p.path: {c.field: (c.old, c.new) for c in p.changes} for p in plan.plans}
    assert "bpm" not in changed[first] and changed[second]["bpm"] == ("", "124")
    assert changed[first]["isrc"] == ("", "QZQRY2200001")
    write_plan(plan, options, writes)
    fields, _, _ = read_back(db)
    assert (fields[first]["bpm"], fields[first]["isrc"], fields[first]["mix"]) == (
        12800, "QZQRY2200001", "Extended Mix")  # fmt: skip
    assert fields[second]["bpm"] == 12400


PLAYLISTS_XML_TEXT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\r\n\r\n'
    b'<MASTER_PLAYLIST Version="3.0.0" AutomaticSync="0">\r\n'
    b'  <PRODUCT Name="rekordbox" Version="6.8.5" Company="Pioneer DJ"/>\r\n'
    b"  <PLAYLISTS>\r\n"
    b'    <NODE Id="9B1A6628" ParentId="0" Attribute="0" Timestamp="1649540317260" '
    b'Lib_Type="0" CheckType="0"/>\r\n'
    b"  </PLAYLISTS>\r\n"
    b"</MASTER_PLAYLIST>\r\n"
)  # the layout Rekordbox writes; 9B1A6628 is the real database's playlist 2602250856


def test_the_new_playlist_is_listed_in_master_playlists6_xml(
    shared: Path, tmp_path: Path, batch_journal: Journal, writes: WriteJournal
) -> None:
    from pyrekordbox.masterdb import MasterDatabase
    from pyrekordbox.masterdb.aux_files import MasterPlaylistXml

    db = copy_master_db(shared, tmp_path / "rekordbox")
    listed = db.with_name(PLAYLISTS_XML)
    listed.write_bytes(PLAYLISTS_XML_TEXT)
    original = db.read_bytes()
    batch = rekordbox_batch(tmp_path, batch_journal, db, count=2)
    plan = plan_write("rekordbox", db, batch_journal, [batch.out], ALL)
    write_id = write_plan(plan, ALL, writes)
    assert (backups_dir() / write_id / PLAYLISTS_XML).read_bytes() == PLAYLISTS_XML_TEXT

    logging.getLogger("pyrekordbox").setLevel(logging.ERROR)
    rb = MasterDatabase(path=db, db_dir=db.parent, unlock=False)
    try:
        (created,) = [p for p in rb.get_playlist() if p.Name == plan.playlist]
        new_id, updated_at = created.ID, created.updated_at
    finally:
        rb.close()
    node = MasterPlaylistXml(path=listed).get(new_id)  # pyrekordbox reads our node
    assert node is not None
    assert (node["ParentId"], node["Attribute"], node["Lib_Type"], node["CheckType"]) == (
        "0", 0, 0, 0)  # fmt: skip
    assert abs((node["Timestamp"] - updated_at).total_seconds()) < 1  # in step with the db
    line = (f'    <NODE Id="{int(new_id):X}" ParentId="0" Attribute="0" '
            f'Timestamp="{int(updated_at.timestamp() * 1000)}" Lib_Type="0" '
            'CheckType="0"/>\r\n').encode()  # fmt: skip
    at = PLAYLISTS_XML_TEXT.index(b"  </PLAYLISTS>")
    assert listed.read_bytes() == PLAYLISTS_XML_TEXT[:at] + line + PLAYLISTS_XML_TEXT[at:]

    assert undo_library(writes, write_id).status == "restored"
    assert db.read_bytes() == original and listed.read_bytes() == PLAYLISTS_XML_TEXT


@pytest.mark.parametrize(
    ("data", "says"),
    [
        pytest.param(b"<MASTER_PLAYLIST><PLAYLISTS>", "damaged", id="unclosed"),
        pytest.param(b"<DJ_PLAYLISTS/>", "not Rekordbox's playlist list", id="other-xml"),
    ],
)
def test_a_bad_master_playlists6_xml_stops_the_write(
    data: bytes, says: str, shared: Path, tmp_path: Path, batch_journal: Journal,
    writes: WriteJournal,
) -> None:  # fmt: skip
    db = copy_master_db(shared, tmp_path / "rekordbox")
    db.with_name(PLAYLISTS_XML).write_bytes(data)
    original = db.read_bytes()
    batch = rekordbox_batch(tmp_path, batch_journal, db, count=1)
    with pytest.raises(LibraryWriteError, match=says) as raised:  # refused at the preview
        plan_write("rekordbox", db, batch_journal, [batch.out], ALL)
    assert "\n" not in str(raised.value)
    assert writes.writes() == ()
    assert db.read_bytes() == original and db.with_name(PLAYLISTS_XML).read_bytes() == data


def test_a_node_goes_into_an_empty_playlists_element() -> None:
    from datetime import datetime

    stamp = datetime(2026, 12, 6, 10, 0, 0)
    millis = int(stamp.timestamp() * 1000)
    for empty in (b"<PLAYLISTS/>", b"<PLAYLISTS></PLAYLISTS>"):
        data = b'<?xml version="1.0"?>\n<MASTER_PLAYLIST>\n  ' + empty + b"\n</MASTER_PLAYLIST>\n"
        new = playlists_xml_with_node(data, "255", stamp)
        assert (
            new.count(f'<NODE Id="FF" ParentId="0" Attribute="0" Timestamp="{millis}"'.encode())
            == 1
        )
        assert new.startswith(b'<?xml version="1.0"?>\n<MASTER_PLAYLIST>\n  <PLAYLISTS>')
        assert new.endswith(b"</PLAYLISTS>\n</MASTER_PLAYLIST>\n")
