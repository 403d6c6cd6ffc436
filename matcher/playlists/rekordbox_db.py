"""Rekordbox 6/7's own library database (master.db): its playlist tree and its tracks,
read like a Rekordbox XML export but without the export.

    djmdPlaylist        ID, Seq, Name, Attribute (0 playlist, 1 folder, 4 smart),
                        ParentID ("root" at the top), SmartList (the smart rules, XML)
    djmdSongPlaylist    PlaylistID, ContentID, TrackNo
    djmdContent         one row per track: Title, Subtitle (the mix name), BPM x 100,
                        Length (s), ReleaseYear, Commnt, ISRC, FolderPath (the file),
                        ArtistID/RemixerID/AlbumID/GenreID/LabelID/KeyID -> djmdArtist,
                        djmdAlbum, djmdGenre, djmdLabel, djmdKey (ScaleName)

Rows with `rb_local_deleted` set are gone from Rekordbox's view and are skipped. Smart
playlists hold rules, not tracks: pyrekordbox's SmartList turns them into a query over
its models (the only place its ORM is used). Every read goes through
`masterdb.open_master_db`: a snapshot, never the live file. Entries are numbered in
Rekordbox's own order (TrackNo); the collection in the table's order.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from matcher.model import Playlist, PlaylistEntry, PlaylistInfo
from matcher.playlists.fields import byte_size, number, year
from matcher.playlists.keyed import keyed_playlist
from matcher.playlists.masterdb import Connection, known_key, open_master_db
from matcher.playlists.select import COLLECTION, join_path, unique_path, with_folder_counts

__all__ = ["FORMAT", "HAS_COLLECTION", "MasterTree", "iter_collection", "load", "scan"]

log = logging.getLogger(__name__)

FORMAT = "rekordbox-db"
HAS_COLLECTION = True
FOLDER, SMART = 1, 4
_LIVE = "coalesce({}.rb_local_deleted, 0) = 0"
_TEXT_FIELDS = (
    ("source_id", "c.ID"), ("title", "c.Title"), ("artist", "a.Name"), ("remixer", "r.Name"),
    ("mix", "c.Subtitle"), ("album", "al.Name"), ("label", "l.Name"), ("genre", "g.Name"),
    ("comments", "c.Commnt"), ("year", "c.ReleaseYear"), ("key", "k.ScaleName"),
    ("isrc", "c.ISRC"), ("location", "c.FolderPath"),
)  # fmt: skip
_NAMES = tuple(name for name, _ in _TEXT_FIELDS)
_TRACKS = f"""
SELECT {", ".join(column for _, column in _TEXT_FIELDS)}, c.FileSize, c.Length, c.BPM
FROM djmdContent AS c
LEFT JOIN djmdArtist AS a ON a.ID = c.ArtistID
LEFT JOIN djmdArtist AS r ON r.ID = c.RemixerID
LEFT JOIN djmdAlbum AS al ON al.ID = c.AlbumID
LEFT JOIN djmdLabel AS l ON l.ID = c.LabelID
LEFT JOIN djmdGenre AS g ON g.ID = c.GenreID
LEFT JOIN djmdKey AS k ON k.ID = c.KeyID
WHERE {_LIVE.format("c")}
ORDER BY c.rowid
"""
_PLAYLISTS = (
    "SELECT ID, Seq, Name, Attribute, ParentID, SmartList FROM djmdPlaylist AS p "
    f"WHERE {_LIVE.format('p')}"
)
_SONGS = (
    "SELECT PlaylistID, ContentID FROM djmdSongPlaylist AS s "
    f"WHERE {_LIVE.format('s')} ORDER BY PlaylistID, TrackNo, rowid"
)


def _str(value: object) -> str:
    """A column as text: SQLite's columns hold what was put in them, not always text.
    (Called 13 times a track: kept to the cheapest tests.)"""
    if value is None:
        return ""
    return value.strip() if type(value) is str else str(value).strip()


def _track_fields(row: tuple) -> dict[str, object]:
    fields: dict[str, object] = dict(zip(_NAMES, map(_str, row), strict=False))
    size, length, bpm = row[-3:]
    fields["year"] = year(str(fields["year"]))
    fields["file_size"] = byte_size(size) if isinstance(size, int | float) else None
    fields["duration_s"] = number(length) if isinstance(length, int | float) else None
    fields["bpm"] = number(bpm / 100) if isinstance(bpm, int | float) else None
    return fields


def _tracks(conn: Connection) -> Iterator[dict[str, object]]:
    for row in conn.execute(_TRACKS):
        yield _track_fields(row)


@dataclass(frozen=True)
class MasterTree:
    """The playlist tree of a database: what `list_playlists` shows and `load` needs."""

    infos: tuple[PlaylistInfo, ...]
    keys: dict[str, tuple[str, ...]]  # playlist path -> content ids in order


def _smart_members(conn: Connection, rules: str) -> tuple[str, ...]:
    """The content ids a smart playlist's rules select, through pyrekordbox's SmartList
    (its ORM query run on our connection). A rule it cannot evaluate gives no tracks
    and a warning, never a failed read of the whole library."""
    known_key()  # quiets pyrekordbox's import-time logging
    try:
        from pyrekordbox.masterdb.models import DjmdContent
        from pyrekordbox.masterdb.smartlist import SmartList
        from sqlalchemy import create_engine, select
        from sqlalchemy.orm import Session
        from sqlalchemy.pool import StaticPool

        smart = SmartList()
        smart.parse(rules)
        engine = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)
        query = (
            select(DjmdContent.ID)
            .where(smart.filter_clause())
            .where(DjmdContent.rb_local_deleted == 0)
            .order_by(DjmdContent.ID)
        )  # fmt: skip
        with Session(engine) as session:
            return tuple(str(cid) for cid in session.execute(query).scalars())
    except Exception as err:  # noqa: BLE001 - third-party rules: any failure is one playlist's
        log.warning("smart playlist rules not evaluated (%s): %s", type(err).__name__, err)
        return ()


def _tree(conn: Connection) -> MasterTree:
    nodes = {_str(r[0]): r for r in conn.execute(_PLAYLISTS)}
    children: dict[str, list[str]] = defaultdict(list)
    order = {node_id: row[1] if isinstance(row[1], int) else 0 for node_id, row in nodes.items()}
    for node_id, row in sorted(nodes.items(), key=lambda n: (order[n[0]], n[0])):
        parent = _str(row[4])
        children[parent if parent in nodes and parent != node_id else ""].append(node_id)
    songs: dict[str, list[str]] = defaultdict(list)
    for playlist_id, content_id in conn.execute(_SONGS):
        songs[_str(playlist_id)].append(_str(content_id))
    infos: list[PlaylistInfo] = []
    keys: dict[str, tuple[str, ...]] = {}
    smart: dict[str, str] = {}  # path -> rules, evaluated last (see _smart_members)
    seen: set[str] = set()
    visited: set[str] = set()

    def visit(node_id: str, prefix: str) -> None:
        if node_id in visited:  # a ParentID loop in a damaged database
            return
        visited.add(node_id)
        _, _, name, attribute, _, rules = nodes[node_id]
        path = unique_path(join_path(prefix, _str(name)), seen)
        if attribute == FOLDER:
            infos.append(PlaylistInfo(path, 0, is_folder=True))
            for child in children.get(node_id, ()):
                visit(child, path)
            return
        if attribute == SMART and rules:
            smart[path] = str(rules)
        keys[path] = tuple(songs.get(node_id, ()))
        infos.append(PlaylistInfo(path, 0))

    for node_id in children.get("", ()):
        visit(node_id, "")
    for node_id in sorted(nodes, key=lambda n: (order[n], n)):  # loops that never reach
        visit(node_id, "")  # the top: listed there rather than lost
    for path, rules in smart.items():
        keys[path] = _smart_members(conn, rules)
    counted = [i if i.is_folder else PlaylistInfo(i.path, len(keys[i.path])) for i in infos]
    return MasterTree(tuple(with_folder_counts(counted)), keys)


def scan(path: Path) -> MasterTree:
    """The playlist tree, each playlist with its content ids."""
    with open_master_db(path) as conn:
        return _tree(conn)


def iter_collection(path: Path) -> Iterator[PlaylistEntry]:
    """Every track of the library (not deleted ones), as entries of a playlist named
    COLLECTION. The snapshot lives until the iteration ends."""
    with open_master_db(path) as conn:
        for index, fields in enumerate(_tracks(conn)):
            yield PlaylistEntry(path.name, COLLECTION, index, **fields)  # type: ignore[arg-type]


def load(path: Path, tree: MasterTree, chosen: Sequence[str]) -> list[Playlist]:
    """The chosen playlists (paths from `tree.infos`, or `[COLLECTION]`)."""
    if list(chosen) == [COLLECTION]:
        entries = tuple(iter_collection(path))
        return [Playlist(source=path, name=COLLECTION, format=FORMAT, entries=entries)]
    wanted = {key for name in chosen for key in tree.keys.get(name, ())}
    with open_master_db(path) as conn:
        by_id = {str(f["source_id"]): f for f in _tracks(conn) if f["source_id"] in wanted}
    return [keyed_playlist(path, name, FORMAT, tree.keys.get(name, ()), by_id) for name in chosen]
