"""Garbage collection on the Tk thread: the pump collects young generations as they
fill, and a full collection waits for a quiet moment (or at most FULL_GC_MAX_WAIT_S)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from ui import bridge, tk_gc


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations collected while the test runs, with automatic collection off."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    was_enabled = gc.isenabled()
    gc.disable()
    gc.callbacks.append(note)
    yield seen
    gc.callbacks.remove(note)
    if was_enabled:
        gc.enable()


def make_garbage(until_full_is_due: bool) -> list[object]:
    """Allocate tracked objects until a collection (a full one, if asked) is due. Keep
    what it returns: freeing it would take the allocation count back down."""
    keep: list[object] = []
    t0, t1, t2 = gc.get_threshold()
    while True:
        c0, c1, c2 = gc.get_count()
        if c0 >= t0 and (not until_full_is_due or (c1 >= t1 and c2 >= t2)):
            return keep
        keep.append([None])
        if c0 >= t0:  # a young collection, to move the older counters on
            gc.collect(1 if c1 >= t1 else 0)


def test_a_due_full_collection_waits_when_not_allowed(collections: list[int]) -> None:
    kept = make_garbage(until_full_is_due=True)
    collections.clear()
    assert tk_gc.collect_if_due(full_allowed=False) == 1
    assert collections == [1]
    kept += make_garbage(until_full_is_due=True)
    collections.clear()
    assert tk_gc.collect_if_due(full_allowed=True) == 2
    assert collections == [2]


def test_nothing_is_collected_before_the_threshold(collections: list[int]) -> None:
    gc.collect()
    collections.clear()
    assert tk_gc.collect_if_due() == -1
    assert collections == []


def test_the_pump_defers_full_collections_while_events_stream(
    collections: list[int], display: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tkinter as tk

    from matcher.engine.events import PlaylistProgress

    root = tk.Tk()
    root.withdraw()
    try:
        stream = [True]
        event = PlaylistProgress("20260101-000000-aaaaaa", 1, 0, 1, 10)
        pump = bridge.EventPump(root, lambda: [event] if stream[0] else [])
        pump.tick()  # an event arrived just now
        kept = make_garbage(until_full_is_due=True)
        collections.clear()
        pump.tick()
        assert 2 not in collections and collections  # young ones only
        stream[0] = False
        monkeypatch.setattr(bridge, "QUIET_S", 0.0)
        kept += make_garbage(until_full_is_due=True)
        collections.clear()
        pump.tick()  # quiet now: the full collection runs
        assert 2 in collections
    finally:
        root.destroy()
