"""The batch engine: a host process that reads playlists, hands chunks to a pool of
worker processes, journals every result and writes the outputs.

    client      Engine and Batch, the caller's side of the two queues
    messages    the typed commands and worker pipe messages (the data flow is drawn there)
    host        the host process's loop: commands in, events out
    batch_spec, batch_run   what one batch runs, and the one path that runs it
    playlist_run            one playlist's part of a batch: its state and its outputs
    pool, worker, chunking  the worker processes, and which chunks of what size are out
    cluster_pool, cluster_task, cluster_catalog
                the same on a Dask cluster (`--cluster`): the pool, the task a Dask
                worker runs, and the catalog sent to workers (loaded only then)
    accounting  per-chunk figures and the running totals behind MetricsSnapshot
    metered, memory, batch_perf
                cache hits per query kind (in the workers), the host's memory samples,
                and a batch's performance panels and performance_report.json
    journal_db, history, journal, serialize, retention
                the journal file, its reads, the host's writes, result rows, and how
                much history it keeps (old batches are forgotten after a batch)
    review      a user's decision applied to the journal and the outputs
    file_run, library_run, library_steps
                write-back runs: over audio files (on the pool), and over a DJ library
                (on a thread of the host: plan, write with a backup, undo)
    events      everything the engine tells its caller

`Engine` and `Batch` load on first use: worker processes import this package and need
none of the host's machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matcher.engine.client import Batch, Engine

__all__ = ["Batch", "Engine"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from matcher.engine import client

        return getattr(client, name)
    raise AttributeError(f"module 'matcher.engine' has no attribute {name!r}")
