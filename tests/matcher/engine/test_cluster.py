"""Batches on a real Dask cluster (a scheduler and two workers on 127.0.0.1): the same
results as the local pool, entry for entry; the catalog copied once per worker; pause,
resume and cancel; a worker killed mid-batch; and one-line errors when the scheduler
cannot be reached or dask is not installed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from matcher.catalog import content_hash  # noqa: E402
from matcher.catalog.sync import resolve_catalog  # noqa: E402
from matcher.config import EngineConfig  # noqa: E402
from matcher.engine.client import Engine  # noqa: E402
from matcher.engine.events import (  # noqa: E402
    BatchCancelled,
    BatchFinished,
    BatchResumed,
    BatchStarted,
    BatchState,
    EngineError,
    Event,
    TracksMatched,
)
from matcher.engine.journal import Journal  # noqa: E402
from matcher.errors import InputError  # noqa: E402
from tests.matcher.engine.cluster_fixtures import ROOT, LocalDask  # noqa: E402
from tests.matcher.engine.engine_fixtures import (
    WAIT_S,
    assert_every_entry_once,
    cancel_mid_batch,
    collect,
    collect_until,
    entry_keys,
    first_results,
    index_of,  # noqa: E402
    matches_rows,
    pause_mid_batch,
    quiet_period,
    results_of,
    write_m3u8,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="kills Dask workers by pid"
)

TIMING_COLUMNS = {"elapsed_ms"}  # the only column that may differ between two runs
QUIET_S = 1.0  # how long a paused batch is watched for stray results


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalDask]:
    with LocalDask(tmp_path_factory.mktemp("dask")) as running:
        yield running


def on(cluster: LocalDask, catalog: Path, out: Path, **more: object) -> EngineConfig:
    return EngineConfig(catalog=catalog, out_dir=out, cluster=cluster.address, **more)


def comparable(folder: Path) -> list[dict[str, str]]:
    return [
        {k: v for k, v in row.items() if k not in TIMING_COLUMNS} for row in matches_rows(folder)
    ]


def fetched(cluster: LocalDask) -> dict[str, list]:
    """What each worker process fetched of catalogs so far: [(digest, bytes), ...]."""
    from distributed import Client

    from matcher.engine import cluster_catalog

    with Client(cluster.address, set_as_default=False, timeout=WAIT_S) as client:
        return client.run(lambda: list(cluster_catalog.FETCHED))


# -- results ----------------------------------------------------------------------------


def test_a_cluster_matches_like_the_local_pool_and_copies_the_catalog_once(
    cluster: LocalDask, catalog: Path, tmp_path: Path
) -> None:
    write_m3u8(tmp_path / "set.m3u8", 700)
    write_m3u8(tmp_path / "crate.m3u8", 300, seed=5)
    inputs = [tmp_path / "set.m3u8", tmp_path / "crate.m3u8"]
    before = fetched(cluster)
    # a copy of another catalog, unused for a month, on each worker's machine
    stale = [cluster.worker_home(i) / "cache" / "cluster-catalogs" / "0ld.db"
             for i in range(cluster.workers)]  # fmt: skip
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"an older catalog")
        os.utime(path, (time.time() - 30 * 86400,) * 2)
    # thorough: a 250 ms budget per track, so a loaded machine cannot cut a search short
    # in one run and not in the other (a search that hits the budget plans fewer queries)
    local_config = EngineConfig(catalog=catalog, out_dir=tmp_path / "local", workers=2,
                                preset="thorough")  # fmt: skip
    with Engine(local_config) as engine:
        local = collect(engine.start(inputs))
    with Engine(on(cluster, catalog, tmp_path / "dask", preset="thorough")) as engine:
        remote = collect(engine.start(inputs))
    for events in (local, remote):
        assert isinstance(events[-1], BatchFinished) and events[-1].ok, events[-3:]
    assert entry_keys(remote) == entry_keys(local)
    for name in ("set", "crate"):
        assert comparable(tmp_path / "dask" / name) == comparable(tmp_path / "local" / name)
    assert remote[-1].counts == local[-1].counts

    # each worker got the catalog database the host matched against, once, in its own home
    digest = content_hash(resolve_catalog(catalog))
    copies = [cluster.worker_home(i) / "cache" / "cluster-catalogs" / f"{digest}.db"
              for i in range(cluster.workers)]  # fmt: skip
    assert all(c.exists() and content_hash(c) == digest for c in copies)
    assert not any(path.exists() for path in stale)  # the workers pruned it
    stamps = [c.stat().st_mtime_ns for c in copies]
    after = fetched(cluster)
    assert all(len(after[w]) - len(before.get(w, [])) == 1 for w in after), after

    # a second engine against the same catalog: the workers have it, nothing is sent
    with Engine(on(cluster, catalog, tmp_path / "again", preset="thorough")) as engine:
        again = collect(engine.start(inputs[:1]))
    assert isinstance(again[-1], BatchFinished) and again[-1].ok
    assert comparable(tmp_path / "again" / "set") == comparable(tmp_path / "local" / "set")
    assert fetched(cluster) == after
    assert [c.stat().st_mtime_ns for c in copies] == stamps


# -- pause, resume, cancel ---------------------------------------------------------------


def test_pause_and_resume_through_the_cluster(
    cluster: LocalDask, catalog: Path, tmp_path: Path
) -> None:
    tracks = write_m3u8(tmp_path / "long.m3u8", 4000)
    with Engine(on(cluster, catalog, tmp_path / "out")) as engine:
        batch = engine.start([tmp_path / "long.m3u8"])
        events: list[Event] = []
        paused_at = pause_mid_batch(batch, events)
        paused = events[paused_at]
        assert paused.done == len(results_of(events)) < len(tracks)
        events.extend(quiet_period(batch, QUIET_S))
        mark = len(events)
        batch.resume()
        collect(batch, into=events)
    after = events[mark:]
    resumed, matched = index_of(after, BatchResumed), index_of(after, TracksMatched)
    assert len(resumed) == 1 and matched and resumed[0] < matched[0]
    assert not index_of(events[paused_at:mark], TracksMatched)
    assert isinstance(events[-1], BatchFinished) and events[-1].ok
    assert entry_keys(events) == [("long.m3u8", i) for i in range(len(tracks))]  # each once
    assert_every_entry_once(tmp_path / "out" / "long", tracks)


def test_cancel_through_the_cluster_keeps_what_was_matched_and_resume_finishes_there(
    cluster: LocalDask, catalog: Path, tmp_path: Path
) -> None:
    tracks = write_m3u8(tmp_path / "long.m3u8", 4000)
    with Engine(on(cluster, catalog, tmp_path / "out")) as engine:
        batch = engine.start([tmp_path / "long.m3u8"])
        events: list[Event] = []
        first_results(batch, events)
        batch.cancel()
        collect(batch, into=events)
    final = events[-1]
    assert isinstance(final, BatchCancelled)
    assert 0 < final.done == len(results_of(events)) < len(tracks)
    with Journal.open(readonly=True) as journal:
        record = journal.batch(batch.batch_id)
    assert record is not None and record.state is BatchState.CANCELLED
    assert record.done == final.done  # no result of a forgotten chunk came in late

    # finished on the cluster too: its two worker threads, not the one local worker asked
    again = collect(Engine.resume(batch.batch_id, EngineConfig(workers=1, cluster=cluster.address)))
    (started,) = [e for e in again if isinstance(e, BatchStarted)]
    assert started.workers == cluster.workers == 2
    assert isinstance(again[-1], BatchFinished) and again[-1].ok
    assert len(results_of(again)) == len(tracks) - final.done
    rows = assert_every_entry_once(tmp_path / "out" / "long", tracks)
    assert not [r for r in rows if r["status"] == "error"]


# -- a worker dies -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "allowed_failures",
    [pytest.param(None, id="dask-reschedules"), pytest.param(0, id="engine-retries")],
)
def test_a_killed_dask_worker_loses_nothing(
    tmp_path: Path, catalog: Path, allowed_failures: int | None
) -> None:
    tracks = write_m3u8(tmp_path / "long.m3u8", 3000)
    local_config = EngineConfig(catalog=catalog, out_dir=tmp_path / "local", workers=2,
                                preset="thorough")  # fmt: skip
    with Engine(local_config) as engine:
        local = collect(engine.start([tmp_path / "long.m3u8"]))
    assert isinstance(local[-1], BatchFinished) and local[-1].ok, local[-3:]
    with (
        LocalDask(tmp_path / "dask", allowed_failures=allowed_failures) as own,
        Engine(on(own, catalog, tmp_path / "out", preset="thorough")) as engine,
    ):
        batch = engine.start([tmp_path / "long.m3u8"])
        events: list[Event] = []
        collect_until(batch, lambda ev: len(index_of(ev, TracksMatched)) >= 4, into=events)
        assert batch.final is None, "the batch ended before a worker could be killed"
        own.kill_busy_worker(0)  # while it holds a chunk
        collect(batch, into=events)
    final = events[-1]
    assert isinstance(final, BatchFinished) and final.ok
    assert final.done == final.total == len(tracks)
    assert final.counts.get("error", 0) == 0  # its chunk went again, it was not given up
    if allowed_failures == 0:  # Dask gave the chunk up: the engine itself sent it again
        log = (tmp_path / "dask" / "scheduler.log").read_text(encoding="utf-8")
        assert "workers died while trying to run it" in log
    assert entry_keys(events) == [("long.m3u8", i) for i in range(len(tracks))]  # each once
    rows = assert_every_entry_once(tmp_path / "out" / "long", tracks)
    assert not [r for r in rows if r["status"] == "error"]
    assert comparable(tmp_path / "out" / "long") == comparable(tmp_path / "local" / "long")


def test_a_lost_scheduler_fails_the_batch_in_one_line_and_it_resumes_here(
    tmp_path: Path, catalog: Path
) -> None:
    tracks = write_m3u8(tmp_path / "long.m3u8", 4000)
    with (
        LocalDask(tmp_path / "dask") as own,
        Engine(on(own, catalog, tmp_path / "out")) as engine,
    ):
        batch = engine.start([tmp_path / "long.m3u8"])
        events: list[Event] = []
        first_results(batch, events)
        assert own.scheduler is not None
        own.scheduler.kill()
        collect(batch, into=events)
    error, final = events[-2:]
    assert isinstance(error, EngineError) and error.fatal
    assert error.message == f"lost the Dask scheduler at {own.address}"
    assert isinstance(final, BatchFinished) and not final.ok
    again = collect(Engine.resume(batch.batch_id, EngineConfig(workers=1)))
    assert isinstance(again[-1], BatchFinished) and again[-1].ok
    assert_every_entry_once(tmp_path / "out" / "long", tracks)


# -- errors at the edges -----------------------------------------------------------------


def cratematch(*args: str | Path, prelude: str = "") -> subprocess.CompletedProcess:
    code = f"{prelude}import sys; from matcher.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, timeout=WAIT_S, check=False,
    )  # fmt: skip


def test_an_unreachable_scheduler_is_one_line_and_exit_2(catalog: Path, tmp_path: Path) -> None:
    write_m3u8(tmp_path / "set.m3u8", 20)
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    done = cratematch("match", tmp_path / "set.m3u8", "--catalog", catalog, "--quiet",
                      "--out", tmp_path / "out", "--cluster", address)  # fmt: skip
    assert done.returncode == 2, done
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"cannot reach the Dask scheduler at {address}" in done.stderr


def test_without_dask_the_cluster_option_says_which_extra_to_install(
    catalog: Path, tmp_path: Path
) -> None:
    write_m3u8(tmp_path / "set.m3u8", 20)
    done = cratematch("match", tmp_path / "set.m3u8", "--catalog", catalog, "--quiet",
                      "--cluster", "tcp://127.0.0.1:8786",
                      prelude="import sys; sys.modules['distributed'] = None; ")  # fmt: skip
    assert done.returncode == 2, done
    assert done.stderr.count("\n") == 1, done.stderr
    assert "install the cluster extra: pip install 'cratematch[cluster]'" in done.stderr


def test_the_base_install_never_imports_dask() -> None:
    code = (
        "import sys; sys.modules['distributed'] = None; sys.modules['dask'] = None\n"
        "import matcher, matcher.engine.host, matcher.engine.client, matcher.cli.commands\n"
        "from matcher.config import EngineConfig\n"
        "EngineConfig(catalog='x.csv').checked()\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=WAIT_S, check=False)  # fmt: skip
    assert done.stdout.strip() == "ok", done.stderr


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param("tcp://10.0.0.5:8786", "tcp://10.0.0.5:8786", id="full"),
        pytest.param(" 10.0.0.5:8786 ", "tcp://10.0.0.5:8786", id="host-port"),
        pytest.param("", None, id="empty-is-local"),
    ],
)
def test_cluster_addresses(given: str, expected: str | None) -> None:
    assert EngineConfig(catalog="c.csv", cluster=given).checked().cluster == expected


def test_online_providers_do_not_run_on_a_cluster() -> None:
    with pytest.raises(InputError, match="local catalog only"):
        EngineConfig(provider="musicbrainz", cluster="tcp://h:8786").checked()


# -- shipping ----------------------------------------------------------------------------


def test_a_catalog_on_its_way_holds_nothing_up_and_stops_with_its_pool(
    cluster: LocalDask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A catalog of gigabytes takes minutes to reach the workers: the pool is up at
    once, offers no worker until the copies are there, and closing it (a cancel, the
    window closed) stops the sending and takes the pieces sent so far off the scheduler."""
    from distributed import Client, Variable

    from matcher.engine import cluster_catalog
    from matcher.engine.cluster_pool import ClusterPool

    monkeypatch.setattr(cluster_catalog, "PIECE_BYTES", 4096)  # 1,024 round trips
    db = tmp_path / "big.db"
    db.write_bytes(os.urandom(4 << 20))
    ref = cluster_catalog.CatalogRef(content_hash(db), 4 << 20, 1024)
    pool = ClusterPool(cluster.address, "local", str(db), "balanced")
    with Client(cluster.address, set_as_default=False, timeout=WAIT_S) as client:
        pool.start()
        try:
            assert pool.shipping and pool.usable
            assert pool.idle() == [] and pool.poll(0.01) == []
            first = Variable(ref.piece_name(0), client=client).get(timeout=WAIT_S)
            assert len(first) == 4096 and pool.shipping  # on its way, pieces on the scheduler
            assert pool.idle() == []
        finally:
            pool.close()
        assert not pool.shipping
        assert client.get_metadata(["cratematch-catalog", ref.digest], default=None) is None
        with pytest.raises(TimeoutError):
            Variable(ref.piece_name(0), client=client).get(timeout=1)


def test_resume_on_an_unreachable_scheduler_is_one_line_and_exit_2(
    catalog: Path, tmp_path: Path
) -> None:
    write_m3u8(tmp_path / "long.m3u8", 3000)
    with Engine(EngineConfig(catalog=catalog, out_dir=tmp_path / "out", workers=1)) as engine:
        batch, events = cancel_mid_batch(engine, [tmp_path / "long.m3u8"])
    assert isinstance(events[-1], BatchCancelled)
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{sock.getsockname()[1]}"
    done = cratematch("resume", batch.batch_id, "--quiet", "--cluster", address)
    assert done.returncode == 2, done
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"cannot reach the Dask scheduler at {address}" in done.stderr
