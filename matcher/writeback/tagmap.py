"""Where each write-back field lives in each tag container: one table, read and written.

    field     ID3 (MP3, AIFF, WAV)   MP4 / M4A                         Vorbis comments
    genre     TCON                   ©gen                              GENRE
    label     TPUB                   ----:com.apple.iTunes:LABEL       LABEL
    key       TKEY                   ----:com.apple.iTunes:initialkey  INITIALKEY
    bpm       TBPM                   tmpo (an integer)                 BPM
    year      TDRC (v2.4) TYER (2.3) ©day                              DATE
    remixers  TPE4                   ----:com.apple.iTunes:REMIXER     REMIXER
    mix       TIT3                   ----:com.apple.iTunes:SUBTITLE    SUBTITLE
    isrc      TSRC                   ----:com.apple.iTunes:ISRC        ISRC
    comment   COMM (eng, no desc)    ©cmt                              COMMENT

The first name is where values are written; the others are aliases other programs use.
A value under an alias counts as present, and an alias that holds a value is given the
new one too when a field is overwritten, so no reader is left with the old value. MP4
freeform names and Vorbis names are matched without regard to case.

Pure data and small pure functions: no mutagen here, so the planner can use it anywhere.
"""

from __future__ import annotations

from matcher.writeback.fields import WRITE_FIELDS, bpm_number

__all__ = [
    "CONTAINERS",
    "ID3_NAMES",
    "MP4_FREEFORM",
    "MP4_NAMES",
    "VORBIS_NAMES",
    "storable",
]

CONTAINERS = ("id3", "mp4", "vorbis")

# ID3 frames by mutagen HashKey. "COMM" means comment frames without a description (any
# language); "YEAR" is TDRC in v2.4 tags and TYER in v2.3 ones (tagfile decides).
ID3_NAMES: dict[str, tuple[str, ...]] = {
    "genre": ("TCON",),
    "label": ("TPUB", "TXXX:LABEL", "TXXX:PUBLISHER", "TXXX:ORGANIZATION"),
    "key": ("TKEY", "TXXX:INITIALKEY", "TXXX:KEY"),
    "bpm": ("TBPM", "TXXX:BPM"),
    "year": ("YEAR",),
    "remixers": ("TPE4", "TXXX:REMIXER", "TXXX:MIXARTIST"),
    "mix": ("TIT3", "TXXX:SUBTITLE"),
    "isrc": ("TSRC", "TXXX:ISRC"),
    "comment": ("COMM", "TXXX:COMMENT"),
}

MP4_FREEFORM = "----:com.apple.iTunes:"
MP4_NAMES: dict[str, tuple[str, ...]] = {
    "genre": ("©gen",),
    "label": (f"{MP4_FREEFORM}LABEL", f"{MP4_FREEFORM}publisher", "©pub"),
    "key": (f"{MP4_FREEFORM}initialkey", f"{MP4_FREEFORM}KEY"),
    "bpm": ("tmpo", f"{MP4_FREEFORM}BPM"),
    "year": ("©day",),
    "remixers": (f"{MP4_FREEFORM}REMIXER", f"{MP4_FREEFORM}MIXARTIST"),
    "mix": (f"{MP4_FREEFORM}SUBTITLE",),
    "isrc": (f"{MP4_FREEFORM}ISRC",),
    "comment": ("©cmt",),
}

VORBIS_NAMES: dict[str, tuple[str, ...]] = {
    "genre": ("GENRE",),
    "label": ("LABEL", "ORGANIZATION", "PUBLISHER"),
    "key": ("INITIALKEY", "KEY"),
    "bpm": ("BPM", "TEMPO"),
    "year": ("DATE", "YEAR"),
    "remixers": ("REMIXER", "MIXARTIST"),
    "mix": ("SUBTITLE", "VERSION"),
    "isrc": ("ISRC",),
    "comment": ("COMMENT", "DESCRIPTION"),
}

assert all(set(t) == set(WRITE_FIELDS) for t in (ID3_NAMES, MP4_NAMES, VORBIS_NAMES))


def storable(container: str, field: str, value: str) -> str:
    """`value` as the container will hold it, so a plan shows what the file will say and
    the read-back check compares like with like: MP4's tmpo atom is an integer, so a BPM
    of 124.5 is stored as 125 (half up). Everything else is stored as given."""
    if container == "mp4" and field == "bpm":
        number = bpm_number(value)
        if number is not None:
            return str(int(number + 0.5))
    return value
