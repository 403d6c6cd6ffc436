"""A real Dask cluster on 127.0.0.1 for tests and benchmarks: `dask scheduler` and
`dask worker` processes, no dashboard, each worker with its own CRATEMATCH_HOME (so its
catalog copy lands in a folder the host never wrote: they share no catalog file).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["LocalDask"]

ROOT = Path(__file__).resolve().parents[3]
START_S = 60.0  # bound on the cluster coming up on a loaded machine


@dataclass
class LocalDask:
    """`with LocalDask(folder, workers=2) as cluster: cluster.address`."""

    folder: Path
    workers: int = 2
    nanny: bool = False  # without a nanny a killed worker stays dead
    allowed_failures: int | None = None  # the scheduler's; None: Dask's default (3)
    address: str = ""
    scheduler: subprocess.Popen | None = None
    worker_procs: list[subprocess.Popen] = field(default_factory=list)

    def __enter__(self) -> LocalDask:
        try:
            return self._start_all()
        except BaseException:
            self.__exit__()  # nothing started may outlive a failed start
            raise

    def _start_all(self) -> LocalDask:
        self.folder.mkdir(parents=True, exist_ok=True)
        info = self.folder / "scheduler.json"
        env = dict(os.environ)
        if self.allowed_failures is not None:
            env["DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES"] = str(self.allowed_failures)
        self.scheduler = self._start(
            ["scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(info)],
            env,
            "scheduler",
        )
        _wait(lambda: _address(info) is not None, "the Dask scheduler")
        self.address = _address(info) or ""
        for index in range(self.workers):
            self.add_worker(index)
        self.wait_workers(self.workers)
        return self

    def add_worker(self, index: int) -> subprocess.Popen:
        home = self.worker_home(index)
        env = dict(os.environ, CRATEMATCH_HOME=str(home))
        args = ["worker", self.address, "--nthreads", "1", "--no-dashboard",
                "--host", "127.0.0.1", "--name", f"w{index}",
                "--local-directory", str(self.folder / f"scratch-{index}")]  # fmt: skip
        if not self.nanny:
            args.append("--no-nanny")
        proc = self._start(args, env, f"worker-{index}")
        self.worker_procs.append(proc)
        return proc

    def worker_home(self, index: int) -> Path:
        return self.folder / f"worker-home-{index}"

    def wait_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=START_S, set_as_default=False) as client:
            client.wait_for_workers(count, timeout=START_S)

    def kill_worker(self, index: int) -> None:
        proc = self.worker_procs[index]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=START_S)

    def kill_busy_worker(self, index: int) -> None:
        """Kill worker `index` (without a nanny) while the scheduler says it runs a task:
        on a loaded machine a worker may sit idle between two chunks."""
        from distributed import Client

        with Client(self.address, timeout=START_S, set_as_default=False) as client:
            (address,) = [a for a, w in client.scheduler_info()["workers"].items()
                          if w["name"] == f"w{index}"]  # fmt: skip
            _wait(lambda: bool(client.processing(workers=[address]).get(address)),
                  f"worker w{index} to run a task", step=0.01)  # fmt: skip
            self.kill_worker(index)

    def _start(self, args: list[str], env: dict[str, str], name: str) -> subprocess.Popen:
        with (self.folder / f"{name}.log").open("wb") as log:  # the child keeps its own
            return subprocess.Popen(
                [sys.executable, "-m", "dask", *args],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def __exit__(self, *exc: object) -> None:
        for proc in [*self.worker_procs, self.scheduler]:
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=START_S)


def _wait(check, what: str, step: float = 0.1) -> None:  # noqa: ANN001
    deadline = time.monotonic() + START_S
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(step)


def _address(info: Path) -> str | None:
    """The scheduler's address from its scheduler file, once that is written whole."""
    try:
        return json.loads(info.read_text(encoding="utf-8"))["address"]
    except (OSError, ValueError, KeyError):
        return None
