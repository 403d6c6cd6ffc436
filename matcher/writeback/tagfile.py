"""Reading and writing the write-back fields of one audio file, through mutagen.

Formats written: MP3, AIFF and WAV (an ID3v2 tag), FLAC, Ogg Vorbis and Opus (Vorbis
comments), MP4/M4A with AAC or ALAC (iTunes atoms); the names are in tagmap. Anything
else is refused with a reason, like a missing, unreadable or damaged file.

ID3 decisions:
- The ID3v2 version found is kept: 2.3 stays 2.3 and 2.4 stays 2.4, and frames are loaded
  untranslated, so frames we do not write are written back as they were (mutagen's
  2.3 <-> 2.4 translation would drop RVAD, TSOP and friends). The year goes to TDRC in
  2.4 and TYER in 2.3. mutagen cannot write ID3v2.2: a 2.2 tag is upgraded to 2.3, the
  version every DJ app reads. A file with no ID3v2 gets a 2.3 tag, for the same reason.
- An ID3v1 tag at the end of an MP3 is left byte for byte as it was, never created. DJ
  apps read ID3v2 first and every written file has one; updating v1 would mean either
  blanking its title (mutagen rebuilds v1 from v2 alone) or copying v1's truncated
  fields into v2 (mutagen's merge on load), both worse than a stale v1 genre or year.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mutagen
from mutagen.aiff import AIFF
from mutagen.flac import FLAC
from mutagen.id3 import COMM, ID3, TXXX, Frames, ID3NoHeaderError
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, AtomDataType, MP4FreeForm
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from matcher.writeback.errors import FileRefused
from matcher.writeback.fields import WRITE_FIELDS
from matcher.writeback.records import StreamInfo
from matcher.writeback.tagmap import ID3_NAMES, MP4_FREEFORM, MP4_NAMES, VORBIS_NAMES, storable

__all__ = ["FORMATS", "TagFile", "open_tagfile", "read_values"]

# mutagen type -> (our format name, tag container)
_KINDS: dict[type, tuple[str, str]] = {
    MP3: ("mp3", "id3"), AIFF: ("aiff", "id3"), WAVE: ("wav", "id3"), FLAC: ("flac", "vorbis"),
    OggVorbis: ("ogg", "vorbis"), OggOpus: ("opus", "vorbis"), MP4: ("mp4", "mp4"),
}  # fmt: skip
FORMATS: tuple[str, ...] = tuple(fmt for fmt, _ in _KINDS.values())
_UTF8 = 3  # ID3 text encoding; mutagen turns it into UTF-16 for v2.3
_V1_SIZE = 128


def _joined(values: Any) -> str:
    """A tag's values as one string: several values joined by ", "."""
    if not isinstance(values, list | tuple):
        values = [values]
    texts = []
    for value in values:
        if isinstance(value, MP4FreeForm):
            codec = "utf-16-be" if value.dataformat == AtomDataType.UTF16 else "utf-8"
            value = bytes(value).decode(codec, errors="replace")
        text = " ".join(str(value).replace("\x00", " ").split())
        if text:
            texts.append(text)
    return ", ".join(texts)


class TagFile:
    """One audio file opened with mutagen: its nine fields, read and written.

    Not a record to pass between processes: open it where the file is written.
    """

    def __init__(self, path: Path, audio: mutagen.FileType, fmt: str, container: str) -> None:
        self.path = path
        self.audio = audio
        self.format = fmt
        self.container = container
        tags = audio.tags
        self.id3_version: tuple[int, ...] | None = (
            tuple(tags.version) if isinstance(tags, ID3) else None
        )

    @property
    def stream(self) -> StreamInfo:
        info = self.audio.info
        return StreamInfo(
            length=float(getattr(info, "length", 0.0) or 0.0),
            sample_rate=getattr(info, "sample_rate", None),
            channels=getattr(info, "channels", None),
        )

    # reading ---------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        """The current value of each field, "" when neither its name nor an alias has one."""
        tags = self.audio.tags
        if tags is None:
            return {field: "" for field in WRITE_FIELDS}
        read = {"id3": self._id3_value, "mp4": self._mp4_value, "vorbis": self._vorbis_value}
        return {field: read[self.container](field) for field in WRITE_FIELDS}

    def _id3_frames(self, name: str) -> list[Any]:
        tags = self.audio.tags
        if name == "YEAR":
            return tags.getall("TDRC") + tags.getall("TYER")
        if name == "COMM":
            return [f for f in tags.getall("COMM") if not f.desc]
        if name.startswith("TXXX:"):
            desc = name[5:].upper()
            return [f for f in tags.getall("TXXX") if f.desc.upper() == desc]
        return tags.getall(name)

    def _id3_value(self, field: str) -> str:
        for name in ID3_NAMES[field]:
            for frame in self._id3_frames(name):
                text = _joined(frame.genres if name == "TCON" else frame.text)
                if text:
                    return text
        return ""

    def _mp4_key(self, name: str) -> str | None:
        """The atom name present in the file for `name` (freeform names ignore case)."""
        tags = self.audio.tags
        if name in tags:
            return name
        if name.startswith(MP4_FREEFORM):
            lowered = name.lower()
            return next((k for k in tags if k.lower() == lowered), None)
        return None

    def _mp4_value(self, field: str) -> str:
        for name in MP4_NAMES[field]:
            key = self._mp4_key(name)
            text = _joined(self.audio.tags[key]) if key else ""
            if text:
                return text
        return ""

    def _vorbis_value(self, field: str) -> str:
        tags = self.audio.tags
        for name in VORBIS_NAMES[field]:
            text = _joined(tags[name]) if name in tags else ""
            if text:
                return text
        return ""

    # writing ---------------------------------------------------------------------------

    def set_values(self, values: Mapping[str, str]) -> None:
        """Put `values` in memory: the primary name gets each value, and any alias that
        holds a value gets it too. `save` writes them."""
        if self.audio.tags is None:
            self.audio.add_tags()
            if self.container == "id3":
                self.id3_version = None  # a new tag: written as 2.3
        if self.container == "id3" and self.id3_version and self.id3_version < (2, 3, 0):
            self.audio.tags.update_to_v23()  # 2.2 frames cannot be written as they are
            self.id3_version = (2, 3, 0)
        write = {"id3": self._id3_set, "mp4": self._mp4_set, "vorbis": self._vorbis_set}
        for field in WRITE_FIELDS:
            if field in values:
                value = storable(self.container, field, values[field])
                write[self.container](field, value)

    @property
    def _v24(self) -> bool:
        return self.id3_version is not None and self.id3_version >= (2, 4, 0)

    def _id3_set(self, field: str, value: str) -> None:
        tags = self.audio.tags
        names = ID3_NAMES[field]
        if field == "year":
            keep, drop = ("TDRC", "TYER") if self._v24 else ("TYER", "TDRC")
            for name in (drop, "TDAT", "TIME"):  # parts of the old date, now stale
                tags.delall(name)
            tags.setall(keep, [Frames[keep](encoding=_UTF8, text=[value])])
        elif field == "comment":
            for frame in self._id3_frames("COMM"):
                tags.pop(frame.HashKey, None)
            tags.add(COMM(encoding=_UTF8, lang="eng", desc="", text=[value]))
        else:
            tags.setall(names[0], [Frames[names[0]](encoding=_UTF8, text=[value])])
        for alias in names[1:]:  # only TXXX aliases besides the special names above
            for frame in self._id3_frames(alias):
                if _joined(frame.text):
                    tags.setall(
                        frame.HashKey, [TXXX(encoding=_UTF8, desc=frame.desc, text=[value])]
                    )

    def _mp4_set(self, field: str, value: str) -> None:
        tags = self.audio.tags
        names = MP4_NAMES[field]
        for name in names:
            key = self._mp4_key(name) or (name if name == names[0] else None)
            if key is None or (name != names[0] and not _joined(tags[key])):
                continue
            if key == "tmpo":
                tags[key] = [int(storable("mp4", "bpm", value))]
            elif key.startswith(MP4_FREEFORM):
                tags[key] = [MP4FreeForm(value.encode("utf-8"), dataformat=AtomDataType.UTF8)]
            else:
                tags[key] = [value]

    def _vorbis_set(self, field: str, value: str) -> None:
        tags = self.audio.tags
        names = VORBIS_NAMES[field]
        for name in names:
            if name == names[0] or (name in tags and _joined(tags[name])):
                tags[name] = [value]

    def save(self) -> None:
        """Write the tags into the file at `self.path` (the caller's temporary copy).
        FileRefused when mutagen cannot."""
        try:
            if self.container == "id3":
                self._save_id3()
            elif isinstance(self.audio, FLAC):
                self.audio.save(self.path, deleteid3=False)
            else:
                self.audio.save(self.path)
        except FileRefused:
            raise
        except Exception as err:  # mutagen raises many types on odd files
            raise FileRefused(
                self.path, f"cannot write the tags ({_describe(err, self.path)})"
            ) from err

    def _save_id3(self) -> None:
        version = 4 if self._v24 else 3
        if not isinstance(self.audio, MP3):
            self.audio.save(self.path, v2_version=version)
            return
        v1 = _read_v1(self.path)
        # 0: mutagen drops the ID3v1 tag instead of rebuilding it from ID3v2 (which fails
        # on a value Latin-1 cannot hold); the original 128 bytes go back at the end.
        self.audio.save(self.path, v1=0, v2_version=version)
        if v1 is not None:
            with open(self.path, "ab") as handle:
                handle.write(v1)


def _read_v1(path: Path) -> bytes | None:
    with open(path, "rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size < _V1_SIZE:
            return None
        handle.seek(-_V1_SIZE, os.SEEK_END)
        tail = handle.read(_V1_SIZE)
    return tail if tail.startswith(b"TAG") else None


def _describe(err: BaseException, path: Path | None = None) -> str:
    """mutagen's message, without the path it often repeats (the reason follows it)."""
    text = str(err)
    if path is not None:
        text = text.replace(repr(str(path)), "").replace(str(path), "")
    text = " ".join(text.split())
    return text or type(err).__name__


def open_tagfile(path: str | Path) -> TagFile:
    """Open `path` for reading and writing its tags; FileRefused says why it cannot be."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            if not handle.read(1):
                raise FileRefused(path, "damaged (empty file)")
            handle.seek(0)
            audio = mutagen.File(handle)
            kind = type(audio)
            if isinstance(getattr(audio, "tags", None), ID3):
                handle.seek(0)  # the tag again, untranslated and without ID3v1 merged in
                try:
                    audio.tags = type(audio.tags)(handle, translate=False, load_v1=False)
                except ID3NoHeaderError:  # the tags were an ID3v1 tag alone
                    audio.tags = None
    except FileRefused:
        raise
    except FileNotFoundError:
        raise FileRefused(path, "missing") from None
    except IsADirectoryError:
        raise FileRefused(path, "not a file") from None
    except OSError as err:
        raise FileRefused(path, f"unreadable ({err.strerror or err})") from None
    except Exception as err:  # mutagen raises many error types on damaged files
        raise FileRefused(path, f"damaged ({_describe(err, path)})") from None
    if audio is None:
        raise FileRefused(path, "not an audio file")
    if kind not in _KINDS:
        raise FileRefused(path, f"{kind.__name__} files are not written")
    fmt, container = _KINDS[kind]
    return TagFile(path, audio, fmt, container)


def read_values(path: str | Path) -> dict[str, str]:
    """The current values of the write fields of the file at `path` (FileRefused)."""
    return open_tagfile(path).values()
