"""Rekordbox 7's USB library, exportLibrary.db ("OneLibrary"), built here on pyrekordbox's
table layout and encrypted with the key pyrekordbox knows, as Rekordbox writes it; read
through the stick's root like export.pdb, checked against pyrekordbox's own OneLibrary
reader (a second reader), imported as a catalog, and refused in one line when it cannot
be read."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from matcher.catalog.importers import detect_source_kind, read_catalog_source
from matcher.errors import InputError
from matcher.playlists import COLLECTION, detect_format, list_playlists, read_playlists
from matcher.playlists.library_errors import LibraryLocked, LibrarySchemaUnknown, NotALibrary
from matcher.playlists.rekordbox_onelibrary import onelibrary_key
from matcher.playlists.rekordbox_usb import find_export
from tests.matcher.playlists import pdb_builder as pdb
from tests.matcher.playlists.rekordbox_fixtures import create_tables, encrypt

KEY = onelibrary_key()
needs_key = pytest.mark.skipif(not KEY, reason="pyrekordbox knows no OneLibrary key here")

# (id, title, artist, remixer, mix, album, label, genre, key, bpm x 100, seconds, year, path)
TRACKS = [
    (1, "Copper Lanes", "Vesna Holt", "", "Original Mix", "Copper Lanes EP", "Tidewater",
     "Deep House", "Am", 12200, 412, 2021, "/Contents/Vesna Holt/Copper Lanes.mp3"),
    (2, "Moss Engine", "Ilya Strand", "Nimo Fell", "Nimo Fell Remix", "Moss Engine",
     "Kettle Tone", "House", "C", 12600, 360, 2021, "/Contents/Ilya Strand/Moss Engine.mp3"),
    (3, "Harbor Lights", "Bexley Crane", "", "", "", "", "", "", 0, 0, 0,
     "/Contents/Bexley Crane/Harbor Lights.flac"),
]  # fmt: skip
# (id, parent, order, attribute, name, [(position, track)])
TREE = [
    (10, None, 1, 1, "Club", []),
    (11, 10, 1, 0, "Peak", [(1, 2), (2, 1)]),
    (12, None, 2, 0, "Warmup", [(1, 3)]),
]


def plain_onelibrary(path: Path) -> Path:
    """An unencrypted exportLibrary.db with pyrekordbox's OneLibrary tables and our rows."""
    from pyrekordbox.onelibrary import models

    create_tables(path, models.Base.metadata)
    with closing(sqlite3.connect(path)) as conn, conn:
        names: dict[tuple[str, str], int] = {}

        def named(table: str, name: str) -> int | None:
            if not name:
                return None
            if (table, name) not in names:
                names[table, name] = len(names) + 1
                conn.execute(f'INSERT INTO "{table}" ({table}_id, name) VALUES (?, ?)',
                             (names[table, name], name))  # fmt: skip
            return names[table, name]

        for cid, title, artist, remixer, mix, album, label, genre, key, bpm, length, year, \
                location in TRACKS:  # fmt: skip
            conn.execute(
                "INSERT INTO content (content_id, title, artist_id_artist, artist_id_remixer, "
                "subtitle, album_id, label_id, genre_id, key_id, bpmx100, length, releaseYear, "
                "path, fileName, fileSize, fileType, bitrate, bitDepth, samplingRate, isrc) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1000, 1, 320, 16, 44100, ?)",
                (cid, title, named("artist", artist), named("artist", remixer), mix,
                 named("album", album), named("label", label), named("genre", genre),
                 named("key", key), bpm, length, year, location, location.rsplit("/", 1)[1],
                 f"QZQRY21000{cid:02d}"),
            )  # fmt: skip
        for pid, parent, order, attribute, name, songs in TREE:
            conn.execute(
                "INSERT INTO playlist (playlist_id, sequenceNo, name, attribute, "
                "playlist_id_parent) VALUES (?, ?, ?, ?, ?)",
                (pid, order, name, attribute, parent),
            )
            conn.executemany(
                "INSERT INTO playlist_content (playlist_id, content_id, sequenceNo) "
                "VALUES (?, ?, ?)",
                [(pid, track, position) for position, track in songs],
            )
    return path


def stick(tmp_path: Path, encrypted: bool = True) -> Path:
    """A USB stick's root holding only PIONEER/rekordbox/exportLibrary.db."""
    folder = tmp_path / "USB" / "PIONEER" / "rekordbox"
    folder.mkdir(parents=True)
    plain = plain_onelibrary(tmp_path / "plain.db")
    target = folder / "exportLibrary.db"
    if encrypted:
        assert KEY
        encrypt(plain, target, KEY)
    else:
        target.write_bytes(plain.read_bytes())
    return tmp_path / "USB"


@needs_key
def test_the_sticks_root_reads_onelibrary_like_an_export(tmp_path: Path) -> None:
    root = stick(tmp_path)
    db = root / "PIONEER" / "rekordbox" / "exportLibrary.db"
    assert not db.read_bytes().startswith(b"SQLite format 3")  # encrypted, as on a stick
    assert detect_format(root) == "rekordbox-usb"
    for level in (root, root / "PIONEER", db.parent, db):
        assert find_export(level) == db
    infos = list_playlists(root)
    assert [(i.path, i.entries, i.is_folder) for i in infos] == [
        ("Club", 2, True), ("Club/Peak", 2, False), ("Warmup", 1, False)]  # fmt: skip
    peak, warmup = read_playlists(root, ["Club/Peak", "Warmup"])
    assert [e.title for e in peak.entries] == ["Moss Engine", "Copper Lanes"]
    moss = peak.entries[0]
    assert (moss.artist, moss.remixer, moss.mix, moss.label, moss.genre, moss.key) == (
        "Ilya Strand", "Nimo Fell", "Nimo Fell Remix", "Kettle Tone", "House", "C")  # fmt: skip
    assert (moss.bpm, moss.duration_s, moss.year, moss.isrc) == (126.0, 360.0, "2021",
                                                                  "QZQRY2100002")  # fmt: skip
    assert moss.location == "/Contents/Ilya Strand/Moss Engine.mp3"
    (harbor,) = warmup.entries
    assert (harbor.bpm, harbor.year, harbor.label) == (None, "", "")
    (collection,) = read_playlists(root, [COLLECTION])
    assert [e.title for e in collection.entries] == ["Copper Lanes", "Moss Engine",
                                                     "Harbor Lights"]  # fmt: skip

    # a second reader: pyrekordbox's OneLibrary on the same encrypted file
    from pyrekordbox import OneLibrary

    theirs = OneLibrary(db)
    try:
        assert sorted(c.title for c in theirs.get_content()) == sorted(
            e.title for e in collection.entries)  # fmt: skip
        (their_peak,) = [p for p in theirs.get_playlist() if p.name == "Peak"]
        songs = sorted(their_peak.songs, key=lambda s: s.sequenceNo)
        assert [s.content.title for s in songs] == [e.title for e in peak.entries]
        assert [s.content.path for s in songs] == [e.location for e in peak.entries]
    finally:
        theirs.close()


@needs_key
def test_a_stick_is_imported_as_a_catalog(tmp_path: Path) -> None:
    root = stick(tmp_path)
    assert detect_source_kind(root) == "rekordbox-usb"
    tracks = {t.title: t for t in read_catalog_source(root)}
    assert set(tracks) == {"Copper Lanes", "Moss Engine", "Harbor Lights"}
    copper = tracks["Copper Lanes"]
    assert (copper.label, copper.genre, copper.bpm, copper.isrc) == (
        "Tidewater", "Deep House", 122.0, "QZQRY2100001")  # fmt: skip
    assert copper.location == "/Contents/Vesna Holt/Copper Lanes.mp3"
    assert copper.catalog_id.startswith("rbusb:")


def test_export_pdb_is_read_first_when_both_are_there(tmp_path: Path) -> None:
    root = stick(tmp_path, encrypted=False)
    export = root / "PIONEER" / "rekordbox" / "export.pdb"
    row = pdb.track_row(pdb.UsbTrack(id=7, title="From the pdb", path="/Contents/p.mp3"))
    export.write_bytes(pdb.build([pdb.Table(pdb.TRACKS, [row])]))
    assert find_export(root) == export
    (collection,) = read_playlists(root, [COLLECTION])
    assert [e.title for e in collection.entries] == ["From the pdb"]


def test_an_unencrypted_onelibrary_reads_too(tmp_path: Path) -> None:
    root = stick(tmp_path, encrypted=False)
    assert [i.path for i in list_playlists(root)] == ["Club", "Club/Peak", "Warmup"]


def test_a_locked_onelibrary_is_one_line(tmp_path: Path) -> None:
    root = tmp_path / "USB"
    db = root / "PIONEER" / "rekordbox" / "exportLibrary.db"
    db.parent.mkdir(parents=True)
    encrypt(plain_onelibrary(tmp_path / "plain.db"), db, "not-the-onelibrary-key-000000")
    with pytest.raises(LibraryLocked, match="encrypted with a key CrateMatch does not know"):
        list_playlists(root)


def test_a_newer_layout_is_one_line(tmp_path: Path) -> None:
    root = stick(tmp_path, encrypted=False)
    db = root / "PIONEER" / "rekordbox" / "exportLibrary.db"
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("ALTER TABLE content DROP COLUMN subtitle")
    with pytest.raises(LibrarySchemaUnknown, match=r"no content\.subtitle") as raised:
        list_playlists(root)
    assert "\n" not in str(raised.value)


def test_damaged_and_foreign_files_are_one_line(tmp_path: Path) -> None:
    root = tmp_path / "USB"
    db = root / "PIONEER" / "rekordbox" / "exportLibrary.db"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"not a database at all")
    with pytest.raises(NotALibrary):
        list_playlists(root)
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as conn, conn:
        conn.execute("CREATE TABLE notes (x)")
    db.write_bytes(other.read_bytes())
    with pytest.raises(NotALibrary, match="not a Rekordbox USB library"):
        list_playlists(root)
    data = bytearray(plain_onelibrary(tmp_path / "plain.db").read_bytes())
    data[4096:] = b"\xee" * (len(data) - 4096)  # every page after the first overwritten
    db.write_bytes(bytes(data))
    with pytest.raises(InputError, match="damaged") as raised:
        list_playlists(root)
    assert "\n" not in str(raised.value)


def test_the_file_itself_points_at_the_sticks_root(tmp_path: Path) -> None:
    """Dropped alone, exportLibrary.db looks like a master.db (an encrypted .db): the
    reader says what it is and what to drop instead."""
    root = stick(tmp_path, encrypted=False)
    db = root / "PIONEER" / "rekordbox" / "exportLibrary.db"
    db.write_bytes(b"\x8f" * 4096)  # as the encrypted file looks to the format sniffer
    with pytest.raises(NotALibrary, match="drop the stick's root"):
        list_playlists(db)
