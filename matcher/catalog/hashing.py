"""Content fingerprints of catalog sources, to tell "already imported" from "changed".

A file is hashed by streaming its bytes (1 MB at a time, never read whole); a folder by
the sorted list of its audio files' (relative path, size, mtime), which changes whenever a
file is added, removed, retagged or replaced, without reading gigabytes of audio.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["AUDIO_EXTENSIONS", "content_hash", "walk_audio_files"]

AUDIO_EXTENSIONS = frozenset(
    {".mp3", ".flac", ".wav", ".wave", ".aif", ".aiff", ".aifc", ".m4a", ".mp4", ".aac",
     ".alac", ".ogg", ".oga", ".opus", ".wma", ".ape", ".wv", ".mpc", ".dsf"}
)  # fmt: skip
_CHUNK = 1 << 20


def content_hash(path: Path, *, salt: str = "", also: Sequence[Path] = ()) -> str:
    """A hex digest of a file's bytes or a folder's audio file listing; `salt` mixes in
    what else decides the import result (importer version), so a new one re-imports.
    `also` are files whose bytes count too (a database's -wal)."""
    digest = hashlib.blake2b(salt.encode(), digest_size=16)
    if path.is_dir():
        for file in walk_audio_files(path):
            stat = file.stat()
            rel = file.relative_to(path).as_posix()
            digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        return digest.hexdigest()
    for index, file in enumerate((path, *also)):
        if index:
            digest.update(b"\0next file\0")
        with file.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


def walk_audio_files(root: Path) -> Iterator[Path]:
    """Audio files under `root`, sorted, skipping hidden names; symlinked folders are
    followed once each, so a link loop cannot send the walk round forever."""
    seen: set[tuple[int, int]] = set()

    def visit(folder: Path) -> Iterator[Path]:
        try:
            stat = folder.stat()
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        if (stat.st_dev, stat.st_ino) in seen:
            return
        seen.add((stat.st_dev, stat.st_ino))
        subfolders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    subfolders.append(Path(entry.path))
                elif entry.is_file() and Path(entry.name).suffix.lower() in AUDIO_EXTENSIONS:
                    yield Path(entry.path)
            except OSError:
                continue
        for sub in subfolders:
            yield from visit(sub)

    yield from visit(root)
