"""Rekordbox 7's USB library, "OneLibrary" (`PIONEER/rekordbox/exportLibrary.db`, also
called Device Library Plus): its tracks and its playlist tree, for `rekordbox_usb`.

Rekordbox 7 writes it for the newest players, next to export.pdb or, when the DJ picks
only the new format, instead of it. It is an SQLite database encrypted with SQLCipher 4
with one key for every stick; pyrekordbox (0.5 and later) knows that key, as it knows
master.db's, so CrateMatch holds none. The file is read from a private copy
(`snapshot`) with plain SQL over pyrekordbox's table layout:

    content            content_id, title, subtitle (the mix name), bpmx100, length (s),
                       releaseYear, djComment, isrc, path (from the stick's root), and
                       artist_id_artist / artist_id_remixer / album_id / genre_id /
                       label_id / key_id pointing at artist, album, genre, label, key
    playlist           playlist_id, sequenceNo, name, attribute (1 folder, 4 smart),
                       playlist_id_parent (none or 0 at the top)
    playlist_content   playlist_id, content_id, sequenceNo

Refusals are the master.db reader's (library_errors): NotALibrary, LibraryLocked,
LibraryDamaged, LibrarySchemaUnknown, each one line.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from matcher.playlists.fields import number, text
from matcher.playlists.library_errors import (
    LibraryDamaged,
    LibraryLocked,
    LibrarySchemaUnknown,
    NotALibrary,
)
from matcher.playlists.masterdb import (
    SQLITE_MAGIC,
    Connection,
    first_missing,
    keyed_connection,
    open_snapshot,
)
from matcher.playlists.sources import read_head

__all__ = ["ONELIBRARY_NAME", "Node", "onelibrary_key", "read_tracks", "read_tree"]

ONELIBRARY_NAME = "exportLibrary.db"
FOLDER = 1
Node = tuple[int, int, bool, str]  # parent id (0 at the top), order, is a folder, name

REQUIRED = {
    "content": ("content_id", "title", "subtitle", "bpmx100", "length", "releaseYear",
                "djComment", "isrc", "path", "artist_id_artist", "artist_id_remixer",
                "album_id", "genre_id", "label_id", "key_id"),
    "artist": ("artist_id", "name"), "album": ("album_id", "name"),
    "genre": ("genre_id", "name"), "label": ("label_id", "name"), "key": ("key_id", "name"),
    "playlist": ("playlist_id", "sequenceNo", "name", "attribute", "playlist_id_parent"),
    "playlist_content": ("playlist_id", "content_id", "sequenceNo"),
}  # fmt: skip
_TRACKS = """
SELECT c.content_id, c.title, a.name, r.name, c.subtitle, al.name, l.name, g.name,
       c.djComment, c.releaseYear, c.length, c.bpmx100, k.name, c.isrc, c.path
FROM content AS c
LEFT JOIN artist AS a ON a.artist_id = c.artist_id_artist
LEFT JOIN artist AS r ON r.artist_id = c.artist_id_remixer
LEFT JOIN album AS al ON al.album_id = c.album_id
LEFT JOIN label AS l ON l.label_id = c.label_id
LEFT JOIN genre AS g ON g.genre_id = c.genre_id
LEFT JOIN "key" AS k ON k.key_id = c.key_id
ORDER BY c.content_id
"""
_HINT = "export the stick again from Rekordbox, or read its export.pdb"


def onelibrary_key() -> str | None:
    """The exportLibrary.db key pyrekordbox ships (obfuscated in its code), or None."""
    try:
        from pyrekordbox.onelibrary.database import BLOB
        from pyrekordbox.utils import deobfuscate

        return deobfuscate(BLOB)
    except (ImportError, AttributeError, ValueError, zlib.error, UnicodeError):
        return None


def _unlock(copy: Path, name: str) -> Connection:
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        raise LibraryLocked(f"{name}: encrypted, and reading it needs the sqlcipher3-wheels "
                            "package (pip install sqlcipher3-wheels)") from None  # fmt: skip
    key = onelibrary_key()
    conn = keyed_connection(dbapi2, copy, key) if key else None
    if conn is not None:
        return conn
    raise LibraryLocked(f"{name}: encrypted with a key CrateMatch does not know (a newer "
                        f"Rekordbox?); {_HINT}")  # fmt: skip


def _check_schema(conn: Connection, name: str) -> None:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if "content" not in tables or "playlist" not in tables:
        raise NotALibrary(f"{name}: an SQLite database, but not a Rekordbox USB library")
    missing = first_missing(conn, REQUIRED)
    if missing:
        raise LibrarySchemaUnknown(
            f"{name}: a Rekordbox USB library layout CrateMatch does not know "
            f"(no {missing}; written by a newer Rekordbox?); {_HINT}"
        )


@contextmanager
def _open(path: Path) -> Iterator[Connection]:
    """A read-only connection to a checked snapshot of the exportLibrary.db at `path`."""
    name = path.name
    head = read_head(path, 4096)
    plain = head.startswith(SQLITE_MAGIC)
    if not plain and (len(head) < 1024 or len(set(head)) <= 160):  # SQLCipher pages: noise
        raise NotALibrary(f"{name}: not a Rekordbox USB library (nor any SQLite database)")
    with open_snapshot(path, ONELIBRARY_NAME, _unlock if not plain else None,
                       _check_schema, _damaged) as conn:  # fmt: skip
        yield conn


def _damaged(name: str, err: Exception) -> Exception:
    return LibraryDamaged(f"{name}: the Rekordbox USB library is damaged ({err}); {_HINT}")


def _track(row: tuple) -> dict[str, object]:
    cid, title, artist, remixer, mix, album, label, genre, comment, year, length, bpm, key, \
        isrc, location = row  # fmt: skip
    return {
        "source_id": str(cid),
        "title": text(title),
        "artist": text(artist),
        "remixer": text(remixer),
        "mix": text(mix),
        "album": text(album),
        "label": text(label),
        "genre": text(genre),
        "comments": text(comment),
        "year": str(year) if year else "",
        "duration_s": number(length),
        "bpm": number(bpm / 100) if bpm else None,
        "key": text(key),
        "isrc": text(isrc),
        "location": text(location),
    }


def read_tracks(path: Path) -> list[dict[str, object]]:
    """Every track on the stick, as the entry fields `rekordbox_usb` gives export.pdb's."""
    with _open(path) as conn:
        return [_track(row) for row in conn.execute(_TRACKS)]


def read_tree(path: Path) -> tuple[dict[int, Node], dict[int, list[tuple[int, str]]]]:
    """(playlist id -> Node, playlist id -> [(position, track id)]): the tree the USB
    reader builds its playlist paths from."""
    with _open(path) as conn:
        nodes = {
            int(pid): (int(parent or 0), int(seq or 0), attribute == FOLDER, text(name))
            for pid, seq, name, attribute, parent in conn.execute(
                "SELECT playlist_id, sequenceNo, name, attribute, playlist_id_parent FROM playlist"
            )
        }
        entries: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for pid, cid, seq in conn.execute(
            "SELECT playlist_id, content_id, sequenceNo FROM playlist_content"
        ):
            entries[int(pid)].append((int(seq or 0), str(cid)))
    return nodes, dict(entries)
