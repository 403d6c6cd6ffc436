"""Getting sources into catalog databases: `cratematch catalog import` and `--catalog`.

    import_catalog(sources, db)   upsert each source into db; a source whose content hash
                                  is recorded in db's meta is skipped ("already imported")
    resolve_catalog(path)         --catalog: a catalog db is used as is; any importable
                                  source is imported once into
                                  <data dir>/catalogs/<content hash>.sqlite and reused
    catalog_info(db)              `cratematch catalog info` and a batch's final line: the
                                  db's size, the file it was built from, its sources

Each import is recorded in the db's meta as `import:<source's absolute path>` ->
{"hash", "kind", "rows"}; a db built for `--catalog FILE` also records `built_from`.

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
from matcher.catalog.kept import mark_used, prune_unused
from matcher.catalog.store import SCHEMA_VERSION, CatalogStore
from matcher.errors import CatalogError, CatalogImportError, InputError
from matcher.model import CatalogTrack
from matcher.sqlite_aside import side_paths

__all__ = [
    "IMPORTER_VERSION",
    "CatalogInfo",
    "CatalogSource",
    "ImportReport",
    "SourceReport",
    "catalog_info",
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
    kind: str  # "csv", "rekordbox", "nml", "rekordbox-db", "rekordbox-usb", "folder"
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


@dataclass(frozen=True, slots=True)
class CatalogSource:
    """A source imported into a catalog, as its meta records it."""

    path: str  # absolute, as it was when imported
    kind: str  # "csv", "rekordbox", "nml", "rekordbox-db", "rekordbox-usb", "folder"
    rows: int  # rows its last import wrote

    def line(self) -> str:
        gone = "" if Path(self.path).exists() else "; no longer there"
        return f"{self.path} ({self.kind}, {self.rows} tracks{gone})"


@dataclass(frozen=True, slots=True)
class CatalogInfo:
    """A catalog database: its size and where its tracks came from."""

    database: Path
    tracks: int
    built_from: str  # the file `--catalog FILE` named ("" for a db imported into)
    sources: tuple[CatalogSource, ...]

    @property
    def name(self) -> str:
        """What the user knows the catalog as: the file it was built from, else the db."""
        return self.built_from or str(self.database)

    def lines(self) -> list[str]:
        """`cratematch catalog info`: the size, then one line per source."""
        lines = [f"{self.database}: {self.tracks} tracks"]
        if self.built_from and not any(s.path == self.built_from for s in self.sources):
            lines.append(f"  built from {self.built_from}")
        lines += [f"  from {source.line()}" for source in self.sources]
        if not self.sources and not self.built_from:
            lines.append("  no import recorded (tracks kept from online providers only)")
        return lines


def catalog_info(database: Path) -> CatalogInfo:
    """Read what `database` holds and where from (opened read-only)."""
    with CatalogStore.open(Path(database), readonly=True) as store:
        tracks = store.count()
        built_from = store.meta("built_from") or ""
        records = store.meta_items(_IMPORT_KEY)
    sources = []
    for key, value in sorted(records.items()):
        record = _record(value)
        rows = record.get("rows", 0)
        sources.append(CatalogSource(key[len(_IMPORT_KEY) :], str(record.get("kind", "")),
                                     rows if isinstance(rows, int) else 0))  # fmt: skip
    return CatalogInfo(Path(database), tracks, built_from, tuple(sources))


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
    digest = _source_hash(source, kind)
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
    if path.is_file() and _is_sqlite(path) and not _is_master_db(path):
        return path
    kind = detect_source_kind(path)  # an unsupported file fails here, before any hashing
    digest = _source_hash(path, kind)
    folder = paths.data_dir() / "catalogs"
    target = folder / f"{digest}.sqlite"
    if target.is_file():
        return _used(target)
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
        for leftover in (temp, *side_paths(temp)):
            leftover.unlink(missing_ok=True)
    return _used(target)


# Imported catalogs kept beside the one in use: a changed source is a new database (a
# master.db changes at every Rekordbox session), and a million-track one is a gigabyte.
KEEP_IMPORTS = 5  # the one in use included
KEEP_IMPORTS_UNUSED_S = 30 * 86400.0  # an import no batch has used for this long goes


def _used(target: Path) -> Path:
    """Mark the imported catalog `target` used, and delete the imports no batch has
    used for long (see kept.py); returns `target`."""
    mark_used(target)
    prune_unused(target.parent, target, "*.sqlite", count=KEEP_IMPORTS,
                 unused_s=KEEP_IMPORTS_UNUSED_S)  # fmt: skip
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
    with CatalogStore.open(database, readonly=True) as store:
        older = not store.has_word_counts
    if older:
        _bring_up_to_date(database)
    return database


def _bring_up_to_date(database: Path) -> None:
    """Give a catalog an older CrateMatch wrote what this one's searches use (a writable
    open adds it: half a second for a million rows, more for a schema 1 file). One that
    cannot be written, in a read-only folder, is searched as it is."""
    try:
        with CatalogStore.open(database):
            pass
    except CatalogError:
        pass


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


def _source_hash(source: Path, kind: str) -> str:
    """The content hash that says whether `source` changed since its last import. A USB
    stick's root is hashed by its export.pdb (not every audio file on it); a master.db
    with its -wal, where Rekordbox's latest changes wait until it checkpoints."""
    files = [source]
    if kind == "rekordbox-usb" and source.is_dir():
        from matcher.playlists.rekordbox_usb import find_export

        files = [find_export(source) or source]
    elif kind == "rekordbox-db":
        files += [p for p in (source.with_name(source.name + "-wal"),) if p.is_file()]
    try:
        return content_hash(files[0], salt=_SALT, also=files[1:])
    except OSError as err:
        raise CatalogImportError(f"cannot read {source}: {err.strerror or err}") from None


def _is_master_db(path: Path) -> bool:
    from matcher.playlists.masterdb import is_master_db  # the readers load on demand

    return is_master_db(path)


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
