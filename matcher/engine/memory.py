"""The engine's memory, as the host samples it: resident memory (RSS) of the host and of
each worker, now and at its highest during the batch.

    BatchRun (each snapshot, ≤ 4 a second)
        sample_processes(host pid, [(slot, pid)]) ──▶ [Sample]      psutil (+ the OS peak)
        MemoryBook.observe(samples) ───────────────▶ MemoryUse      pure: peaks per slot

Sampling every 250 ms would miss a short spike, so a sample also carries the OS's own
high-water mark where it keeps one (Linux: VmHWM in /proc; Windows: the peak working
set). That mark covers the process's whole life, and the pool's processes outlive a
batch, so the book only believes a mark that rose during this batch: the first sample
of each process sets its baseline. A worker that dies is replaced in the same slot; the
slot keeps its peak and counts the restart, so a crash does not erase what it cost.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from matcher.performance.records import MemoryUse, ProcessMemory

__all__ = ["HOST_SLOT", "MemoryBook", "Sample", "sample_processes"]

HOST_SLOT = -1  # the slot number samples use for the host (workers are 0..N-1)


@dataclass(frozen=True, slots=True)
class Sample:
    """One process at one moment; rss 0 when it could not be read (it is gone)."""

    slot: int  # HOST_SLOT, or the worker's slot
    pid: int
    rss: int  # bytes
    os_peak: int | None = None  # the OS's lifetime high-water mark, where it keeps one


@dataclass(slots=True)
class _Slot:
    pid: int
    rss: int = 0
    peak: int = 0
    restarts: int = 0
    baseline: int | None = None  # the OS peak when this slot's process was first seen


class MemoryBook:
    """Current and peak memory per slot for one batch (the host's); pure."""

    def __init__(self) -> None:
        self._slots: dict[int, _Slot] = {}
        self._total_peak = 0
        self._fresh: set[int] = set()  # pids first seen after the batch began

    def observe(self, samples: Iterable[Sample]) -> MemoryUse:
        total = 0
        first = not self._slots
        for s in samples:
            slot = self._slots.get(s.slot)
            if slot is None:
                slot = self._slots[s.slot] = _Slot(s.pid)
                if not first:
                    self._fresh.add(s.pid)  # a slot that appeared mid-batch
            elif slot.pid != s.pid:  # its worker died and a new one took the slot
                slot.pid, slot.baseline = s.pid, None
                slot.restarts += 1
                self._fresh.add(s.pid)
            slot.rss = s.rss
            peak = s.rss
            if s.os_peak is not None:
                if s.pid in self._fresh:  # born during this batch: its whole life counts
                    peak = max(peak, s.os_peak)
                elif slot.baseline is None:
                    slot.baseline = s.os_peak
                elif s.os_peak > slot.baseline:  # a new high for its life: reached now
                    peak = max(peak, s.os_peak)
            slot.peak = max(slot.peak, peak)
            total += s.rss
        self._total_peak = max(self._total_peak, total)
        return self.use(total)

    def use(self, total: int | None = None) -> MemoryUse:
        host = self._slots.get(HOST_SLOT)
        workers = tuple(
            ProcessMemory("worker", index, s.pid, s.rss, s.peak, s.restarts)
            for index, s in sorted(self._slots.items())
            if index != HOST_SLOT
        )
        host_use = ProcessMemory("host", 0, host.pid, host.rss, host.peak) if host else (
            ProcessMemory("host", 0, 0, 0, 0)
        )  # fmt: skip
        if total is None:
            total = sum(s.rss for s in self._slots.values())
        return MemoryUse(host_use, workers, total, self._total_peak)


def sample_processes(host_pid: int, workers: Sequence[tuple[int, int]]) -> list[Sample]:
    """Read the host's and each worker's memory now; `workers` is (slot, pid). A process
    that cannot be read (gone, or not ours) gives rss 0. Costs tens of microseconds a
    process."""
    samples = [_sample(HOST_SLOT, host_pid)]
    samples.extend(_sample(slot, pid) for slot, pid in workers)
    return samples


_processes: dict[int, object] = {}  # pid -> psutil.Process, reused between samples


def _sample(slot: int, pid: int) -> Sample:
    import psutil

    try:
        process = _processes.get(pid)
        if process is None:
            if len(_processes) > 256:  # pids of workers long gone
                _processes.clear()
            process = _processes[pid] = psutil.Process(pid)
        info = process.memory_info()  # type: ignore[attr-defined]
    except (psutil.Error, OSError):
        _processes.pop(pid, None)
        return Sample(slot, pid, 0)
    peak = getattr(info, "peak_wset", None)  # Windows keeps the peak working set
    if peak is None and sys.platform.startswith("linux"):
        peak = _linux_peak(pid)
    return Sample(slot, pid, int(info.rss), int(peak) if peak is not None else None)


def _linux_peak(pid: int) -> int | None:
    """VmHWM ("high water mark") of /proc/PID/status, in bytes; None if unreadable."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None
