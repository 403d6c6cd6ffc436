"""Issue 14's "Find what I own" cases, end to end, as a new user met them on real exports.

Each test writes its own small, invented but real-looking files into tmp_path (a DJ's
collection imported as the catalog, a playlist from a streaming service or from Traktor)
and runs the real command line in a subprocess: a real SQLite catalog, real worker
processes, the real outputs. The assertions are what the user needs to see, not how the
matcher gets there.

The last test reads a real Traktor collection from ../shared/realfiles and skips when it
is absent.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import quoteattr

import pytest

from matcher.catalog.importers import read_catalog_source
from matcher.matching.presets import get_preset

THRESHOLD = get_preset("balanced").match_threshold
ERICANASTAS = "realfiles/nml__ericanastas_traktor-tagger__collection.nml"

# -- running the command line ------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    out: Path

    def folder(self, playlist_stem: str) -> Path:
        (folder,) = (p for p in self.out.iterdir() if p.is_dir() and playlist_stem in p.name)
        return folder

    def rows(self, playlist_stem: str) -> list[dict[str, str]]:
        return read_rows(self.folder(playlist_stem) / "matches.csv")

    def seen_by_user(self, playlist_stem: str) -> str:
        """What the user can read about each decision: matches, review and candidates."""
        folder = self.folder(playlist_stem)
        names = ("matches.csv", "review.csv", "candidates.csv")
        return "\n".join((folder / n).read_text(encoding="utf-8") for n in names)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def run_match(home: Path, out: Path, catalog: Path, *inputs: Path, args: Sequence[str] = ()) -> Run:
    env = {**os.environ, "CRATEMATCH_HOME": str(home)}
    choice = [] if "--playlist" in args else ["--all-playlists"]
    cmd = [
        sys.executable, "-m", "matcher", "match", *map(str, inputs), *choice,
        "--catalog", str(catalog), "--out", str(out), "--quiet", *args,
    ]  # fmt: skip
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return Run(out)


def catalog_ids_by_location(catalog: Path) -> dict[str, str]:
    """The catalog id each collection file becomes, as the importer reads it."""
    return {t.location: t.catalog_id for t in read_catalog_source(catalog)}


# -- writing small collections and playlists ---------------------------------------------


@dataclass(frozen=True)
class Track:
    artist: str
    title: str
    location: str  # a local path: /Users/... or E:/...
    mix: str = ""
    album: str = ""
    genre: str = ""
    label: str = ""
    year: str = ""
    seconds: int = 0
    bpm: float = 0.0
    key: str = ""  # Camelot in Rekordbox, Open Key index in Traktor
    kilobytes: int = 61987  # the file's size, as Traktor records it


def rekordbox_xml(tracks: Sequence[Track], playlist: str = "") -> str:
    """A Rekordbox collection export of `tracks` (TrackIDs 1001, 1002, ...), with a
    playlist of all of them when `playlist` names one."""
    rows = []
    for i, t in enumerate(tracks, start=1):
        url = "file://localhost" + quote(
            t.location if t.location.startswith("/") else "/" + t.location
        )
        rows.append(
            f'    <TRACK TrackID="{1000 + i}" Name={quoteattr(t.title)}'
            f" Artist={quoteattr(t.artist)}"
            f' Album={quoteattr(t.album)} Genre={quoteattr(t.genre)} Kind="MP3 File"'
            f' TotalTime="{t.seconds}" Year="{t.year}" AverageBpm="{t.bpm:.2f}"'
            f' DateAdded="2023-03-14" BitRate="320" SampleRate="44100" Comments=""'
            f' Rating="0" Location={quoteattr(url)} Remixer="" Tonality={quoteattr(t.key)}'
            f" Label={quoteattr(t.label)} Mix={quoteattr(t.mix)}"
            f' Size="{t.kilobytes * 1024 + 300}">\n'
            f'      <TEMPO Inizio="0.102" Bpm="{t.bpm:.2f}" Metro="4/4" Battito="1"/>\n'
            f"    </TRACK>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<DJ_PLAYLISTS Version="1.0.0">\n'
        '  <PRODUCT Name="rekordbox" Version="6.7.7" Company="AlphaTheta"/>\n'
        f'  <COLLECTION Entries="{len(tracks)}">\n'
        + "\n".join(rows)
        + "\n  </COLLECTION>\n"
        + _rekordbox_playlists(len(tracks), playlist)
        + "</DJ_PLAYLISTS>\n"
    )


def _rekordbox_playlists(count: int, name: str) -> str:
    if not name:
        return '  <PLAYLISTS>\n    <NODE Type="0" Name="ROOT" Count="0"/>\n  </PLAYLISTS>\n'
    keys = "".join(f'      <TRACK Key="{1000 + i}"/>\n' for i in range(1, count + 1))
    return (
        '  <PLAYLISTS>\n    <NODE Type="0" Name="ROOT" Count="1">\n'
        f'     <NODE Name={quoteattr(name)} Type="1" KeyType="0" Entries="{count}">\n'
        f"{keys}     </NODE>\n    </NODE>\n  </PLAYLISTS>\n"
    )


def _nml_location(path: str) -> tuple[str, str, str]:
    """(VOLUME, DIR, FILE) as Traktor writes them: E:/Beatport/x.wav on Windows,
    /Users/... on a Mac's start-up disk."""
    folder, _, file = path.rpartition("/")
    if re.match(r"^[A-Za-z]:", folder):
        volume, folder = folder[:2], folder[2:]
    else:
        volume = "Macintosh HD"
    return volume, "/:".join(folder.split("/")) + "/:", file


def traktor_nml(tracks: Sequence[Track], playlists: dict[str, Sequence[int]] | None = None) -> str:
    """A Traktor NML of `tracks`, with playlists of them by position."""
    playlists = playlists or {}
    entries = []
    for t in tracks:
        volume, folder, file = _nml_location(t.location)
        artist = f" ARTIST={quoteattr(t.artist)}" if t.artist else ""
        key = f'<MUSICAL_KEY VALUE="{t.key}"></MUSICAL_KEY>\n' if t.key else ""
        released = f' RELEASE_DATE="{t.year}/1/1"' if t.year else ""
        entries.append(
            f'<ENTRY MODIFIED_DATE="2023/5/2" MODIFIED_TIME="31408" TITLE={quoteattr(t.title)}'
            f"{artist}><LOCATION DIR={quoteattr(folder)} FILE={quoteattr(file)}"
            f' VOLUME={quoteattr(volume)} VOLUMEID="5a1e0c2b"></LOCATION>\n'
            f"<ALBUM TITLE={quoteattr(t.album)}></ALBUM>\n"
            f'<INFO BITRATE="1411200" GENRE={quoteattr(t.genre)} LABEL={quoteattr(t.label)}'
            f' PLAYTIME="{t.seconds}" PLAYTIME_FLOAT="{t.seconds}.216" IMPORT_DATE="2023/4/21"'
            f'{released} FLAGS="12" FILESIZE="{t.kilobytes}"></INFO>\n'
            f'<TEMPO BPM="{t.bpm:g}" BPM_QUALITY="100"></TEMPO>\n{key}</ENTRY>'
        )
    nodes = []
    for name, ids in playlists.items():
        keys = "".join(
            f'<ENTRY><PRIMARYKEY TYPE="TRACK" KEY={quoteattr("".join(_nml_location(where)))}>'
            "</PRIMARYKEY>\n</ENTRY>\n"
            for where in (tracks[i].location for i in ids)
        )
        nodes.append(
            f'<NODE TYPE="PLAYLIST" NAME={quoteattr(name)}><PLAYLIST ENTRIES="{len(ids)}"'
            f' TYPE="LIST" UUID="6b0e3f6e2c1d4c1f9d0a1b2c3d4e5f60">{keys}</PLAYLIST>\n</NODE>\n'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
        '<NML VERSION="19"><HEAD COMPANY="www.native-instruments.com" PROGRAM="Traktor"></HEAD>\n'
        f'<MUSICFOLDERS></MUSICFOLDERS>\n<COLLECTION ENTRIES="{len(tracks)}">'
        + "\n".join(entries)
        + '\n</COLLECTION>\n<SETS ENTRIES="0"></SETS>\n<PLAYLISTS><NODE TYPE="FOLDER"'
        f' NAME="$ROOT"><SUBNODES COUNT="{len(playlists)}">'
        + "".join(nodes)
        + "</SUBNODES></NODE></PLAYLISTS>\n</NML>\n"
    )


CATALOG_HEADER = (
    "catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,"
    "duration_s,isrc\n"
)


def catalog_csv(rows: Sequence[Sequence[str]]) -> str:
    """Catalog CSV (DESIGN.md) of rows that may stop short of the last columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(list(row) + [""] * (13 - len(row)) for row in rows)
    return CATALOG_HEADER + buffer.getvalue()


def rows_except(catalog: str, catalog_id: str) -> str:
    """The catalog CSV without one row."""
    lines = catalog.splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith(catalog_id + ","))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- 1. duplicates: one track, several files with identical tags ------------------------

COPPER_FILES = (
    "/Users/mara/Music/Beatport/2021-05/Vesna Holt - Copper Lanes (Original Mix).mp3",
    "/Volumes/MARA USB/Contents/Vesna Holt/Copper Lanes EP/01 Copper Lanes.mp3",
    "/Users/mara/Music/Backup 2020/copper_lanes_vesna_holt.aiff",
)


def copper(location: str) -> Track:
    """One copy of the track: every copy has the same tags."""
    return Track(
        "Vesna Holt", "Copper Lanes", location, mix="Original Mix", album="Copper Lanes EP",
        genre="Melodic House & Techno", label="Tidewater Audio", year="2021", seconds=412,
        bpm=122.0, key="3A",
    )  # fmt: skip


BEATPORT = "/Users/mara/Music/Beatport"
OTHERS = (
    Track("Ilya Strand", "Moss Engine", f"{BEATPORT}/2021-05/Ilya Strand - Moss Engine.mp3",
          "Original Mix", "Moss Engine", "House", "Kettle Tone", "2021", 360, 126.0, "8B"),
    Track("Pella Ruiz, Nimo Fell", "Glass Orchard", f"{BEATPORT}/2022-02/Glass Orchard.mp3",
          "Nimo Fell Remix", "Glass Orchard Remixes", "Melodic House & Techno",
          "Orchard Tone", "2022", 431, 122.0, "7A"),
    Track("Bexley Crane", "Harbor Lights", "/Users/mara/Music/Promos/Harbor Lights.mp3", "",
          "Harbor Lights", "Tech House", "Lanternfish Audio", "2021", 380, 128.0, "2B"),
)  # fmt: skip
SPOTIFY_FINDS = """\
"Track URI","Track Name","Artist URI(s)","Artist Name(s)","Album Name","Album Release Date","Track Duration (ms)","Explicit","Popularity","ISRC","Label"
"spotify:track:4qG0xWm1bTz8sKqRv2nL5c","Copper Lanes - Original Mix","spotify:artist:1hQ3pXk0aZt7fUe9sW2mVr","Vesna Holt","Copper Lanes EP","2021-05-14","412307","false","23","","Tidewater Audio"
"spotify:track:7dN2yKp4cVx1rLb8mE0tQa","Moss Engine - Original Mix","spotify:artist:0pL5sWq2nXe8bTr3kJ9mZa","Ilya Strand","Moss Engine","2021-09-03","360012","false","17","","Kettle Tone"
"""  # noqa: E501 - Exportify writes one long header


def _duplicates(tmp_path: Path, fmt: str, copies: int) -> tuple[Path, Path, list[str]]:
    tracks = [copper(p) for p in COPPER_FILES[:copies]] + list(OTHERS)
    if fmt == "rekordbox":
        catalog = write(tmp_path / "rekordbox.xml", rekordbox_xml(tracks))
    else:
        catalog = write(tmp_path / "collection.nml", traktor_nml(tracks))
    playlist = write(tmp_path / "Spotify Finds.csv", SPOTIFY_FINDS)
    return catalog, playlist, list(COPPER_FILES[:copies])


def _shown(location: str, text: str) -> bool:
    """A file's location appears in the text, as a path or as a file URL."""
    return location in text or quote(location) in text


@pytest.mark.parametrize(
    ("fmt", "copies"),
    [
        pytest.param("rekordbox", 1, id="rekordbox-one-copy"),
        pytest.param("rekordbox", 2, id="rekordbox-two-copies"),
        pytest.param("rekordbox", 3, id="rekordbox-three-copies"),
        pytest.param("nml", 1, id="traktor-one-copy"),
        pytest.param("nml", 2, id="traktor-two-copies"),
        pytest.param("nml", 3, id="traktor-three-copies"),
    ],
)
def test_a_track_owned_in_several_copies_is_found_with_every_copy_shown(
    tmp_path: Path, cratematch_home: Path, fmt: str, copies: int
) -> None:
    catalog, playlist, files = _duplicates(tmp_path, fmt, copies)
    run = run_match(cratematch_home, tmp_path / "out", catalog, playlist)
    ids = catalog_ids_by_location(catalog)
    copper = run.rows("Spotify Finds")[0]
    assert copper["status"] == "matched", copper["reason"]
    assert float(copper["confidence"]) >= THRESHOLD
    assert copper["catalog_id"] in {ids[f] for f in files}
    missing = read_rows(run.folder("Spotify Finds") / "missing.csv")
    assert "0" not in {r["entry_index"] for r in missing}
    chosen = next(f for f in files if ids[f] == copper["catalog_id"])
    seen = run.seen_by_user("Spotify Finds")
    for other in files:
        if other != chosen:
            assert _shown(other, seen), f"{other} is not shown to the user"


# -- 2. the same file: a Traktor playlist entry whose location is a catalog row's --------

# The collection still holds an untagged download, named the Beatport way; the user's
# playlist (a Traktor export) holds the same file, either as it is or tagged since.
TIDAL = "Marlo Venn_Tidal Glass_Ostra Kell Remix Extended Club Version"
TIDAL_FILE = f"E:/Beatport/{TIDAL}.wav"
TIDAL_UNTAGGED = Track("", TIDAL, TIDAL_FILE, genre="Deep House", seconds=361, bpm=118.0)
TIDAL_TAGGED = Track(
    "Marlo Venn", "Tidal Glass (Ostra Kell Remix)", TIDAL_FILE, album="Tidal Glass Remixes",
    genre="Deep House", seconds=361, bpm=118.0,
)  # fmt: skip
TRAKTOR_COLLECTION = (
    TIDAL_UNTAGGED,
    Track("", "Marlo Venn_Tidal Glass_Original Mix",
          "E:/Beatport/Marlo Venn_Tidal Glass_Original Mix.wav",
          genre="Deep House", seconds=402, bpm=118.0),
    Track("Aaren Dusk", "Plasma Walk", "E:/Beatport/Aaren Dusk - Plasma Walk - Creamline.wav",
          album="Plasma Walk", genre="House", seconds=375, bpm=130.0),
    Track("", "Jonna Reef_Salt Flats_Original Mix",
          "E:/Beatport/Jonna Reef_Salt Flats_Original Mix.wav",
          genre="Tech House", seconds=428, bpm=126.0),
)  # fmt: skip


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(TIDAL_UNTAGGED, id="same-tags"),
        pytest.param(TIDAL_TAGGED, id="tagged-since"),
    ],
)  # fmt: skip
def test_a_playlist_entry_that_is_a_catalog_file_is_matched_to_it(
    tmp_path: Path, cratematch_home: Path, entry: Track
) -> None:
    catalog = write(tmp_path / "collection.nml", traktor_nml(TRAKTOR_COLLECTION))
    export = [entry, TRAKTOR_COLLECTION[2]]
    playlist = write(tmp_path / "Friday.nml", traktor_nml(export, {"Friday": [0, 1]}))
    run = run_match(cratematch_home, tmp_path / "out", catalog, playlist)
    ids = catalog_ids_by_location(catalog)
    tidal, plasma = run.rows("Friday")
    assert (tidal["status"], tidal["catalog_id"]) == ("matched", ids[TIDAL_FILE]), tidal["reason"]
    assert float(tidal["confidence"]) >= THRESHOLD
    plasma_id = ids[TRAKTOR_COLLECTION[2].location]
    assert (plasma["status"], plasma["catalog_id"]) == ("matched", plasma_id)


def test_a_file_of_a_library_that_moved_drives_is_matched_by_name_and_size(
    tmp_path: Path, cratematch_home: Path
) -> None:
    """The collection on the laptop (Traktor, E:/...), the playlist exported from the
    club's Rekordbox reading the same files off a USB stick: other paths, the file's
    name and size the same, and the tags of an untagged download."""
    catalog = write(
        tmp_path / "collection.nml",
        traktor_nml([replace(t, kilobytes=40_000 + i) for i, t in enumerate(TRAKTOR_COLLECTION)]),
    )
    moved = [
        replace(
            t,
            location="/Volumes/DJ STICK/Music/" + t.location.rsplit("/", 1)[-1],
            kilobytes=40_000 + i,
            artist="",
            title=t.location.rsplit("/", 1)[-1][:-4],
        )
        for i, t in enumerate(TRAKTOR_COLLECTION)
    ]
    playlist = write(tmp_path / "club.xml", rekordbox_xml(moved, "club"))
    run = run_match(cratematch_home, tmp_path / "out", catalog, playlist)
    ids = catalog_ids_by_location(catalog)
    rows = run.rows("club")
    assert [(r["status"], r["catalog_id"], r["reason"]) for r in rows] == [
        ("matched", ids[t.location], "the same file as the catalog row") for t in TRAKTOR_COLLECTION
    ]


# -- 3. an entry with no artist tag: the folder names it, the title alone does not -------

# A Mixxx-style M3U: bare #EXTINF markers, so all there is, is the path.
SIMPLE_MINDS_M3U = """\
#EXTINF
/home/ines/Music/cds/Simple Minds/Celebrate - The Greatest Hits/2-11 All the Things She Said.m4a
#EXTINF
/home/ines/Music/cds/Simple Minds/Celebrate - The Greatest Hits/1-04 Promised You a Miracle.m4a
"""
THINGS_SHE_SAID = """\
catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,duration_s,isrc
5100001,All the Things She Said,,t.A.T.u.,,Interscope,200 km/h in the Wrong Lane,2002,90,F Minor,Pop,214,
5100002,All the Things She Said,,Simple Minds,,Virgin,Once Upon a Time,1986,118,D Major,Rock,257,
5100003,Promised You a Miracle,,Simple Minds,,Virgin,New Gold Dream (81-82-83-84),1982,116,A Minor,New Wave,258,
5100004,Don't You (Forget About Me),,Simple Minds,,Virgin,The Breakfast Club,1985,111,E Major,Rock,263,
5100005,All the Small Things,,blink-182,,MCA,Enema of the State,1999,148,C Major,Rock,168,
"""  # noqa: E501 - catalog rows read best unwrapped
TATU, SIMPLE_MINDS = "5100001", "5100002"


def _title_only(tmp_path: Path, cratematch_home: Path, rows: str) -> dict[str, str]:
    catalog = write(tmp_path / "catalog.csv", rows)
    playlist = write(tmp_path / "road trip.m3u", SIMPLE_MINDS_M3U)
    return run_match(cratematch_home, tmp_path / "out", catalog, playlist).rows("road trip")[0]


def test_artist_folder_picks_the_right_artist_for_an_untagged_entry(
    tmp_path: Path, cratematch_home: Path
) -> None:
    row = _title_only(tmp_path, cratematch_home, THINGS_SHE_SAID)
    assert (row["status"], row["catalog_id"]) == ("matched", SIMPLE_MINDS), row["reason"]


def test_a_title_alone_is_not_a_match_when_the_artist_is_unknown(
    tmp_path: Path, cratematch_home: Path
) -> None:
    row = _title_only(tmp_path, cratematch_home, rows_except(THINGS_SHE_SAID, SIMPLE_MINDS))
    assert row["status"] != "matched", (row["catalog_id"], row["confidence"], row["reason"])


# -- 4. channel names as artists ---------------------------------------------------------

# A YouTube playlist export (preamble, then Video ID / Title / Channel) and a YouTube Music
# export through TuneMyMusic: the channel stands where the artist should be.
YOUTUBE_EXPORT = """\
"Playlist URL","https://www.youtube.com/playlist?list=PLq3RmW8cQ0kx7YtNa2dE5uB"
"Playlist title","pregame"
"Playlist author","jonas.k"
"Videos","3"

"Video ID","Title","Channel","Added At","Published At","Thumbnail URL"
"Xk3mQ8r2LpA","Feel So Close (Official Video)","CalvinHarrisVEVO","2024-06-01","2011-09-12","https://i.ytimg.com/vi/Xk3mQ8r2LpA/hqdefault.jpg"
"Pq7nW1s5ZtB","Blame (Official Video) ft. John Newman","CalvinHarrisVEVO","2024-06-01","2014-09-05","https://i.ytimg.com/vi/Pq7nW1s5ZtB/hqdefault.jpg"
"Lm2vB9c4RtQ","How Deep Is Your Love","CalvinHarrisVEVO","2024-06-02","2015-07-17","https://i.ytimg.com/vi/Lm2vB9c4RtQ/hqdefault.jpg"
"""  # noqa: E501
YOUTUBE_MUSIC_CSV = """\
Track name,Artist name,Album,Playlist name,Type,ISRC
Summer,Calvin Harris - Topic,Motion,summer mix,Playlist,
Slide,Calvin Harris - Topic,Funk Wav Bounces Vol. 1,summer mix,Playlist,
"""
CALVIN = """\
catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,duration_s,isrc
6200001,Summer,,Calvin Harris,,Columbia,Motion,2014,128,F# Minor,Dance,223,
6200002,Feel So Close,,Calvin Harris,,Columbia,18 Months,2011,128,G Major,Dance,206,
6200003,Blame,,"Calvin Harris, John Newman",,Columbia,Motion,2014,128,C# Minor,Dance,214,
6200004,Slide,,"Calvin Harris, Frank Ocean, Migos",,Columbia,Funk Wav Bounces Vol. 1,2017,104,A Major,Pop,230,
6200005,How Deep Is Your Love,,"Calvin Harris, Disciples",,Columbia,How Deep Is Your Love,2015,122,D Minor,Dance,212,
6200011,Summer,,Marshmello,,Joytime Collective,Summer,2015,128,A Minor,Dance,193,
6200012,Feel So Close,,Nathan Dawe,,Atlantic,Feel So Close,2022,124,E Minor,Dance,175,
6200013,Blame,,Bastille,,Virgin,Wild World,2016,110,B Minor,Pop,199,
6200014,Slide,,Goo Goo Dolls,,Warner,Dizzy Up the Girl,1998,120,F Major,Rock,213,
6200015,How Deep Is Your Love,,Bee Gees,,RSO,Saturday Night Fever,1977,105,Eb Major,Disco,211,
"""  # noqa: E501 - 620001x: the same titles by other artists, so a title cannot decide alone


@pytest.mark.parametrize(
    ("export", "entry", "expected"),
    [
        pytest.param("youtube", 0, "6200002", id="vevo-official-video"),
        pytest.param("youtube", 1, "6200003", id="vevo-official-video-ft"),
        pytest.param("youtube", 2, "6200005", id="vevo-plain-title"),
        pytest.param("topic", 0, "6200001", id="topic-summer"),
        pytest.param("topic", 1, "6200004", id="topic-slide"),
    ],
)  # fmt: skip
def test_channel_names_are_read_as_the_artist(
    tmp_path: Path, cratematch_home: Path, export: str, entry: int, expected: str
) -> None:
    catalog = write(tmp_path / "catalog.csv", CALVIN)
    if export == "youtube":
        playlist = write(tmp_path / "pregame.csv", YOUTUBE_EXPORT)
        stem = "pregame"
    else:
        playlist = write(tmp_path / "youtube music.csv", YOUTUBE_MUSIC_CSV)
        stem = "summer mix"
    row = run_match(cratematch_home, tmp_path / "out", catalog, playlist).rows(stem)[entry]
    assert (row["status"], row["catalog_id"]) == ("matched", expected), row["reason"]


# -- 5. Artist_Title_Mix names of untagged downloads -------------------------------------

DOWNLOADS = (
    ("16 Bit Lolitas_Nobody Seems To Care_Original Mix", 484, 128.0),
    ("Marla Voss_Denny Kreuz_Copper Tide_Original Mix", 467, 125.0),
    ("Ilya Strand_Moss Engine_Tamsin Orlo Remix", 412, 124.0),
    ("Ilya Strand_Moss Engine_Original Mix", 361, 124.0),
    ("Jonna Reef_Salt Flats feat Ode Morrow_Kettle Deep Dub", 455, 126.0),
)
DOWNLOAD_CATALOG = """\
catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,duration_s,isrc
7300001,Nobody Seems To Care,Original Mix,16 Bit Lolitas,,Bedrock,Nobody Seems To Care,2012,128,,Progressive House,484,
7300002,Copper Tide,Original Mix,"Marla Voss, Denny Kreuz",,Tidewater Audio,Copper Tide,2013,125,,Tech House,467,
7300003,Moss Engine,Tamsin Orlo Remix,Ilya Strand,Tamsin Orlo,Kettle Tone,Moss Engine Remixes,2012,124,,House,412,
7300004,Moss Engine,Original Mix,Ilya Strand,,Kettle Tone,Moss Engine,2012,124,,House,361,
7300005,Salt Flats,Kettle Deep Dub,"Jonna Reef, Ode Morrow",Kettle,Saltwork,Salt Flats,2012,126,,Deep House,455,
7300006,Nobody Seems To Care,Extended Mix,16 Bit Lolitas,,Bedrock,Nobody Seems To Care,2012,128,,Progressive House,547,
7300007,Salt Flats,Original Mix,"Jonna Reef, Ode Morrow",,Saltwork,Salt Flats,2012,126,,Deep House,431,
"""  # noqa: E501 - catalog rows read best unwrapped


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        pytest.param(0, "7300001", id="one-artist"),
        pytest.param(1, "7300002", id="two-artists"),
        pytest.param(2, "7300003", id="remix-of-two-versions"),
        pytest.param(3, "7300004", id="original-of-two-versions"),
        pytest.param(4, "7300005", id="feat-and-dub"),
    ],
)  # fmt: skip
def test_artist_title_mix_file_names_are_read_as_fields(
    tmp_path: Path, cratematch_home: Path, entry: int, expected: str
) -> None:
    tracks = [
        Track("", title, f"E:/Beatport/{title}.wav", genre="Tek House", seconds=s, bpm=b)
        for title, s, b in DOWNLOADS
    ]
    catalog = write(tmp_path / "catalog.csv", DOWNLOAD_CATALOG)
    playlist = write(tmp_path / "collection.nml", traktor_nml(tracks, {"Prep": range(len(tracks))}))
    row = run_match(cratematch_home, tmp_path / "out", catalog, playlist).rows("Prep")[entry]
    assert (row["status"], row["catalog_id"]) == ("matched", expected), row["reason"]


def _fields_of(name: str) -> tuple[str, str, str]:
    """`Artist[_Artist]_Title_Mix` (or with `-`) -> (artists, title, mix); "feat X" in
    the title moves to the artists, as the catalog format has it."""
    parts = [re.sub(r"\s+", " ", p).strip() for p in name.split("_" if "_" in name else "-")]
    *artists, title, mix = parts
    feat = re.search(r"\s+feat\.?\s+(.+)$", title, re.I)
    if feat:
        artists.append(feat.group(1))
        title = title[: feat.start()]
    return ", ".join(artists), title, mix


def test_real_traktor_downloads_named_artist_title_mix_are_matched(
    shared: Path, tmp_path: Path, cratematch_home: Path
) -> None:
    """The real collection's "Prep" playlist: 54 untagged downloads titled like
    `16 Bit Lolitas_Nobody Seems To Care_Original Mix`, against a catalog that holds
    each of them as artist, title and mix (built here from the same names)."""
    from matcher.playlists import read_playlists

    collection = shared / ERICANASTAS
    if not collection.exists():
        pytest.skip(f"{ERICANASTAS} is not present")
    (prep,) = read_playlists(collection, ["Prep"])
    rows, expected = [], {}
    for entry in prep.entries:
        artists, title, mix = _fields_of(entry.title)
        remixers = mix[: -len(" Remix")] if mix.endswith(" Remix") else ""
        catalog_id = f"{8400000 + entry.entry_index}"
        rows.append((catalog_id, title, mix, artists, remixers))
        expected[entry.entry_index] = catalog_id
    catalog = write(tmp_path / "catalog.csv", catalog_csv(rows))
    run = run_match(
        cratematch_home, tmp_path / "out", catalog, collection, args=["--playlist", "Prep"]
    )
    got = run.rows("Prep")
    right = [
        r
        for r in got
        if r["status"] == "matched" and r["catalog_id"] == expected[int(r["entry_index"])]
    ]
    assert len(got) == 54
    print(f"{len(right)} of 54 matched right")
    assert len(right) >= 50, f"{len(right)} of 54 matched"


def test_a_real_usb_export_is_found_in_its_own_rekordbox_library(
    shared: Path, tmp_path: Path, cratematch_home: Path
) -> None:
    """Rekordbox's own files: the stick holds the library's tracks under /Contents/...,
    the computer under C:/Users/...; each stick entry is the same file as a library track
    (its name and size), whatever its tags say."""
    import shutil

    from matcher.playlists import iter_collection

    source = shared / "realfiles" / "rekordbox-db"
    if not (source / "export.pdb").exists():
        pytest.skip("the Rekordbox test files are not present")
    stick = tmp_path / "stick" / "PIONEER" / "rekordbox"
    stick.mkdir(parents=True)
    shutil.copy(source / "export.pdb", stick / "export.pdb")
    library = Path(shutil.copy(source / "master_unlocked.db", tmp_path / "master.db"))
    by_file = {t.location.rsplit("/", 1)[-1]: t.source_id for t in iter_collection(library)}
    run = run_match(cratematch_home, tmp_path / "out", library, stick / "export.pdb")
    rows = [r for p in ("Playlist 1", "Sub Playlist") for r in run.rows(p)]
    assert len(rows) == 4
    for row in rows:
        name = row["location"].rsplit("/", 1)[-1]
        assert row["location"].startswith("/Contents/")
        assert (row["status"], row["catalog_id"], row["reason"]) == (
            "matched", f"rbdb:{by_file[name]}", "the same file as the catalog row"
        ), row  # fmt: skip
