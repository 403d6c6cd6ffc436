"""Small DJ libraries for the window's tests: a Rekordbox master.db (the real schema, our
rows), a USB stick with PIONEER/rekordbox/export.pdb (written by pdb_builder) and a drive
with Serato crates (written the way Serato writes them)."""

from __future__ import annotations

from pathlib import Path

from tests.matcher.playlists import pdb_builder as pdb
from tests.matcher.playlists.rekordbox_fixtures import Node, Track, master_db
from tests.matcher.playlists.serato_builder import crate

__all__ = ["rekordbox_folder", "serato_drive", "usb_stick"]


def serato_drive(root: Path) -> Path:
    """`root` with _Serato_/Subcrates: crates "House" (1 track) and "House/Deep" (2)."""
    subcrates = root / "_Serato_" / "Subcrates"
    subcrates.mkdir(parents=True)
    crate(subcrates / "House.crate", ["Music/Kerri Chandler - Rain.mp3"])
    crate(subcrates / "House%%Deep.crate", ["Music/Âme - Rej.mp3", "Music/Dixon - Kind.mp3"])
    return root


def usb_stick(root: Path) -> Path:
    """A stick's root holding PIONEER/rekordbox/export.pdb: playlists "Early" (1 track)
    and "Sets/Late" (2)."""
    tracks = [pdb.UsbTrack(id=n, title=f"Track {n}", path=f"/Contents/A/{n}.mp3", artist=1)
              for n in (1, 2, 3)]  # fmt: skip
    tables = [
        pdb.Table(pdb.TRACKS, [pdb.track_row(t) for t in tracks]),
        pdb.Table(pdb.ARTISTS, [pdb.artist_row(1, "Dixon")]),
        pdb.Table(pdb.TREE, [pdb.tree_row(10, "Sets", order=1, folder=True),
                             pdb.tree_row(11, "Late", parent=10, order=0),
                             pdb.tree_row(12, "Early", order=0)]),
        pdb.Table(pdb.ENTRIES, [pdb.entry_row(1, 1, 11), pdb.entry_row(2, 2, 11),
                                pdb.entry_row(1, 3, 12)]),
    ]  # fmt: skip
    export = root / "PIONEER" / "rekordbox" / "export.pdb"
    export.parent.mkdir(parents=True)
    export.write_bytes(pdb.build(tables))
    return root


def rekordbox_folder(folder: Path) -> Path:
    """A Rekordbox folder: master.db (playlists "Warmup" with 1 track, "House/Deep" with
    2) next to a backup copy that is not to be read."""
    folder.mkdir(parents=True, exist_ok=True)
    tracks = [Track("11", "Rain", artist="Kerri Chandler"), Track("12", "Rej", artist="Âme"),
              Track("13", "Kind", artist="Dixon")]  # fmt: skip
    nodes = [Node("1", "House", attribute=1, seq=2), Node("2", "Deep", parent="1", seq=1,
             tracks=["12", "13"]), Node("3", "Warmup", seq=1, tracks=["11"])]  # fmt: skip
    master_db(folder / "master.db", tracks, nodes)
    (folder / "master.backup.db").write_bytes((folder / "master.db").read_bytes())
    return folder
