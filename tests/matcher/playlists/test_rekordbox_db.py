"""Rekordbox 6/7 master.db as playlists and as a collection: real files from ../shared
(skipped without it) and databases built from the real schema in tmp_path."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from matcher.errors import InputError
from matcher.playlists import (
    detect_format,
    iter_collection,
    list_playlists,
    masterdb,
    read_playlists,
)
from matcher.playlists.library_errors import (
    KEY_ENV,
    LibraryDamaged,
    LibraryLocked,
    LibrarySchemaUnknown,
    NotALibrary,
)
from matcher.playlists.select import COLLECTION
from tests.matcher.playlists.rekordbox_fixtures import (
    NOW,
    SHARED_DB,
    Node,
    Track,
    encrypt,
    master_db,
)


def shared_copy(name: str, tmp_path: Path) -> Path:
    source = SHARED_DB / name
    if not source.is_file():
        pytest.skip(f"{name} is not in ../shared/realfiles/rekordbox-db")
    return Path(shutil.copyfile(source, tmp_path / name))


def sql_counts(path: Path) -> tuple[int, int]:
    """(tracks, playlists) as SQL counts them: live rows; playlists are not folders."""
    with sqlite3.connect(path) as conn:
        tracks = conn.execute(
            "SELECT count(*) FROM djmdContent WHERE coalesce(rb_local_deleted, 0) = 0"
        ).fetchone()[0]
        playlists = conn.execute(
            "SELECT count(*) FROM djmdPlaylist "
            "WHERE coalesce(rb_local_deleted, 0) = 0 AND Attribute != 1"
        ).fetchone()[0]
    return tracks, playlists


# -- the real databases ----------------------------------------------------------------


def test_unlocked_real_database_reads_every_track_and_playlist(tmp_path: Path) -> None:
    path = shared_copy("master_unlocked.db", tmp_path)
    tracks, playlists = sql_counts(path)
    assert detect_format(path) == "rekordbox-db"
    collection = list(iter_collection(path))
    listed = [i for i in list_playlists(path) if not i.is_folder]
    read = read_playlists(path, all_playlists=True)
    assert (len(collection), len(listed), len(read)) == (tracks, playlists, playlists)
    assert (tracks, playlists) == (6, 2)
    demo = next(e for e in collection if e.title == "Demo Track 1")
    assert (demo.artist, demo.label, demo.bpm, demo.duration_s) == (
        "Loopmasters", "Loopmasters", 128.0, 172.0
    )  # fmt: skip
    assert demo.location == "C:/Users/dylan/Music/PioneerDJ/Demo Tracks/Demo Track 1.mp3"
    assert [e.entry_index for e in collection] == list(range(tracks))


def test_locked_real_database_reads_with_the_key_pyrekordbox_knows(tmp_path: Path) -> None:
    locked = shared_copy("master_locked.db", tmp_path)
    plain = shared_copy("master_unlocked.db", tmp_path)
    assert not locked.read_bytes().startswith(masterdb.SQLITE_MAGIC)
    assert detect_format(locked) == "rekordbox-db"
    assert [e.title for e in iter_collection(locked)] == [e.title for e in iter_collection(plain)]
    assert list_playlists(locked) == list_playlists(plain)


def test_locked_real_database_without_a_key_says_how_to_give_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = shared_copy("master_locked.db", tmp_path)
    monkeypatch.setattr(masterdb, "known_key", lambda: None)
    with pytest.raises(LibraryLocked, match=f"^master_locked.db: encrypted .*set {KEY_ENV}"):
        list_playlists(locked)


def test_reading_leaves_the_original_untouched(tmp_path: Path) -> None:
    path = shared_copy("master_locked.db", tmp_path)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    list(iter_collection(path))
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["master_locked.db"]


# -- built databases -------------------------------------------------------------------

TRACKS = [
    Track("11", "Strings of Life", "Rhythim Is Rhythim", mix="Original Mix", album="Innovator",
          label="Transmat", genre="Detroit Techno", key="Dbm", bpm=122.5, length=378,
          year=1987, comment="classic", isrc="USAAA8700001", path="/Music/strings.mp3"),
    Track("12", "Gone", "Nathan Fake", remixer="Four Tet", mix="Four Tet Remix", bpm=128,
          length=400, path="/Music/gone.mp3"),
    Track("13", "Deleted Track", "Nobody", deleted=True),
    Track("14", "Plain", path="/Music/plain.wav"),
]  # fmt: skip
NODES = [
    Node("1", "House", attribute=1, seq=2),
    Node("2", "Deep", parent="1", seq=1, tracks=["12", "11", "13", "99"]),
    Node("3", "Warmup", seq=1, tracks=["14"]),
    Node("4", "Gone list", attribute=1, seq=3, deleted=True),
    Node("5", "Fast", attribute=4, seq=4,
         smart='<NODE Id="0" LogicalOperator="1" AutomaticUpdate="0"><CONDITION '
               'PropertyName="bpm" Operator="3" ValueUnit="" ValueLeft="12500" ValueRight=""/>'
               "</NODE>"),
]  # fmt: skip


@pytest.fixture
def built(tmp_path: Path) -> Path:
    return master_db(tmp_path / "master.db", TRACKS, NODES)


def test_tree_in_rekordbox_order_with_folders_and_smart_playlists(built: Path) -> None:
    infos = list_playlists(built)
    assert [(i.path, i.entries, i.is_folder) for i in infos] == [
        ("Warmup", 1, False),
        ("House", 4, True),
        ("House/Deep", 4, False),
        ("Fast", 1, False),
    ]


def test_playlist_entries_in_track_order_skip_deleted_and_dangling(built: Path) -> None:
    (deep,) = read_playlists(built, ["House/Deep"])
    assert deep.format == "rekordbox-db"
    assert [(e.entry_index, e.title) for e in deep.entries] == [(0, "Gone"), (1, "Strings of Life")]
    gone, strings = deep.entries
    assert (gone.artist, gone.remixer, gone.mix, gone.bpm) == (
        "Nathan Fake", "Four Tet", "Four Tet Remix", 128.0
    )  # fmt: skip
    assert (strings.album, strings.label, strings.genre, strings.key, strings.year) == (
        "Innovator", "Transmat", "Detroit Techno", "Dbm", "1987"
    )  # fmt: skip
    assert (strings.bpm, strings.duration_s, strings.isrc, strings.comments) == (
        122.5, 378.0, "USAAA8700001", "classic"
    )  # fmt: skip
    assert strings.source_id == "11" and strings.location == "/Music/strings.mp3"


def test_orphans_and_parent_loops_are_listed_at_the_top(tmp_path: Path) -> None:
    nodes = [Node("1", "Orphan", parent="404", tracks=["14"]), Node("2", "Self", parent="2"),
             Node("3", "Loop A", parent="4", attribute=1), Node("4", "Loop B", parent="3",
                                                              attribute=1)]  # fmt: skip
    path = master_db(tmp_path / "master.db", TRACKS, nodes)
    assert [(i.path, i.entries) for i in list_playlists(path)] == [
        ("Orphan", 1), ("Self", 0), ("Loop A", 0), ("Loop A/Loop B", 0)
    ]  # fmt: skip


def test_smart_playlist_rules_select_tracks(built: Path) -> None:
    (fast,) = read_playlists(built, ["Fast"])
    assert [e.title for e in fast.entries] == ["Gone"]


def test_collection_is_every_live_track(built: Path) -> None:
    entries = list(iter_collection(built))
    assert [e.title for e in entries] == ["Strings of Life", "Gone", "Plain"]
    assert {e.playlist for e in entries} == {COLLECTION}
    (whole,) = read_playlists(built, [COLLECTION])
    assert len(whole.entries) == 3


def test_a_key_of_our_own_from_the_environment(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = encrypt(built, tmp_path / "locked.db", "not-the-rekordbox-key")
    assert detect_format(locked) == "rekordbox-db"
    with pytest.raises(LibraryLocked, match=f"a key CrateMatch does not know.*{KEY_ENV}"):
        list_playlists(locked)
    monkeypatch.setenv(KEY_ENV, "wrong")
    with pytest.raises(LibraryLocked, match=f"the key in {KEY_ENV} does not open"):
        list_playlists(locked)
    monkeypatch.setenv(KEY_ENV, "not-the-rekordbox-key")
    assert len(list(iter_collection(locked))) == 3


def test_changes_waiting_in_the_wal_are_read_while_the_writer_holds_the_file(
    built: Path,
) -> None:
    """Rekordbox running: the database in WAL mode, a commit not yet checkpointed and a
    second transaction open. The reader sees the last commit and disturbs nothing."""
    writer = sqlite3.connect(built, isolation_level=None)
    try:
        writer.execute("PRAGMA journal_mode = WAL")
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        insert = "INSERT INTO djmdContent (ID, Title, created_at, updated_at) VALUES (?, ?, ?, ?)"
        writer.execute(insert, ("15", "Committed", NOW, NOW))
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(insert, ("16", "Uncommitted", NOW, NOW))
        assert Path(f"{built}-wal").stat().st_size > 0
        titles = [e.title for e in iter_collection(built)]
        writer.execute("COMMIT")  # the reader took no lock: the writer commits at once
    finally:
        writer.close()
    assert "Committed" in titles and "Uncommitted" not in titles


# -- refusals, one line each -----------------------------------------------------------


def test_not_a_database(tmp_path: Path) -> None:
    text = tmp_path / "master.db"
    text.write_text("these are not the tables you are looking for\n" * 50)
    with pytest.raises(NotALibrary, match="^master.db: not a Rekordbox database"):
        list_playlists(text)


def test_another_programs_sqlite_database(tmp_path: Path) -> None:
    other = tmp_path / "catalog.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE tracks (id)")
    assert detect_format(other) == "rekordbox-db"
    with pytest.raises(NotALibrary, match="^catalog.sqlite: an SQLite database, but not a"):
        list_playlists(other)


def test_newer_schema(built: Path) -> None:
    with sqlite3.connect(built) as conn:
        conn.execute("ALTER TABLE djmdContent RENAME COLUMN Title TO TitleV9")
        conn.execute("UPDATE djmdProperty SET DBVersion = '9000'")
    with pytest.raises(LibrarySchemaUnknown) as caught:
        list(iter_collection(built))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("master.db: a Rekordbox database layout CrateMatch does not know")
    assert "DBVersion 9000" in message and "djmdContent.Title" in message


@pytest.mark.parametrize("cut", [0.5, 0.8], ids=["half", "most"])
def test_damaged_database(built: Path, cut: float) -> None:
    data = built.read_bytes()
    garbled = bytearray(data[: int(len(data) * cut) // 4096 * 4096])
    for at in range(4096 * 2, len(garbled), 4096):  # every page after the schema's
        garbled[at : at + 64] = b"\xa5" * 64
    built.write_bytes(bytes(garbled))
    with pytest.raises(LibraryDamaged, match="^master.db: the Rekordbox database is damaged"):
        list(iter_collection(built))
        list_playlists(built)


def test_damaged_encrypted_database(built: Path, tmp_path: Path) -> None:
    locked = encrypt(built, tmp_path / "locked.db", masterdb.known_key() or "x")
    data = bytearray(locked.read_bytes())
    for at in range(4096 * 2, len(data), 4096):
        data[at + 100 : at + 164] = bytes(64)
    locked.write_bytes(bytes(data))
    with pytest.raises(LibraryDamaged, match="^locked.db: the Rekordbox database is damaged"):
        list(iter_collection(locked))
        list_playlists(locked)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        list_playlists(tmp_path / "master.db")
    (tmp_path / "empty.db").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        list_playlists(tmp_path / "empty.db")
