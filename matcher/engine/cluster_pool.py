"""The worker pool on a Dask cluster: the local pool's interface, with the chunks run on
Dask workers (`cratematch match --cluster tcp://host:8786`).

    start  ── Client(address) ── ship_catalog (in a thread) ──▶ every worker caches the
           catalog copy; no slot is offered until it has, and the host's loop goes on
           meanwhile (a catalog of gigabytes takes minutes: pause and cancel still act)
    send   ── client.submit(run_chunk, Chunk, job) ──▶ a Dask worker thread (cluster_task)
    poll   ◀── a future is done: ChunkDone | WorkerFailed (what run_chunk returned)
           ◀── it failed with KilledWorker, or was lost: WorkerDied(chunk_id, None)
    terminate ── cancel the futures, forget them (their results never reach the batch)

A slot is one Dask worker thread, and `idle` offers only free slots, so at most one chunk
per thread is out: pausing (send no more) and cancelling (forget what is out) act as
fast as on the local pool, and a worker that dies costs at most the chunks it holds.
Dask may run such a chunk again by itself (the scheduler's `allowed-failures`); the
future still yields one result, so nothing reaches the journal twice. When Dask gives up
(KilledWorker) the batch sends the chunk once more, as for a local worker.

Imported only when a cluster is configured: the base install has no dask.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matcher.engine.messages import ChunkDone, WorkerFailed
from matcher.engine.pool import PoolEvent, WorkerDied
from matcher.errors import CrateMatchError

__all__ = ["ClusterPool", "ClusterUnavailable"]

CONNECT_TIMEOUT_S = 5.0  # a scheduler that does not answer by then is reported unreachable
WORKERS_TIMEOUT_S = 10.0  # how long to wait for a first worker to join
SLOTS_EVERY_S = 1.0  # how often to ask the scheduler how many worker threads there are
GONE = ("closing", "closed", "failed")  # a Client's status once it will not reconnect
RECHECK_S = 5.0  # an address that just failed fails again at once within this time
SHIP_STOP_S = 30.0  # a piece on its way when shipping is stopped: at most 16 MB to send

_unreachable: dict[str, tuple[float, str]] = {}  # address -> (when, why), in this process

log = logging.getLogger(__name__)


class ClusterUnavailable(CrateMatchError):
    """The Dask scheduler cannot be reached, has no workers, or dask is not installed."""


@dataclass(frozen=True, slots=True)
class _Slot:
    index: int


@dataclass
class ClusterPool:
    address: str
    provider: str
    catalog: str | None
    preset: str
    size: int = 0  # worker threads on the cluster now
    shipped: Any = None  # cluster_catalog.Shipped, what sending the catalog cost
    _client: Any = None
    _job: Any = None
    _futures: dict[int, Any] = field(default_factory=dict)  # chunk_id -> Future
    _done: threading.Event = field(default_factory=threading.Event)
    _slots_at: float = 0.0
    _shipping: threading.Thread | None = None
    _stop_shipping: threading.Event = field(default_factory=threading.Event)
    _ship_error: str | None = None  # why the catalog could not be sent (once, to poll)
    _ship_failed: bool = False  # then this pool is of no use: the host makes a new one

    def start(self) -> None:
        distributed = _import_distributed()

        failed = _unreachable.get(self.address)
        if failed and time.monotonic() - failed[0] < RECHECK_S:
            raise ClusterUnavailable(failed[1])  # asked again at once (prepare, then start)
        try:
            self._client = distributed.Client(
                self.address, timeout=CONNECT_TIMEOUT_S, set_as_default=False
            )
        except (OSError, TimeoutError, ValueError) as err:
            message = f"cannot reach the Dask scheduler at {self.address}: {_one_line(err)}"
            _unreachable[self.address] = (time.monotonic(), message)
            raise ClusterUnavailable(message) from None
        _unreachable.pop(self.address, None)
        try:
            self._client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
        except (OSError, TimeoutError) as err:
            self.close()
            raise ClusterUnavailable(
                f"the Dask scheduler at {self.address} has no workers ({_one_line(err)})"
            ) from None
        self._refresh_slots(force=True)  # what the batch reports as its workers
        self._shipping = threading.Thread(target=self._ship, name="ship-catalog", daemon=True)
        self._shipping.start()

    def _ship(self) -> None:
        """The shipping thread: send the catalog, then make the job the chunks carry."""
        from matcher.engine.cluster_catalog import ShippingStopped, ship_catalog
        from matcher.engine.cluster_task import ClusterJob

        try:
            if self.catalog:
                stop = self._stop_shipping.is_set
                self.shipped = ship_catalog(self._client, Path(self.catalog), stop)
        except ShippingStopped:
            return
        except Exception as err:  # noqa: BLE001 - a worker without cratematch, a lost link...
            self._ship_failed = True
            self._ship_error = str(err) if isinstance(err, CrateMatchError) else (
                f"could not send the catalog to the Dask workers at {self.address}: "
                f"{type(err).__name__}: {_one_line(err)}"
            )  # fmt: skip
            return
        ref = self.shipped.ref if self.shipped else None
        self._refresh_slots(force=True)
        self._job = ClusterJob(self.provider, ref, self.preset)

    @property
    def shipping(self) -> bool:
        """The catalog is still on its way to the workers."""
        return self._shipping is not None and self._shipping.is_alive()

    @property
    def usable(self) -> bool:
        """Connected, and the catalog not refused (the host makes a new pool otherwise)."""
        return (
            self._client is not None and self._client.status == "running" and not self._ship_failed
        )

    def pids(self) -> list[tuple[int, int]]:
        """The workers' processes are on other machines: none to sample here."""
        return []

    @property
    def in_flight(self) -> int:
        return len(self._futures)

    def idle(self) -> list[_Slot]:
        if not self.usable or self._job is None:  # not connected, or still shipping
            return []
        self._refresh_slots()
        return [_Slot(i) for i in range(max(0, self.size - len(self._futures)))]

    def send(self, worker: _Slot, chunk_id: int, message: object) -> bool:
        """Submit a chunk (a Chunk; file jobs stay on the local pool); False if the
        cluster cannot take it now."""
        from matcher.engine.cluster_task import run_chunk
        from matcher.engine.messages import Chunk

        if not isinstance(message, Chunk) or not self.usable:
            return False
        try:
            future = self._client.submit(run_chunk, message, self._job, pure=False)
        except (OSError, RuntimeError):
            return False
        self._futures[chunk_id] = future
        future.add_done_callback(lambda _f: self._done.set())
        return True

    def poll(self, timeout: float) -> list[PoolEvent]:
        """Wait up to `timeout` for a chunk's future to finish, fail or be lost; a
        scheduler that is gone for good (the client gave up reconnecting) fails the batch."""
        if self._ship_error is not None:
            message, self._ship_error = self._ship_error, None
            return [WorkerFailed(message)]
        if self._client is not None and self._client.status in GONE:
            self._futures.clear()
            return [WorkerFailed(f"lost the Dask scheduler at {self.address}")]
        if not self._futures:
            time.sleep(timeout)
            return []
        self._done.wait(timeout)
        self._done.clear()
        done = {cid: f for cid, f in self._futures.items() if f.done()}
        if not done:
            return []
        for chunk_id in done:
            del self._futures[chunk_id]
        finished = {cid: f for cid, f in done.items() if f.status == "finished"}
        out: list[PoolEvent] = []
        if finished:
            futures = list(finished.values())
            try:
                values = self._client.gather(futures)
            except Exception:  # noqa: BLE001 - one was lost on the way: take them one by one
                values = [self._gather_one(f) for f in futures]
            for chunk_id, value in zip(finished, values, strict=True):
                out.append(value if value is not None else WorkerDied(chunk_id, None))
        for chunk_id, future in done.items():
            if chunk_id not in finished:
                out.append(self._failed(chunk_id, future))
        return [_checked(item) for item in out]

    def _gather_one(self, future: Any) -> object:
        try:
            return self._client.gather(future)
        except Exception:  # noqa: BLE001 - its worker died after finishing: send it again
            return None

    def _failed(self, chunk_id: int, future: Any) -> PoolEvent:
        from distributed import KilledWorker

        if future.status != "error":  # cancelled or lost by the scheduler
            return WorkerDied(chunk_id, None)
        err = future.exception()
        if isinstance(err, KilledWorker):
            return WorkerDied(chunk_id, None)
        return WorkerFailed(
            f"a Dask worker could not run a chunk: {type(err).__name__}: {_one_line(err)}",
            "".join(_format(future)),
        )

    def _refresh_slots(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._slots_at < SLOTS_EVERY_S:
            return
        self._slots_at = now
        try:
            self.size = sum(self._client.nthreads().values())
        except (OSError, TimeoutError) as err:
            log.warning("could not ask the Dask scheduler for its workers: %s", err)

    def terminate(self) -> None:
        """Cancel what is out and forget it: no result of those chunks comes back. The
        Dask workers finish the chunk they are on (a thread cannot be stopped), then idle."""
        futures = list(self._futures.values())
        self._futures.clear()
        if futures and self.usable:
            with contextlib.suppress(Exception):
                self._client.cancel(futures)

    def close(self) -> None:
        """Cancel what is out, stop sending the catalog, take it off the scheduler and
        disconnect."""
        self.terminate()
        self._stop_shipping.set()
        if self._shipping is not None:
            self._shipping.join(timeout=SHIP_STOP_S)  # it stops before its next piece
        client, self._client = self._client, None
        if client is None:
            return
        if self.shipped is not None:
            from matcher.engine.cluster_catalog import forget_catalog

            with contextlib.suppress(Exception):
                forget_catalog(client, self.shipped.ref)
        with contextlib.suppress(Exception):
            client.close(timeout=2)


def _import_distributed() -> Any:
    from matcher.config import CLUSTER_EXTRA_HINT

    try:
        import distributed
    except ImportError:
        raise ClusterUnavailable(
            f"running on a Dask cluster needs dask.distributed; {CLUSTER_EXTRA_HINT}"
        ) from None
    return distributed


def _checked(item: object) -> PoolEvent:
    if isinstance(item, ChunkDone | WorkerFailed | WorkerDied):
        return item
    kind = type(item).__name__
    return WorkerFailed(f"a Dask worker sent what this engine does not know ({kind})")


def _format(future: Any) -> list[str]:
    import traceback

    with contextlib.suppress(Exception):
        return traceback.format_tb(future.traceback())
    return []


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__
