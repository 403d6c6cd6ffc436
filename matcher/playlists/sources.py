"""Opening playlist files and decoding their text.

Every reader starts here, so a missing file, a folder, an unreadable or empty file gets
the same one-line error naming the file, and text decoding never raises: playlists come
from every tool and OS, and a stray byte must not cost the user the whole file.
"""

from __future__ import annotations

import codecs
import stat
from pathlib import Path

from matcher.errors import InputError, PlaylistParseError

__all__ = [
    "HEAD_BYTES",
    "bom_encoding",
    "decode_text",
    "file_error",
    "looks_binary",
    "read_bytes",
    "read_head",
]

HEAD_BYTES = 65536  # enough to see a header, a prolog or the first playlist lines

# UTF-32 before UTF-16: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r", "\f", "\v"}


def file_error(path: Path, err: OSError) -> InputError:
    """The one-line error for an OS error while opening or reading `path`."""
    if isinstance(err, FileNotFoundError):
        return InputError(f"{path.name}: file not found ({path})")
    if isinstance(err, IsADirectoryError):
        return InputError(f"{path.name}: is a folder, not a playlist file")
    if isinstance(err, PermissionError):
        return InputError(f"{path.name}: cannot be read (permission denied)")
    reason = err.strerror or type(err).__name__
    return InputError(f"{path.name}: cannot be read ({reason})")


def _check_path(path: Path) -> None:
    """Refuse folders, and pipes, sockets and devices: opening a FIFO waits for a writer
    forever and /dev/zero never ends, so only regular files are read."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return  # opening it says "file not found" (a broken symlink too)
    except OSError as err:
        raise file_error(path, err) from None
    except ValueError as err:  # a NUL in the path
        raise InputError(f"{path.name}: cannot be read ({err})") from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{path.name or path}: is a folder, not a playlist file")
    if not stat.S_ISREG(mode):
        raise InputError(f"{path.name}: not a regular file (a pipe, socket or device)")


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first `size` bytes of `path`; InputError/PlaylistParseError if there are none."""
    _check_path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(size)
    except OSError as err:
        raise file_error(path, err) from None
    if not head:
        raise PlaylistParseError(f"{path.name}: the file is empty")
    return head


def read_bytes(path: Path) -> bytes:
    """The whole file (M3U and CSV playlists are small enough to read at once)."""
    _check_path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise file_error(path, err) from None
    if not data:
        raise PlaylistParseError(f"{path.name}: the file is empty")
    return data


def _utf16_without_bom(data: bytes) -> str | None:
    """Notepad and some players write UTF-16 without a BOM: ASCII text then shows a NUL in
    every other byte."""
    sample = data[:512]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.4 * half and even_nuls == 0:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls == 0:
        return "utf-16-be"
    return None


def bom_encoding(data: bytes) -> str | None:
    """The encoding that a BOM, or UTF-16's pattern of NULs, says `data` is in."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return _utf16_without_bom(data)


def decode_text(data: bytes, partial: bool = False) -> str:
    """Decode by BOM (UTF-8, UTF-16, UTF-32), else UTF-8, else cp1252, else Latin-1.

    `partial` says `data` is a file's head that may end inside a multi-byte character.
    Never raises: Latin-1 maps every byte.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace").lstrip("\ufeff")
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        if partial and err.start >= len(data) - 3 and err.reason == "unexpected end of data":
            return data[: err.start].decode("utf-8", errors="replace")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def looks_binary(text: str) -> bool:
    """True for text that is really binary data (NULs, many control characters)."""
    sample = text[:4096]
    if not sample:
        return False
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if ch in _CONTROL)
    return controls > max(2, len(sample) // 50)
