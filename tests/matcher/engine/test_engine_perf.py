"""The performance panels through the real engine (a host process, spawned workers, a real
journal): per-kind query figures that add up, the slowest tracks, memory that /proc
agrees with and that survives a killed worker, and performance_report.json written at
the end of a batch and of a resumed one. Every wait is bounded; nothing times anything.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest

from matcher.config import EngineConfig
from matcher.engine.client import Engine
from matcher.engine.events import (
    BatchCancelled,
    BatchFinished,
    Event,
    MetricsSnapshot,
    TracksMatched,
)
from matcher.performance.report import REPORT_FILE, history_report_path
from tests.matcher.engine.engine_fixtures import (
    cancel_mid_batch,
    collect,
    collect_until,
    descendants,
    matches_rows,
    write_m3u8,
)

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def snapshots(events: list[Event]) -> list[MetricsSnapshot]:
    return [e for e in events if isinstance(e, MetricsSnapshot)]


def proc_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for {pid}")


@linux
def test_a_batchs_snapshots_and_report_add_up(catalog: Path, tmp_path: Path) -> None:
    write_m3u8(tmp_path / "set.m3u8", 400)
    with Engine(EngineConfig(catalog=catalog, workers=2, out_dir=tmp_path / "out")) as engine:
        batch = engine.start([tmp_path / "set.m3u8"])
        events = collect(batch)
        workers = sorted(descendants(engine._host.pid))
        final = snapshots(events)[-1]
        assert final.memory is not None
        outside = {pid: proc_rss(pid) for pid in (engine._host.pid, *workers)}
    assert isinstance(events[-1], BatchFinished) and events[-1].ok

    for snap in snapshots(events):  # live, every time: runs add up to the queries counted
        assert sum(q.runs for q in snap.queries) == snap.metrics["queries_executed"]
        elapsed = [s.elapsed_ms for s in snap.slowest]
        assert len(elapsed) <= 10 and elapsed == sorted(elapsed, reverse=True)

    rows = matches_rows(tmp_path / "out" / "set")
    matched = sum(r["status"] == "matched" for r in rows)
    review_with_candidate = sum(r["status"] == "review" and bool(r["catalog_id"]) for r in rows)
    assert sum(q.found for q in final.queries) == matched == final.metrics["matched_tracks"]
    assert sum(q.proposed for q in final.queries) == review_with_candidate
    assert all(q.cache_hit_rate is None for q in final.queries)  # a local catalog: n/a

    # the ten slowest, slowest first (by the times matches.csv gives them: entries whose
    # times tie to the hundredth may stand in either order)
    elapsed_of = {int(r["entry_index"]): float(r["elapsed_ms"]) for r in rows}
    ten_slowest = sorted(elapsed_of.values(), reverse=True)[:10]
    assert [elapsed_of[s.entry_index] for s in final.slowest] == ten_slowest
    assert {s.playlist for s in final.slowest} == {"set"}

    memory = final.memory  # the host sampled its own and its workers' memory
    assert memory.host.pid == engine._host.pid
    assert sorted(w.pid for w in memory.workers) == workers
    for process in memory.processes:
        assert process.peak >= process.rss > 0
        assert abs(process.rss - outside[process.pid]) <= 0.10 * outside[process.pid]
    assert final.metrics["memory_rss_mib"] == pytest.approx(memory.total / 2**20)

    report = json.loads((tmp_path / "out" / REPORT_FILE).read_text(encoding="utf-8"))
    copy = json.loads(history_report_path(batch.batch_id).read_text(encoding="utf-8"))
    assert copy == report and report["batch_id"] == batch.batch_id
    assert report["state"] == "finished" and report["source"] == "engine"
    assert report["queries_total"]["runs"] == report["metrics"]["queries_executed"]
    assert report["queries_total"]["found"] == matched
    assert [s["entry_index"] for s in report["slowest"]] == [s.entry_index for s in final.slowest]
    peak = max(p.peak for p in memory.processes)  # the last event samples once more
    assert 0.9 * peak <= report["memory"]["peak"] <= peak
    assert report["settings"] == {
        "provider": "local",
        "preset": "balanced",
        "workers": 2,
        "chunk_size": report["settings"]["chunk_size"],
    }
    assert report["catalog"]["tracks"] == 50
    assert report["playlists"] == [{"playlist_file": "set.m3u8", "playlist": "set", "entries": 400}]
    assert len(report["series"]["t"]) >= 1
    assert report["tracks"]["done"] == 400


@linux
def test_a_killed_workers_peak_and_restart_stay_in_its_slot(catalog: Path, tmp_path: Path) -> None:
    write_m3u8(tmp_path / "long.m3u8", 3000)
    with Engine(EngineConfig(catalog=catalog, workers=1, out_dir=tmp_path / "out")) as engine:
        batch = engine.start([tmp_path / "long.m3u8"])
        events: list[Event] = []

        def sampled(ev: list[Event]) -> bool:
            seen = [s for s in snapshots(ev) if s.memory and s.memory.workers]
            return len([e for e in ev if isinstance(e, TracksMatched)]) >= 3 and bool(seen)

        collect_until(batch, sampled, into=events)
        assert batch.final is None, "the batch ended before the worker could be killed"
        before = [s for s in snapshots(events) if s.memory and s.memory.workers][-1].memory
        (killed,) = descendants(engine._host.pid)
        os.kill(killed, signal.SIGKILL)
        collect(batch, into=events)
    assert isinstance(events[-1], BatchFinished) and events[-1].ok
    assert before is not None
    after = snapshots(events)[-1].memory
    assert after is not None
    (slot,) = after.workers
    assert slot.pid != killed and slot.restarts == 1
    assert slot.peak >= before.workers[0].peak  # the dead worker's peak is kept


def test_a_resumed_batch_writes_its_report_too(catalog: Path, tmp_path: Path) -> None:
    write_m3u8(tmp_path / "long.m3u8", 2500)
    config = EngineConfig(catalog=catalog, workers=1, out_dir=tmp_path / "out")
    with Engine(config) as engine:
        batch, events = cancel_mid_batch(engine, [tmp_path / "long.m3u8"])
    assert isinstance(events[-1], BatchCancelled)
    cancelled = json.loads((tmp_path / "out" / REPORT_FILE).read_text(encoding="utf-8"))
    assert cancelled["state"] == "cancelled" and cancelled["partial"] is True
    already = cancelled["tracks"]["done"]

    events = collect(Engine.resume(batch.batch_id, config))  # it closes its own engine
    assert isinstance(events[-1], BatchFinished) and events[-1].ok
    report = json.loads((tmp_path / "out" / REPORT_FILE).read_text(encoding="utf-8"))
    assert report["state"] == "finished" and report["batch_id"] == batch.batch_id
    assert report["resumed"] == {"already_done": already, "this_run": 2500 - already}
    assert report["tracks"]["this_run"] == 2500 - already
    assert report["queries_total"]["runs"] == report["metrics"]["queries_executed"]


ONLINE_SET = """#EXTM3U
#EXTINF:412,Nova Reyes - Glass Tide
/music/glass.mp3
#EXTINF:350,Sela Marrow, Ivo Pratt - Lantern Field
/music/lantern.mp3
#EXTINF:300,Nobody Known - Not In Any Catalog
/music/nothing.mp3
"""


@pytest.mark.slow
def test_online_cache_hits_per_kind_through_the_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.matcher.http.stand_in import StandIn
    from tests.matcher.providers.online_fixtures import TOKEN, TRACKS

    playlist = tmp_path / "online.m3u8"
    playlist.write_text(ONLINE_SET, encoding="utf-8")
    monkeypatch.setenv("CRATEMATCH_BEATPORT_TOKEN", TOKEN)
    import keyring

    monkeypatch.setattr(keyring, "get_password", lambda service, username: None)
    finals = []
    with StandIn(TRACKS, token=TOKEN) as server:
        monkeypatch.setenv("CRATEMATCH_BEATPORT_URL", server.url + "/v4")
        config = EngineConfig(provider="beatport", workers=1, out_dir=tmp_path / "out")
        for _ in range(2):  # the second run asks the cache the first one filled
            with Engine(config) as engine:
                finals.append(snapshots(collect(engine.start([playlist])))[-1])
    first, second = finals
    for snap in finals:
        assert sum(q.cache_hits for q in snap.queries) == snap.metrics["cache_hits"]
        assert sum(q.cache_misses for q in snap.queries) == snap.metrics["cache_misses"]
    assert first.metrics["cache_misses"] > 0 and first.metrics["cache_hits"] == 0
    assert all(q.cache_hit_rate == 0.0 for q in first.queries if q.runs)
    assert second.metrics["cache_hits"] > 0
    assert all(q.cache_hit_rate == 1.0 for q in second.queries if q.runs)
