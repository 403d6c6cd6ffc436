"""Conformance: real exports from Rekordbox 5-7, Traktor 2-4, Mixxx, VirtualDJ, Exportify,
TuneMyMusic, Serato and others (../shared/realfiles), read in place, plus the devset
playlists. Skipped when ../shared is absent."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from matcher.model import PlaylistEntry
from matcher.playlists import detect_format, iter_collection, list_playlists, read_playlists

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"
REALFILES = SHARED / "realfiles"
DEVSET = SHARED / "devset"
FORMATS = {"rekordbox-xml": "rekordbox", "nml": "nml", "m3u": "m3u", "csv": "csv"}


def _manifest() -> list[dict[str, str]]:
    path = REALFILES / "MANIFEST.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


MANIFEST = _manifest()
needs_shared = pytest.mark.skipif(not REALFILES.is_dir(), reason="../shared is not present")


def real(name: str) -> Path:
    path = REALFILES / name
    if not path.is_file():
        pytest.skip(f"{name} is not in ../shared/realfiles")
    return path


def entries_of(name: str, **selection: object) -> list[PlaylistEntry]:
    return [e for p in read_playlists(real(name), **selection) for e in p.entries]  # type: ignore[arg-type]


@needs_shared
@pytest.mark.parametrize("row", MANIFEST, ids=[r["file"][:60] for r in MANIFEST])
def test_manifest_counts(row: dict[str, str]) -> None:
    path = real(row["file"])
    assert detect_format(path) == FORMATS[row["format"]]
    playlists = [i for i in list_playlists(path) if not i.is_folder]
    if row["format"] == "rekordbox-xml":
        total = sum(len(p.entries) for p in read_playlists(path, all_playlists=True))
        assert (total, len(playlists)) == (int(row["entries"]), int(row["playlists"]))
    elif row["format"] == "nml":
        total = sum(1 for _ in iter_collection(path))
        assert (total, len(playlists)) == (int(row["entries"]), int(row["playlists"]))
    else:
        (playlist,) = read_playlists(path)
        assert len(playlist.entries) == int(row["entries"])


@needs_shared
def test_cp1252_mixxx_playlist() -> None:
    ids = [
        e.source_id for e in entries_of("m3u__whatsnowplaying_whats-now-playing__2021-01-09.m3u")
    ]
    assert any("/La liberación/" in i for i in ids)
    assert any("/99.9 F°/" in i for i in ids)


@needs_shared
def test_virtualdj_bom_file() -> None:
    entries = entries_of("m3u__whatsnowplaying_whats-now-playing__testplaylist.m3u")
    assert [(e.artist, e.title, e.duration_s) for e in entries] == [
        ("ACTORS", "Once More With Feeling", 246.0),
        ("ACTORS", "Death From Above", 212.133),
        ("Bikini Death Race", "Refrigerator", 220.37),
    ]
    assert entries[0].source_id == "/SRCROOT/tests/audio/15_Ghosts_II_64kb_orig.m4a"


@needs_shared
def test_emerald_city_extinf_forms() -> None:
    with_info = entries_of("m3u__EmeraldCityIT_The-Mixtape-of-Royalty__Playlist.m3u8")
    file_names = entries_of("m3u__EmeraldCityIT_The-Mixtape-of-Royalty__Playlist.m3u")
    assert (with_info[1].artist, with_info[1].title, with_info[1].duration_s) == (
        "MIRICYL BABY",
        "Childhood (Natalee, Britney B. & Margrett)",
        272.0,
    )
    assert (file_names[1].artist, file_names[1].title, file_names[1].duration_s) == (
        "",
        "Childhood (Natalee, Britney B & Margrett)",
        None,
    )
    assert [e.source_id for e in with_info] == [e.source_id for e in file_names]


@needs_shared
def test_japanese_titles_intact() -> None:
    titles = [e.title for e in entries_of("m3u__clementine-player_Clementine__test.m3u")]
    assert "なないろグラデーション" in titles
    assert "燃えるハロウィンタウン Stage A-1,Staff" in titles
    city_pop = entries_of("csv__seankmchenry_exportify-playlists__city_pop_70s.csv")
    assert any(
        "\u3000" in e.title or any("\u3040" <= c <= "\u30ff" for c in e.title) for e in city_pop
    )


@needs_shared
def test_exportify_header_with_tabs() -> None:
    first = entries_of("csv__seankmchenry_exportify-playlists__downloads_.csv")[0]
    assert (first.title, first.artist, first.label, first.key, first.bpm) == (
        "Out With Her",
        "The Blow Monkeys",
        "RCA Camden",
        "G Major",
        87.422,
    )


@needs_shared
def test_serato_summary_row_skipped() -> None:
    entries = entries_of("csv__rothberry_serato-dj-analyzer__10-7-23.csv")
    assert (entries[0].title, entries[0].artist, entries[0].key) == (
        "Issa Vibe",
        "Wax Motif & BRKLYN",
        "6A",
    )
    assert not any(e.title == "10/7/23" for e in entries)


@needs_shared
def test_tunemymusic_and_youtube() -> None:
    (teto,) = read_playlists(real("csv__angall1_CSVMusic__My_Spotify_Library.csv"))
    assert teto.name == "teto blehhhh"
    assert 'Koinu no Carnival -From "Minute Waltz"-' in [e.title for e in teto.entries]
    assert "러시안 룰렛 Russian Roulette" in [e.title for e in teto.entries]
    youtube = entries_of("csv__sergisi_exportify-to-bingo__bro-music.csv")
    assert (youtube[0].source_id, youtube[0].title, youtube[0].artist) == (
        "3iEnvL4AQCQ",
        "Feint - Lift",
        "seRSje",
    )


@needs_shared
def test_rekordbox_hand_edited_file() -> None:
    path = real("rekordbox-xml__andreapavoni_rb_xml__rekordbox_2.xml")
    paths = [i.path for i in list_playlists(path)]
    assert "Playlist Folder/Playlist Folder/Test" in paths
    assert len(paths) == len(set(paths))
    collection = list(iter_collection(path))
    assert len(collection) == 9  # the Entries attribute says 7
    assert collection[-1].location == "file://localhost/soundcloud:tracks:1149223021"
    assert collection[7].location == "/Name with ?.mp3"


@needs_shared
def test_rekordbox_locations_decoded() -> None:
    rb3 = list(iter_collection(real("rekordbox-xml__andreapavoni_rb_xml__rekordbox_3.xml")))
    assert any("Império Pacífico" in e.location for e in rb3)
    rb7 = list(iter_collection(real("rekordbox-xml__25ohms_EDM-CUE_testing__rekordbox.xml")))
    local = [e.location for e in rb7 if e.location.startswith("/")]
    assert local and not any("%20" in loc or "%c3" in loc.lower() for loc in local)
    assert any(loc.startswith("/Volumes/Untitled/aevnDJ/THØRNS") for loc in local)
    assert any(e.location.startswith("file://localhostsoundcloud:") for e in rb7)
    sage = real("rekordbox-xml__SageMolotov_djs-copyright-companion__Rekordbox.xml")
    assert "sAGE'S mUSIC" in [i.path for i in list_playlists(sage)]
    assert all(e.location.startswith("C:/Users/") for e in iter_collection(sage))


@needs_shared
def test_traktor_files() -> None:
    nowplaying = real("nml__whatsnowplaying_whats-now-playing__collection.nml")
    assert "In  the Warehouse" in [e.title for e in iter_collection(nowplaying)]
    (prep,) = read_playlists(real("nml__ericanastas_traktor-tagger__collection.nml"), ["Prep"])
    assert len(prep.entries) == 54
    assert prep.entries[0].location.startswith("E:/Beatport/")
    (history,) = read_playlists(real("nml__wolkenarchitekt_traktor-nml-utils__history.nml"))
    assert (history.name, len(history.entries)) == ("HISTORY", 4)  # one STEM among them
    (sautillant,) = read_playlists(
        real("nml__Segolene-Albouy_Traktor-NML-to-Rekordbox-XML__input.nml")
    )
    assert (sautillant.name, len(sautillant.entries)) == ("DJ SETS/Sautillant", 6)
    assert sautillant.entries[0].location == "/Users/DJ/TakaTuka - Ich Bin Nackt.mp3"


@pytest.mark.skipif(not DEVSET.is_dir(), reason="../shared is not present")
def test_devset_playlists() -> None:
    stats = json.loads((DEVSET / "build_stats.json").read_text(encoding="utf-8"))["playlists"]
    assert len(stats) == 8
    for name, figures in stats.items():
        (playlist,) = read_playlists(DEVSET / "playlists" / name)
        assert len(playlist.entries) == figures["entries"], name
        assert all(e.title for e in playlist.entries), name
