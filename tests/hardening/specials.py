"""Hostile inputs too big to commit or that are not plain files: made at test time.

    make_specials(folder) -> {name: path}

20 MB attributes, 10 MB lines, 10,000 columns, a huge NML PRIMARYKEY, a gzip bomb, and
the file-system oddities: a broken symlink, a symlink loop, a folder named like a
playlist, a FIFO, symlinks to /dev/zero and /dev/urandom (endless input), names holding a
newline or bytes that are not UTF-8, a name of 250 characters.
"""

from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

from tests.hardening.corpus import CATALOG, EXPORTIFY, M3U, nml, rekordbox

__all__ = ["BIG", "SPECIAL_NAMES", "make_specials"]

BIG = 20 * 1024 * 1024  # the giant attribute
LINE = 10 * 1024 * 1024  # the long line
SPECIAL_NAMES = (
    "giant-attribute-20mb.xml", "giant-attribute-20mb.nml", "nml-huge-primarykey.nml",
    "long-extinf-10mb.m3u", "long-path-10mb.m3u8", "long-line-10mb.csv", "no-newline-10mb.csv",
    "columns-10000.csv", "catalog-long-field.csv", "catalog-columns-10000.csv",
    "catalog-gzip-bomb.csv.gz", "broken-symlink.m3u8", "symlink-loop.m3u", "folder-named.m3u8",
    "folder-named.xml", "fifo.m3u8", "fifo.csv", "dev-zero.m3u8", "dev-zero.xml",
    "dev-urandom.csv", "newline-in-name.m3u8", "non-utf8-name.m3u8", "long-name-240.m3u8",
)  # fmt: skip


def _big_files(folder: Path) -> dict[str, Path]:
    files: dict[str, bytes] = {
        "giant-attribute-20mb.xml": rekordbox(name="x" * BIG).encode(),
        "giant-attribute-20mb.nml": nml(title="y" * BIG).encode(),
        "nml-huge-primarykey.nml": nml(key="v/:" + "k/:" * (LINE // 3) + "a.mp3").encode(),
        "long-extinf-10mb.m3u": (
            "#EXTM3U\n#EXTINF:300," + "A" * LINE + " - T\n/Music/a.mp3\n" + M3U
        ).encode(),
        "long-path-10mb.m3u8": ("/Music/" + "p" * LINE + ".mp3\n").encode(),
        "long-line-10mb.csv": (EXPORTIFY + '"u","' + "t" * LINE + '","a","b","1",""\n').encode(),
        "no-newline-10mb.csv": ('"Track Name","Artist Name(s)"' + "," * LINE).encode(),
        "columns-10000.csv": (
            ",".join(["Track Name", "Artist Name(s)", *(f"col{i}" for i in range(10_000))])
            + "\n"
            + ",".join(["Velvet Quarry", "Tamsin Orlo", *("v" * 10_000)])
            + "\n"
        ).encode(),
        "catalog-long-field.csv": (CATALOG + "9100009," + "t" * LINE + ",A\n").encode(),
        "catalog-columns-10000.csv": (
            CATALOG.split("\n")[0] + "," + ",".join(f"c{i}" for i in range(10_000)) + "\n"
            "1,T,,A" + ",x" * 10_009 + "\n"
        ).encode(),
        "catalog-gzip-bomb.csv.gz": gzip.compress(
            CATALOG.encode() + bytes(64 * 1024 * 1024), compresslevel=9
        ),
    }
    out = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    return out


def _odd_paths(folder: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}

    def add(name: str, path: Path) -> None:
        out[name] = path

    (folder / "broken-symlink.m3u8").symlink_to(folder / "gone-away.m3u8")
    add("broken-symlink.m3u8", folder / "broken-symlink.m3u8")
    (folder / "loop-a.m3u").symlink_to(folder / "loop-b.m3u")
    (folder / "loop-b.m3u").symlink_to(folder / "loop-a.m3u")
    add("symlink-loop.m3u", folder / "loop-a.m3u")
    (folder / "folder-named.m3u8").mkdir()
    (folder / "folder-named.m3u8" / "inside.m3u8").write_text(M3U, encoding="utf-8")
    add("folder-named.m3u8", folder / "folder-named.m3u8")
    (folder / "folder-named.xml").mkdir()
    add("folder-named.xml", folder / "folder-named.xml")
    if sys.platform != "win32":
        os.mkfifo(folder / "fifo.m3u8")
        add("fifo.m3u8", folder / "fifo.m3u8")
        os.mkfifo(folder / "fifo.csv")
        add("fifo.csv", folder / "fifo.csv")
    for device, name in (("/dev/zero", "dev-zero.m3u8"), ("/dev/zero", "dev-zero.xml"),
                         ("/dev/urandom", "dev-urandom.csv")):  # fmt: skip
        if Path(device).exists():
            (folder / name).symlink_to(device)
            add(name, folder / name)
    newline = folder / "new\nline.m3u8"
    newline.write_text(M3U, encoding="utf-8")
    add("newline-in-name.m3u8", newline)
    if sys.platform.startswith("linux"):
        raw = os.path.join(os.fsencode(folder), b"bad-\xff\xfe-name.m3u8")
        with open(raw, "wb") as handle:
            handle.write(M3U.encode())
        add("non-utf8-name.m3u8", Path(os.fsdecode(raw)))
    long_name = folder / ("L" * 240 + ".m3u8")
    long_name.write_text(M3U, encoding="utf-8")
    add("long-name-240.m3u8", long_name)
    return out


def make_specials(folder: Path) -> dict[str, Path]:
    """Write every special input into `folder` (created); returns them by case name."""
    folder.mkdir(parents=True, exist_ok=True)
    return {**_big_files(folder), **_odd_paths(folder)}
