"""The per-host limit holds across worker processes: two spawned processes search
MusicBrainz on a stand-in server; the server's own clock must see requests ≥ 1 s apart."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from matcher.model import CatalogTrack
from tests.matcher.http.mp_worker import search_musicbrainz
from tests.matcher.http.stand_in import StandIn

CLOCK_NOISE_S = 0.005
ROOT = Path(__file__).resolve().parents[3]  # spawned children import tests.* from here


@pytest.mark.slow
def test_two_worker_processes_never_ask_musicbrainz_twice_within_a_second(monkeypatch):
    tracks = [CatalogTrack(str(n), f"Title {n}", artists=("Someone",)) for n in range(10)]
    with StandIn(tracks) as server:
        monkeypatch.setenv("CRATEMATCH_MUSICBRAINZ_URL", server.url)
        monkeypatch.syspath_prepend(str(ROOT))  # spawn hands sys.path to the children
        context = multiprocessing.get_context("spawn")
        workers = [
            context.Process(target=search_musicbrainz, args=(["alpha one", "alpha two"],)),
            context.Process(target=search_musicbrainz, args=(["beta one", "beta two", "beta 3"],)),
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join(30)
        assert [w.exitcode for w in workers] == [0, 0]
        times = sorted(server.times("/ws/2/recording"))
    assert len(times) == 5
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 1.0 - CLOCK_NOISE_S, gaps
