"""`cratematch` end to end: the real command line in a subprocess, on small invented files.

Every subprocess gets the test's own CRATEMATCH_HOME, so catalogs, results and crash logs
land in a temporary folder. Exit codes and the one-line error contract come from
DESIGN.md: 0 done, 1 some tracks ended in `error`, 2 bad input (one stderr line starting
"cratematch: error:", never a traceback), 130 cancelled.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from matcher import __version__
from matcher.cli import main
from matcher.cli.progress import Progress, ProgressBars
from matcher.engine.events import BatchCancelled, BatchFinished, BatchStarted, EngineError
from matcher.model import MATCH_COLUMNS
from matcher.outputs.summary import OUTPUT_FILES

# -- fixtures: an invented catalog and playlists in four formats --------------------------

CATALOG_CSV = """\
catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,duration_s,isrc
9100001,Velvet Quarry,Original Mix,Tamsin Orlo,,Quarrystone Records,Velvet Quarry EP,2022-04-01,124,A Minor,Deep House,401,QZQRY2200001
9100002,Velvet Quarry,Extended Mix,Tamsin Orlo,,Quarrystone Records,Velvet Quarry EP,2022-04-01,124,A Minor,Deep House,455,QZQRY2200002
9100003,Harbor Lights,Original Mix,Bexley Crane,,Lanternfish Audio,Harbor Lights,2021-09-10,128,F# Major,Tech House,380,QZLNT2100003
9100004,Glass Orchard,Nimo Fell Remix,Pella Ruiz,Nimo Fell,Orchard Tone,Glass Orchard Remixes,2023-02-17,122,D Minor,Melodic House,412,QZORC2300004
9100005,Cinder Path,Original Mix,Wren Halvorsen,,Emberline,Cinder Path,2020-06-05,130,G Minor,Techno,395,QZEMB2000005
9100006,Moss Engine,Original Mix,Ilya Strand,,Kettle Tone,Moss Engine,2024-01-12,126,C Major,House,360,QZKTT2400006
"""  # noqa: E501 - catalog rows read best unwrapped
EXTRA_CATALOG_ROW = (
    "9100007,Lantern Static,Original Mix,Garnet Vossberg,,Kettle Tone,Lantern Static,"
    "2024-03-01,125,E Minor,House,290,QZKTT2400007\n"
)

# Two playlists in a "Club" folder. Track 11 has an empty Label (the catalog fills it),
# track 12 a Label the user typed (it stays); 13 and 15 are not in the catalog.
REKORDBOX_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<DJ_PLAYLISTS Version="1.0.0">
  <PRODUCT Name="rekordbox" Version="6.8.5" Company="AlphaTheta"/>
  <COLLECTION Entries="5">
    <TRACK TrackID="11" Name="Velvet Quarry" Artist="Tamsin Orlo" Mix="Original Mix"
           TotalTime="401" AverageBpm="124.00" Tonality="8A" Label=""
           Location="file://localhost/Music/Tamsin%20Orlo%20-%20Velvet%20Quarry.mp3">
      <TEMPO Inizio="0.120" Bpm="124.00" Metro="4/4" Battito="1"/>
      <POSITION_MARK Name="Drop" Type="0" Start="60.500" Num="0" Red="40" Green="226" Blue="20"/>
    </TRACK>
    <TRACK TrackID="12" Name="Harbor Lights" Artist="Bexley Crane" Mix="" TotalTime="380"
           AverageBpm="128.00" Tonality="2B" Label="My Own Label"
           Location="file://localhost/Music/Bexley%20Crane%20-%20Harbor%20Lights.mp3"/>
    <TRACK TrackID="13" Name="Zephyr Unknown Thing" Artist="Nobody Whatsoever" Mix=""
           TotalTime="300" AverageBpm="99.00" Tonality="" Label=""
           Location="file://localhost/Music/zephyr.mp3"/>
    <TRACK TrackID="14" Name="Cinder Path" Artist="Wren Halvorsen" Mix="" TotalTime="395"
           AverageBpm="130.00" Tonality="6A" Label=""
           Location="file://localhost/Music/Wren%20Halvorsen%20-%20Cinder%20Path.mp3"/>
    <TRACK TrackID="15" Name="Quillfeather Anthem" Artist="Odo Plinth" Mix="" TotalTime="333"
           AverageBpm="140.00" Tonality="" Label="" Location="file://localhost/Music/quill.mp3"/>
  </COLLECTION>
  <PLAYLISTS>
    <NODE Type="0" Name="ROOT" Count="1">
      <NODE Type="0" Name="Club" Count="2">
        <NODE Name="Peak" Type="1" KeyType="0" Entries="3">
          <TRACK Key="11"/>
          <TRACK Key="12"/>
          <TRACK Key="13"/>
        </NODE>
        <NODE Name="Warm" Type="1" KeyType="0" Entries="2">
          <TRACK Key="14"/>
          <TRACK Key="15"/>
        </NODE>
      </NODE>
    </NODE>
  </PLAYLISTS>
</DJ_PLAYLISTS>
"""

M3U8 = """\
#EXTM3U
#EXTINF:412,Pella Ruiz - Glass Orchard (Nimo Fell Remix)
/Music/Pella Ruiz - Glass Orchard (Nimo Fell Remix).mp3
#EXTINF:360,Ilya Strand - Moss Engine
/Music/Ilya Strand - Moss Engine.mp3
#EXTINF:290,Garnet Vossberg - Lantern Static
/Music/Garnet Vossberg - Lantern Static.mp3
"""

EXPORTIFY_CSV = """\
"Track URI","Track Name","Artist Name(s)","Album Name","Album Release Date","Track Duration (ms)","ISRC","Label","Tempo","Key","Mode"
"spotify:track:0aaaaaaaaaaaaaaaaaaaa1","Velvet Quarry - Extended Mix","Tamsin Orlo","Velvet Quarry EP","2022-04-01","455000","QZQRY2200002","Quarrystone Records","124.010","9","0"
"spotify:track:0aaaaaaaaaaaaaaaaaaaa2","Harbor Lights","Bexley Crane","Harbor Lights","2021-09-10","380200","","Lanternfish Audio","127.980","6","1"
"spotify:track:0aaaaaaaaaaaaaaaaaaaa3","Pale Circuit","Yusra Kell","Pale Circuit","2024-08-08","251000","","Nowhere Tapes","118.000","2","1"
"""  # noqa: E501 - Exportify writes one long header

# (playlist, entry_index) -> the catalog id it must match, or None: not in the catalog.
EXPECTED: dict[tuple[str, int], str | None] = {
    ("Club/Peak", 0): "9100001",
    ("Club/Peak", 1): "9100003",
    ("Club/Peak", 2): None,
    ("Club/Warm", 0): "9100005",
    ("Club/Warm", 1): None,
    ("set", 0): "9100004",
    ("set", 1): "9100006",
    ("set", 2): None,
    ("finds", 0): "9100002",
    ("finds", 1): "9100003",
    ("finds", 2): None,
}


@dataclass(frozen=True)
class Files:
    root: Path
    home: Path
    catalog: Path
    xml: Path
    m3u: Path
    csv: Path
    out: Path


@pytest.fixture
def files(tmp_path: Path, cratematch_home: Path) -> Files:
    work = tmp_path / "work"
    work.mkdir()
    paths = {
        "catalog": work / "catalog.csv",
        "xml": work / "library.xml",
        "m3u": work / "set.m3u8",
        "csv": work / "finds.csv",
    }
    for key, text in (
        ("catalog", CATALOG_CSV),
        ("xml", REKORDBOX_XML),
        ("m3u", M3U8),
        ("csv", EXPORTIFY_CSV),
    ):
        paths[key].write_text(text, encoding="utf-8")
    return Files(root=work, home=cratematch_home, out=tmp_path / "out", **paths)


def cratematch(
    home: Path, *args: str | Path, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`cratematch ARGS` in a subprocess, with no display: no test here opens the window."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["CRATEMATCH_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "matcher", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def batch_summary(out: Path) -> dict:
    return json.loads((out / "batch_summary.json").read_text(encoding="utf-8"))


def folders_by_playlist(out: Path) -> dict[str, Path]:
    return {p["playlist"]: out / p["folder"] for p in batch_summary(out)["playlists"]}


SUMMARY_LINE = re.compile(
    r"^(\d+) matched, (\d+) to review, (\d+) unmatched, (\d+) errors of (\d+) tracks "
    r"in (\d+) playlist\(s\), [\d.]+ s \(\d+ tracks/s\); "
    r"catalog (?P<catalog>.+) \((?P<catalog_tracks>\d+) tracks\)"
    r"(?:; (?P<left_out>\d+) entries without a file left out of the Rekordbox XML)?"
    r"\. Results: (?P<out>.+)$"
)

# -- match: success -----------------------------------------------------------------------


def test_match_writes_every_output_for_every_playlist(files: Files) -> None:
    proc = cratematch(
        files.home, "match", files.xml, files.m3u, files.csv, "--all-playlists",
        "--catalog", files.catalog, "--out", files.out, "--quiet",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    (line,) = proc.stdout.splitlines()
    summary = SUMMARY_LINE.match(line)
    assert summary, line
    matched, review, unmatched, errors, total, playlists = map(int, summary.groups()[:6])
    assert Path(summary["out"]) == files.out
    assert (Path(summary["catalog"]), summary["catalog_tracks"]) == (files.catalog, "6")
    assert summary["left_out"] == "3"  # the Exportify rows: no file for Rekordbox
    assert (total, playlists, errors) == (len(EXPECTED), 4, 0)

    batch = batch_summary(files.out)
    assert batch["partial"] is False
    assert batch["total"] == batch["processed"] == len(EXPECTED)
    assert batch["counts"] == {
        "matched": matched, "review": review, "unmatched": unmatched, "error": errors,
    }  # fmt: skip
    folders = folders_by_playlist(files.out)
    assert list(folders) == ["Club/Peak", "Club/Warm", "set", "finds"]

    statuses: dict[tuple[str, int], tuple[str, str]] = {}
    for playlist, folder in folders.items():
        assert sorted(p.name for p in folder.iterdir()) == sorted(OUTPUT_FILES.values())
        header, rows = read_csv(folder / "matches.csv")
        assert tuple(header) == MATCH_COLUMNS
        size = sum(1 for key in EXPECTED if key[0] == playlist)
        assert [int(r["entry_index"]) for r in rows] == list(range(size))
        assert {r["playlist"] for r in rows} == {playlist}
        for row in rows:
            statuses[(playlist, int(row["entry_index"]))] = (row["status"], row["catalog_id"])
        summary_json = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        assert summary_json["partial"] is False
        assert summary_json["total"] == summary_json["processed"] == size

    for key, expected_id in EXPECTED.items():
        status, catalog_id = statuses[key]
        if expected_id is None:
            assert (status, catalog_id) == ("unmatched", ""), key
        else:
            assert (status, catalog_id) == ("matched", expected_id), key
    assert matched == sum(1 for v in EXPECTED.values() if v)

    # one Rekordbox XML for the batch: every playlist, each file once; the Exportify rows
    # have no file, so they are left out (and counted: the final line's left_out)
    root = etree.parse(str(files.out / "enriched_batch.xml")).getroot()
    tracks = {t.get("TrackID"): t for t in root.iterfind("COLLECTION/TRACK")}
    assert root.find("COLLECTION").get("Entries") == str(len(tracks)) == "8"
    assert all(t.get("Location", "").startswith("file://localhost/") for t in tracks.values())
    top = root.find("PLAYLISTS/NODE")
    assert [n.get("Name") for n in top] == ["Club", "set", "finds"]
    assert [n.get("Name") for n in top.find("NODE")] == ["Peak", "Warm"]
    for node in root.iterfind(".//NODE[@Type='1']"):
        assert {t.get("Key") for t in node} <= set(tracks)
    assert [n.get("Entries") for n in root.iterfind(".//NODE[@Type='1']")] == ["3", "2", "3", "0"]
    assert batch["enriched_without_file"] == 3
    assert batch["enriched_batch"]["tracks"] == 8
    assert batch["catalog"] == {"file": str(files.catalog), "tracks": 6}

    _, missing = read_csv(folders["Club/Peak"] / "missing.csv")
    assert [r["entry_index"] for r in missing] == ["2"]
    found = (folders["Club/Peak"] / "found.m3u8").read_text(encoding="utf-8")
    assert "Velvet Quarry.mp3" in found and "Harbor Lights.mp3" in found
    assert "zephyr" not in found


def test_enriched_xml_keeps_cues_and_fills_only_empty_fields(files: Files) -> None:
    proc = cratematch(
        files.home, "match", files.xml, "--playlist", "Club/Peak",
        "--catalog", files.catalog, "--out", files.out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    enriched = folders_by_playlist(files.out)["Club/Peak"] / "enriched.xml"
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.parse(str(enriched), parser).getroot()
    tracks = {t.get("TrackID"): t for t in root.iterfind("COLLECTION/TRACK")}
    assert sorted(tracks) == ["11", "12", "13"]

    velvet = tracks["11"]
    assert velvet.get("Label") == "Quarrystone Records"  # was empty: filled
    assert velvet.get("Album") == "Velvet Quarry EP"  # was absent: filled (issue 15)
    assert velvet.get("Year") == "2022" and velvet.get("Genre") == "Deep House"
    assert velvet.get("Mix") == "Original Mix"
    assert velvet.get("Tonality") == "8A"  # the user's own key stays as written
    tempo = velvet.find("TEMPO")
    mark = velvet.find("POSITION_MARK")
    assert tempo is not None and dict(tempo.attrib) == {
        "Inizio": "0.120", "Bpm": "124.00", "Metro": "4/4", "Battito": "1",
    }  # fmt: skip
    assert mark is not None and mark.get("Name") == "Drop" and mark.get("Start") == "60.500"

    assert tracks["12"].get("Label") == "My Own Label"  # typed by the user: kept
    assert tracks["13"].get("Label") == ""  # unmatched: untouched
    node = root.find("PLAYLISTS/NODE/NODE/NODE")
    assert node is not None and node.get("Name") == "Peak"
    assert [t.get("Key") for t in node.iterfind("TRACK")] == ["11", "12", "13"]


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        pytest.param(["--playlist", "Club/Peak"], ["Club/Peak"], id="folder-path"),
        pytest.param(["--playlist", "Warm"], ["Club/Warm"], id="bare-unique-name"),
        pytest.param(["--playlist", "club/peak"], ["Club/Peak"], id="any-case"),
        pytest.param(["--playlist", "Club"], ["Club/Peak", "Club/Warm"], id="whole-folder"),
        pytest.param(
            ["--playlist", "Club/Warm", "--playlist", "Peak"],
            ["Club/Warm", "Club/Peak"],
            id="two-names-in-order",
        ),
        pytest.param(["--all-playlists"], ["Club/Peak", "Club/Warm"], id="all-playlists"),
    ],
)
def test_playlist_selection(files: Files, selection: list[str], expected: list[str]) -> None:
    proc = cratematch(
        files.home, "match", files.xml, *selection, "--catalog", files.catalog,
        "--out", files.out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert list(folders_by_playlist(files.out)) == expected
    assert sorted(p.name for p in files.out.iterdir() if p.is_dir()) == sorted(
        name.replace("/", " - ") for name in expected
    )


@pytest.mark.parametrize(
    ("selection", "must_say"),
    [
        pytest.param(
            [],
            ["2 playlists", '"Club/Peak"', '"Club/Warm"', "--playlist", "--all-playlists"],
            id="several-without-a-choice",
        ),
        pytest.param(
            ["--playlist", "Nope"], ['"Nope"', '"Club/Peak"', '"Club/Warm"'], id="unknown-name"
        ),
    ],
)
def test_playlist_choice_needed_is_one_line(
    files: Files, selection: list[str], must_say: list[str]
) -> None:
    proc = cratematch(
        files.home, "match", files.xml, *selection, "--catalog", files.catalog,
        "--out", files.out,
    )  # fmt: skip
    message = assert_bad_input(proc)
    for text in must_say:
        assert text in message
    assert not files.out.exists()


# -- catalogs: --catalog FILE imported once, `catalog import`, `catalog info` --------------


def _catalog_dbs(home: Path) -> dict[str, int]:
    folder = home / "data" / "catalogs"
    return (
        {p.name: p.stat().st_mtime_ns for p in folder.glob("*.sqlite")} if folder.is_dir() else {}
    )


def test_catalog_file_is_imported_once_and_reused(files: Files) -> None:
    first = cratematch(files.home, "match", files.m3u, "--catalog", files.catalog,
                       "--out", files.root / "run1")  # fmt: skip
    assert first.returncode == 0, first.stderr
    built = _catalog_dbs(files.home)
    assert len(built) == 1 and next(iter(built)).endswith(".sqlite")

    time.sleep(0.01)  # a rebuild would get a later mtime even on coarse clocks
    second = cratematch(files.home, "match", files.m3u, "--catalog", files.catalog,
                        "--out", files.root / "run2")  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert _catalog_dbs(files.home) == built  # same file, untouched
    run1 = read_csv(files.root / "run1" / "set" / "matches.csv")[1]
    run2 = read_csv(files.root / "run2" / "set" / "matches.csv")[1]
    assert [r["catalog_id"] for r in run1] == [r["catalog_id"] for r in run2]
    assert run1[2]["status"] == "unmatched"

    # A changed source is a different catalog: built anew, and its new track is found.
    with files.catalog.open("a", encoding="utf-8") as handle:
        handle.write(EXTRA_CATALOG_ROW)
    third = cratematch(files.home, "match", files.m3u, "--catalog", files.catalog,
                       "--out", files.root / "run3")  # fmt: skip
    assert third.returncode == 0, third.stderr
    assert len(_catalog_dbs(files.home)) == 2
    run3 = read_csv(files.root / "run3" / "set" / "matches.csv")[1]
    assert (run3[2]["status"], run3[2]["catalog_id"]) == ("matched", "9100007")


def test_a_catalog_reused_for_its_content_is_named_as_given_this_time(files: Files) -> None:
    elsewhere = files.root / "moved" / "catalog copy.csv"
    elsewhere.parent.mkdir()
    shutil.copyfile(files.catalog, elsewhere)
    first = cratematch(files.home, "match", files.m3u, "--catalog", files.catalog,
                       "--out", files.root / "run1", "--quiet")  # fmt: skip
    assert first.returncode == 0, first.stderr
    files.catalog.unlink()  # the folder it was first imported from is gone
    built = _catalog_dbs(files.home)
    second = cratematch(files.home, "match", files.m3u, "--catalog", elsewhere,
                        "--out", files.root / "run2", "--quiet")  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert _catalog_dbs(files.home) == built  # the same content: reused, not imported
    summary = SUMMARY_LINE.match(second.stdout.strip())
    assert summary, second.stdout
    assert (Path(summary["catalog"]), summary["catalog_tracks"]) == (elsewhere, "6")
    recorded = batch_summary(files.root / "run2")["catalog"]
    assert (Path(recorded["file"]), recorded["tracks"]) == (elsewhere, 6)


def test_catalog_import_then_match_uses_the_default_catalog(files: Files) -> None:
    first = cratematch(files.home, "catalog", "import", files.catalog)
    assert first.returncode == 0, first.stderr
    assert "6 tracks imported" in first.stdout
    assert "ImportReport(" not in first.stdout  # a sentence, not a repr
    default = files.home / "data" / "catalog.sqlite"
    assert default.is_file()

    again = cratematch(files.home, "catalog", "import", files.catalog)
    assert again.returncode == 0, again.stderr
    assert "already imported" in again.stdout
    with closing(sqlite3.connect(default)) as conn:
        assert conn.execute("SELECT count(*) FROM tracks").fetchone() == (6,)

    info = cratematch(files.home, "catalog", "info")
    assert info.returncode == 0, info.stderr
    assert re.search(r"\b6 tracks\b", info.stdout)

    proc = cratematch(files.home, "match", files.m3u, "--out", files.out)
    assert proc.returncode == 0, proc.stderr
    rows = read_csv(files.out / "set" / "matches.csv")[1]
    assert [r["catalog_id"] for r in rows] == ["9100004", "9100006", ""]
    assert _catalog_dbs(files.home) == {}  # nothing imported behind the user's back


def test_catalog_import_into_a_named_database_is_used_as_is(files: Files) -> None:
    db = files.root / "mine.sqlite"
    imported = cratematch(files.home, "catalog", "import", files.catalog, "--catalog", db)
    assert imported.returncode == 0, imported.stderr
    info = cratematch(files.home, "catalog", "info", "--catalog", db)
    assert info.returncode == 0 and "6 tracks" in info.stdout
    proc = cratematch(files.home, "match", files.m3u, "--catalog", db, "--out", files.out)
    assert proc.returncode == 0, proc.stderr
    assert _catalog_dbs(files.home) == {}
    assert not (files.home / "data" / "catalog.sqlite").exists()


# -- bad input: exit 2, one line, nothing written -----------------------------------------

CANARY = "CRATEMATCH-XXE-CANARY-51f0"


def assert_bad_input(proc: subprocess.CompletedProcess[str]) -> str:
    """Exit 2 and exactly one stderr line "cratematch: error: ..."; returns that line."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("cratematch: error: ")
    assert proc.stdout == ""
    return lines[0]


def _write(files: Files, name: str, data: str | bytes) -> Path:
    path = files.root / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def _xxe(files: Files) -> list[str | Path]:
    secret = _write(files, "secret.txt", CANARY)
    xml = REKORDBOX_XML.replace(
        '<DJ_PLAYLISTS Version="1.0.0">',
        f'<!DOCTYPE DJ_PLAYLISTS [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>\n'
        '<DJ_PLAYLISTS Version="1.0.0">',
    ).replace('Name="Zephyr Unknown Thing"', 'Name="&leak;"')
    return [_write(files, "xxe.xml", xml), "--all-playlists", "--catalog", files.catalog]


def _laughs(files: Files) -> list[str | Path]:
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 8)
    )
    xml = REKORDBOX_XML.replace(
        '<DJ_PLAYLISTS Version="1.0.0">',
        f'<!DOCTYPE DJ_PLAYLISTS [{entities}]>\n<DJ_PLAYLISTS Version="1.0.0">',
    ).replace('Name="Zephyr Unknown Thing"', 'Name="&a7;"')
    return [_write(files, "laughs.xml", xml), "--all-playlists", "--catalog", files.catalog]


def _random_bytes(size: int) -> bytes:
    return os.urandom(size).replace(b"SQLite", b"sqlite")


def _torn_wal_header() -> bytes:
    """SQLite's magic, then junk whose byte 19 (the read version) says WAL: SQLite opened
    a -wal and a -shm beside such a file before finding it no database, even read-only.
    Random junk has that byte in 1 run of 256, which made the case above flaky."""
    junk = bytearray(b"SQLite format 3\x00" + _random_bytes(8192))
    junk[19] = 2
    return bytes(junk)


def _not_our_db(files: Files) -> Path:
    path = files.root / "other.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE songs (name TEXT)")
        conn.commit()
    return path


BuildArgs = Callable[[Files], list[str | Path]]
BAD_INPUTS: list = [
    pytest.param(lambda f: [f.root / "missing.m3u8", "--catalog", f.catalog], "not found",
                 id="missing-input"),
    pytest.param(lambda f: [f.root, "--catalog", f.catalog], "folder", id="directory-input"),
    pytest.param(lambda f: [_write(f, "empty.m3u8", ""), "--catalog", f.catalog], "empty",
                 id="empty-file"),
    pytest.param(lambda f: [_write(f, "junk.m3u8", _random_bytes(4096)), "--catalog",
                            f.catalog], "junk.m3u8", id="binary-junk"),
    pytest.param(lambda f: [f.m3u, f.root / "gone.csv", "--catalog", f.catalog], "gone.csv",
                 id="second-input-missing"),
    pytest.param(_xxe, "DOCTYPE", id="xxe-external-entity"),
    pytest.param(_laughs, "DOCTYPE", id="entity-expansion"),
    pytest.param(lambda f: [_write(f, "cols.csv", "foo,bar,baz\n1,2,3\n4,5,6\n"), "--catalog",
                            f.catalog], "cols.csv", id="csv-without-known-columns"),
    pytest.param(lambda f: [f.m3u, "--catalog", f.catalog, "--preset", "turbo"], "--preset",
                 id="unknown-preset"),
    pytest.param(lambda f: [f.m3u, "--catalog", f.catalog, "--provider", "spotify"],
                 "--provider", id="unknown-provider"),
    pytest.param(lambda f: [f.m3u, "--catalog", f.catalog, "--workers", "0"], "--workers",
                 id="zero-workers"),
    pytest.param(lambda f: [f.m3u, "--catalog", f.catalog, "--workers", "many"], "--workers",
                 id="workers-not-a-number"),
    pytest.param(lambda f: [f.m3u, "--catalog", f.root / "nope.csv"], "nope.csv",
                 id="catalog-missing"),
    pytest.param(lambda f: [f.m3u, "--catalog", _write(f, "bad.sqlite", _random_bytes(8192))],
                 "bad.sqlite", id="catalog-random-bytes"),
    pytest.param(lambda f: [f.m3u, "--catalog",
                            _write(f, "torn.sqlite", b"SQLite format 3\x00" + _random_bytes(8192))],
                 "torn.sqlite", id="catalog-sqlite-header-then-junk"),
    pytest.param(lambda f: [f.m3u, "--catalog", _write(f, "wal.sqlite", _torn_wal_header())],
                 "wal.sqlite", id="catalog-sqlite-header-says-wal-then-junk"),
    pytest.param(lambda f: [f.m3u, "--catalog", _not_our_db(f)], "other.sqlite",
                 id="catalog-foreign-sqlite"),
    pytest.param(lambda f: [f.m3u], "catalog import", id="no-catalog-at-all"),
    pytest.param(lambda f: [f.m3u, "--catalog", f.catalog, "--out", f.catalog / "sub"],
                 "catalog.csv", id="out-under-a-file"),
]  # fmt: skip


@pytest.mark.parametrize(("build", "must_say"), BAD_INPUTS)
def test_bad_input_is_one_line_and_writes_nothing(
    files: Files, build: BuildArgs, must_say: str
) -> None:
    args = build(files)
    before = sorted(p.name for p in files.root.iterdir())
    extra = [] if "--out" in args else ["--out", files.out]
    proc = cratematch(files.home, "match", *args, *extra)
    message = assert_bad_input(proc)
    assert must_say in message
    assert CANARY not in proc.stdout + proc.stderr
    assert not files.out.exists()
    assert sorted(p.name for p in files.root.iterdir()) == before  # no stray or temp files
    assert not (files.home / "results").exists()
    assert not (files.home / "data" / "crash.log").exists()  # handled, not a crash


@pytest.mark.parametrize(
    ("args", "must_say"),
    [
        pytest.param([], "command", id="no-command"),
        pytest.param(["shuffle"], "shuffle", id="unknown-command"),
        pytest.param(["match"], "INPUT", id="match-without-input"),
        pytest.param(["catalog", "info"], "catalog import", id="info-without-catalog"),
        pytest.param(["catalog", "import", "nope.csv"], "nope.csv", id="import-missing-file"),
    ],
)
def test_usage_errors_are_one_line(files: Files, args: list[str], must_say: str) -> None:
    proc = cratematch(files.home, *args, cwd=files.root)
    assert must_say in assert_bad_input(proc)


def test_catalog_import_of_junk_leaves_no_catalog(files: Files) -> None:
    junk = _write(files, "junk.bin", _random_bytes(2048))
    proc = cratematch(files.home, "catalog", "import", files.catalog, junk)
    assert "junk.bin" in assert_bad_input(proc)
    assert not (files.home / "data" / "catalog.sqlite").exists()  # all sources checked first


def test_version(cratematch_home: Path) -> None:
    proc = cratematch(cratematch_home, "--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"cratematch {__version__}"


# -- cancelling: Ctrl-C -------------------------------------------------------------------


def _journaled(files: Files) -> int:
    """Results the batch journal holds so far (0 before it exists)."""
    path = files.home / "data" / "journal.sqlite"
    if not path.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
            return conn.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    except sqlite3.Error:  # created but not ready yet
        return 0


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX-only")
def test_ctrl_c_exits_130_and_leaves_valid_partial_outputs(files: Files) -> None:
    lines = ["#EXTM3U"]
    for i in range(6000):
        artist, title = [("Tamsin Orlo", "Velvet Quarry"), ("Nobody Known", f"Drift {i}")][i % 2]
        lines += [f"#EXTINF:401,{artist} - {title}", f"/Music/long/{i:05d}.mp3"]
    long = _write(files, "long.m3u8", "\n".join(lines) + "\n")
    env = {**os.environ, "CRATEMATCH_HOME": str(files.home)}
    child = subprocess.Popen(
        [sys.executable, "-m", "matcher", "match", str(files.m3u), str(long),
         "--catalog", str(files.catalog), "--out", str(files.out)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        # The short playlist is written first; once the long one has results, cut it off.
        deadline = time.monotonic() + 60
        while not (files.out / "set" / "summary.json").exists() or _journaled(files) <= 3:
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the match never started"
            time.sleep(0.01)
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()

    assert child.returncode == 130, stderr
    assert "Traceback" not in stdout + stderr
    (message,) = stderr.splitlines()
    assert message.startswith("cratematch: cancelled")

    batch = batch_summary(files.out)
    assert batch["partial"] is True
    folders = folders_by_playlist(files.out)
    assert list(folders) == ["set", "long"]
    done = json.loads((folders["set"] / "summary.json").read_text(encoding="utf-8"))
    assert done["partial"] is False and done["processed"] == 3

    cut = json.loads((folders["long"] / "summary.json").read_text(encoding="utf-8"))
    assert cut["partial"] is True
    assert 0 < cut["processed"] < cut["total"] == 6000
    header, rows = read_csv(folders["long"] / "matches.csv")
    assert tuple(header) == MATCH_COLUMNS
    assert [int(r["entry_index"]) for r in rows] == list(range(cut["processed"]))
    assert {r["status"] for r in rows[::2]} == {"matched"}
    assert sorted(p.name for p in folders["long"].iterdir()) == sorted(OUTPUT_FILES.values())
    etree.parse(str(folders["long"] / "enriched.xml"))  # complete, well-formed


class _FakeBatch:
    """Stands in for an engine Batch: replays events, records cancel()."""

    def __init__(self, events: list[object]) -> None:
        self.batch_id = "20260101-000000-abcdef"
        self._events = list(events)
        self.final = None
        self.cancelled = 0

    def events(self, timeout: float = 0.05) -> list[object]:
        out, self._events = self._events, []
        for event in out:
            if isinstance(event, BatchFinished | BatchCancelled):
                self.final = event
        return out

    def cancel(self) -> None:
        self.cancelled += 1


def test_first_interrupt_cancels_the_batch_and_a_second_one_interrupts() -> None:
    from matcher.cli.follow import _cancel_on_interrupt  # private: the handler behind Ctrl-C

    batch = _FakeBatch([])
    before = signal.getsignal(signal.SIGINT)
    with _cancel_on_interrupt(batch):  # type: ignore[arg-type]
        assert batch.cancelled == 0
        signal.raise_signal(signal.SIGINT)
        assert batch.cancelled == 1
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before


def test_interrupt_before_matching_exits_130(
    files: Files, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("matcher.cli.run.Engine", interrupted)
    code = main(["match", str(files.m3u), "--catalog", str(files.catalog),
                 "--out", str(files.out), "--quiet"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 130
    assert captured.err.splitlines() == ["cratematch: cancelled"]
    assert not files.out.exists()


def test_cancelled_before_the_batch_began_offers_no_resume() -> None:
    """Ctrl-C while the catalog was imported or the playlists read: the host drops the
    batch before journaling it (BatchCancelled with no figures). It once said "cancelled
    after 0 of 0 tracks; partial results in ; finish with: cratematch resume ID", and
    that resume then answered "no unfinished batch to resume"."""
    from matcher.cli.run import cancelled_line

    dropped = BatchCancelled("20260101-000000-abcdef", 3, 0, 0, "")
    line = cancelled_line(dropped, dropped.batch_id)
    assert line == "cratematch: cancelled before any track was matched; nothing was written"


def test_cancelled_without_figures_takes_them_from_the_journal(cratematch_home: Path) -> None:
    """The client's own BatchCancelled (the host went away) has no figures either: a batch
    the journal holds is still offered to `resume`, with the journal's figures."""
    from matcher.cli.run import cancelled_line
    from matcher.engine.journal import Journal

    with Journal.open() as journal:
        journal.create_batch("b1", config={}, inputs=[], out_dir="/music/out6")
        journal.add_playlist("b1", 0, file="set.m3u8", source="/in/set.m3u8", name="set",
                             format="m3u", total=40)  # fmt: skip
    line = cancelled_line(BatchCancelled("b1", 7, 0, 0, "/music/out6"), "b1")
    assert line == (
        "cratematch: cancelled after 0 of 40 tracks; partial results in /music/out6; "
        "finish with: cratematch resume b1"
    )


# -- exit codes from how a batch ended -----------------------------------------------------


@pytest.mark.parametrize(
    ("final", "code", "said"),
    [
        pytest.param(BatchFinished("b", 9, True, 3, 3, {"matched": 3}, 1.0, "out"), 0,
                     "3 matched", id="finished"),
        pytest.param(BatchFinished("b", 9, True, 3, 3, {"matched": 2, "error": 1}, 1.0, "out"), 1,
                     "1 errors of 3 tracks", id="some-errors"),
        pytest.param(BatchCancelled("b", 9, 1, 3, "out"), 130, "cancelled after 1 of 3",
                     id="cancelled"),
        pytest.param(BatchFinished("b", 9, False, 0, 0, {}, 0.0, "out"), 2, "error: bad file",
                     id="failed"),
    ],
)  # fmt: skip
def test_exit_code_follows_how_the_batch_ended(
    final: object, code: int, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from matcher.cli.run import _follow

    events = [
        BatchStarted("b", 1, 3, ((0, "set.m3u8", "set", 3),), 2),
        EngineError("b", 2, "bad file", fatal=True),
        final,
    ]
    assert _follow(_FakeBatch(events), quiet=True) == code  # type: ignore[arg-type]
    captured = capsys.readouterr()
    assert said in captured.out + captured.err
    assert "Traceback" not in captured.out + captured.err


# -- the progress bars ---------------------------------------------------------------------


def test_progress_bar_restarts_for_a_next_playlist_of_the_same_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    steps = [("set", 1, 3, 1), ("set", 2, 3, 2), ("set", 3, 3, 3), ("set", 1, 2, 4),
             ("set", 2, 2, 5)]  # fmt: skip
    with ProgressBars(enabled=True) as bars:
        for playlist, done, total, batch_done in steps:
            bars.update(Progress(playlist, done, total, batch_done, 5))
    err = capsys.readouterr().err
    assert "3/3" in err and "2/2" in err and "5/5" in err


def test_progress_bars_stay_silent_when_disabled(capsys: pytest.CaptureFixture[str]) -> None:
    with ProgressBars(enabled=False) as bars:
        bars.update(Progress("set", 1, 1, 1, 1))
    assert capsys.readouterr().err == ""


# -- issue 15, item 5: outputs land where asked --------------------------------------------


def _long_m3u(folder: Path, name: str, size: int) -> Path:
    lines = ["#EXTM3U"]
    for i in range(size):
        artist, title = [("Tamsin Orlo", "Velvet Quarry"), ("Nobody Known", f"Drift {i}")][i % 2]
        lines += [f"#EXTINF:401,{artist} - {title}", f"/Music/long/{i:05d}.mp3"]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX-only")
def test_relative_out_cut_off_then_resumed_from_another_folder_finishes_in_place(
    files: Files, tmp_path: Path
) -> None:
    """`match --out out6` (relative, with a relative --catalog database) cut off with
    Ctrl-C, then `resume` run from another folder: the real out6 is finished, nothing is
    written where resume ran, and the last line says what this run did."""
    imported = cratematch(files.home, "catalog", "import", "catalog.csv", "--catalog",
                          "mine.sqlite", cwd=files.root)  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    _long_m3u(files.root, "long.m3u8", 4000)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["CRATEMATCH_HOME"] = str(files.home)
    child = subprocess.Popen(
        [sys.executable, "-m", "matcher", "match", "long.m3u8", "--catalog", "mine.sqlite",
         "--out", "out6", "--quiet"],
        cwd=files.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while _journaled(files) <= 3:
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the match never started"
            time.sleep(0.01)
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 130, stderr
    out6 = files.root / "out6"
    assert batch_summary(out6)["partial"] is True

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    resumed = cratematch(files.home, "resume", "--quiet", cwd=elsewhere)
    assert resumed.returncode == 0, resumed.stderr
    assert list(elsewhere.iterdir()) == []  # nothing landed where resume ran
    line = resumed.stdout.splitlines()[-1]
    summary = SUMMARY_LINE_RESUMED.match(line)
    assert summary, line
    assert Path(summary["out"]) == out6
    assert Path(summary["catalog"]) == files.root / "mine.sqlite"
    assert 0 < int(summary["this_run"]) < 4000 == int(summary["total"])
    batch = batch_summary(out6)
    assert batch["partial"] is False and batch["processed"] == batch["total"] == 4000
    assert batch["resumed"]["already_done"] + batch["resumed"]["this_run"] == 4000
    assert json.loads((out6 / "long" / "summary.json").read_text("utf-8"))["processed"] == 4000


SUMMARY_LINE_RESUMED = re.compile(
    r"^\d+ matched, \d+ to review, \d+ unmatched, \d+ errors of (?P<total>\d+) tracks in 1 "
    r"playlist\(s\), (?P<this_run>\d+) of them this run in [\d.]+ s \(\d+ tracks/s\); "
    r"catalog (?P<catalog>.+) \(6 tracks\)\. Results: (?P<out>.+)$"
)


@pytest.mark.parametrize(
    ("already", "said", "rate"),
    [
        pytest.param(0, "of 10000 tracks in 1 playlist(s), 5.0 s", "(2000 tracks/s)", id="new"),
        pytest.param(6000, "of 10000 tracks in 1 playlist(s), 4000 of them this run in 5.0 s",
                     "(800 tracks/s)", id="resumed"),
    ],
)  # fmt: skip
def test_resumed_summary_divides_this_runs_tracks_by_this_runs_time(
    already: int, said: str, rate: str
) -> None:
    """The resume summary once divided all 10,000 tracks by the resumed part's time."""
    from matcher.cli.run import summary_line

    final = BatchFinished(
        "b", 9, True, 10000, 10000, {"matched": 10000}, 5.0, "/out",
        already_done=already, catalog="/c/cat.csv", catalog_tracks=32781,
    )  # fmt: skip
    line = summary_line(final, 1)
    assert said in line and rate in line
    assert line.endswith("; catalog /c/cat.csv (32781 tracks). Results: /out")


@pytest.mark.parametrize(
    ("catalog", "tracks", "left_out", "ending"),
    [
        pytest.param("/c/mine.csv", 6, 0, "; catalog /c/mine.csv (6 tracks). Results: /out",
                     id="local-catalog"),
        pytest.param("musicbrainz", None, 0, "; provider musicbrainz. Results: /out",
                     id="online-provider"),
        pytest.param("/c/mine.csv", 6, 26, "; catalog /c/mine.csv (6 tracks); 26 entries without"
                     " a file left out of the Rekordbox XML. Results: /out", id="left-out"),
    ],
)  # fmt: skip
def test_final_line_names_what_was_matched_against(
    catalog: str, tracks: int | None, left_out: int, ending: str
) -> None:
    from matcher.cli.run import summary_line

    final = BatchFinished("b", 9, True, 3, 3, {"matched": 3}, 1.0, "/out", catalog=catalog,
                          catalog_tracks=tracks, xml_without_file=left_out)  # fmt: skip
    assert summary_line(final, 1).endswith(ending)


# -- issue 15, item 7: the command line ------------------------------------------------------


def test_match_help_documents_every_argument_and_the_default_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from matcher.cli.commands import build_parser

    monkeypatch.delenv("CRATEMATCH_HOME")  # the user's real default: platformdirs' Music
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    monkeypatch.delenv("XDG_MUSIC_DIR", raising=False)
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["match", "--help"])
    assert exit_.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "INPUT playlist files: Rekordbox XML, M3U/M3U8, CSV" in text
    assert "--all-playlists match every playlist of a Rekordbox/Traktor file" in text
    for words in ("fast: fewest queries", "balanced (the default):", "thorough: every query"):
        assert words in text
    assert "--workers N worker processes (default: one per CPU" in text
    assert "--out DIR output folder (default: ~/Music/CrateMatch)" in text
    assert not (tmp_path / "Music").exists()  # showing the default creates nothing


class _Terminal(io.StringIO):
    """A terminal that reports `columns` (0: some IDE consoles and serial lines)."""

    def __init__(self, columns: int) -> None:
        super().__init__()
        self.columns = columns

    def fileno(self) -> int:
        return 2

    def isatty(self) -> bool:
        return True


def _rates(text: str) -> list[float]:
    return [float(r) for r in re.findall(r"([\d.]+)trk/s", text)]


def test_progress_first_frame_shows_no_absurd_rate() -> None:
    """The first frame once showed 657,930 trk/s: a whole chunk over the milliseconds
    since a bar made at the first chunk's arrival. Bars start with the batch (and a
    resumed batch's earlier tracks are their initial count), so rates are real."""
    terminal = _Terminal(100)
    with ProgressBars(enabled=True, file=terminal) as bars:
        bars.start(10000, already_done=6000)  # BatchStarted of a resumed batch
        bars.playlist("set", 10000, done=6000)  # PlaylistStarted
        time.sleep(0.1)  # the first chunk takes at least this long
        bars.update(Progress("set", 6500, 10000, 6500, 10000))
    rates = _rates(terminal.getvalue())
    assert rates and max(rates) <= 500 / 0.1 * 1.5, terminal.getvalue()


def test_progress_bar_is_drawn_on_a_terminal_reporting_0_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A terminal reporting 0 x 0 (`script`'s pty, some IDE consoles): tqdm alone makes
    that -1 x -1 and hides every bar. Both bars are drawn, DEFAULT_COLUMNS wide."""
    from matcher.cli.progress import DEFAULT_COLUMNS, DEFAULT_ROWS, terminal_size

    monkeypatch.setattr(os, "get_terminal_size", lambda fd=None: os.terminal_size((0, 0)))
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
    terminal = _Terminal(0)
    monkeypatch.setattr(sys, "stderr", terminal)  # where the bars go, as tqdm checks
    assert terminal_size(terminal) == (DEFAULT_COLUMNS, DEFAULT_ROWS)
    with ProgressBars(enabled=True) as bars:
        bars.start(10)
        bars.playlist("set", 10)
        bars.update(Progress("set", 5, 10, 5, 10))
    frames = [f for f in re.split(r"[\r\n]|\x1b\[A", terminal.getvalue()) if "5/10" in f]
    assert {f.split(":")[0] for f in frames} == {"set", "all playlists"}, frames
    assert all(re.search(r"\|[#\d ]{20,}\|", f) for f in frames), frames
    assert max(len(f) for f in frames) <= DEFAULT_COLUMNS


def test_catalog_info_shows_its_sources(files: Files, capsys: pytest.CaptureFixture[str]) -> None:
    """`catalog info`'s help promises the catalog's sources: every file imported into it
    (sync.py records each in the catalog's meta), with its kind and size."""
    db = files.root / "mine.sqlite"
    extra = files.root / "more.csv"
    extra.write_text(CATALOG_CSV.splitlines()[0] + "\n" + EXTRA_CATALOG_ROW, encoding="utf-8")
    assert main(["catalog", "import", str(files.catalog), str(extra), "--catalog", str(db)]) == 0
    capsys.readouterr()
    extra.unlink()
    assert main(["catalog", "info", "--catalog", str(db)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{db}: 7 tracks",
        f"  from {files.catalog} (csv, 6 tracks)",
        f"  from {extra} (csv, 1 tracks; no longer there)",
    ]


def test_catalog_info_of_a_catalog_built_for_match_names_its_file(files: Files) -> None:
    proc = cratematch(files.home, "match", files.m3u, "--catalog", files.catalog, "--out",
                      files.out, "--quiet")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (built,) = (files.home / "data" / "catalogs").glob("*.sqlite")
    info = cratematch(files.home, "catalog", "info", "--catalog", built)
    assert info.returncode == 0, info.stderr
    assert info.stdout.splitlines()[1:] == [f"  from {files.catalog} (csv, 6 tracks)"]


EMPTY_PLAYLISTS_XML = REKORDBOX_XML.replace(
    """<NODE Name="Peak" Type="1" KeyType="0" Entries="3">
          <TRACK Key="11"/>
          <TRACK Key="12"/>
          <TRACK Key="13"/>
        </NODE>""",
    '<NODE Name="Peak" Type="1" KeyType="0" Entries="0"/>',
)


@pytest.mark.parametrize(
    ("name", "text", "must_say"),
    [
        pytest.param("header-only.m3u8", "#EXTM3U\n", "the playlist in header-only.m3u8 is empty",
                     id="m3u-header-only"),
        pytest.param("empty-lists.xml", EMPTY_PLAYLISTS_XML.replace(
            """<NODE Name="Warm" Type="1" KeyType="0" Entries="2">
          <TRACK Key="14"/>
          <TRACK Key="15"/>
        </NODE>""", '<NODE Name="Warm" Type="1" KeyType="0" Entries="0"/>'),
                     "all 2 playlists in empty-lists.xml are empty", id="xml-all-empty"),
    ],
)  # fmt: skip
def test_nothing_to_match_is_bad_input(files: Files, name: str, text: str, must_say: str) -> None:
    """A file whose playlists are all empty once finished as "0 tracks", exit 0. It is
    bad input: exit 2, one line saying so, nothing written or journaled."""
    path = _write(files, name, text)
    proc = cratematch(files.home, "match", path, "--all-playlists", "--catalog", files.catalog,
                      "--out", files.out)  # fmt: skip
    message = assert_bad_input(proc)
    assert "nothing to match" in message and must_say in message
    assert not files.out.exists()
    listed = cratematch(files.home, "batches")
    assert listed.stdout.strip() == "No batches yet."


def test_an_empty_playlist_among_others_is_warned_about(files: Files) -> None:
    path = _write(files, "half.xml", EMPTY_PLAYLISTS_XML)
    proc = cratematch(files.home, "match", path, "--all-playlists", "--catalog", files.catalog,
                      "--out", files.out)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "cratematch: warning: playlist 'Club/Peak' in half.xml is empty: nothing to match in it"
    ]
    assert "of 2 tracks in 2 playlist(s)" in proc.stdout


@pytest.mark.parametrize(
    ("platform", "argv"),
    [
        pytest.param("linux", ["xdg-open"], id="linux"),
        pytest.param("freebsd14", ["xdg-open"], id="bsd"),
        pytest.param("darwin", ["open"], id="macos"),
        pytest.param("win32", None, id="windows-startfile"),
    ],
)
def test_open_command_per_os(tmp_path: Path, platform: str, argv: list[str] | None) -> None:
    from matcher.cli.opener import open_command

    folder = tmp_path / "demo results; rm -rf ~"  # one argument, never a shell string
    assert open_command(folder, platform) == (None if argv is None else [*argv, str(folder)])


def test_open_folder_without_a_file_manager_says_why_in_one_line(tmp_path: Path) -> None:
    """A server or a container has no xdg-open: the demo still succeeds, and says why the
    folder was not shown (as a warning: `cratematch demo --open` exits 0)."""
    from matcher.cli.opener import open_folder

    def missing(argv: list[str], **kwargs: object) -> None:
        raise FileNotFoundError(2, "No such file or directory", argv[0])

    problem = open_folder(tmp_path, platform="linux", run=missing)
    assert problem.startswith(f"could not open {tmp_path} with xdg-open: ")
    assert "\n" not in problem
    assert open_folder(tmp_path, platform="linux", run=lambda argv, **kw: None) == ""


def test_demo_prints_where_its_results_are_and_opens_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from matcher.cli import opener

    ran: list[tuple[list[str], dict[str, object]]] = []
    real = opener.open_folder

    def recorded(folder: Path) -> str:
        return real(folder, platform="linux", run=lambda argv, **kw: ran.append((argv, kw)))

    monkeypatch.setattr(opener, "open_folder", recorded)
    out = tmp_path / "demo out"
    assert main(["demo", "--out", str(out), "--quiet", "--open"]) == 0
    printed = capsys.readouterr().out
    assert f"The demo's results are in {out}" in printed
    assert (out / "batch_summary.json").is_file() and (out / "enriched_batch.xml").is_file()
    ((argv, kwargs),) = ran
    assert argv == ["xdg-open", str(out)]
    assert not kwargs.get("shell")


def test_demo_without_open_says_how_to_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from matcher.cli import opener

    monkeypatch.setattr(opener, "open_folder", lambda folder: pytest.fail("opened"))
    assert main(["demo", "--out", str(tmp_path / "d"), "--quiet"]) == 0
    assert "Add --open to show the folder" in capsys.readouterr().out
