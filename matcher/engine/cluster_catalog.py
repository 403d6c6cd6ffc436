"""The local catalog on a Dask cluster whose workers share no file system with the host.

    host: ship_catalog(client, db)          scheduler                      each worker
      content hash ──▶ held already? ─no─▶  Variables cratematch-catalog-<hash>-<i>
                                            (pieces of PIECE_BYTES), then the
                                            metadata [cratematch-catalog, <hash>]
      register CatalogPlugin(ref) ────────▶ every worker, now and when one joins:
                                              setup: cached <cache>/cluster-catalogs/<hash>.db?
                                                yes: nothing moves
                                                no:  fetch the pieces, write, check the
                                                     hash, rename into place

The copy is keyed by the database's content hash, so a worker that has it (from an
earlier batch, or before its restart) is sent nothing, and a changed catalog is a new
copy. Workers open their copy read-only, like the local pool's workers open the original.
A catalog can be gigabytes, and every re-import is a new copy: each time a worker takes
its copy it marks it used (`<hash>.used` beside it) and deletes the copies of other
catalogs beyond the KEEP_COPIES used last, and any unused for KEEP_UNUSED_S.
The pieces live on the scheduler while the pool that shipped them is open, so a worker
that joins mid-batch can still fetch them; `forget_catalog` removes them.

Imported only when a cluster is configured (and on the Dask workers): it needs dask.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distributed import Client, Variable, get_client
from distributed.diagnostics.plugin import WorkerPlugin

from matcher.catalog import content_hash
from matcher.catalog.kept import mark_used, prune_unused
from matcher.errors import CatalogError

__all__ = [
    "KEEP_COPIES",
    "KEEP_UNUSED_S",
    "PIECE_BYTES",
    "CatalogPlugin",
    "CatalogRef",
    "Shipped",
    "ShippingStopped",
    "cached_catalog",
    "ensure_catalog",
    "forget_catalog",
    "prune_copies",
    "ship_catalog",
]

PIECE_BYTES = 16 << 20  # one message's worth: big enough to stream fast, small for memory
_PREFIX = "cratematch-catalog"


@dataclass(frozen=True, slots=True)
class CatalogRef:
    """Which catalog a chunk is matched against, as a worker can find it."""

    digest: str  # matcher.catalog.content_hash of the database's bytes
    size: int
    pieces: int

    def piece_name(self, index: int) -> str:
        return f"{_PREFIX}-{self.digest}-{index}"

    @property
    def plugin_name(self) -> str:
        return f"{_PREFIX}-{self.digest}"


@dataclass(frozen=True, slots=True)
class Shipped:
    """What shipping cost the host: bytes uploaded to the scheduler (0 when it held the
    catalog already) and the seconds until every worker had its copy."""

    ref: CatalogRef
    uploaded_bytes: int
    seconds: float


def cached_catalog(digest: str) -> Path:
    """Where a worker keeps the copy of catalog `digest` (the user cache dir, which
    outlives a worker's restart, unlike Dask's scratch space)."""
    from matcher.paths import cache_dir

    folder = cache_dir() / "cluster-catalogs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{digest}.db"


# -- host side ---------------------------------------------------------------------------


class ShippingStopped(Exception):
    """`ship_catalog` was told to stop; the pieces it had sent are gone again."""


def ship_catalog(client: Any, db: Path, stop: Callable[[], bool] | None = None) -> Shipped:
    """Put catalog `db` where every worker of `client`'s cluster gets a local copy;
    returns once the workers there now have it. `stop` is asked before each piece: when
    it says so, the pieces sent so far are deleted and ShippingStopped is raised (a
    batch cancelled while a catalog of gigabytes goes out)."""
    started = time.perf_counter()
    with _snapshot(db) as source:
        digest = content_hash(source)
        size = source.stat().st_size
        ref = CatalogRef(digest, size, max(1, -(-size // PIECE_BYTES)))
        uploaded = 0
        if _held(client, ref) is None:
            with source.open("rb") as handle:
                for index in range(ref.pieces):
                    if stop is not None and stop():
                        _delete_pieces(client, ref, index)
                        raise ShippingStopped(ref.digest)
                    piece = handle.read(PIECE_BYTES)
                    Variable(ref.piece_name(index), client=client).set(piece)
                    uploaded += len(piece)
            client.set_metadata([_PREFIX, ref.digest], {"size": size, "pieces": ref.pieces})
    client.register_plugin(CatalogPlugin(ref), name=ref.plugin_name)
    return Shipped(ref, uploaded, time.perf_counter() - started)


def _delete_pieces(client: Any, ref: CatalogRef, count: int) -> None:
    for index in range(count):
        with contextlib.suppress(Exception):
            Variable(ref.piece_name(index), client=client).delete()


def forget_catalog(client: Any, ref: CatalogRef) -> None:
    """Drop the pieces from the scheduler and the plugin from the workers (their copies
    stay in their caches for the next batch)."""
    client.unregister_worker_plugin(ref.plugin_name)
    _delete_pieces(client, ref, ref.pieces)
    client.set_metadata([_PREFIX, ref.digest], None)


def _held(client: Any, ref: CatalogRef) -> dict[str, int] | None:
    """What the scheduler says of this catalog: its pieces are there, or None."""
    return client.get_metadata([_PREFIX, ref.digest], default=None)


@contextlib.contextmanager
def _snapshot(db: Path) -> Iterator[Path]:
    """The database as one self-contained file: itself, or (when a writer left a WAL
    beside it) a consistent copy made with SQLite's backup."""
    if not db.exists():
        raise CatalogError(f"the catalog {db} does not exist")
    wal = db.with_name(db.name + "-wal")
    if not (wal.exists() and wal.stat().st_size):
        yield db
        return
    fd, name = tempfile.mkstemp(suffix=".db", prefix="cratematch-ship-")
    os.close(fd)
    copy = Path(name)
    try:
        with (
            contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as src,
            contextlib.closing(sqlite3.connect(copy)) as dst,
        ):
            src.backup(dst)
        yield copy
    finally:
        copy.unlink(missing_ok=True)


# -- worker side -------------------------------------------------------------------------


class CatalogPlugin(WorkerPlugin):
    """A Dask worker plugin: on each worker, now and whenever one joins, make sure the
    local copy is there before the worker runs a chunk."""

    idempotent = False  # registered again for a new batch: workers just check their cache

    def __init__(self, ref: CatalogRef) -> None:
        self.ref = ref
        self.name = ref.plugin_name

    async def setup(self, worker: Any) -> None:
        import asyncio

        path = cached_catalog(self.ref.digest)
        if not path.exists():
            address = worker.scheduler.address
            await asyncio.to_thread(_fetch_with_new_client, address, self.ref)
        await asyncio.to_thread(_taken, path)

    def teardown(self, worker: Any) -> None:
        """The copy stays: the next batch against this catalog needs nothing sent."""


def _fetch_with_new_client(address: str, ref: CatalogRef) -> Path:
    with Client(address, set_as_default=False, timeout=30) as client:
        return _fetch(client, ref)


def ensure_catalog(ref: CatalogRef) -> Path:
    """The worker's copy of `ref`, fetched now if the plugin could not (inside a task)."""
    path = cached_catalog(ref.digest)
    if not path.exists():
        _fetch(get_client(), ref)
    _taken(path)
    return path


FETCHED: list[tuple[str, int]] = []  # (digest, bytes) this process fetched, for tests


def _fetch(client: Any, ref: CatalogRef) -> Path:
    """Stream the pieces into a temporary file, check the hash, rename into place (two
    workers on one machine may race: both write, the rename is atomic, either wins)."""
    path = cached_catalog(ref.digest)
    _sweep_parts(path.parent)
    part = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.part")
    try:
        with part.open("wb") as handle:
            for index in range(ref.pieces):
                handle.write(Variable(ref.piece_name(index), client=client).get(timeout=60))
        got = content_hash(part)
        if got != ref.digest:
            raise CatalogError(f"the catalog copy sent to this worker is corrupt ({got})")
        os.replace(part, path)
    except TimeoutError as err:
        raise CatalogError(
            "the catalog is no longer on the Dask scheduler (its engine closed)"
        ) from err
    finally:
        part.unlink(missing_ok=True)
    FETCHED.append((ref.digest, ref.size))
    return path


STALE_PART_S = 3600.0  # a fetch in progress writes all the time: an hour untouched is dead


def _sweep_parts(folder: Path) -> None:
    """Delete what fetches killed mid-way left behind."""
    cutoff = time.time() - STALE_PART_S
    for leftover in folder.glob("*.part"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


KEEP_COPIES = 3  # catalogs a worker's machine keeps copies of, the one in use included
KEEP_UNUSED_S = 14 * 86400.0  # a copy no batch has used for this long goes anyway


def _taken(path: Path) -> None:
    """Mark the copy at `path` used now, then prune the others."""
    mark_used(path)
    prune_copies(path.parent, keep=path)


def prune_copies(folder: Path, keep: Path, now: float | None = None) -> list[Path]:
    """Delete the catalog copies in `folder` other than `keep` that are older than the
    KEEP_COPIES - 1 used last, or unused for KEEP_UNUSED_S; returns what went (see
    matcher/catalog/kept.py)."""
    return prune_unused(folder, keep, "*.db", count=KEEP_COPIES, unused_s=KEEP_UNUSED_S,
                        now=now)  # fmt: skip
