"""A small DJ library for the window's write-back tests, built in the test's folder from
synthesised audio (tests/matcher/writeback/synth.py): four readable files (MP3, FLAC, WAV,
Ogg) and two broken ones (an empty MP3, a text file named .mp3). A catalog CSV holds their
metadata, and a Rekordbox XML playlist "Set" names every file, with the length, BPM and
key a DJ app exports, so every entry matches with confidence whatever the scoring's
details. Every name is invented."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from matcher.outputs.locations import file_url
from tests.matcher.writeback.synth import make_flac, make_mp3, make_ogg, make_wav

__all__ = ["WriteLibrary", "build_write_library", "digests", "long_night"]

HEADER = (
    "catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,duration_s,isrc"
)
# (file, artist, title, maker); maker None: broken on purpose
TRACKS = (
    ("01 Ember Glass.mp3", "Nyra Castell", "Ember Glass", make_mp3),
    ("02 Salt Circuit.flac", "Talia Venn", "Salt Circuit", make_flac),
    ("03 Quarry Lights.wav", "Oskan Drey", "Quarry Lights", make_wav),
    ("04 Velvet Harbour.ogg", "Mira Quell", "Velvet Harbour", make_ogg),
    ("05 Hollow Tide.mp3", "Brin Solace", "Hollow Tide", None),
    ("06 Paper Moons.mp3", "Lisk Arden", "Paper Moons", None),
)
BROKEN_FILES = (TRACKS[4][0], TRACKS[5][0])


@dataclass(frozen=True)
class WriteLibrary:
    root: Path
    files: tuple[Path, ...]  # in playlist order
    catalog: Path
    playlist: Path
    out: Path

    def file(self, name: str) -> Path:
        return next(p for p in self.files if p.name == name)


def long_night(count: int) -> tuple[tuple[str, str, str, object], ...]:
    """`count` small MP3s of invented tracks (a write that takes a few seconds)."""
    return tuple(
        (f"{n:04d} Long Night {n}.mp3", f"Artist {n}", f"Long Night {n}", _tiny_mp3)
        for n in range(1, count + 1)
    )


def _tiny_mp3(path: Path, seed: int) -> Path:
    return make_mp3(path, frames=4, seed=seed)


def build_write_library(root: Path, tracks=TRACKS) -> WriteLibrary:  # noqa: ANN001
    music = root / "music"
    music.mkdir(parents=True)
    rows, entries, files = [HEADER], [], []
    for n, (name, artist, title, maker) in enumerate(tracks, start=1):
        path = music / name
        if maker is None:
            path.write_bytes(b"" if n == 5 else b"these are liner notes, not audio\n")
        else:
            maker(path, seed=n)
        files.append(path)
        bpm, seconds = 120 + n % 40, 300 + n % 97  # evidence beyond the names, as DJs have
        rows.append(f"c{n},{title},Original Mix,{artist},Remixer {n},Label {n},Release {n},"
                    f"2021-05-0{n % 9 + 1},{bpm},A Minor,House,{seconds},"
                    f"QZQRY2{n:06d}")  # fmt: skip
        entries.append(f'<TRACK TrackID="{n}" Name={quoteattr(title)} Artist={quoteattr(artist)}'
                       f' TotalTime="{seconds}" AverageBpm="{bpm}.00" Tonality="Am"'
                       f" Location={quoteattr(file_url(str(path)))}/>")  # fmt: skip
    catalog = root / "catalog.csv"
    catalog.write_text("\n".join(rows) + "\n", encoding="utf-8")
    keys = "".join(f'<TRACK Key="{n}"/>' for n in range(1, len(tracks) + 1))
    playlist = root / "Friday.xml"
    playlist.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><DJ_PLAYLISTS Version="1.0.0">'
        '<PRODUCT Name="rekordbox"/>'
        f'<COLLECTION Entries="{len(tracks)}">{"".join(entries)}</COLLECTION>'
        '<PLAYLISTS><NODE Type="0" Name="ROOT" Count="1">'
        f'<NODE Name="Set" Type="1" KeyType="0" Entries="{len(tracks)}">{keys}</NODE>'
        "</NODE></PLAYLISTS></DJ_PLAYLISTS>",
        encoding="utf-8",
    )
    return WriteLibrary(root, tuple(files), catalog, playlist, root / "out")


def digests(paths: tuple[Path, ...]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
