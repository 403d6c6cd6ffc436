"""Every file of ../shared/realfiles/audio through write, read-back and undo.

The 21 readable files get all nine fields written with overwrite, read back by mutagen
(our reader and mutagen's own names) and by tinytag, keep their stream info and audio
payload, and come back byte for byte on undo. The five broken ones are refused with a
reason and stay byte-identical. Files are copied first: ../shared is never written.
"""

from __future__ import annotations

import csv

import mutagen
import pytest
from tinytag import TinyTag

from matcher.writeback import (
    WRITE_FIELDS,
    FileStatus,
    plan_changes,
    read_state,
    undo_write,
    write_file,
)
from matcher.writeback.payload import digests
from matcher.writeback.tagmap import storable
from tests.matcher.writeback.conftest import copy_writable, sha

BROKEN = {
    "emptyfile.mp3": "damaged (empty file)",
    "too-short.mp3": "damaged (can't sync to MPEG frame)",
    "ooming-header.flac": "damaged",
    "106-invalid-streaminfo.flac": "damaged",
    "64bit.mp4": "not an audio file",
}
READABLE = [
    "no-tags.mp3", "silence-44-s.mp3", "id3v22-test.mp3", "id3v1v2-combined.mp3", "xing.mp3",
    "vbri.mp3", "apev2-lyricsv2.mp3", "bad-TYER-frame.mp3", "no-tags.flac", "silence-44-s.flac",
    "variable-block.flac", "with-id3.aif", "48k-2ch-s16-silence.aif",
    "silence-2s-PCM-16000-08-ID3v23.wav", "silence-2s-PCM-16000-08-notags.wav", "has-tags.m4a",
    "no-tags.m4a", "alac.m4a", "empty.ogg", "example.opus", "truncated-64bit.mp4",
]  # fmt: skip
VALUES = {
    "genre": "Melodic House & Techno",
    "label": "Kompakt Extra",
    "key": "Bbm",
    "bpm": "122.5",
    "year": "2021",
    "remixers": "Ada Lovelace, Grace Hopper",
    "mix": "Extended Vocal Mix",
    "isrc": "DEXYZ2100042",
    "comment": "CrateMatch: local 4711 (Night Works EP)",
}
# A WAV's RIFF LIST/INFO chunk (IGNR, ICRD) is read by tinytag before the ID3 chunk, and
# mutagen cannot write it: the old values stay there (see the package notes).
RIFF_INFO_SHADOWS = {
    ("silence-2s-PCM-16000-08-ID3v23.wav", "genre"): "Silence",
    ("silence-2s-PCM-16000-08-ID3v23.wav", "year"): "2004",
}
# mutagen's own names for each field (its default loader translates TYER to TDRC)
PRIMARY = {
    "id3": {"genre": "TCON", "label": "TPUB", "key": "TKEY", "bpm": "TBPM", "year": "TDRC",
            "remixers": "TPE4", "mix": "TIT3", "isrc": "TSRC", "comment": "COMM::eng"},
    "mp4": {"genre": "©gen", "label": "----:com.apple.iTunes:LABEL",
            "key": "----:com.apple.iTunes:initialkey", "bpm": "tmpo", "year": "©day",
            "remixers": "----:com.apple.iTunes:REMIXER", "mix": "----:com.apple.iTunes:SUBTITLE",
            "isrc": "----:com.apple.iTunes:ISRC", "comment": "©cmt"},
    "vorbis": {"genre": "GENRE", "label": "LABEL", "key": "INITIALKEY", "bpm": "BPM",
               "year": "DATE", "remixers": "REMIXER", "mix": "SUBTITLE", "isrc": "ISRC",
               "comment": "COMMENT"},
}  # fmt: skip


def test_the_lists_cover_the_manifest(real_audio):
    with open(real_audio / "MANIFEST.csv", newline="", encoding="utf-8") as handle:
        names = {row["file"] for row in csv.DictReader(handle)}
    assert names == set(READABLE) | set(BROKEN)
    assert len(names) == 26


def mutagen_text(value: object) -> str:
    value = value[0] if isinstance(value, list) else value
    text = getattr(value, "text", value)
    text = text[0] if isinstance(text, list) else text
    return bytes(text).decode() if isinstance(text, bytes) else str(text)


def tinytag_values(path, container: str) -> dict[str, str | None]:
    tag = TinyTag.get(path)

    def other(name: str) -> str | None:
        return (tag.other.get(name) or [None])[0]

    id3 = container == "id3"
    return {
        "genre": tag.genre,
        "label": other("publisher" if id3 else "label"),
        "key": other("initial_key"),
        "bpm": other("bpm"),
        "year": tag.year,
        "remixers": other("tpe4" if id3 else "remixer"),
        "mix": other("tit3" if id3 else "subtitle"),
        "isrc": other("isrc"),
        "comment": tag.comment,
    }


@pytest.mark.parametrize("name", READABLE)
def test_a_readable_file_is_written_read_back_and_undone(tmp_path, real_audio, journal, name):
    path = copy_writable(real_audio / name, tmp_path / name)
    original = path.read_bytes()
    before = mutagen.File(path)
    audio_before = digests(path).audio
    state = read_state(path)
    changes = plan_changes(
        state.values,
        VALUES,
        fields=frozenset(WRITE_FIELDS),
        overwrite=True,
        container=state.container,
    )
    assert [c.field for c in changes] == list(WRITE_FIELDS)
    write_id = journal.begin(options={"overwrite": True}, sources=[str(tmp_path)])

    outcome = write_file(
        path, changes, expected_stamp=state.stamp, journal=journal, write_id=write_id
    )
    assert outcome.status == FileStatus.WRITTEN, outcome.reason

    expected = {f: storable(state.container, f, v) for f, v in VALUES.items()}
    assert read_state(path).values == expected
    after = mutagen.File(path)
    for field, key in PRIMARY[state.container].items():
        assert mutagen_text(after.tags[key]) == expected[field], field
    for field, value in tinytag_values(path, state.container).items():
        assert value == RIFF_INFO_SHADOWS.get((name, field), expected[field]), field
    for attribute in ("length", "sample_rate", "channels"):
        assert getattr(after.info, attribute, None) == getattr(before.info, attribute, None)
    assert digests(path).audio == audio_before

    undo_write(journal, write_id)
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_file_is_refused_and_untouched(tmp_path, real_audio, journal, write_id, name):
    path = copy_writable(real_audio / name, tmp_path / name)
    digest = sha(path)
    changes = plan_changes({}, VALUES, fields=frozenset(WRITE_FIELDS), overwrite=True)
    outcome = write_file(path, changes, expected_stamp=None, journal=journal, write_id=write_id)
    assert outcome.status == FileStatus.REFUSED
    assert outcome.reason.startswith(BROKEN[name])
    assert sha(path) == digest
    assert journal.files(write_id)[0].reason == outcome.reason
