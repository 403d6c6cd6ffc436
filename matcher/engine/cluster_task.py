"""What runs on a Dask worker: one chunk, matched exactly as a local worker matches it.

    ClusterPool.send ── client.submit(run_chunk, Chunk, ClusterJob) ──▶ a worker thread:
        the catalog copy (cluster_catalog), opened once per thread and kept,
        worker._match_chunk ── ChunkDone ──▶ the host's future
        (or WorkerFailed: the catalog cannot be opened there)

The provider stays open between chunks (one SQLite connection per worker thread, as
SQLite wants), so a chunk costs what it costs in the local pool plus the trip.
"""

from __future__ import annotations

import threading
import traceback
from dataclasses import dataclass

from matcher.engine.cluster_catalog import CatalogRef, ensure_catalog
from matcher.engine.messages import Chunk, ChunkDone, WorkerFailed
from matcher.engine.metered import MeteredProvider
from matcher.engine.worker import _match_chunk
from matcher.errors import CrateMatchError, damage_of
from matcher.matching.presets import Preset, get_preset
from matcher.providers import open_provider

__all__ = ["ClusterJob", "run_chunk"]


@dataclass(frozen=True, slots=True)
class ClusterJob:
    """What a worker needs besides the chunk: the same for every chunk of a pool."""

    provider: str
    catalog: CatalogRef | None
    preset: str


_opened = threading.local()  # .job, .provider, .preset of this worker thread


def run_chunk(chunk: Chunk, job: ClusterJob) -> ChunkDone | WorkerFailed:
    """The Dask task: match `chunk` on this worker."""
    try:
        provider, preset = _open(job)
    except CrateMatchError as err:
        return WorkerFailed(f"on a Dask worker: {err}", traceback.format_exc(), damage_of(err))
    return _match_chunk(chunk, provider, preset)


def _open(job: ClusterJob) -> tuple[MeteredProvider, Preset]:
    if getattr(_opened, "job", None) != job:
        old = getattr(_opened, "provider", None)
        if old is not None:
            old.close()
            _opened.provider = None
        catalog = ensure_catalog(job.catalog) if job.catalog else None
        _opened.provider = MeteredProvider(open_provider(job.provider, catalog))
        _opened.preset = get_preset(job.preset)
        _opened.job = job
    return _opened.provider, _opened.preset
