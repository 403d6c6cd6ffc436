"""Rekordbox master.db files built for tests and benchmarks: the real schema, our rows.

The schema comes from a copy of ../shared's master_unlocked.db when it is there (its
rows deleted), else from pyrekordbox's models (the same tables and columns). Rows are
inserted with plain SQL, so 50,000 tracks take about a second. `encrypt` writes an
SQLCipher copy with a key of our choosing, the way Rekordbox stores the file.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHARED_DB = Path(__file__).resolve().parents[3].parent / "shared/realfiles/rekordbox-db"
NOW = "2024-01-01 00:00:00.000 +00:00"  # created_at/updated_at: NOT NULL in the schema
_CLEARED = ("djmdContent", "djmdPlaylist", "djmdSongPlaylist", "djmdArtist", "djmdAlbum",
            "djmdGenre", "djmdLabel", "djmdKey")  # fmt: skip


@dataclass
class Track:
    id: str
    title: str
    artist: str = ""
    remixer: str = ""
    mix: str = ""
    album: str = ""
    label: str = ""
    genre: str = ""
    key: str = ""
    bpm: float = 0.0
    length: int = 0
    year: int = 0
    comment: str = ""
    isrc: str = ""
    path: str = ""
    deleted: bool = False


@dataclass
class Node:
    id: str
    name: str
    parent: str = "root"
    attribute: int = 0  # 0 playlist, 1 folder, 4 smart
    seq: int = 0
    tracks: list[str] = field(default_factory=list)
    smart: str = ""
    deleted: bool = False


def create_tables(path: Path, metadata: Any) -> None:
    """The tables of pyrekordbox's models (`metadata`: a SQLAlchemy MetaData) in a new
    SQLite file. The models declare every column NOT NULL; Rekordbox's own files do not,
    and these fixtures (like Rekordbox) leave the columns they do not use empty."""
    from sqlalchemy import MetaData, create_engine

    schema = MetaData()
    for table in metadata.sorted_tables:
        for column in table.to_metadata(schema).columns:
            column.nullable = column.nullable or not column.primary_key
    engine = create_engine(f"sqlite:///{path}")
    schema.create_all(engine)
    engine.dispose()


def empty_master_db(path: Path) -> Path:
    """An empty master.db at `path` with Rekordbox 6's schema."""
    template = SHARED_DB / "master_unlocked.db"
    if template.is_file():
        shutil.copyfile(template, path)
        path.chmod(0o644)
        with sqlite3.connect(path) as conn:
            for table in _CLEARED:
                conn.execute(f"DELETE FROM {table}")
        return path
    from pyrekordbox.masterdb import models

    create_tables(path, models.Base.metadata)
    with sqlite3.connect(path) as conn:
        conn.execute(  # as Rekordbox 6 writes it: the drive and reserved columns empty
            "INSERT INTO djmdProperty (DBID, DBVersion, BaseDBDrive, CurrentDBDrive, DeviceID,"
            " Reserved1, Reserved2, Reserved3, Reserved4, Reserved5, created_at, updated_at) "
            "VALUES ('1', '6000', '', '', '', '', '', '', '', '', ?, ?)",
            (NOW, NOW),
        )
        conn.execute(  # the change counter every Rekordbox library has (writers count it up)
            "INSERT INTO agentRegistry (registry_id, int_1, created_at, updated_at) "
            "VALUES ('localUpdateCount', 100, ?, ?)",
            (NOW, NOW),
        )
    return path


def _ids(conn: sqlite3.Connection, table: str, column: str, names: Iterable[str]) -> dict:
    ids = {name: str(1000 + i) for i, name in enumerate(sorted({n for n in names if n}))}
    conn.executemany(
        f"INSERT INTO {table} (ID, {column}, created_at, updated_at) VALUES (?, ?, ?, ?)",
        [(i, n, NOW, NOW) for n, i in ids.items()],
    )
    return ids


def fill(path: Path, tracks: Sequence[Track], nodes: Sequence[Node] = ()) -> Path:
    """Insert `tracks` and the playlist tree `nodes` (with their songs) into `path`."""
    with sqlite3.connect(path) as conn:
        artists = _ids(conn, "djmdArtist", "Name", [t.artist for t in tracks] +
                       [t.remixer for t in tracks])  # fmt: skip
        albums = _ids(conn, "djmdAlbum", "Name", (t.album for t in tracks))
        labels = _ids(conn, "djmdLabel", "Name", (t.label for t in tracks))
        genres = _ids(conn, "djmdGenre", "Name", (t.genre for t in tracks))
        keys = _ids(conn, "djmdKey", "ScaleName", (t.key for t in tracks))
        conn.executemany(
            "INSERT INTO djmdContent (ID, Title, ArtistID, RemixerID, Subtitle, AlbumID, "
            "LabelID, GenreID, KeyID, BPM, Length, ReleaseYear, Commnt, ISRC, FolderPath, "
            "rb_local_deleted, created_at, updated_at) "
            f"VALUES ({', '.join('?' * 18)})",
            [(t.id, t.title, artists.get(t.artist), artists.get(t.remixer), t.mix,
              albums.get(t.album), labels.get(t.label), genres.get(t.genre), keys.get(t.key),
              round(t.bpm * 100), t.length, t.year, t.comment, t.isrc, t.path, int(t.deleted),
              NOW, NOW)
             for t in tracks],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO djmdPlaylist (ID, Seq, Name, Attribute, ParentID, SmartList, "
            "rb_local_deleted, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(n.id, n.seq, n.name, n.attribute, n.parent, n.smart or None, int(n.deleted),
              NOW, NOW)
             for n in nodes],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO djmdSongPlaylist (ID, PlaylistID, ContentID, TrackNo, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (f"{n.id}-{i}", n.id, t, i + 1, NOW, NOW)
                for n in nodes
                for i, t in enumerate(n.tracks)
            ],
        )
    return path


def master_db(path: Path, tracks: Sequence[Track], nodes: Sequence[Node] = ()) -> Path:
    return fill(empty_master_db(path), tracks, nodes)


def encrypt(plain: Path, target: Path, key: str) -> Path:
    """An SQLCipher 4 copy of `plain` at `target`, keyed with `key`."""
    from sqlcipher3 import dbapi2

    conn = dbapi2.connect(str(plain))
    try:
        conn.execute(f"ATTACH DATABASE '{target}' AS secret KEY '{key}'")
        conn.execute("SELECT sqlcipher_export('secret')")
        conn.execute("DETACH DATABASE secret")
    finally:
        conn.close()
    return target


def generated_tracks(count: int) -> list[Track]:
    """`count` varied tracks: 1 artist in 10, 50 labels, 20 genres, 14 keys."""
    keys = [f"{n}{m}" for n in "ABCDEFG" for m in ("m", "")]
    artists = count // 10 + 1
    return [
        Track(
            id=str(10_000_000 + i),
            title=f"Track {i} Title",
            artist=f"Artist {i % artists}",
            remixer=f"Remixer {i % 97}" if i % 3 == 0 else "",
            mix="Extended Mix" if i % 2 else "",
            album=f"Album {i // 12}",
            label=f"Label {i % 50}",
            genre=f"Genre {i % 20}",
            key=keys[i % len(keys)],
            bpm=118 + (i % 30) + 0.5,
            length=180 + i % 300,
            year=1990 + i % 35,
            comment="",
            isrc=f"GBAAA{i:07d}",
            path=f"/Music/{i}.mp3",
        )
        for i in range(count)
    ]
