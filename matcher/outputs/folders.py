"""One output folder per playlist, named after the playlist, safe on every OS.

Playlist names come from files other people wrote: they can hold `/`, `..`, control
characters, Windows device names (`CON`, `lpt1.txt`) or be 500 characters long. The
folder name keeps what is readable (`Folder/Sub/Name` becomes `Folder - Sub - Name`),
drops what is dangerous, and is checked against the resolved output folder so that no
name can ever point outside it.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from matcher.errors import OutputError
from matcher.model import Playlist
from matcher.outputs.atomic import describe_os_error

__all__ = ["playlist_folder", "safe_folder_name"]

MAX_NAME_CHARS = 80  # leaves room for " (123)" and the output file names on old Windows
MAX_NAME_BYTES = 200  # most filesystems allow 255 bytes per name component
FALLBACK_NAME = "playlist"

_SEPARATORS = re.compile(r"[/\\]+")
_WINDOWS_INVALID = re.compile(r'[<>:"|?*]')
_SPACES = re.compile(r"\s+")
_RESERVED = re.compile(
    r"^(con|prn|aux|nul|conin\$|conout\$|clock\$|(com|lpt)[0-9¹²³])$", re.IGNORECASE
)


def _clean_part(part: str) -> str:
    chars = []
    for ch in part:
        if unicodedata.category(ch) in ("Cc", "Cs") or _WINDOWS_INVALID.match(ch):
            chars.append("_")
        else:
            chars.append(ch)
    return _SPACES.sub(" ", "".join(chars)).strip(" .")


def _cap(name: str) -> str:
    name = name[:MAX_NAME_CHARS]
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    return name.rstrip(" .")


def safe_folder_name(name: str) -> str:
    """`name` as one path component every OS accepts and no OS reads as special.

    Path separators become " - " between the cleaned parts, "." and ".." parts are
    dropped, control and Windows-invalid characters become "_", leading and trailing
    dots and spaces go (no hidden folders, no names Windows silently trims), device
    names get a "_" prefix, and the result is capped in characters and UTF-8 bytes.
    """
    text = unicodedata.normalize("NFC", name or "")
    parts = [_clean_part(p) for p in _SEPARATORS.split(text)]
    joined = " - ".join(p for p in parts if p and p not in (".", ".."))
    joined = _cap(joined.strip(" ."))
    stem = joined.split(".", 1)[0].rstrip(" ")
    if _RESERVED.match(stem):
        joined = "_" + joined
    return joined or FALLBACK_NAME


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or `name (2)`, `name (3)`... compared without case (Windows and macOS
    folders are case-insensitive, so "House" and "house" would share one)."""
    used = {unicodedata.normalize("NFC", t).casefold() for t in taken}
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        suffix = f" ({n})"
        candidate = _cap(name[: MAX_NAME_CHARS - len(suffix)]) + suffix
    return candidate


def playlist_folder(out_dir: Path, playlist: Playlist, taken: set[str]) -> Path:
    """Create and return `<out_dir>/<safe playlist name>`, unique within the batch.

    `taken` holds the folder names already used in this batch; the chosen name is added
    to it. Raises OutputError when the folder cannot be created or would resolve outside
    `out_dir` (a symlink planted in the output folder, for instance).
    """
    out_dir = Path(out_dir)
    name = _unique(safe_folder_name(playlist.name), taken)
    folder = out_dir / name
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        root = out_dir.resolve()
        resolved = folder.resolve()
        if resolved.parent != root or resolved.name.casefold() != name.casefold():
            raise OutputError(f"refusing to write outside {out_dir}: {folder} points elsewhere")
        folder.mkdir(exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create {folder}: {describe_os_error(err)}") from err
    taken.add(name)
    return folder
