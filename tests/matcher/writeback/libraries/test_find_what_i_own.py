""" "Find what I own" ending as a playlist in the DJ's app, through the real command line:
a streaming CSV (no files) matched against a catalog made from a master.db, then
`cratematch write --to rekordbox` into that master.db: the new playlist holds the owned
tracks in the CSV's order (read back with pyrekordbox), and `undo` restores the file.

The master.db is built here (tests/matcher/playlists/rekordbox_fixtures), on Rekordbox's
schema from ../shared when present and from pyrekordbox's models when not.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from matcher.catalog.collection import track_from_entry
from matcher.engine.journal import Journal
from matcher.model import (
    Candidate,
    CatalogTrack,
    MatchResult,
    MatchStatus,
    PlaylistEntry,
)
from matcher.playlists import iter_collection, nml
from matcher.writeback import WriteJournal
from matcher.writeback.libraries import plan_write, write_plan
from matcher.writeback.targets import WriteOptions
from tests.matcher.playlists import rekordbox_fixtures
from tests.matcher.playlists.rekordbox_fixtures import Track, master_db
from tests.matcher.writeback.batches import Batches
from tests.matcher.writeback.libraries.rekordbox_setup import with_update_count

ROOT = Path(__file__).resolve().parents[4]
OWNED = (
    Track("501", "Copper Lanes", "Vesna Holt", mix="Original Mix", label="Tidewater Audio",
          genre="Deep House", key="Am", bpm=122, length=412, year=2021,
          path="/Users/mara/Music/Beatport/Vesna Holt - Copper Lanes.mp3"),
    Track("502", "Moss Engine", "Ilya Strand", mix="Original Mix", label="Kettle Tone",
          genre="House", key="C", bpm=126, length=360, year=2021,
          path="/Users/mara/Music/Beatport/Ilya Strand - Moss Engine.mp3"),
    Track("503", "Harbor Lights", "Bexley Crane", label="Lanternfish Audio",
          genre="Tech House", key="F#m", bpm=128, length=380, year=2021,
          path="/Users/mara/Music/Promos/Harbor Lights.mp3"),
)  # fmt: skip
EXPORTIFY = """\
"Track URI","Track Name","Artist URI(s)","Artist Name(s)","Album Name","Album Release Date","Track Duration (ms)","Explicit","Popularity","ISRC","Label"
"spotify:track:7dN2yKp4cVx1rLb8mE0tQa","Moss Engine - Original Mix","spotify:artist:0pL5sWq2nXe8bTr3kJ9mZa","Ilya Strand","Moss Engine","2021-09-03","360012","false","17","","Kettle Tone"
"spotify:track:1aB2cD3eF4gH5iJ6kL7mNo","Nothing Like It Here","spotify:artist:9zY8xW7vU6tS5rQ4pO3nMl","Orla Quist","Far","2020-01-01","301000","false","5","",""
"spotify:track:4qG0xWm1bTz8sKqRv2nL5c","Copper Lanes - Original Mix","spotify:artist:1hQ3pXk0aZt7fUe9sW2mVr","Vesna Holt","Copper Lanes EP","2021-05-14","412307","false","23","","Tidewater Audio"
"""  # noqa: E501 - Exportify writes one long header


def cratematch(home: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CRATEMATCH_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "matcher", *map(str, args)], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def playlist_paths(db: Path, name: str) -> list[str]:
    from pyrekordbox.masterdb import MasterDatabase

    logging.getLogger("pyrekordbox").setLevel(logging.ERROR)
    rb = MasterDatabase(path=db, db_dir=db.parent, unlock=False)
    try:
        (playlist,) = rb.get_playlist(Name=name).all()
        return [s.Content.FolderPath for s in sorted(playlist.Songs, key=lambda s: s.TrackNo)]
    finally:
        rb.close()


@pytest.mark.parametrize("schema", ["shared", "pyrekordbox"])
def test_a_streaming_csv_becomes_a_rekordbox_playlist_of_what_i_own(
    schema: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if schema == "shared" and not (rekordbox_fixtures.SHARED_DB / "master_unlocked.db").is_file():
        pytest.skip("../shared is not present")
    if schema == "pyrekordbox":  # what CI builds: no ../shared
        monkeypatch.setattr(rekordbox_fixtures, "SHARED_DB", tmp_path / "absent")
    (tmp_path / "rekordbox").mkdir()
    db = with_update_count(master_db(tmp_path / "rekordbox" / "master.db", OWNED))
    original = db.read_bytes()
    home, out = tmp_path / "home", tmp_path / "out"
    playlist = tmp_path / "Spotify Finds.csv"
    playlist.write_text(EXPORTIFY, encoding="utf-8")

    # the catalog is a copy made from the library (as the window's "import my library")
    copy = tmp_path / "catalog-source" / "master.db"
    copy.parent.mkdir()
    copy.write_bytes(original)
    catalog = tmp_path / "owned.sqlite"
    made = cratematch(home, "catalog", "import", copy, "--catalog", catalog)
    assert made.returncode == 0, made.stderr
    matched = cratematch(home, "match", playlist, "--catalog", catalog, "--out", out, "--quiet")
    assert matched.returncode == 0, matched.stderr

    written = cratematch(home, "write", out, "--to", "rekordbox", "--library", db, "--yes")
    assert written.returncode == 0, written.stderr + written.stdout
    assert "new playlist 'CrateMatch Spotify Finds' of 2 tracks" in written.stdout
    assert "no local file" not in written.stdout  # the owned rows were not left out
    assert playlist_paths(db, "CrateMatch Spotify Finds") == [OWNED[1].path, OWNED[0].path]

    write_id = written.stdout.rsplit("cratematch undo ", 1)[1].split()[0]
    undone = cratematch(home, "undo", write_id)
    assert undone.returncode == 0, undone.stderr
    assert db.read_bytes() == original


def test_a_library_moved_since_the_catalog_is_found_by_content_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The catalog says /Users/mara/...; the library now says D:/... (moved to another
    drive): the rbdb:<content id> finds the track when the file name agrees."""
    from matcher.writeback.libraries.rekordbox import RekordboxLibrary

    monkeypatch.setattr(rekordbox_fixtures, "SHARED_DB", tmp_path / "absent")
    moved = [Track(t.id, t.title, t.artist, path="D:/Music/" + t.path.rsplit("/", 1)[1])
             for t in OWNED]  # fmt: skip
    library = RekordboxLibrary(with_update_count(master_db(tmp_path / "master.db", moved)))
    assert library.find(OWNED[0].path) is None
    assert library.find_catalog_id("rbdb:501", OWNED[0].path) == "501"
    assert library.find_catalog_id("rbdb:501", OWNED[1].path) is None  # another file's name
    assert library.find_catalog_id("rbdb:999", OWNED[0].path) is None  # not in this library
    assert library.find_catalog_id("nml:501", OWNED[0].path) is None  # not a master.db id


NML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n<NML VERSION="19">'
    b'<HEAD COMPANY="www.native-instruments.com" PROGRAM="Traktor"></HEAD>\n'
    b'<COLLECTION ENTRIES="2"><ENTRY TITLE="Copper Lanes" ARTIST="Vesna Holt">'
    b'<LOCATION DIR="/:Music/:" FILE="copper.mp3" VOLUME="Macintosh HD"></LOCATION>\n</ENTRY>\n'
    b'<ENTRY TITLE="Moss Engine" ARTIST="Ilya Strand">'
    b'<LOCATION DIR="/:Music/:" FILE="moss.mp3" VOLUME="Macintosh HD"></LOCATION>\n</ENTRY>\n'
    b"</COLLECTION>\n</NML>\n"
)


def test_owned_rows_without_files_fill_a_traktor_playlist(
    tmp_path: Path, batch_journal: Journal, writes: WriteJournal
) -> None:
    """Rows from a streaming CSV (no location) whose catalog track came from the NML
    collection: the playlist names the collection's entries; a catalog track without a
    file (another catalog) is still left out as "no local file"."""
    library = tmp_path / "collection.nml"
    library.write_bytes(NML)
    owned = [track_from_entry(e, "nml") for e in iter_collection(library)]
    assert all(t is not None and t.location for t in owned)

    def row(index: int, found: CatalogTrack) -> MatchResult:
        entry = PlaylistEntry("Finds.csv", "Finds", index, title=found.title,
                              location="spotify:track:x" if index else "")  # fmt: skip
        best = Candidate(found, 0.95, {"title": 1.0})
        return MatchResult(entry, MatchStatus.MATCHED, 0.95, "local", "", best, (best,))

    other = CatalogTrack("bp:1", "Not Mine")  # a catalog without files (Beatport, a CSV)
    rows = [row(0, owned[1]), row(1, owned[0]), row(2, other)]  # type: ignore[arg-type]
    out = Batches(tmp_path, batch_journal).add({"Finds": rows})
    options = WriteOptions(target="traktor")
    plan = plan_write("traktor", library, batch_journal, [out], options)
    assert plan.skipped == {"no local file": 1}
    write_plan(plan, options, writes)
    tree = nml.scan(library)
    (playlist,) = nml.load(library, tree, ["CrateMatch Finds"])
    assert [e.title for e in playlist.entries] == ["Moss Engine", "Copper Lanes"]
