"""Reading catalog sources into `CatalogTrack`s, whatever the user points us at.

    catalog CSV (DESIGN.md), plain or .gz     -> read here
    Rekordbox XML / Traktor NML collection    -> matcher.catalog.collection
    Rekordbox 6/7 master.db ("rekordbox-db")  -> matcher.catalog.collection
    a Rekordbox USB export ("rekordbox-usb"):
      export.pdb, or the stick's root folder  -> matcher.catalog.collection
    a folder of audio files                   -> matcher.catalog.audiofiles

The kind is told from the content (gzip magic, the root XML element, the CSV header, the
libraries' binary headers), not from the extension, because exports get renamed. Every
reader streams: a 100 MB collection is never held in memory, and counts of skipped rows
and bad cells go into a `ReadStats` the caller passes in.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path

from matcher.catalog.fields import (
    ReadStats,
    parse_duration,
    parse_number,
    tidy_date,
    tidy_key,
)
from matcher.catalog.store import normalise_isrc
from matcher.errors import CatalogImportError, UnsupportedFormat
from matcher.model import CatalogTrack

__all__ = [
    "CATALOG_COLUMNS",
    "REQUIRED_COLUMNS",
    "UnsupportedCatalogSource",
    "detect_source_kind",
    "read_catalog_source",
]

CATALOG_COLUMNS = (
    "catalog_id", "title", "mix", "artists", "remixers", "label", "release",
    "release_date", "bpm", "key", "genre", "duration_s", "isrc",
)  # fmt: skip
REQUIRED_COLUMNS = ("catalog_id", "title", "artists")
_OPTIONAL_EXTRA = ("location",)  # a catalog exported by us may carry it
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF = 8192


class UnsupportedCatalogSource(UnsupportedFormat, CatalogImportError):
    """Neither a catalog CSV, a DJ collection nor a folder (caught as either parent)."""


def read_catalog_source(path: Path, stats: ReadStats | None = None) -> Iterator[CatalogTrack]:
    """Stream the tracks of one source; counts go into `stats` as rows are read."""
    stats = stats if stats is not None else ReadStats()
    kind = detect_source_kind(path)
    if kind == "csv":
        return _read_csv(path, stats)
    if kind == "folder":
        from matcher.catalog.audiofiles import read_audio_folder

        return read_audio_folder(path, stats)
    from matcher.catalog.collection import read_collection

    return read_collection(path, kind, stats)


def detect_source_kind(path: Path) -> str:
    """ "csv", "rekordbox", "nml", "rekordbox-db", "rekordbox-usb" or "folder";
    UnsupportedCatalogSource otherwise."""
    path = Path(path)
    if path.is_dir():
        from matcher.playlists.libraries import folder_format  # the readers load on demand

        return "rekordbox-usb" if folder_format(path) == "rekordbox-usb" else "folder"
    if not path.exists():
        raise CatalogImportError(f"catalog source not found: {path}")
    if not path.is_file():  # a FIFO would block the read below, a device never ends
        raise CatalogImportError(f"{path.name}: not a regular file (a pipe, socket or device)")
    library = _library_kind(path)
    if library:
        return library
    head = _head_text(path)
    start = head.lstrip()
    if not start:
        raise CatalogImportError(f"{path.name}: the file is empty")
    if start.startswith("<"):
        if "<DJ_PLAYLISTS" in head:
            return "rekordbox"
        if "<NML" in head:
            return "nml"
        raise UnsupportedCatalogSource(
            f"{path.name}: XML that is neither a Rekordbox collection nor a Traktor NML"
        )
    first_line = start.split("\n", 1)[0]
    if "catalog_id" in first_line.lower() or ("," in first_line and _looks_like_csv_name(path)):
        return "csv"
    raise UnsupportedCatalogSource(
        f"{path.name}: not a catalog source (expected a catalog CSV, a Rekordbox XML or "
        "Traktor NML collection, or a folder of audio files)"
    )


def _library_kind(path: Path) -> str | None:
    """ "rekordbox-db" / "rekordbox-usb" for a DJ library file, from its first bytes."""
    from matcher.playlists.detect import sniff_library  # the readers load on demand

    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF)
    except OSError as err:
        raise CatalogImportError(f"cannot read {path}: {err.strerror or err}") from None
    kind = sniff_library(head, path.suffix.lower())
    return kind if kind in ("rekordbox-db", "rekordbox-usb") else None


def _looks_like_csv_name(path: Path) -> bool:
    suffixes = [s.lower() for s in path.suffixes]
    return bool(suffixes) and ("csv" in suffixes[-1] or suffixes[-2:] == [".csv", ".gz"])


def _head_text(path: Path) -> str:
    """The first few KB as text (decompressed when gzip), for sniffing only."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(_SNIFF)
        if raw.startswith(_GZIP_MAGIC):
            raw = zlib.decompressobj(wbits=31).decompress(raw, _SNIFF)
    except (OSError, zlib.error) as err:
        raise CatalogImportError(f"cannot read {path}: {err}") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", "ignore")
    return raw.decode("utf-8", "ignore").lstrip("\ufeff")


def _open_text(path: Path) -> io.TextIOBase:
    with path.open("rb") as handle:
        gz = handle.read(2) == _GZIP_MAGIC
    if gz:
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")  # type: ignore[return-value]
    return path.open("r", encoding="utf-8-sig", newline="")  # type: ignore[return-value]


def _read_csv(path: Path, stats: ReadStats) -> Iterator[CatalogTrack]:
    line = 1
    try:
        with _open_text(path) as handle:
            reader = csv.reader(handle)
            header = [h.strip().lower() for h in next(reader, [])]
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise CatalogImportError(
                    f"{path.name}: missing catalog column(s): {', '.join(missing)}"
                )
            where = {
                name: header.index(name)
                for name in (*CATALOG_COLUMNS, *_OPTIONAL_EXTRA)
                if name in header
            }
            for cells in reader:
                line = reader.line_num
                if not any(c.strip() for c in cells):
                    continue  # blank line
                stats.rows_read += 1
                track = _csv_track(cells, where, stats, line)
                if track is None:
                    stats.rows_skipped += 1
                else:
                    yield track
    except UnicodeDecodeError:
        raise CatalogImportError(f"{path.name}: not UTF-8 text (near line {line})") from None
    except (csv.Error, EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise CatalogImportError(f"{path.name}: broken CSV near line {line}: {err}") from None
    except OSError as err:
        raise CatalogImportError(f"cannot read {path}: {err.strerror or err}") from None


def _csv_track(
    cells: list[str], where: dict[str, int], stats: ReadStats, line: int
) -> CatalogTrack | None:
    def cell(name: str) -> str:
        i = where.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    catalog_id, title = cell("catalog_id"), cell("title")
    if not catalog_id or not title:
        stats.note(f"line {line}: no {'catalog_id' if not catalog_id else 'title'}")
        return None
    return CatalogTrack(
        catalog_id=catalog_id,
        title=title,
        mix=cell("mix"),
        artists=_names(cell("artists")),
        remixers=_names(cell("remixers")),
        label=cell("label"),
        release=cell("release"),
        release_date=tidy_date(cell("release_date")),
        bpm=parse_number(cell("bpm"), stats, f"bpm on line {line}"),
        key=tidy_key(cell("key")),
        genre=cell("genre"),
        duration_s=parse_duration(cell("duration_s"), stats, f"duration on line {line}"),
        isrc=normalise_isrc(cell("isrc")),
        location=cell("location"),
    )


def _names(text: str) -> tuple[str, ...]:
    """The catalog format's own lists: ", "-separated and nothing else."""
    return tuple(n.strip() for n in text.split(", ") if n.strip()) if text else ()
