"""The engine's memory figures: the book's peaks per slot (pure, step by step) and real
samples of a real process, checked against what /proc says about it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.engine.memory import HOST_SLOT, MemoryBook, Sample, sample_processes

MB = 1024 * 1024


def host(rss: int, os_peak: int | None = None, pid: int = 1) -> Sample:
    return Sample(HOST_SLOT, pid, rss, os_peak)


def worker(slot: int, pid: int, rss: int, os_peak: int | None = None) -> Sample:
    return Sample(slot, pid, rss, os_peak)


# -- the book ----------------------------------------------------------------------------


def test_peaks_are_the_highest_samples_and_totals_add_up() -> None:
    book = MemoryBook()
    book.observe([host(100), worker(0, 11, 50), worker(1, 12, 60)])
    book.observe([host(120), worker(0, 11, 40), worker(1, 12, 90)])
    use = book.observe([host(110), worker(0, 11, 45), worker(1, 12, 70)])
    assert (use.host.rss, use.host.peak) == (110, 120)
    assert [(w.index, w.rss, w.peak) for w in use.workers] == [(0, 45, 50), (1, 70, 90)]
    assert use.total == 225 and use.total_peak == 250  # 120 + 40 + 90 in one sample
    assert use.peak == 120


def test_an_os_peak_from_before_the_batch_is_not_this_batchs() -> None:
    book = MemoryBook()  # the pool's processes outlive batches: their high mark may be old
    book.observe([host(100, os_peak=500)])
    use = book.observe([host(110, os_peak=500)])
    assert use.host.peak == 110


def test_an_os_peak_that_rose_during_the_batch_counts_even_between_samples() -> None:
    book = MemoryBook()
    book.observe([host(100, os_peak=120)])
    use = book.observe([host(105, os_peak=180)])  # a spike no sample saw
    assert use.host.peak == 180


def test_a_replaced_worker_keeps_its_slots_peak_and_counts_the_restart() -> None:
    book = MemoryBook()
    book.observe([host(100), worker(0, 11, 300, os_peak=300)])
    book.observe([host(100), worker(0, 11, 350, os_peak=400)])  # then it is killed
    use = book.observe([host(100), worker(0, 99, 40, os_peak=45)])  # its successor
    (slot,) = use.workers
    assert (slot.pid, slot.rss, slot.peak, slot.restarts) == (99, 40, 400, 1)
    use = book.observe([host(100), worker(0, 98, 30, os_peak=900)])  # born in the batch:
    assert use.workers[0].peak == 900 and use.workers[0].restarts == 2  # its whole life counts


def test_a_book_without_samples_reports_zeros() -> None:
    use = MemoryBook().use()
    assert use.host.pid == 0 and use.workers == () and use.total == 0


# -- real processes (Linux /proc) -----------------------------------------------------------

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

HOG = """
import sys
block = bytearray(64 * 1024 * 1024)
for i in range(0, len(block), 4096):
    block[i] = 1
print("ready", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def hog() -> Iterator[subprocess.Popen[str]]:
    """A real process holding 64 MB it has touched."""
    with subprocess.Popen(
        [sys.executable, "-c", HOG], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield proc
        proc.kill()


def _proc_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"{field} not in /proc/{pid}/status")


@linux
def test_samples_agree_with_proc_within_ten_percent(hog: subprocess.Popen[str]) -> None:
    import os

    samples = sample_processes(os.getpid(), [(0, hog.pid)])
    mine, theirs = samples
    assert (mine.slot, theirs.slot) == (HOST_SLOT, 0)
    rss, high = _proc_kib(hog.pid, "VmRSS"), _proc_kib(hog.pid, "VmHWM")
    assert rss > 64 * MB
    assert abs(theirs.rss - rss) <= 0.10 * rss
    assert theirs.os_peak is not None and abs(theirs.os_peak - high) <= 0.10 * high


@linux
def test_a_process_that_is_gone_reads_as_zero(hog: subprocess.Popen[str]) -> None:
    import os

    pid = hog.pid
    sample_processes(os.getpid(), [(0, pid)])  # known, then gone
    hog.kill()
    hog.wait(10)
    (_, gone) = sample_processes(os.getpid(), [(0, pid)])
    assert gone.rss == 0 and gone.os_peak is None
