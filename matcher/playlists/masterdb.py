"""Opening a Rekordbox 6/7 library database (master.db) to read it, and refusing with one
line what cannot be read.

    open_master_db(path)    a read-only connection to a private snapshot of the database
    known_key()             the key pyrekordbox knows, or None
    is_master_db(path)      an SQLite file with Rekordbox's tables (for the catalog)

Rekordbox encrypts master.db with SQLCipher 4, with one key for every installation.
pyrekordbox knows that key and depends on `sqlcipher3-wheels`, which brings SQLCipher,
so CrateMatch holds no key of its own. Should a Rekordbox release change the key, the
user sets it in the environment:

    CRATEMATCH_REKORDBOX_KEY=<key> cratematch match master.db ...

which is tried first. The original file is never opened: `snapshot.snapshot` copies it
(with its -wal) so reading is safe while Rekordbox runs. The playlists and tracks are then
read with plain SQL over pyrekordbox's table layout (djmdContent, djmdPlaylist, ...):
one SQL join reads 50,000 tracks, snapshot included, in about half a second, where
pyrekordbox's ORM objects would take several.

Refusals (library_errors): NotALibrary for text, images and other programs' SQLite
files; LibraryLocked when no key opens it; LibraryDamaged when SQLite finds the file
malformed; LibrarySchemaUnknown when a table or column we read is missing, which is
what a newer Rekordbox that changed its layout looks like.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from matcher.playlists.library_errors import (
    KEY_ENV,
    LibraryDamaged,
    LibraryLocked,
    LibrarySchemaUnknown,
    NotALibrary,
)
from matcher.playlists.snapshot import snapshot
from matcher.playlists.sources import file_error, read_head

__all__ = [
    "SQLITE_MAGIC",
    "Connection",
    "first_missing",
    "is_master_db",
    "keyed_connection",
    "known_key",
    "open_master_db",
    "open_snapshot",
    "sqlite_errors",
]

SQLITE_MAGIC = b"SQLite format 3\x00"
Connection = Any  # an sqlite3 or sqlcipher3 connection: the same DB-API

# What the readers select, by table. A newer Rekordbox missing any of them is refused
# (LibrarySchemaUnknown) rather than read wrong.
REQUIRED = {
    "djmdContent": ("ID", "Title", "ArtistID", "RemixerID", "AlbumID", "GenreID", "LabelID",
                    "KeyID", "BPM", "Length", "ReleaseYear", "Commnt", "ISRC", "FolderPath",
                    "Subtitle", "FileSize", "rb_local_deleted"),
    "djmdArtist": ("ID", "Name"),
    "djmdAlbum": ("ID", "Name"),
    "djmdGenre": ("ID", "Name"),
    "djmdLabel": ("ID", "Name"),
    "djmdKey": ("ID", "ScaleName"),
    "djmdPlaylist": ("ID", "Seq", "Name", "Attribute", "ParentID", "SmartList",
                     "rb_local_deleted"),
    "djmdSongPlaylist": ("PlaylistID", "ContentID", "TrackNo", "rb_local_deleted"),
}  # fmt: skip
_EXPORT_HINT = "export an XML from Rekordbox (File > Export Collection) meanwhile"


def _quiet_pyrekordbox() -> None:
    """pyrekordbox logs at import that it cannot find a Rekordbox installation on this
    OS (it looks for one to read settings we do not use); keep that off the terminal."""
    for name in ("pyrekordbox.config", "pyrekordbox.masterdb.database"):
        logging.getLogger(name).setLevel(logging.ERROR)


def known_key() -> str | None:
    """The master.db key pyrekordbox ships (obfuscated in its code), or None without it."""
    _quiet_pyrekordbox()
    try:
        from pyrekordbox.masterdb.database import BLOB
        from pyrekordbox.utils import deobfuscate

        return deobfuscate(BLOB)
    except (ImportError, AttributeError, ValueError, zlib.error, UnicodeError):
        return None


def _sqlcipher() -> Any:
    """The sqlcipher3 DB-API module (from sqlcipher3-wheels), None when not installed."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        return None
    return dbapi2


def _looks_encrypted(path: Path, head: bytes) -> bool:
    """SQLCipher files are whole pages of what looks like noise; text and most other
    files are not."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise file_error(path, err) from None
    return size >= 1024 and len(set(head[:4096])) > 160


def _damaged(name: str, err: Exception) -> LibraryDamaged:
    return LibraryDamaged(f"{name}: the Rekordbox database is damaged ({err}); {_EXPORT_HINT}")


def _classify(name: str, err: Exception) -> Exception:
    """The one-line error for an SQLite/SQLCipher failure while reading."""
    text = str(err)
    if "malformed" in text or "corrupt" in text or "not a database" in text:
        return _damaged(name, err)
    if "no such table" in text or "no such column" in text:
        return LibrarySchemaUnknown(
            f"{name}: a Rekordbox database layout CrateMatch does not know ({text}); {_EXPORT_HINT}"
        )
    return _damaged(name, err)


def keyed_connection(dbapi: Any, copy: Path, key: str) -> Connection | None:
    """A connection to the encrypted file `copy` opened with `key`, None when the key
    does not open it (for master.db and the USB exportLibrary.db alike)."""
    conn = dbapi.connect(str(copy))
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # SQLCipher logs to stderr
        conn.execute("PRAGMA key = '{}'".format(key.replace("'", "''")))
        conn.execute("PRAGMA schema_version").fetchone()  # decrypts page 1 only: a
        # damaged page further on is LibraryDamaged later, not a wrong key
    except dbapi.DatabaseError:
        conn.close()
        return None
    return conn


def _unlock(copy: Path, name: str) -> Connection:
    """A connection to the encrypted snapshot, keyed with the first key that opens it."""
    dbapi = _sqlcipher()
    if dbapi is None:
        raise LibraryLocked(
            f"{name}: encrypted, and reading it needs the sqlcipher3-wheels package "
            "(pip install sqlcipher3-wheels)"
        )
    given = os.environ.get(KEY_ENV, "").strip()
    keys = [k for k in (given, known_key()) if k]
    for key in keys:
        conn = keyed_connection(dbapi, copy, key)
        if conn is not None:
            return conn
    if given:
        raise LibraryLocked(f"{name}: the key in {KEY_ENV} does not open this database")
    raise LibraryLocked(
        f"{name}: encrypted with a key CrateMatch does not know (a newer Rekordbox?); "
        f"set {KEY_ENV} to the database key"
    )


def first_missing(conn: Connection, required: dict[str, tuple[str, ...]]) -> str:
    """The first "table.column" of `required` the database lacks, "" when it has all."""
    for table, columns in required.items():
        have = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
        missing = [c for c in columns if c not in have]
        if missing:
            return f"{table}.{missing[0]}"
    return ""


def _check_schema(conn: Connection, name: str) -> None:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if "djmdContent" not in tables and "djmdPlaylist" not in tables:
        raise NotALibrary(f"{name}: an SQLite database, but not a Rekordbox library")
    version = ""
    if "djmdProperty" in tables:
        row = conn.execute("SELECT DBVersion FROM djmdProperty LIMIT 1").fetchone()
        version = f"DBVersion {row[0]}, " if row and row[0] else ""
    missing = first_missing(conn, REQUIRED)
    if missing:
        raise LibrarySchemaUnknown(
            f"{name}: a Rekordbox database layout CrateMatch does not know "
            f"({version}no {missing}; written by a newer Rekordbox?); {_EXPORT_HINT}"
        )


def sqlite_errors() -> tuple[type[Exception], ...]:
    """What SQLite and SQLCipher raise (the latter only when installed)."""
    dbapi = _sqlcipher()
    return (sqlite3.Error,) if dbapi is None else (sqlite3.Error, dbapi.Error)


@contextmanager
def open_master_db(path: Path) -> Iterator[Connection]:
    """A connection to a snapshot of the master.db at `path`, checked to hold the tables
    and columns the readers use; closed and deleted on exit. Errors inside the block from
    SQLite become the one-line library errors too."""
    path = Path(path)
    name = path.name
    if name.casefold() == "exportlibrary.db":  # encrypted like master.db, another layout
        raise NotALibrary(f"{name}: a Rekordbox 7 USB library; drop the stick's root (or "
                          "its PIONEER folder) to read it")  # fmt: skip
    head = read_head(path, 4096)  # missing, empty, a folder: InputError naming the file
    plain = head.startswith(SQLITE_MAGIC)
    if not plain and not _looks_encrypted(path, head):
        raise NotALibrary(f"{name}: not a Rekordbox database (nor any SQLite database)")
    with open_snapshot(path, "master.db", _unlock if not plain else None,
                       _check_schema, _classify) as conn:  # fmt: skip
        yield conn


@contextmanager
def open_snapshot(
    path: Path,
    kind: str,
    unlock: Callable[[Path, str], Connection] | None,
    check_schema: Callable[[Connection, str], None],
    classify: Callable[[str, Exception], Exception],
) -> Iterator[Connection]:
    """A read-only connection to a checked snapshot of the Rekordbox database at `path`
    (`unlock` opens an encrypted one, None for plain SQLite); file errors and SQLite
    errors inside the block become the one-line library errors (`classify`)."""
    name = path.name
    try:
        with snapshot(path, kind) as copy:
            conn = sqlite3.connect(str(copy)) if unlock is None else unlock(copy, name)
            try:
                conn.execute("PRAGMA query_only = ON")
                check_schema(conn, name)
                yield conn
            finally:
                conn.close()
    except OSError as err:
        raise file_error(path, err) from None
    except sqlite_errors() as err:
        raise classify(name, err) from None


def is_master_db(path: Path) -> bool:
    """True for a plain SQLite file holding Rekordbox's content table (a CrateMatch
    catalog is SQLite too: this tells them apart without a snapshot)."""
    try:
        with Path(path).open("rb") as handle:
            if handle.read(16) != SQLITE_MAGIC:
                return False
        uri = Path(path).absolute().as_uri() + "?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True)
        try:
            found = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'djmdContent'"
            ).fetchone()
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return False
    return found is not None
