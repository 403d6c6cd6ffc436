"""Rekordbox 6/7's master.db as a library to write into: read for the plan with the
project's reader (a snapshot, plain SQL), written with pyrekordbox's write API.

Where each write field lives (djmdContent and the tables it points at):

    genre     GenreID -> djmdGenre.Name     (a row added, as pyrekordbox adds one, if new)
    label     LabelID -> djmdLabel.Name
    remixers  RemixerID -> djmdArtist.Name
    key       KeyID -> djmdKey.ScaleName    ("Am", "F#": Rekordbox's own notation)
    comment   Commnt
    year      ReleaseYear
    bpm       BPM                          (an integer, the BPM x 100: 124.5 is 12450)
    isrc      ISRC
    mix       Subtitle                     (what Rekordbox's XML export calls Mix; the
                                           table has no other mix/version column)

An empty field is one Rekordbox left empty: no row, "", a BPM of 0 (not analysed yet).
Rekordbox sets the BPM when it analyses a track, with a beat grid kept in its analysis
files: filling an empty BPM is safe; replacing one (--overwrite) leaves that grid as it
was, and Rekordbox's next analysis may set the BPM again.

Writing goes through pyrekordbox (`MasterDatabase`, formerly Rekordbox6Database, with
the key for an encrypted database) so every row is made as Rekordbox makes it: new IDs
and UUIDs, the local USN counted up and stamped on the rows changed. Review rows get the
MyTag "CrateMatch review" (in a MyTag group "CrateMatch") so the DJ can find them.

Rekordbox 6/7 also lists every playlist node in masterPlaylists6.xml next to master.db
(`<NODE Id="hex id" ParentId="0" Attribute="0" Timestamp="ms" Lib_Type="0"
CheckType="0"/>`, 0 for the root) and drops playlists it does not find there. When the
file is there, the new playlist's node is added on the file's own bytes (pyrekordbox
would re-serialise the whole file and restamp other nodes); the backup and undo cover it
with master.db.
"""

from __future__ import annotations

import datetime
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import uuid4

from matcher.playlists.library_errors import KEY_ENV, LibraryLocked
from matcher.playlists.masterdb import SQLITE_MAGIC, known_key, open_master_db
from matcher.playlists.sources import read_head
from matcher.writeback.errors import LibraryMalformed, LibraryWriteError
from matcher.writeback.fields import bpm_number, format_bpm
from matcher.writeback.libraries.nml_text import Edit, Element, apply_edits, parse
from matcher.writeback.libraries.traktor import location_key
from matcher.writeback.policy import FieldChange

__all__ = [
    "PLAYLISTS_XML",
    "REKORDBOX_FIELDS",
    "REVIEW_TAG",
    "RekordboxLibrary",
    "apply_plan",
    "check_playlists_xml",
    "playlists_xml_with_node",
]

REKORDBOX_FIELDS = frozenset(
    {"genre", "label", "key", "comment", "year", "remixers", "bpm", "isrc", "mix"}
)
REVIEW_GROUP, REVIEW_TAG = "CrateMatch", "CrateMatch review"
CATALOG_PREFIX = "rbdb:"  # the catalog id of a track imported from a master.db
PLAYLISTS_XML = "masterPlaylists6.xml"  # kept next to master.db, in step with its playlists

_READ = """
SELECT c.ID, c.FolderPath, g.Name, l.Name, k.ScaleName, c.Commnt, c.ReleaseYear, r.Name,
       c.BPM, c.ISRC, c.Subtitle
FROM djmdContent c
LEFT JOIN djmdGenre g ON g.ID = c.GenreID
LEFT JOIN djmdLabel l ON l.ID = c.LabelID
LEFT JOIN djmdKey k ON k.ID = c.KeyID
LEFT JOIN djmdArtist r ON r.ID = c.RemixerID
WHERE COALESCE(c.rb_local_deleted, 0) = 0
"""
_PLAYLISTS = (
    "SELECT Name FROM djmdPlaylist WHERE ParentID = 'root' AND COALESCE(rb_local_deleted, 0) = 0"
)

_UPDATE_COUNT = "SELECT int_1 FROM agentRegistry WHERE registry_id = 'localUpdateCount'"


class RekordboxLibrary:
    """A master.db read for a plan: its tracks by location, what each says."""

    fields = REKORDBOX_FIELDS
    missing = "not in the Rekordbox library"

    def __init__(self, path: Path) -> None:
        self.entries: dict[str, str] = {}  # location key -> content id
        self._values: dict[str, dict[str, str]] = {}
        self._folders: dict[str, str] = {}  # content id -> FolderPath
        with open_master_db(path) as conn:
            for row in conn.execute(_READ):
                cid, folder, genre, label, key, comment, year, remixer, bpm, isrc, mix = row
                values = {"genre": genre or "", "label": label or "", "key": key or "",
                          "comment": comment or "", "year": str(year or ""),
                          "remixers": remixer or "", "bpm": _bpm_text(bpm),
                          "isrc": isrc or "", "mix": mix or ""}  # fmt: skip
                if folder:
                    self.entries.setdefault(location_key(folder), str(cid))
                    self._values[str(cid)] = values
                    self._folders[str(cid)] = folder
            self.playlist_names = {row[0] or "" for row in conn.execute(_PLAYLISTS)}
            if conn.execute(_UPDATE_COUNT).fetchone() is None:
                raise LibraryWriteError(
                    f"{path.name}: no localUpdateCount in agentRegistry (Rekordbox counts "
                    "every change there): not a library Rekordbox wrote; nothing written"
                )
        check_playlists_xml(path)

    def find(self, path: str) -> str | None:
        """The content id of the track at `path`."""
        return self.entries.get(location_key(path))

    def find_catalog_id(self, catalog_id: str, path: str) -> str | None:
        """The content id a catalog imported from a master.db gave ("rbdb:<id>"), when
        this library holds it under the same file name: the library moved to another
        drive or folder since the catalog was made, not another library's track."""
        cid = catalog_id.removeprefix(CATALOG_PREFIX)
        if cid == catalog_id or cid not in self._values:
            return None
        name = _file_name(path)
        return cid if name and _file_name(self._folders.get(cid, "")) == name else None

    def values(self, entry: str) -> dict[str, str]:
        return self._values.get(entry, {})


def _file_name(path: str) -> str:
    return location_key(path).rsplit("/", 1)[-1]


def _bpm_text(hundredths: object) -> str:
    """djmdContent.BPM (the BPM x 100) as the BPM a DJ reads; "" for 0 or none."""
    try:
        return format_bpm(int(str(hundredths)) / 100) if hundredths else ""
    except ValueError:
        return ""


def _open(path: Path) -> Any:
    """pyrekordbox's database on `path`, with the first key that opens it (the reader's
    order: CRATEMATCH_REKORDBOX_KEY, then pyrekordbox's); one line when none does."""
    logging.getLogger("pyrekordbox").setLevel(logging.ERROR)
    from pyrekordbox.masterdb import MasterDatabase
    from sqlalchemy import text

    plain = read_head(path, 16).startswith(SQLITE_MAGIC)
    given = os.environ.get(KEY_ENV, "").strip()
    keys = [""] if plain else list(dict.fromkeys(k for k in (given, known_key()) if k))
    if not keys:
        raise LibraryLocked(f"{path.name}: no key to open it (set {KEY_ENV})")
    why = ""
    for key in keys:
        try:
            db = MasterDatabase(path=path, db_dir=path.parent, key=key, unlock=not plain)
        except Exception as err:  # noqa: BLE001 - pyrekordbox raises many kinds
            why = str(err)
            continue
        try:
            db.session.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
        except Exception as err:  # noqa: BLE001 - a wrong key: "file is not a database"
            why = str(err).splitlines()[0]
            db.close()
            db.engine.dispose()
            continue
        return db
    raise LibraryWriteError(f"{path.name}: pyrekordbox cannot open it for writing ({why})")


def _playlists_element(data: bytes) -> Element:
    """The PLAYLISTS element of masterPlaylists6.xml's bytes; LibraryWriteError (one
    line) when the file is not one Rekordbox wrote."""
    try:
        root = parse(data)
    except LibraryMalformed as err:
        raise LibraryWriteError(f"{PLAYLISTS_XML} is damaged ({err}); Rekordbox rebuilds "
                                "it if it is moved away") from None  # fmt: skip
    playlists = root.child("PLAYLISTS")
    if root.name != "MASTER_PLAYLIST" or playlists is None:
        raise LibraryWriteError(f"{PLAYLISTS_XML}: not Rekordbox's playlist list")
    return playlists


def check_playlists_xml(db: Path) -> None:
    """Refuse, before anything is written, a masterPlaylists6.xml next to `db` that a
    playlist cannot be added to."""
    listed = db.with_name(PLAYLISTS_XML)
    if listed.is_file():
        try:
            _playlists_element(listed.read_bytes())
        except OSError as err:
            raise LibraryWriteError(f"{PLAYLISTS_XML}: cannot be read ({err.strerror})") from None


def playlists_xml_with_node(data: bytes, playlist_id: str, stamp: datetime.datetime) -> bytes:
    """masterPlaylists6.xml's bytes with a node for the new root playlist `playlist_id`
    (its updated_at `stamp`, local time) last in PLAYLISTS; every other byte kept."""
    playlists = _playlists_element(data)
    hex_id = f"{int(playlist_id):X}"
    nodes = [n for n in playlists.children if n.name == "NODE"]
    if any(n.attr(data, "Id") == hex_id for n in nodes):
        raise LibraryWriteError(f"{PLAYLISTS_XML} already lists playlist {hex_id}")
    millis = int(stamp.timestamp() * 1000)
    node = (f'<NODE Id="{hex_id}" ParentId="0" Attribute="0" Timestamp="{millis}" '
            'Lib_Type="0" CheckType="0"/>').encode()  # fmt: skip
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    if nodes:  # the whitespace Rekordbox put before its first node, before ours
        before = data[playlists.start_end : nodes[0].start]
        between = before if not before.strip() else newline
        return apply_edits(data, [Edit(nodes[-1].end, nodes[-1].end, between + node)])
    if playlists.self_closing:
        whole = b"<PLAYLISTS>" + newline + b"    " + node + newline + b"  </PLAYLISTS>"
        return apply_edits(data, [Edit(playlists.start, playlists.end, whole)])
    at = playlists.start_end
    return apply_edits(data, [Edit(at, at, newline + b"    " + node)])


def _named(db: Any, model: Any, adder: str, name: str) -> Any:
    found = db.query(model).filter_by(Name=name).first()
    return found if found is not None else getattr(db, adder)(name)


def _key(db: Any, models: Any, name: str) -> Any:
    model = models.DjmdKey
    found = db.query(model).filter_by(ScaleName=name).first()
    if found is not None:
        return found
    seq = db.query(model).count() + 1
    key = model.create(ID=str(db.generate_unused_id(model)), ScaleName=name, Seq=seq,
                       UUID=str(uuid4()))  # fmt: skip
    db.add(key)
    db.flush()
    return key


def _review_tag(db: Any, models: Any) -> Any:
    """The MyTag "CrateMatch review", made (in its own group) the first time."""
    model = models.DjmdMyTag
    tag = db.query(model).filter_by(Name=REVIEW_TAG, Attribute=0).first()
    if tag is not None:
        return tag
    groups = db.query(model).filter_by(ParentID="root").count()
    group = model.create(ID=str(db.generate_unused_id(model)), Seq=groups + 1, Name=REVIEW_GROUP,
                         Attribute=1, ParentID="root", UUID=str(uuid4()))  # fmt: skip
    db.add(group)
    db.flush()
    tag = model.create(ID=str(db.generate_unused_id(model)), Seq=1, Name=REVIEW_TAG,
                       Attribute=0, ParentID=group.ID, UUID=str(uuid4()))  # fmt: skip
    db.add(tag)
    db.flush()
    return tag


def _set(db: Any, models: Any, content: Any, change: FieldChange) -> None:
    value = change.new
    if change.field == "genre":
        content.GenreID = _named(db, models.DjmdGenre, "add_genre", value).ID
    elif change.field == "label":
        content.LabelID = _named(db, models.DjmdLabel, "add_label", value).ID
    elif change.field == "remixers":
        content.RemixerID = _named(db, models.DjmdArtist, "add_artist", value).ID
    elif change.field == "key":
        content.KeyID = _key(db, models, value).ID
    elif change.field == "comment":
        content.Commnt = value
    elif change.field == "year":
        content.ReleaseYear = int(value)
    elif change.field == "bpm":
        number = bpm_number(value)
        if number is not None:
            content.BPM = round(number * 100)
    elif change.field == "isrc":
        content.ISRC = value
    elif change.field == "mix":
        content.Subtitle = value


def apply_plan(
    path: Path,
    changes: Sequence[tuple[str, Sequence[FieldChange]]],
    playlist: str,
    found: Sequence[str],
    review: Sequence[str],
) -> None:
    """Write into the master.db at `path`: `changes` by content id, a playlist `playlist`
    of the `found` content ids, the review MyTag on the `review` ones; then commit
    (pyrekordbox counts the USNs up and updates masterPlaylists6.xml)."""
    from pyrekordbox.masterdb import models

    check_playlists_xml(path)  # pyrekordbox would stop at it with a traceback's words
    db = _open(path)
    db.playlist_xml = None  # masterPlaylists6.xml is edited on its bytes, below
    created_id, stamp = "", datetime.datetime.now()
    try:
        for cid, field_changes in changes:
            content = db.get_content(ID=cid)
            for change in field_changes:
                _set(db, models, content, change)
        if review:
            tag = _review_tag(db, models)
            now = datetime.datetime.now()
            for number, cid in enumerate(review, start=1):
                db.add(models.DjmdSongMyTag.create(
                    ID=str(uuid4()), MyTagID=tag.ID, ContentID=cid, TrackNo=number,
                    UUID=str(uuid4()), created_at=now, updated_at=now,
                ))  # fmt: skip
        if found:
            created = db.create_playlist(playlist)
            for cid in found:
                db.add_to_playlist(created, cid)
        db.commit()
        if found:
            created_id, stamp = str(created.ID), created.updated_at
    except LibraryWriteError:
        raise
    except Exception as err:  # noqa: BLE001 - the copy is thrown away; the library untouched
        why = f"{type(err).__name__}: {err}"
        raise LibraryWriteError(f"{path.name}: the write failed ({why})") from None
    finally:
        db.close()
        db.engine.dispose()  # the pooled connection too: the last close folds the -wal in
    listed = path.with_name(PLAYLISTS_XML)
    if created_id and listed.is_file():
        listed.write_bytes(playlists_xml_with_node(listed.read_bytes(), created_id, stamp))
