"""The shared per-host limiter on a fake clock: spacing, sharing, slowing down, deferring."""

from __future__ import annotations

import pytest

from matcher.http.ratelimit import HostLimiter, HostPolicy, WaitTooLong
from tests.matcher.http.clock import FakeClock

MB = HostPolicy("musicbrainz:example", min_interval_s=1.0, max_interval_s=8.0, max_wait_s=60.0)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def starts(limiter: HostLimiter, clock: FakeClock, policy: HostPolicy, n: int) -> list[float]:
    times = []
    for _ in range(n):
        limiter.acquire(policy)
        times.append(clock.now)
    return times


def gaps(times: list[float]) -> list[float]:
    return [round(b - a, 6) for a, b in zip(times, times[1:], strict=False)]


def test_requests_start_at_least_the_interval_apart(tmp_path, clock):
    limiter = HostLimiter(tmp_path / "rl.sqlite", clock=clock, sleep=clock.sleep)
    assert gaps(starts(limiter, clock, MB, 4)) == [1.0, 1.0, 1.0]
    assert clock.sleeps == [1.0, 1.0, 1.0]  # the first request does not wait


def test_time_already_passed_counts_toward_the_interval(tmp_path, clock):
    limiter = HostLimiter(tmp_path / "rl.sqlite", clock=clock, sleep=clock.sleep)
    limiter.acquire(MB)
    clock.advance(0.7)  # the request itself took 0.7 s
    assert limiter.acquire(MB) == pytest.approx(0.3)


def test_two_processes_share_the_slots(tmp_path, clock):
    """Two limiters on one file (as two worker processes hold): turns alternate, spaced."""
    path = tmp_path / "rl.sqlite"
    a = HostLimiter(path, clock=clock, sleep=clock.sleep)
    b = HostLimiter(path, clock=clock, sleep=clock.sleep)
    t0 = clock.now
    starts = []
    for limiter in (a, b, a, b):
        limiter.acquire(MB)
        starts.append(clock.now - t0)
    assert starts == [0.0, 1.0, 2.0, 3.0]


def test_a_late_start_pushes_the_next_slot(tmp_path, clock):
    """A process that wakes 0.3 s after its slot: the next request keeps its distance."""
    late = [0.3]

    def oversleep(seconds: float) -> None:
        clock.sleep(seconds + (late.pop() if late else 0.0))

    limiter = HostLimiter(tmp_path / "rl.sqlite", clock=clock, sleep=oversleep)
    t0 = clock.now
    assert [round(s - t0, 6) for s in starts(limiter, clock, MB, 3)] == [0.0, 1.3, 2.3]


def test_a_process_that_wakes_late_waits_for_the_one_that_went_first(tmp_path, clock):
    """A reserves slot 1 but only wakes at 2; meanwhile B took slot 2 and went at 2. A must
    not go at 2 as well: it checks B's real start and waits until 3."""
    path = tmp_path / "rl.sqlite"
    b = HostLimiter(path, clock=clock, sleep=clock.sleep)
    went: dict[str, float] = {}

    def a_sleeps_through_its_slot(seconds: float) -> None:
        if "b" not in went:
            b.acquire(MB)  # B reserves slot 2, sleeps until it and goes
            went["b"] = clock.now
        else:
            clock.sleep(seconds)

    a = HostLimiter(path, clock=clock, sleep=a_sleeps_through_its_slot)
    t0 = clock.now
    a.acquire(MB)  # A goes at 0
    a.acquire(MB)  # A reserves slot 1, "sleeps" until 2 (B runs), then waits for B's gap
    assert (went["b"] - t0, clock.now - t0) == (2.0, 3.0)


def test_hosts_are_independent(tmp_path, clock):
    limiter = HostLimiter(tmp_path / "rl.sqlite", clock=clock, sleep=clock.sleep)
    other = HostPolicy("beatport:example", min_interval_s=0.2)
    limiter.acquire(MB)
    assert limiter.acquire(other) == 0.0


def test_slow_down_doubles_and_then_eases_back(tmp_path, clock):
    limiter = HostLimiter(tmp_path / "rl.sqlite", clock=clock, sleep=clock.sleep)
    limiter.acquire(MB)
    assert limiter.slow_down(MB) == 2.0
    assert limiter.slow_down(MB) == 4.0
    assert limiter.slow_down(MB) == 8.0
    assert limiter.slow_down(MB) == 8.0  # capped
    intervals = []
    for _ in range(30):
        limiter.acquire(MB)
        intervals.append(limiter.interval(MB.host))
    assert intervals[0] == pytest.approx(7.2)
    assert intervals == sorted(intervals, reverse=True)
    assert intervals[-1] == 1.0  # back at the minimum, never below


def test_an_unlimited_host_slows_down_from_zero(tmp_path, clock):
    policy = HostPolicy("free:example", min_interval_s=0.0, max_interval_s=5.0)
    limiter = HostLimiter(tmp_path / "rl.sqlite", clock=clock, sleep=clock.sleep)
    assert limiter.slow_down(policy) == 0.1
    assert limiter.slow_down(policy) == 0.2


def test_defer_holds_every_request_until_then(tmp_path, clock):
    limiter = HostLimiter(tmp_path / "rl.sqlite", clock=clock, sleep=clock.sleep)
    limiter.acquire(MB)
    limiter.defer(MB.host, 30.0)
    start = clock.now
    assert limiter.acquire(MB) == pytest.approx(30.0)
    assert clock.now == pytest.approx(start + 30.0)
    limiter.defer(MB.host, 0.1)  # a shorter deferral never shortens the wait already owed
    assert limiter.acquire(MB) == pytest.approx(1.0)


def test_a_wait_beyond_the_cap_is_reported_and_reserves_nothing(tmp_path, clock):
    limiter = HostLimiter(tmp_path / "rl.sqlite", clock=clock, sleep=clock.sleep)
    limiter.defer(MB.host, 3600)
    with pytest.raises(WaitTooLong) as caught:
        limiter.acquire(MB)
    assert caught.value.wait_s == pytest.approx(3600)
    assert clock.sleeps == []
    clock.advance(3600)
    assert limiter.acquire(MB) == 0.0  # the failed call took no slot


def test_in_memory_limiter_for_a_single_process(clock):
    limiter = HostLimiter(None, clock=clock, sleep=clock.sleep)
    assert gaps(starts(limiter, clock, MB, 3)) == [1.0, 1.0]
