"""Which playlist format a file holds, from its content.

Users save M3Us as .txt, Traktor collections as .xml and CSVs with whatever extension
their tool picked, so the first bytes decide: an XML root of DJ_PLAYLISTS is Rekordbox,
NML is Traktor; `#EXTM3U`/`#EXTINF`/`#EXTVDJ` or lines of paths are M3U; a header row
naming a title column is CSV. The extension only breaks ties.

DJ libraries are binary: an SQLite header, or a `.db` file of SQLCipher noise, is a
Rekordbox master.db ("rekordbox-db"; its reader refuses other SQLite files); a DeviceSQL
header is a USB export.pdb ("rekordbox-usb"); a "vrsn" field is a Serato crate
("serato"). A folder is read when it holds a library (`libraries.folder_format`): a USB
stick's root, a `_Serato_` folder or a drive with one.
"""

from __future__ import annotations

import re
from pathlib import Path

from matcher.errors import PlaylistParseError, UnsupportedFormat
from matcher.playlists.csvheader import find_header
from matcher.playlists.devicesql import looks_like_pdb
from matcher.playlists.filenames import AUDIO_EXTENSIONS
from matcher.playlists.libraries import folder_format
from matcher.playlists.sources import HEAD_BYTES, decode_text, looks_binary, read_head
from matcher.playlists.xmlsafe import check_prolog, root_name

__all__ = ["FORMATS", "detect_format", "sniff", "sniff_library"]

FORMATS = ("rekordbox", "nml", "m3u", "csv", "rekordbox-db", "rekordbox-usb", "serato")
_XML_ROOTS = {"DJ_PLAYLISTS": "rekordbox", "NML": "nml"}
_M3U_MARKERS = ("#EXTM3U", "#EXTINF", "#EXTVDJ", "#PLAYLIST", "#EXTENC")
_BY_EXTENSION = {
    ".m3u": "m3u", ".m3u8": "m3u", ".csv": "csv", ".tsv": "csv", ".nml": "nml",
    ".xml": "rekordbox",
}  # fmt: skip
_LINES = re.compile(r"\r\n|\r|\n")
_PATH_LIKE = re.compile(r"^(?:/|\\\\|~/|[A-Za-z]:[\\/]|[A-Za-z][A-Za-z0-9+.-]+://)")
_NOT_PLAYLIST = (
    "not a playlist CrateMatch reads (Rekordbox XML or master.db, a Rekordbox USB export, "
    "Serato crates, Traktor NML, M3U/M3U8 or CSV)"
)
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _looks_like_path(line: str) -> bool:
    ext = line.rsplit(".", 1)[-1].lower() if "." in line else ""
    return bool(_PATH_LIKE.match(line)) or ext in AUDIO_EXTENSIONS


def _sniff_xml(head: bytes, suffix: str, file_name: str) -> str:
    check_prolog(head, file_name)  # a DTD is refused as soon as it is seen
    root = root_name(head)
    if root in _XML_ROOTS:
        return _XML_ROOTS[root]
    if root is None and suffix in (".xml", ".nml"):
        return _BY_EXTENSION[suffix]  # a prolog too long to see past: let the reader judge
    shown = f"<{root}>" if root else "an unknown root"
    raise UnsupportedFormat(
        f"{file_name}: XML with {shown} is not a Rekordbox XML or Traktor NML export"
    )


def sniff(head: bytes, suffix: str = "", file_name: str = "the file") -> str:
    """The format of a file whose first bytes are `head` and extension is `suffix`."""
    text = decode_text(head, partial=len(head) >= HEAD_BYTES)
    if looks_binary(text):
        raise UnsupportedFormat(f"{file_name}: binary data, {_NOT_PLAYLIST}")
    stripped = text.replace("\ufeff", "").strip()
    lines = [line.strip() for line in _LINES.split(stripped)[:200] if line.strip()]
    if not lines:
        raise PlaylistParseError(f"{file_name}: the file holds only blank lines")
    if stripped.startswith("<"):
        return _sniff_xml(head, suffix, file_name)
    if lines[0].upper().startswith(_M3U_MARKERS):
        return "m3u"
    if find_header(text) is not None:
        return "csv"
    entries = [line for line in lines if not line.startswith("#")]
    if entries and sum(map(_looks_like_path, entries)) * 2 > len(entries):
        return "m3u"
    if suffix in (".m3u", ".m3u8", ".csv", ".tsv"):
        return _BY_EXTENSION[suffix]
    raise UnsupportedFormat(f"{file_name}: {_NOT_PLAYLIST}")


def sniff_library(head: bytes, suffix: str = "") -> str | None:
    """The DJ library format of a binary file whose first bytes are `head`, or None."""
    if head.startswith(_SQLITE_MAGIC):
        return "rekordbox-db"
    if head.startswith(b"vrsn\x00"):
        return "serato"
    if looks_like_pdb(head):
        return "rekordbox-usb"
    if suffix == ".db":
        return "rekordbox-db"  # SQLCipher (or not a database): the reader tells which
    return None


def detect_format(path: Path) -> str:
    """The format of the playlist file (or library folder) at `path`: one of `FORMATS`.

    Raises InputError for a missing, unreadable or empty file or a folder that holds no
    library, and UnsupportedFormat for anything else.
    """
    path = Path(path)
    if path.is_dir() and (found := folder_format(path)):
        return found
    head = read_head(path)
    return sniff_library(head, path.suffix.lower()) or sniff(head, path.suffix.lower(), path.name)
