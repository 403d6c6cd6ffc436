from __future__ import annotations

import mutagen
import pytest
from mutagen.flac import FLAC
from mutagen.id3 import COMM, ID3, TCON, TIT2, TSOP, TXXX
from mutagen.mp4 import MP4, MP4FreeForm

from matcher.writeback import WRITE_FIELDS, FileRefused
from matcher.writeback.tagfile import open_tagfile, read_values
from tests.matcher.writeback.conftest import copy_writable
from tests.matcher.writeback.synth import make_flac, make_mp3, make_ogg, make_wav

VALUES = {
    "genre": "Tech House",
    "label": "Drumcode",
    "key": "F#m",
    "bpm": "124.5",
    "year": "2019",
    "remixers": "Someone, Other One",
    "mix": "Extended Mix",
    "isrc": "USABC1234567",
    "comment": "CrateMatch: local 1 (The EP)",
}


def write(path, values):
    tags = open_tagfile(path)
    tags.set_values(values)
    tags.save()


@pytest.mark.parametrize(
    ("make", "name", "fmt", "container"),
    [
        pytest.param(make_mp3, "a.mp3", "mp3", "id3", id="mp3"),
        pytest.param(make_wav, "a.wav", "wav", "id3", id="wav"),
        pytest.param(make_flac, "a.flac", "flac", "vorbis", id="flac"),
        pytest.param(make_ogg, "a.ogg", "ogg", "vorbis", id="ogg"),
    ],
)
def test_every_field_round_trips(tmp_path, make, name, fmt, container):
    path = make(tmp_path / name)
    opened = open_tagfile(path)
    assert (opened.format, opened.container) == (fmt, container)
    assert opened.values() == dict.fromkeys(WRITE_FIELDS, "")
    write(path, VALUES)
    assert read_values(path) == VALUES


def id3_file(tmp_path, version, *frames):
    path = make_mp3(tmp_path / f"v2{version}.mp3")
    tags = ID3()
    for frame in frames:
        tags.add(frame)
    tags.save(path, v2_version=version)
    return path


@pytest.mark.parametrize(
    ("version", "year_frame"),
    [pytest.param(3, "TYER", id="v2.3"), pytest.param(4, "TDRC", id="v2.4")],
)
def test_the_id3_version_found_is_kept(tmp_path, version, year_frame):
    path = id3_file(tmp_path, version, TIT2(encoding=3, text=["Title"]))
    write(path, VALUES)
    raw = ID3(path, translate=False)
    assert raw.version == (2, version, 0)
    assert str(raw[year_frame].text[0]) == "2019"
    assert raw["TIT2"].text == ["Title"]


def test_a_file_without_id3_gets_v23(tmp_path):
    path = make_mp3(tmp_path / "bare.mp3")
    write(path, {"genre": "House"})
    assert ID3(path).version == (2, 3, 0)


def test_id3v22_is_written_as_v23(tmp_path, real_audio):
    path = copy_writable(real_audio / "id3v22-test.mp3", tmp_path / "old.mp3")
    before = read_values(path)
    write(path, {"genre": "House"})
    assert ID3(path).version == (2, 3, 0)
    assert read_values(path) == {**before, "genre": "House"}


def test_frames_we_do_not_write_are_kept_as_they_were(tmp_path):
    # iTunes puts the v2.4 sort frames in v2.3 tags; mutagen's translation would drop them
    path = id3_file(tmp_path, 3, TSOP(encoding=1, text=["Artist, The"]))
    write(path, {"genre": "House"})
    assert ID3(path, translate=False)["TSOP"].text == ["Artist, The"]


def test_an_id3v1_tag_is_left_byte_for_byte(tmp_path):
    path = make_mp3(tmp_path / "v1.mp3")
    v1 = b"TAG" + b"Old Title".ljust(30, b"\0") + b"Old Artist".ljust(30, b"\0")
    v1 += bytes(30) + b"1999" + bytes(30) + b"\x00"
    assert len(v1) == 128
    path.write_bytes(path.read_bytes() + v1)
    write(path, {"genre": "House", "year": "2019"})
    assert path.read_bytes()[-128:] == v1
    tags = ID3(path, load_v1=False)
    assert "TIT2" not in tags  # v1's fields were not copied into v2
    assert tags["TCON"].text == ["House"]


def test_an_mp3_with_only_id3v1_gets_a_v2_tag_and_keeps_v1(tmp_path):
    path = make_mp3(tmp_path / "v1only.mp3")
    v1 = b"TAG" + b"Title".ljust(30, b"\0") + bytes(60) + b"2001" + bytes(30) + b"\x11"
    path.write_bytes(path.read_bytes() + v1)
    assert read_values(path)["year"] == ""  # v1 fields do not count as present
    write(path, {"genre": "House"})
    assert path.read_bytes()[-128:] == v1
    assert ID3(path, load_v1=False).version == (2, 3, 0)


def test_an_id3_alias_counts_as_present_and_gets_the_new_value(tmp_path):
    path = id3_file(tmp_path, 4, TXXX(encoding=3, desc="label", text=["Old Label"]))
    assert read_values(path)["label"] == "Old Label"
    write(path, {"label": "Drumcode"})
    tags = ID3(path)
    assert tags["TPUB"].text == ["Drumcode"]
    assert tags["TXXX:label"].text == ["Drumcode"]


def test_comments_without_a_description_are_replaced_others_kept(tmp_path):
    path = id3_file(
        tmp_path,
        4,
        COMM(encoding=3, lang="deu", desc="", text=["alt"]),
        COMM(encoding=3, lang="eng", desc="iTunNORM", text=[" 0000"]),
    )
    assert read_values(path)["comment"] == "alt"
    write(path, {"comment": "new"})
    tags = ID3(path)
    assert [f.text for f in tags.getall("COMM") if not f.desc] == [["new"]]
    assert tags["COMM:iTunNORM:eng"].text == [" 0000"]


def test_genre_numbers_read_as_names(tmp_path):
    path = id3_file(tmp_path, 3, TCON(encoding=0, text=["(13)"]))
    assert read_values(path)["genre"] == "Pop"


def test_vorbis_aliases(tmp_path):
    path = make_flac(tmp_path / "a.flac")
    flac = FLAC(path)
    flac.add_tags()
    flac.tags["organization"] = ["Old Label"]
    flac.tags["TEMPO"] = ["0"]
    flac.save()
    assert read_values(path)["label"] == "Old Label"
    assert read_values(path)["bpm"] == "0"
    write(path, {"label": "Drumcode", "bpm": "128"})
    tags = FLAC(path).tags
    assert tags["LABEL"] == ["Drumcode"] and tags["ORGANIZATION"] == ["Drumcode"]
    assert tags["BPM"] == ["128"] and tags["TEMPO"] == ["128"]


def test_mp4_freeform_names_ignore_case_and_bpm_is_an_integer(tmp_path, real_audio):
    path = copy_writable(real_audio / "has-tags.m4a", tmp_path / "a.m4a")
    mp4 = MP4(path)
    mp4.tags["----:com.apple.iTunes:label"] = [MP4FreeForm(b"Old Label")]
    mp4.save()
    assert read_values(path)["label"] == "Old Label"
    write(path, {"label": "Drumcode", "bpm": "124.5", "key": "Am"})
    tags = MP4(path).tags
    assert tags["tmpo"] == [125]
    assert bytes(tags["----:com.apple.iTunes:label"][0]) == b"Drumcode"
    assert bytes(tags["----:com.apple.iTunes:initialkey"][0]) == b"Am"
    assert read_values(path)["label"] == "Drumcode"


def make_midi(path):
    track = b"\x00\xff\x2f\x00"
    path.write_bytes(
        b"MThd\x00\x00\x00\x06\x00\x00\x00\x01\x00\x60"
        + b"MTrk"
        + len(track).to_bytes(4, "big")
        + track
    )
    return path


def write_bytes(data):
    def build(path):
        path.write_bytes(data)
        return path

    return build


@pytest.mark.parametrize(
    ("build", "name", "reason"),
    [
        pytest.param(lambda p: p, "gone.mp3", "missing", id="missing"),
        pytest.param(lambda p: p.mkdir() or p, "folder.mp3", "not a file", id="folder"),
        pytest.param(write_bytes(b""), "empty.mp3", "damaged (empty file)", id="empty"),
        pytest.param(
            write_bytes(b"no audio here " * 20), "notes.txt", "not an audio file", id="text"
        ),
        pytest.param(
            write_bytes(b"no audio here " * 20),
            "notes.flac",
            "damaged (is not a valid FLAC file)",
            id="text-named-flac",
        ),
        pytest.param(
            write_bytes(b"fLaC\x00\x00\x00\x22" + bytes(10)), "cut.flac", "damaged", id="cut-flac"
        ),
        pytest.param(make_midi, "song.mid", "SMF files are not written", id="midi"),
    ],
)
def test_refusals_carry_one_line_of_reason(tmp_path, build, name, reason):
    path = build(tmp_path / name)
    with pytest.raises(FileRefused) as info:
        open_tagfile(path)
    assert info.value.reason.startswith(reason)
    assert "\n" not in str(info.value)
    assert str(info.value) == f"{path}: {info.value.reason}"


def test_a_falsy_file_without_tags_is_still_audio(tmp_path):
    path = make_wav(tmp_path / "bare.wav")
    audio = mutagen.File(path)
    assert audio is not None and audio.tags is None
    assert open_tagfile(path).values()["genre"] == ""
