"""Rekordbox 6/7's master.db as a library to write into: read for the plan with the
project's reader (a snapshot, plain SQL), written with pyrekordbox's write API.

Where each write field lives (djmdContent and the tables it points at):

    genre     GenreID -> djmdGenre.Name     (a row added, as pyrekordbox adds one, if new)
    label     LabelID -> djmdLabel.Name
    remixers  RemixerID -> djmdArtist.Name
    key       KeyID -> djmdKey.ScaleName    ("Am", "F#": Rekordbox's own notation)
    comment   Commnt
    year      ReleaseYear

Writing goes through pyrekordbox (`MasterDatabase`, formerly Rekordbox6Database, with
the key for an encrypted database) so every row is made as Rekordbox makes it: new IDs
and UUIDs, the local USN counted up and stamped on the rows changed, masterPlaylists6.xml
kept in step with the new playlist. Review rows get the MyTag "CrateMatch review" (in a
MyTag group "CrateMatch") so the DJ can find them in Rekordbox.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import uuid4

from matcher.playlists.library_errors import LibraryLocked
from matcher.playlists.masterdb import SQLITE_MAGIC, known_key, open_master_db
from matcher.playlists.sources import read_head
from matcher.writeback.errors import LibraryWriteError
from matcher.writeback.libraries.traktor import location_key
from matcher.writeback.policy import FieldChange

__all__ = ["PLAYLISTS_XML", "REKORDBOX_FIELDS", "REVIEW_TAG", "RekordboxLibrary", "apply_plan"]

REKORDBOX_FIELDS = frozenset({"genre", "label", "key", "comment", "year", "remixers"})
REVIEW_GROUP, REVIEW_TAG = "CrateMatch", "CrateMatch review"
PLAYLISTS_XML = "masterPlaylists6.xml"  # kept next to master.db, in step with its playlists

_READ = """
SELECT c.ID, c.FolderPath, g.Name, l.Name, k.ScaleName, c.Commnt, c.ReleaseYear, r.Name
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


class RekordboxLibrary:
    """A master.db read for a plan: its tracks by location, what each says."""

    fields = REKORDBOX_FIELDS
    missing = "not in the Rekordbox library"

    def __init__(self, path: Path) -> None:
        self.entries: dict[str, str] = {}  # location key -> content id
        self._values: dict[str, dict[str, str]] = {}
        with open_master_db(path) as conn:
            for cid, folder, genre, label, key, comment, year, remixer in conn.execute(_READ):
                values = {"genre": genre or "", "label": label or "", "key": key or "",
                          "comment": comment or "", "year": str(year or ""),
                          "remixers": remixer or ""}  # fmt: skip
                if folder:
                    self.entries.setdefault(location_key(folder), str(cid))
                    self._values[str(cid)] = values
            self.playlist_names = {row[0] or "" for row in conn.execute(_PLAYLISTS)}

    def find(self, path: str) -> str | None:
        """The content id of the track at `path`."""
        return self.entries.get(location_key(path))

    def values(self, entry: str) -> dict[str, str]:
        return self._values.get(entry, {})


def _open(path: Path) -> Any:
    """pyrekordbox's database on `path` (its folder holds masterPlaylists6.xml, if any)."""
    logging.getLogger("pyrekordbox").setLevel(logging.ERROR)
    from pyrekordbox.masterdb import MasterDatabase

    plain = read_head(path, 16).startswith(SQLITE_MAGIC)
    key = "" if plain else (known_key() or "")
    if not plain and not key:
        raise LibraryLocked(f"{path.name}: no key to open it (set CRATEMATCH_REKORDBOX_KEY)")
    try:
        return MasterDatabase(path=path, db_dir=path.parent, key=key, unlock=not plain)
    except Exception as err:  # noqa: BLE001 - pyrekordbox raises many kinds
        raise LibraryWriteError(f"{path.name}: pyrekordbox cannot open it ({err})") from None


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

    db = _open(path)
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
    except LibraryWriteError:
        raise
    except Exception as err:  # noqa: BLE001 - the copy is thrown away; the library untouched
        why = f"{type(err).__name__}: {err}"
        raise LibraryWriteError(f"{path.name}: the write failed ({why})") from None
    finally:
        db.close()
        db.engine.dispose()  # the pooled connection too: the last close folds the -wal in
