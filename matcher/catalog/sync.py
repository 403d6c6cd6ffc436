"""Getting sources into catalog databases: `cratematch catalog import` and `--catalog`.

    import_catalog(sources, db)   upsert each source into db; a source whose content hash
                                  is recorded in db's meta is skipped ("already imported")
    resolve_catalog(path)         --catalog: a catalog db is used as is; any importable
                                  source is imported once into
                                  <data dir>/catalogs/<content hash>.sqlite and reused

A resolved catalog is built in a temporary file and renamed into place only when the
import finished, so a crash or a cancelled import never leaves a half-filled catalog that a
later run would trust.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from matcher import paths
from matcher.bounds import bounded_track
from matcher.catalog.fields import ReadStats
from matcher.catalog.hashing import content_hash
from matcher.catalog.importers import detect_source_kind, read_catalog_source
from matcher.catalog.store import SCHEMA_VERSION, CatalogStore
from matcher.errors import CatalogError, CatalogImportError, InputError
from matcher.model import CatalogTrack

__all__ = [
    "IMPORTER_VERSION",
    "ImportReport",
    "SourceReport",
    "import_catalog",
    "prepare_catalog",
    "resolve_catalog",
]

# Bump when importers change what they produce from the same input: every source hash is
# salted with it, so catalogs built by an older importer are rebuilt rather than reused.
IMPORTER_VERSION = "1"
_SALT = f"cratematch-catalog/{IMPORTER_VERSION}/{SCHEMA_VERSION}"
_IMPORT_KEY = "import:"
_PROGRESS_EVERY = 4000
_SQLITE_MAGIC = b"SQLite format 3\x00"
_STALE_TEMP_S = 3600

ALREADY_IMPORTED = "already imported"
IMPORTED = "imported"


@dataclass(frozen=True, slots=True)
class SourceReport:
    """What importing one source did."""

    source: Path
    kind: str  # "csv", "rekordbox", "nml", "folder"
    status: str  # IMPORTED or ALREADY_IMPORTED
    rows_read: int = 0
    rows_written: int = 0
    rows_skipped: int = 0
    bad_cells: int = 0
    problems: tuple[str, ...] = ()

    def line(self) -> str:
        if self.status == ALREADY_IMPORTED:
            return f"{self.source.name}: already imported (unchanged)"
        text = f"{self.source.name}: {self.rows_written} tracks imported"
        extras = [f"{self.rows_read} read"]
        if self.rows_skipped:
            extras.append(f"{self.rows_skipped} skipped")
        if self.bad_cells:
            extras.append(f"{self.bad_cells} unreadable values left empty")
        return f"{text} ({', '.join(extras)})"


@dataclass(frozen=True, slots=True)
class ImportReport:
    catalog: Path
    sources: tuple[SourceReport, ...]
    total_tracks: int  # rows in the catalog afterwards

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.sources)

    @property
    def rows_written(self) -> int:
        return sum(s.rows_written for s in self.sources)

    @property
    def rows_skipped(self) -> int:
        return sum(s.rows_skipped for s in self.sources)

    def lines(self) -> list[str]:
        """The report as lines for a terminal or a log."""
        return [*(s.line() for s in self.sources),
                f"catalog {self.catalog}: {self.total_tracks} tracks"]  # fmt: skip


def import_catalog(
    sources: Sequence[Path],
    catalog: Path,
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import `sources` into the catalog db at `catalog` (created if needed).

    `progress` gets the running count of rows written in this call.
    """
    reports: list[SourceReport] = []
    written = 0

    def advance(rows: int) -> None:
        nonlocal written
        written += rows
        if progress is not None:
            progress(written)

    for source in sources:  # a typo in the last path must not leave a partial import
        detect_source_kind(Path(source))
    with CatalogStore.open(Path(catalog)) as store:
        for source in sources:
            reports.append(_import_source(store, Path(source), advance))
        if written:
            store.optimize()
        total = store.count()
    return ImportReport(Path(catalog), tuple(reports), total)


def _import_source(
    store: CatalogStore, source: Path, advance: Callable[[int], None]
) -> SourceReport:
    kind = detect_source_kind(source)
    try:
        digest = content_hash(source, salt=_SALT)
    except OSError as err:
        raise CatalogImportError(f"cannot read {source}: {err.strerror or err}") from None
    resolved = str(source.resolve())
    key = _IMPORT_KEY + resolved
    record = _record(store.meta(key))
    if record.get("hash") == digest:
        return SourceReport(source, kind, ALREADY_IMPORTED)
    stats = ReadStats()
    rows_written = 0
    tracks = map(bounded_track, read_catalog_source(source, stats))
    for batch in _batches(tracks, _PROGRESS_EVERY):
        rows = store.upsert_many(batch, source=resolved)
        rows_written += rows
        advance(rows)
    report = SourceReport(
        source, kind, IMPORTED, stats.rows_read, rows_written, stats.rows_skipped,
        stats.bad_cells, tuple(stats.problems),
    )  # fmt: skip
    store.set_meta(key, json.dumps({"hash": digest, "kind": kind, "rows": rows_written}))
    return report


def resolve_catalog(path: Path | None) -> Path:
    """The catalog db that `--catalog path` means, importing a source the first time."""
    if path is None:
        return paths.default_catalog_path()
    path = Path(path).expanduser()
    if not path.exists():
        raise CatalogImportError(f"catalog not found: {path}")
    if path.is_file() and _is_sqlite(path):
        return path
    detect_source_kind(path)  # an unsupported file fails here, before any hashing
    try:
        digest = content_hash(path, salt=_SALT)
    except OSError as err:
        raise CatalogImportError(f"cannot read {path}: {err.strerror or err}") from None
    folder = paths.data_dir() / "catalogs"
    target = folder / f"{digest}.sqlite"
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    _sweep_stale_temps(folder)
    temp = folder / f".{digest}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        report = import_catalog([path], temp)
        if report.total_tracks == 0:
            raise CatalogImportError(f"{path.name}: no tracks found to build a catalog from")
        with CatalogStore.open(temp) as store:
            store.set_meta("built_from", str(path.resolve()))
        os.replace(temp, target)
    finally:
        for leftover in (temp, *(Path(f"{temp}{s}") for s in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)
    return target


def prepare_catalog(path: Path | None) -> Path:
    """The catalog database a batch matches against (importing a catalog file once), opened
    once here so that a missing or damaged catalog fails before any output is written."""
    database = resolve_catalog(path)
    if not database.exists():
        raise InputError(
            "no local catalog yet: import one with `cratematch catalog import FILE` "
            "or pass --catalog FILE"
        )
    with CatalogStore.open(database, readonly=True):
        pass
    return database


def _sweep_stale_temps(folder: Path) -> None:
    """Delete temporary catalogs a killed process left behind. An import in progress
    keeps touching its file, so anything untouched for an hour is dead."""
    cutoff = time.time() - _STALE_TEMP_S
    for leftover in folder.glob(".*.tmp*"):
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except OSError:
            continue


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == _SQLITE_MAGIC
    except OSError as err:
        raise CatalogError(f"cannot read catalog {path}: {err.strerror or err}") from None


def _record(text: str | None) -> dict[str, object]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _batches(tracks: Iterable[CatalogTrack], size: int) -> Iterator[list[CatalogTrack]]:
    rows = iter(tracks)
    while batch := list(islice(rows, size)):
        yield batch
