"""ChunkSizer: how many tracks a worker gets at once (a chunk should take about target_s);
ChunkBook: which chunks are out, and a dead worker's chunk sent once more."""

from __future__ import annotations

import pytest

from matcher.engine.chunking import MAX_ATTEMPTS, ChunkBook, ChunkSizer


def test_first_size_before_anything_is_measured() -> None:
    assert ChunkSizer().next_size() == ChunkSizer().first
    assert ChunkSizer(first=3).next_size() == 3


@pytest.mark.parametrize(
    ("tracks", "busy_s", "expected"),
    [
        pytest.param(10, 0.05, 50, id="5ms-per-track"),
        pytest.param(100, 0.25, 100, id="2.5ms-per-track"),
        pytest.param(4, 0.5, 2, id="slow-tracks-small-chunks"),
        pytest.param(1, 0.1, 2, id="one-track-rounds"),  # 0.25 / 0.1 = 2.5 -> 2
    ],
)
def test_size_follows_target_over_per_track_time(tracks: int, busy_s: float, expected: int) -> None:
    sizer = ChunkSizer(target_s=0.25)
    sizer.observe(tracks, busy_s)
    assert sizer.per_track_s == pytest.approx(busy_s / tracks)
    assert sizer.next_size() == expected


@pytest.mark.parametrize(
    ("busy_s", "expected"),
    [
        pytest.param(1e-7, 500, id="fast-capped-at-maximum"),
        pytest.param(100.0, 1, id="slow-floored-at-minimum"),
    ],
)
def test_size_is_bounded(busy_s: float, expected: int) -> None:
    sizer = ChunkSizer(minimum=1, maximum=500)
    sizer.observe(10, busy_s)
    assert sizer.next_size() == expected


def test_custom_bounds() -> None:
    sizer = ChunkSizer(minimum=5, maximum=20)
    sizer.observe(1, 10.0)
    assert sizer.next_size() == 5
    sizer = ChunkSizer(minimum=5, maximum=20)
    sizer.observe(1000, 0.001)
    assert sizer.next_size() == 20


@pytest.mark.parametrize(
    ("tracks", "busy_s"),
    [
        pytest.param(0, 1.0, id="no-tracks"),
        pytest.param(10, 0.0, id="no-time"),
        pytest.param(-1, 1.0, id="negative-tracks"),
        pytest.param(10, -0.5, id="negative-time"),
    ],
)
def test_empty_observations_are_ignored(tracks: int, busy_s: float) -> None:
    fresh = ChunkSizer()
    fresh.observe(tracks, busy_s)
    assert fresh.per_track_s is None
    assert fresh.next_size() == fresh.first

    measured = ChunkSizer()
    measured.observe(10, 0.1)
    measured.observe(tracks, busy_s)
    assert measured.per_track_s == pytest.approx(0.01)


def test_moving_average_weights_the_newest_by_smoothing() -> None:
    sizer = ChunkSizer(smoothing=0.3)
    sizer.observe(10, 0.1)  # 10 ms per track -> next size 25
    sizer.observe(25, 0.5)  # a full-size chunk at 20 ms per track
    assert sizer.per_track_s == pytest.approx(0.01 + 0.3 * (0.02 - 0.01))
    assert sizer.next_size() == round(0.25 / 0.013)


def test_a_small_slow_chunk_moves_the_size_little() -> None:
    sizer = ChunkSizer(smoothing=0.3)
    for _ in range(5):
        sizer.observe(50, 0.25)  # steady: 5 ms per track -> 50
    sizer.observe(1, 1.0)  # a playlist's last track, on a slow moment
    assert sizer.next_size() >= 35


def test_one_outlier_moves_the_size_only_partly() -> None:
    sizer = ChunkSizer(smoothing=0.3)
    for _ in range(5):
        sizer.observe(50, 0.25)  # steady: 5 ms per track -> 50
    assert sizer.next_size() == 50
    sizer.observe(50, 0.5)  # one chunk twice as slow (a slow disk moment)
    assert round(0.25 / 0.010) < sizer.next_size() < 50  # between the old and the outlier


def test_converges_to_the_steady_rate() -> None:
    sizer = ChunkSizer(smoothing=0.3)
    sizer.observe(10, 1.0)  # 100 ms per track at first (a cold cache)
    for _ in range(40):
        size = sizer.next_size()
        sizer.observe(size, size * 0.001)  # then 1 ms per track
    assert sizer.next_size() == 250


def test_smoothing_one_follows_the_latest_exactly() -> None:
    sizer = ChunkSizer(smoothing=1.0)
    sizer.observe(10, 1.0)
    sizer.observe(10, 0.01)
    assert sizer.next_size() == 250


# -- ChunkBook ---------------------------------------------------------------------------


def test_chunk_book_numbers_chunks_and_matches_results_by_id() -> None:
    book = ChunkBook()
    first, second = book.new(0, []), book.new(1, [])
    assert (first.chunk_id, second.chunk_id) == (1, 2)
    book.sent(first)
    book.sent(second)
    assert book.unanswered and book.holds(0) and book.holds(1)
    assert book.back(2) is second and book.back(2) is None  # answered once
    assert not book.holds(1) and book.holds(0)
    book.clear()
    assert not book.unanswered and book.back(1) is None


def test_a_lost_chunk_goes_out_again_first_then_is_given_up() -> None:
    book = ChunkBook()
    lost, other = book.new(0, []), book.new(0, [])
    book.sent(lost)
    book.send_again(other)
    assert book.lost(lost.chunk_id) is None  # first death: queued again, ahead of `other`
    assert lost.attempt == 1 and book.holds(0) and book.unanswered
    assert book.to_send_again() is lost and book.to_send_again() is other
    assert book.to_send_again() is None
    book.sent(lost)
    assert MAX_ATTEMPTS == 2 and book.lost(lost.chunk_id) is lost  # second: given up
    assert book.lost(None) is None and book.lost(99) is None  # an idle worker, or unknown


@pytest.mark.parametrize(
    ("remaining", "workers", "expected"),
    [
        pytest.param(10_000, 2, 100, id="far-from-the-end-full-size"),
        pytest.param(150, 2, 75, id="the-end-spread-over-workers"),
        pytest.param(151, 2, 76, id="rounded-up-so-no-third-chunk"),
        pytest.param(12, 4, 8, id="never-below-first"),
        pytest.param(150, 1, 100, id="one-worker-gains-nothing"),
        pytest.param(0, 2, 100, id="nothing-left"),
    ],
)
def test_the_last_entries_are_shared_among_the_workers(
    remaining: int, workers: int, expected: int
) -> None:
    sizer = ChunkSizer(target_s=0.25, first=8)
    sizer.observe(100, 0.25)  # 100 per chunk
    assert sizer.share(remaining, workers) == expected


def test_sharing_never_makes_a_chunk_bigger() -> None:
    sizer = ChunkSizer(target_s=0.25, first=8)
    sizer.observe(4, 0.5)  # slow tracks: 2 per chunk
    assert sizer.share(9, 2) == 2
    assert ChunkSizer(first=8).share(5, 2) == 8  # before any measurement: `first`
