from __future__ import annotations

import struct

import pytest
from mutagen.id3 import ID3, TIT2

from matcher.writeback import FileRefused, audio_digest, tag_digest
from matcher.writeback.payload import digests, payload_ranges
from matcher.writeback.tagfile import open_tagfile
from tests.matcher.writeback.synth import make_flac, make_mp3, make_ogg, make_wav, noise

MP3_AUDIO = 40 * 417


def ape_tag(items: bytes = b"\x05\x00\x00\x00\x00\x00\x00\x00Title\x00Hello") -> bytes:
    footer = b"APETAGEX" + struct.pack("<IIII", 2000, len(items) + 32, 1, 0) + bytes(8)
    return items + footer


def lyrics3(text: bytes = b"[00:01]la la") -> bytes:
    body = b"LYRICSBEGIN" + b"LYR" + b"%05d" % len(text) + text
    return body + b"%06d" % len(body) + b"LYRICS200"


V1 = b"TAG" + bytes(125)


@pytest.mark.parametrize(
    "tail",
    [
        pytest.param(b"", id="nothing"),
        pytest.param(V1, id="id3v1"),
        pytest.param(ape_tag(), id="apev2"),
        pytest.param(ape_tag() + V1, id="apev2-id3v1"),
        pytest.param(lyrics3() + V1, id="lyrics3-id3v1"),
        pytest.param(ape_tag() + lyrics3() + V1, id="apev2-lyrics3-id3v1"),
    ],
)
def test_mp3_payload_is_between_the_tags(tmp_path, tail):
    path = make_mp3(tmp_path / "a.mp3")
    tags = ID3()
    tags.add(TIT2(encoding=3, text=["x"]))
    tags.save(path)
    head = path.read_bytes()
    start = len(head) - MP3_AUDIO
    path.write_bytes(head + tail)
    assert payload_ranges(path) == ((start, start + MP3_AUDIO),)


@pytest.mark.parametrize(
    ("make", "name"),
    [
        pytest.param(make_mp3, "a.mp3", id="mp3"),
        pytest.param(make_wav, "a.wav", id="wav"),
        pytest.param(make_flac, "a.flac", id="flac"),
        pytest.param(make_ogg, "a.ogg", id="ogg"),
    ],
)
def test_tags_change_the_tag_digest_only(tmp_path, make, name):
    path = make(tmp_path / name)
    before = digests(path)
    tags = open_tagfile(path)
    tags.set_values({"comment": "x" * 20000, "genre": "House"})  # grows: the audio moves
    tags.save()
    after = digests(path)
    assert after.audio == before.audio
    assert after.tags != before.tags
    assert after.format == before.format


@pytest.mark.parametrize(
    ("make", "name"),
    [
        pytest.param(make_mp3, "a.mp3", id="mp3"),
        pytest.param(make_wav, "a.wav", id="wav"),
        pytest.param(make_flac, "a.flac", id="flac"),
        pytest.param(make_ogg, "a.ogg", id="ogg"),
    ],
)
def test_a_changed_audio_byte_changes_the_audio_digest_only(tmp_path, make, name):
    path = make(tmp_path / name)
    before = digests(path)
    start, end = payload_ranges(path)[-1]
    data = bytearray(path.read_bytes())
    data[(start + end) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert audio_digest(path) != before.audio
    assert tag_digest(path) == before.tags


def test_ogg_payload_is_the_audio_page_bodies(tmp_path):
    path = make_ogg(tmp_path / "a.ogg", audio_pages=5)
    ranges = payload_ranges(path)
    assert len(ranges) == 5
    assert all(end - start == 4000 for start, end in ranges)


def mp4_atoms(*atoms: tuple[bytes, bytes]) -> bytes:
    return b"".join(struct.pack(">I4s", 8 + len(body), kind) + body for kind, body in atoms)


def test_mp4_payload_is_the_mdat_atoms(tmp_path):
    path = tmp_path / "a.mp4"
    audio = noise(1000)
    path.write_bytes(
        mp4_atoms((b"ftyp", b"M4A \x00\x00\x00\x00"), (b"moov", bytes(50)), (b"mdat", audio))
    )
    start = 16 + 58 + 8
    assert payload_ranges(path) == ((start, start + 1000),)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        pytest.param(
            "a.mp3",
            b"ID3\x04\x00\x00\x00\x00\x7f\x7f" + bytes(20),
            "ID3v2 tag longer",
            id="id3-longer-than-file",
        ),
        pytest.param(
            "a.mp4", mp4_atoms((b"ftyp", b"M4A "), (b"moov", b"")), "no mdat", id="mp4-no-mdat"
        ),
        pytest.param(
            "a.mp4",
            mp4_atoms((b"ftyp", b"M4A ")) + b"\x00\x00\x01\x00moov",
            "atom size",
            id="mp4-bad-size",
        ),
        pytest.param(
            "a.wav",
            b"RIFF\x10\x00\x00\x00WAVEfmt \x00\x00\x00\x00",
            "no data chunk",
            id="wav-no-data",
        ),
        pytest.param("a.ogg", b"OggS" + bytes(30), "cut short", id="ogg-cut-short"),
        pytest.param("a.flac", b"fLaC\x00\x00\x01\x00", "cut short", id="flac-cut-short"),
    ],
)
def test_a_bad_layout_is_damaged(tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(FileRefused, match=words) as info:
        digests(path)
    assert info.value.reason.startswith("damaged")


def test_real_files_keep_their_audio_when_written(tmp_path, real_audio):
    # the full corpus is in test_conformance; this one checks a file with every tail tag
    source = real_audio / "apev2-lyricsv2.mp3"
    path = tmp_path / "a.mp3"
    path.write_bytes(source.read_bytes())
    before = digests(path)
    tags = open_tagfile(path)
    tags.set_values({"comment": "x" * 5000})
    tags.save()
    assert digests(path).audio == before.audio
    assert payload_ranges(path)[0][1] < path.stat().st_size  # the tail tags stay outside
