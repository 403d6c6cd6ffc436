"""Small DJ libraries that hold given audio files, for library write-back through the
engine and the window, built without ../shared: a Rekordbox master.db (Rekordbox 6's
schema, our rows; tests/matcher/playlists/rekordbox_fixtures.py) and a Traktor
collection.nml written as Traktor writes one. Each also holds a track no batch names,
and an older playlist, so a test sees that the rest of the library stays as it was."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import quoteattr

from tests.matcher.playlists.rekordbox_fixtures import Node, Track, master_db

__all__ = ["OTHER", "read_master_db", "rekordbox_library", "sha256", "traktor_collection"]

OTHER = "/elsewhere/Not In Any Batch.mp3"  # a track of the library no batch names


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def rekordbox_library(folder: Path, paths: Sequence[str | Path]) -> Path:
    """master.db in `folder` with a track per path (the first one's genre already
    "Techno"), the OTHER track, and a playlist "Warmup" of the OTHER track."""
    folder.mkdir(parents=True, exist_ok=True)
    tracks = [Track(str(100 + n), f"Track {n}", artist=f"Artist {n}", path=str(p),
                    genre="Techno" if n == 0 else "")
              for n, p in enumerate(paths)]  # fmt: skip
    tracks.append(Track("99", "Other", artist="Someone", path=OTHER, genre="Dub"))
    return master_db(folder / "master.db", tracks, [Node("1", "Warmup", seq=1, tracks=["99"])])


def read_master_db(db: Path) -> tuple[dict[str, dict[str, object]], dict[str, list[str]]]:
    """(fields by FolderPath, playlists: name -> FolderPaths in order), with plain SQL on
    an immutable view (touches neither the file nor a -wal beside it)."""
    uri = f"file:{db}?mode=ro&immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        fields = {
            row[0]: {
                "genre": row[1],
                "label": row[2],
                "key": row[3],
                "year": row[4],
                "comment": row[5],
                "remixer": row[6],
            }  # fmt: skip
            for row in conn.execute(
                "SELECT c.FolderPath, g.Name, l.Name, k.ScaleName, c.ReleaseYear, c.Commnt, "
                "r.Name FROM djmdContent c LEFT JOIN djmdGenre g ON g.ID = c.GenreID "
                "LEFT JOIN djmdLabel l ON l.ID = c.LabelID LEFT JOIN djmdKey k ON k.ID = c.KeyID "
                "LEFT JOIN djmdArtist r ON r.ID = c.RemixerID"
            )
        }
        playlists: dict[str, list[str]] = {}
        for name, path in conn.execute(
            "SELECT p.Name, c.FolderPath FROM djmdPlaylist p JOIN djmdSongPlaylist s "
            "ON s.PlaylistID = p.ID JOIN djmdContent c ON c.ID = s.ContentID "
            "WHERE COALESCE(p.rb_local_deleted, 0) = 0 ORDER BY p.ID, s.TrackNo"
        ):
            playlists.setdefault(name, []).append(path)
    return fields, playlists


def _entry(path: str, n: int, genre: str = "") -> str:
    pure = PurePosixPath(path)
    directory = "".join(f"/:{part}" for part in pure.parent.parts[1:]) + "/:"
    return (
        f'<ENTRY MODIFIED_DATE="2024/1/1" MODIFIED_TIME="3600" TITLE="Track {n}" '
        f'ARTIST="Artist {n}"><LOCATION DIR={quoteattr(directory)} FILE={quoteattr(pure.name)} '
        f'VOLUME="" VOLUMEID=""></LOCATION>\r\n'
        f'<INFO BITRATE="320000" GENRE={quoteattr(genre)} PLAYTIME="300"></INFO>\r\n'
        f'<TEMPO BPM="124.000000" BPM_QUALITY="100.000000"></TEMPO>\r\n</ENTRY>\r\n'
    )


def traktor_collection(folder: Path, paths: Sequence[str | Path]) -> Path:
    """collection.nml in `folder` (CRLF, as Traktor on Windows writes it) with an ENTRY
    per path, the OTHER one, and a playlist "Warmup" of the OTHER track."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = [_entry(str(p), n) for n, p in enumerate(paths)] + [_entry(OTHER, 99, "Dub")]
    other = PurePosixPath(OTHER)
    other_key = "".join(f"/:{part}" for part in other.parent.parts[1:]) + "/:" + other.name
    text = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\r\n'
        '<NML VERSION="19"><HEAD COMPANY="www.native-instruments.com" PROGRAM="Traktor">'
        "</HEAD>\r\n<MUSICFOLDERS></MUSICFOLDERS>\r\n"
        f'<COLLECTION ENTRIES="{len(entries)}">' + "".join(entries) + "</COLLECTION>\r\n"
        '<SETS ENTRIES="0"></SETS>\r\n<PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT">'
        '<SUBNODES COUNT="1"><NODE TYPE="PLAYLIST" NAME="Warmup"><PLAYLIST ENTRIES="1" '
        'TYPE="LIST" UUID="0123456789abcdef0123456789abcdef"><ENTRY><PRIMARYKEY TYPE="TRACK" '
        f"KEY={quoteattr(other_key)}></PRIMARYKEY>\r\n</ENTRY>\r\n</PLAYLIST>\r\n</NODE>\r\n"
        "</SUBNODES>\r\n</NODE>\r\n</PLAYLISTS>\r\n</NML>\r\n"
    )
    library = folder / "collection.nml"
    library.write_bytes(text.encode("utf-8"))
    return library
