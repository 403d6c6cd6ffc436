from __future__ import annotations

import os
import struct
import wave
from pathlib import Path

import pytest
from mutagen.flac import FLAC
from mutagen.id3 import ID3, TALB, TBPM, TCON, TDRC, TIT2, TKEY, TPE1, TPE4, TPUB, TSRC
from mutagen.wave import WAVE

from matcher.catalog.fields import ReadStats
from matcher.catalog.importers import read_catalog_source
from matcher.model import CatalogTrack


def write_wav(path: Path, frames: dict[str, object]) -> Path:
    """A real one-second WAV with an ID3 chunk holding `frames`."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 8000)
    audio = WAVE(path)
    audio.add_tags()
    for frame in frames.values():
        audio.tags.add(frame)
    audio.save()
    return path


def write_mp3(path: Path, frames: list[object]) -> Path:
    """ID3v2 tags followed by 20 silent MPEG-1 layer III frames (128 kbit/s, 44.1 kHz)."""
    path.write_bytes((b"\xff\xfb\x90\x00" + b"\0" * 413) * 20)
    tags = ID3()
    for frame in frames:
        tags.add(frame)
    tags.save(path)
    return path


def write_flac(path: Path, comments: dict[str, str]) -> Path:
    """A FLAC holding only STREAMINFO (no audio frames) plus Vorbis comments."""
    info = (44100 << 44) | (1 << 41) | (15 << 36) | 44100  # rate, 2 ch, 16 bit, 1 s
    streaminfo = struct.pack(">HH3s3sQ16s", 4096, 4096, b"\0\0\0", b"\0\0\0", info, b"\0" * 16)
    path.write_bytes(b"fLaC" + bytes([0x80, 0, 0, 34]) + streaminfo)
    audio = FLAC(path)
    for key, value in comments.items():
        audio[key] = value
    audio.save()
    return path


def read(folder: Path) -> tuple[list[CatalogTrack], ReadStats]:
    stats = ReadStats()
    return list(read_catalog_source(folder, stats)), stats


@pytest.fixture
def music(tmp_path: Path) -> Path:
    root = tmp_path / "Music"
    (root / "House" / "Deep").mkdir(parents=True)
    write_wav(root / "House" / "lolita.wav", {
        "t": TIT2(encoding=3, text="Lolita (Extended Mix)"),
        "a": TPE1(encoding=3, text=["Boriqua Tribez", "MC X"]),
        "r": TPE4(encoding=3, text="Jamie Stevens"),
        "al": TALB(encoding=3, text="Lolita EP"),
        "l": TPUB(encoding=3, text="Crosstown"),
        "g": TCON(encoding=3, text="Tech House"),
        "d": TDRC(encoding=3, text="2019-04-05"),
        "b": TBPM(encoding=3, text="124"),
        "k": TKEY(encoding=3, text="8A"),
        "i": TSRC(encoding=3, text="GB-ABC-19-00001"),
    })  # fmt: skip
    write_mp3(root / "House" / "Deep" / "song.mp3",
              [TIT2(encoding=3, text="Song"), TPE1(encoding=3, text="A feat. B")])  # fmt: skip
    write_flac(root / "red.flac", {"title": "Red Lights", "artist": "Tiësto",
                                   "INITIALKEY": "Am", "organization": "Musical Freedom",
                                   "bpm": "fast"})  # fmt: skip
    write_wav(root / "Untagged Artist - Untagged Title.wav", {})
    (root / "broken.mp3").write_bytes(b"this is not audio at all" * 10)
    (root / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    (root / ".hidden.wav").write_bytes(b"junk")
    (root / ".Trash").mkdir()
    write_wav(root / ".Trash" / "deleted.wav", {"t": TIT2(encoding=3, text="Deleted")})
    return root


def by_title(tracks: list[CatalogTrack]) -> dict[str, CatalogTrack]:
    return {t.title: t for t in tracks}


def test_reads_tags_of_every_container(music: Path) -> None:
    tracks, stats = read(music)
    found = by_title(tracks)
    assert sorted(found) == ["Lolita", "Red Lights", "Song", "Untagged Title"]
    lolita = found["Lolita"]
    assert lolita == CatalogTrack(
        catalog_id=lolita.catalog_id, title="Lolita", mix="Extended Mix",
        artists=("Boriqua Tribez", "MC X"), remixers=("Jamie Stevens",), label="Crosstown",
        release="Lolita EP", release_date="2019-04-05", bpm=124.0, key="A Minor",
        genre="Tech House", duration_s=1.0, isrc="GBABC1900001",
        location=str((music / "House" / "lolita.wav").resolve()),
        file_size=(music / "House" / "lolita.wav").stat().st_size,
    )  # fmt: skip
    assert found["Song"].artists == ("A", "B")
    assert found["Song"].duration_s == pytest.approx(0.52, abs=0.01)
    red = found["Red Lights"]
    assert (red.artists, red.key, red.label, red.bpm) == (("Tiësto",), "A Minor",
                                                          "Musical Freedom", None)  # fmt: skip
    assert found["Untagged Title"].artists == ("Untagged Artist",)
    # broken.mp3 is counted and skipped; cover.jpg and hidden files are never looked at
    assert (stats.rows_read, stats.rows_skipped, stats.bad_cells) == (5, 1, 1)
    assert any("broken.mp3" in p for p in stats.problems)


def test_ids_are_stable_and_distinct(music: Path) -> None:
    first, _ = read(music)
    again, _ = read(music)
    assert [t.catalog_id for t in first] == [t.catalog_id for t in again]
    assert len({t.catalog_id for t in first}) == len(first)
    assert all(t.catalog_id.startswith("file:") for t in first)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks here")
def test_symlink_loop_is_walked_once(music: Path) -> None:
    os.symlink(music, music / "House" / "loop", target_is_directory=True)
    os.symlink(music / "House", music / "House" / "Deep" / "up", target_is_directory=True)
    tracks, stats = read(music)
    assert sorted(by_title(tracks)) == ["Lolita", "Red Lights", "Song", "Untagged Title"]
    assert stats.rows_read == 5


def test_empty_folder(tmp_path: Path) -> None:
    assert read(tmp_path) == ([], ReadStats())
