"""The batch engine through its public API: a real host process, real spawned workers, a
real journal and real outputs, on an invented catalog and long generated playlists.

Checked here: the event stream's order and completeness, batching of events, metrics,
outputs and journal; bad input; queued batches; pause/resume; cancel and resume from the
journal. Every wait is bounded (engine_fixtures.WAIT_S); nothing asserts a duration.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from matcher.config import EngineConfig
from matcher.engine.client import Batch, Engine
from matcher.engine.events import (
    BatchCancelled,
    BatchFinished,
    BatchPaused,
    BatchResumed,
    BatchStarted,
    BatchState,
    EngineError,
    Event,
    MetricsSnapshot,
    PlaylistFinished,
    PlaylistProgress,
    PlaylistStarted,
    TracksMatched,
)
from matcher.engine.journal import BatchRecord, Journal, PlaylistRecord
from matcher.metrics import METRIC_KEYS
from matcher.outputs.summary import OUTPUT_FILES
from tests.matcher.engine.engine_fixtures import (
    WAIT_S,
    Track,
    collect,
    collect_until,
    first_results,
    matches_rows,
    pause_mid_batch,
    quiet_period,
    read_summary,
    results_of,
    until,
    write_m3u8,
)

QUIET_S = 1.0  # how long a paused batch is watched for stray results


def config(catalog: Path, tmp_path: Path, workers: int = 2) -> EngineConfig:
    return EngineConfig(catalog=catalog, workers=workers, out_dir=tmp_path / "out")


def keys(results: Sequence) -> list[tuple[str, int]]:
    return sorted((r.entry.playlist_file, r.entry.entry_index) for r in results)


def expected_keys(playlists: dict[str, list[Track]]) -> list[tuple[str, int]]:
    return sorted((name, i) for name, tracks in playlists.items() for i in range(len(tracks)))


def journal_record(batch_id: str) -> tuple[BatchRecord, list[PlaylistRecord]]:
    with Journal.open(readonly=True) as journal:
        record = journal.batch(batch_id)
        playlists = journal.playlists(batch_id)
    assert record is not None
    return record, playlists


def index_of(events: list[Event], kind: type, **fields: object) -> list[int]:
    return [
        i
        for i, e in enumerate(events)
        if isinstance(e, kind) and all(getattr(e, k) == v for k, v in fields.items())
    ]


def assert_stream_shape(events: list[Event], batch: Batch) -> None:
    """What every batch's stream satisfies (see matcher/events.py)."""
    assert {e.batch_id for e in events} == {batch.batch_id}
    assert [e.seq for e in events] == list(range(1, len(events) + 1))  # no gap, no repeat
    finals = index_of(events, BatchFinished) + index_of(events, BatchCancelled)
    assert finals == [len(events) - 1], "exactly one final event, and it is the last"
    assert batch.final is events[-1]


def assert_matches_csv(folder: Path, tracks: list[Track]) -> list[dict[str, str]]:
    """Every entry exactly once, in order, each row about the entry at its index."""
    rows = matches_rows(folder)
    assert [int(r["entry_index"]) for r in rows] == list(range(len(tracks)))
    for row in rows:
        track = tracks[int(row["entry_index"])]
        assert (row["source_artist"], row["source_title"]) == (track.artist, track.title)
    return rows


# -- a whole batch -----------------------------------------------------------------------


def test_two_playlists_run_to_the_end(catalog: Path, tmp_path: Path) -> None:
    playlists = {
        "house.m3u8": write_m3u8(tmp_path / "house.m3u8", 1200),
        "techno.m3u8": write_m3u8(tmp_path / "techno.m3u8", 900, seed=1),
    }
    total = 2100
    with Engine(config(catalog, tmp_path)) as engine:
        batch = engine.start([tmp_path / name for name in playlists])
        events = collect(batch)
    assert_stream_shape(events, batch)

    started = events[0]
    assert isinstance(started, BatchStarted)
    assert started.total_tracks == total and started.workers == 2
    assert not started.resumed and started.already_done == 0
    assert started.playlists == (
        (0, "house.m3u8", "house", 1200),
        (1, "techno.m3u8", "techno", 900),
    )
    final = events[-1]
    assert isinstance(final, BatchFinished) and final.ok
    assert (final.done, final.total) == (total, total)
    assert sum(final.counts.values()) == total
    assert final.counts.get("matched", 0) > 0 and final.counts.get("unmatched", 0) > 0
    assert not any(isinstance(e, EngineError) for e in events)

    # per playlist: started before its results, finished after them, each once
    for pid, (name, tracks) in enumerate(playlists.items()):
        starts = index_of(events, PlaylistStarted, playlist_id=pid)
        matched = index_of(events, TracksMatched, playlist_id=pid)
        finishes = index_of(events, PlaylistFinished, playlist_id=pid)
        assert len(starts) == 1 and len(finishes) == 1 and matched
        assert starts[0] < matched[0] and matched[-1] < finishes[0]
        progress = [e for e in events if isinstance(e, PlaylistProgress) and e.playlist_id == pid]
        assert [p.done for p in progress] == sorted({p.done for p in progress})  # rising
        assert progress[-1].done == progress[-1].total == len(tracks)
        assert sum(progress[-1].counts.values()) == len(tracks)
        assert all(
            r.entry.playlist_file == name
            for e in events
            if isinstance(e, TracksMatched) and e.playlist_id == pid
            for r in e.results
        )

    # every entry exactly once, in few messages
    results = results_of(events)
    assert keys(results) == expected_keys(playlists)
    messages = len(index_of(events, TracksMatched))
    assert messages <= total // 10, f"{messages} TracksMatched messages for {total} tracks"
    assert Counter(str(r.status) for r in results) == Counter(final.counts)

    # metrics
    snapshots = [e for e in events if isinstance(e, MetricsSnapshot)]
    assert snapshots
    for snapshot in snapshots:
        assert set(METRIC_KEYS) <= set(snapshot.metrics)
        assert all(math.isfinite(float(snapshot.metrics[k])) for k in METRIC_KEYS)
    last = snapshots[-1].metrics
    assert last["total_tracks"] == total
    assert last["matched_tracks"] == final.counts.get("matched", 0)
    assert last["unmatched_tracks"] == final.counts.get("unmatched", 0)

    # outputs
    out = tmp_path / "out"
    finished = [e for e in events if isinstance(e, PlaylistFinished)]
    for event, (name, tracks) in zip(finished, playlists.items(), strict=True):
        folder = Path(event.out_dir)
        assert folder.parent == out and not event.partial
        assert {p.name for p in folder.iterdir()} >= set(OUTPUT_FILES.values())
        rows = assert_matches_csv(folder, tracks)
        assert {r["playlist_file"] for r in rows} == {name}
        summary = read_summary(folder)
        assert summary["partial"] is False and summary["processed"] == len(tracks)
    batch_summary = json.loads((out / "batch_summary.json").read_text(encoding="utf-8"))
    assert batch_summary["partial"] is False
    assert final.summary_path == str(out / "batch_summary.json")

    # journal
    record, recorded = journal_record(batch.batch_id)
    assert record.state is BatchState.FINISHED
    assert record.done == record.total == total
    assert [(p.name, p.done, p.total, p.finished) for p in recorded] == [
        ("house", 1200, 1200, True),
        ("techno", 900, 900, True),
    ]


def test_an_engine_without_results_sends_counts_only(catalog: Path, tmp_path: Path) -> None:
    """`Engine(results=False)`, as the command line runs it: no TracksMatched, the same
    progress, counts and outputs (seq numbers stay gapless)."""
    tracks = write_m3u8(tmp_path / "house.m3u8", 300)
    with Engine(config(catalog, tmp_path), results=False) as engine:
        batch = engine.start([tmp_path / "house.m3u8"])
        events = collect(batch)
    assert not index_of(events, TracksMatched)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    final = events[-1]
    assert isinstance(final, BatchFinished) and final.ok and final.done == 300
    progress = [e for e in events if isinstance(e, PlaylistProgress)]
    assert progress[-1].done == 300 and progress[-1].counts == final.counts
    rows = assert_matches_csv(tmp_path / "out" / "house", tracks)
    assert Counter(r["status"] for r in rows) == Counter(final.counts)


def test_a_host_on_a_thread_runs_the_batch_as_a_host_process_does(
    catalog: Path, tmp_path: Path
) -> None:
    """`Engine(in_process=True)`, as the command line runs it: the host loop on a thread
    of this process, the same event stream and the same outputs as a host process's."""
    tracks = write_m3u8(tmp_path / "house.m3u8", 400)
    runs = {}
    for in_process in (False, True):
        out = tmp_path / f"out-{in_process}"
        cfg = EngineConfig(catalog=catalog, workers=2, out_dir=out)
        with Engine(cfg, results=False, in_process=in_process) as engine:
            batch = engine.start([tmp_path / "house.m3u8"])
            events = collect(batch)
            assert isinstance(engine._host, threading.Thread) is in_process
        assert_stream_shape(events, batch)
        assert engine._host.exitcode == 0 and not engine._host.is_alive()
        rows = assert_matches_csv(out / "house", tracks)
        kinds = [type(e).__name__ for e in events if not isinstance(e, PlaylistProgress)]
        final = events[-1]
        assert isinstance(final, BatchFinished) and final.ok
        folder = out / "house"
        assert {p.name for p in folder.iterdir()} == set(OUTPUT_FILES.values())
        same = [(folder / name).read_bytes() for name in ("found.m3u8", "missing.csv")]
        timeless = [{**r, "elapsed_ms": ""} for r in rows]
        runs[in_process] = (kinds, final.counts, timeless, same)
    assert runs[True] == runs[False]


def drain_engine(engine: Engine, batches: Sequence[Batch]) -> dict[str, list[Event]]:
    """Engine.events(): the window's single pump over every batch (bounded)."""
    by_batch: dict[str, list[Event]] = {b.batch_id: [] for b in batches}
    deadline = time.monotonic() + WAIT_S
    while any(b.final is None for b in batches):
        assert time.monotonic() < deadline, "timed out draining the engine"
        for event in engine.events(timeout=0.1):
            by_batch[event.batch_id].append(event)
    return by_batch


@pytest.mark.parametrize("drain", ["per-batch", "engine-wide"])
def test_two_batches_started_back_to_back_both_finish(
    catalog: Path, tmp_path: Path, drain: str
) -> None:
    first = write_m3u8(tmp_path / "first.m3u8", 300)
    second = write_m3u8(tmp_path / "second.m3u8", 200, seed=2)
    with Engine(config(catalog, tmp_path, workers=1)) as engine:
        batch_a = engine.start([tmp_path / "first.m3u8"])
        batch_b = engine.start([tmp_path / "second.m3u8"])
        assert batch_a.batch_id != batch_b.batch_id
        if drain == "engine-wide":
            drained = drain_engine(engine, [batch_a, batch_b])
            events_a, events_b = drained[batch_a.batch_id], drained[batch_b.batch_id]
        else:
            events_b = collect(batch_b)  # draining one batch keeps the other's events
            events_a = collect(batch_a)
    for batch, events, tracks, name in (
        (batch_a, events_a, first, "first.m3u8"),
        (batch_b, events_b, second, "second.m3u8"),
    ):
        assert_stream_shape(events, batch)
        final = events[-1]
        assert isinstance(final, BatchFinished) and final.ok and final.done == len(tracks)
        assert keys(results_of(events)) == expected_keys({name: tracks})
        assert journal_record(batch.batch_id)[0].state is BatchState.FINISHED


def test_cancel_of_a_queued_batch_ends_it_unstarted(catalog: Path, tmp_path: Path) -> None:
    write_m3u8(tmp_path / "running.m3u8", 3000)
    write_m3u8(tmp_path / "queued.m3u8", 100, seed=4)
    with Engine(config(catalog, tmp_path, workers=1)) as engine:
        running = engine.start([tmp_path / "running.m3u8"])
        queued = engine.start([tmp_path / "queued.m3u8"])
        events: list[Event] = []
        first_results(running, events)
        queued.cancel()
        dropped = collect(queued)
        assert running.final is None  # the running batch goes on
        running.cancel()
        collect(running, into=events)
    assert_stream_shape(dropped, queued)
    assert len(dropped) == 1 and isinstance(dropped[0], BatchCancelled)
    assert dropped[0].done == 0
    with Journal.open(readonly=True) as journal:
        assert journal.batch(queued.batch_id) is None  # never begun: nothing to resume
    assert not (tmp_path / "out" / "queued").exists()
    assert isinstance(events[-1], BatchCancelled)


# -- bad input ---------------------------------------------------------------------------

BROKEN_XML = '<?xml version="1.0"?>\n<DJ_PLAYLISTS Version="1.0.0"><COLLECTION><TRACK Name="'


def missing_among_good(tmp_path: Path) -> list[Path]:
    write_m3u8(tmp_path / "good.m3u8", 50)
    return [tmp_path / "good.m3u8", tmp_path / "no such playlist.m3u8"]


def broken_xml(tmp_path: Path) -> list[Path]:
    write_m3u8(tmp_path / "good.m3u8", 50)
    (tmp_path / "broken.xml").write_text(BROKEN_XML, encoding="utf-8")
    return [tmp_path / "good.m3u8", tmp_path / "broken.xml"]


@pytest.mark.parametrize(
    ("make_inputs", "culprit", "prepare"),
    [
        pytest.param(missing_among_good, "no such playlist.m3u8", True, id="missing-file"),
        pytest.param(broken_xml, "broken.xml", False, id="broken-xml"),
    ],
)
def test_bad_input_fails_before_any_output(
    catalog: Path, tmp_path: Path, make_inputs, culprit: str, prepare: bool
) -> None:
    inputs = make_inputs(tmp_path)
    with Engine(config(catalog, tmp_path), prepare=prepare) as engine:
        batch = engine.start(inputs)
        events = collect(batch)
    assert_stream_shape(events, batch)
    error, final = events
    assert isinstance(error, EngineError) and error.fatal
    assert error.message and "\n" not in error.message and "Traceback" not in error.message
    assert culprit in error.message
    assert isinstance(final, BatchFinished) and not final.ok
    assert not (tmp_path / "out").exists()
    with Journal.open(readonly=True) as journal:
        assert journal.batch(batch.batch_id) is None  # nothing to resume


# -- resume of what cannot be resumed ----------------------------------------------------


def test_resume_of_a_finished_batch_rewrites_its_outputs_and_finishes(
    catalog: Path, tmp_path: Path
) -> None:
    """Documented behaviour: resuming a finished batch matches nothing again; it rebuilds
    the outputs from the journal and ends with BatchFinished(ok=True)."""
    tracks = write_m3u8(tmp_path / "done.m3u8", 200)
    with Engine(config(catalog, tmp_path, workers=1)) as engine:
        batch = engine.start([tmp_path / "done.m3u8"])
        first = collect(batch)
    assert isinstance(first[-1], BatchFinished) and first[-1].ok
    folder = tmp_path / "out" / "done"
    rows_before = matches_rows(folder)
    (folder / "matches.csv").unlink()

    resumed = Engine.resume(batch.batch_id, EngineConfig(workers=1))
    events = collect(resumed)
    assert_stream_shape(events, resumed)
    started, final = events[0], events[-1]
    assert isinstance(started, BatchStarted) and started.resumed
    assert started.already_done == started.total_tracks == 200
    assert not index_of(events, TracksMatched)
    assert isinstance(final, BatchFinished) and final.ok and final.done == 200
    assert len(index_of(events, PlaylistFinished)) == 1
    assert matches_rows(folder) == rows_before
    assert_matches_csv(folder, tracks)
    assert journal_record(batch.batch_id)[0].state is BatchState.FINISHED
    assert not resumed._engine._host.is_alive()  # the batch closed the engine it owned


def test_resume_of_an_unknown_batch_is_an_error(tmp_path: Path) -> None:
    batch = Engine.resume("19990101-000000-000000", EngineConfig(workers=1))
    events = collect(batch)
    assert_stream_shape(events, batch)
    error, final = events
    assert isinstance(error, EngineError) and error.fatal
    assert "19990101-000000-000000" in error.message and "\n" not in error.message
    assert isinstance(final, BatchFinished) and not final.ok


def finished_batch(catalog: Path, tmp_path: Path, count: int = 120) -> Batch:
    write_m3u8(tmp_path / "crate.m3u8", count)
    with Engine(config(catalog, tmp_path, workers=1)) as engine:
        batch = engine.start([tmp_path / "crate.m3u8"])
        events = collect(batch)
    assert isinstance(events[-1], BatchFinished) and events[-1].ok
    return batch


def test_resume_refuses_a_playlist_whose_length_changed(catalog: Path, tmp_path: Path) -> None:
    batch = finished_batch(catalog, tmp_path)
    write_m3u8(tmp_path / "crate.m3u8", 130)  # ten entries added since
    events = collect(Engine.resume(batch.batch_id, EngineConfig(workers=1)))
    error, final = events
    assert isinstance(error, EngineError) and error.fatal and "changed" in error.message
    assert isinstance(final, BatchFinished) and not final.ok


def test_resume_refuses_a_playlist_edited_in_place(catalog: Path, tmp_path: Path) -> None:
    batch = finished_batch(catalog, tmp_path)
    write_m3u8(tmp_path / "crate.m3u8", 120, seed=9)  # same length, other tracks
    events = collect(Engine.resume(batch.batch_id, EngineConfig(workers=1)))
    assert isinstance(events[-1], BatchFinished) and not events[-1].ok
    assert isinstance(events[0], EngineError) and "changed" in events[0].message


# -- pause and resume --------------------------------------------------------------------


def test_pause_stops_results_until_resume(catalog: Path, tmp_path: Path) -> None:
    tracks = write_m3u8(tmp_path / "long.m3u8", 4000)
    with Engine(config(catalog, tmp_path)) as engine:
        batch = engine.start([tmp_path / "long.m3u8"])
        events: list[Event] = []
        paused_at = pause_mid_batch(batch, events)
        paused = events[paused_at]
        assert isinstance(paused, BatchPaused)
        before = results_of(events)
        assert paused.done == len(before) < len(tracks)  # mid-batch, nothing unreported
        assert not index_of(events[paused_at:], TracksMatched)

        during = quiet_period(batch, QUIET_S)
        assert not any(isinstance(e, TracksMatched | PlaylistProgress) for e in during), during
        assert journal_record(batch.batch_id)[0].state is BatchState.PAUSED
        events.extend(during)

        mark = len(events)
        batch.resume()
        collect(batch, into=events)
    after = events[mark:]
    resumed_at = index_of(after, BatchResumed)
    matched_after = index_of(after, TracksMatched)
    assert len(resumed_at) == 1 and matched_after and resumed_at[0] < matched_after[0]
    resumed = after[resumed_at[0]]
    assert isinstance(resumed, BatchResumed) and resumed.done == paused.done
    assert_stream_shape(events, batch)
    assert isinstance(events[-1], BatchFinished) and events[-1].ok
    assert keys(results_of(events)) == expected_keys({"long.m3u8": tracks})
    assert_matches_csv(tmp_path / "out" / "long", tracks)


def test_cancel_while_paused(catalog: Path, tmp_path: Path) -> None:
    write_m3u8(tmp_path / "long.m3u8", 3000)
    with Engine(config(catalog, tmp_path, workers=1)) as engine:
        batch = engine.start([tmp_path / "long.m3u8"])
        events: list[Event] = []
        pause_mid_batch(batch, events)
        mark = len(events)
        batch.cancel()
        collect(batch, into=events)
    assert_stream_shape(events, batch)
    final = events[-1]
    assert isinstance(final, BatchCancelled)
    assert not index_of(events[mark:], TracksMatched)
    assert final.done == len(results_of(events)) < final.total
    assert journal_record(batch.batch_id)[0].state is BatchState.CANCELLED
    assert read_summary(tmp_path / "out" / "long")["partial"] is True


# -- cancel, then resume from the journal ------------------------------------------------


def test_cancel_keeps_what_was_matched_and_resume_finishes_it(
    catalog: Path, tmp_path: Path
) -> None:
    playlists = {
        "crate.m3u8": write_m3u8(tmp_path / "crate.m3u8", 2500),
        "spare.m3u8": write_m3u8(tmp_path / "spare.m3u8", 1500, seed=3),
    }
    total = 4000
    with Engine(config(catalog, tmp_path, workers=1)) as engine:
        batch = engine.start([tmp_path / name for name in playlists])
        events: list[Event] = []
        first_results(batch, events)
        batch.cancel()
        collect(batch, into=events)
    assert_stream_shape(events, batch)
    cancelled = events[-1]
    assert isinstance(cancelled, BatchCancelled)
    assert cancelled.total == total and cancelled.out_dir == str(tmp_path / "out")
    before = results_of(events)
    assert cancelled.done == len(before) and 0 < cancelled.done < total

    record, recorded = journal_record(batch.batch_id)
    assert record.state is BatchState.CANCELLED and record.done == cancelled.done
    out = tmp_path / "out"
    assert json.loads((out / "batch_summary.json").read_text(encoding="utf-8"))["partial"]
    for pid, name in enumerate(playlists):
        mine = sorted(r.entry.entry_index for r in before if r.entry.playlist_file == name)
        assert recorded[pid].done == len(mine)
        folder = out / Path(name).stem
        if mine and len(mine) < len(playlists[name]):  # partial outputs, marked
            summary = read_summary(folder)
            assert summary["partial"] is True and summary["processed"] == len(mine)
            assert [int(r["entry_index"]) for r in matches_rows(folder)] == mine
        elif not mine:
            assert not (folder / "summary.json").exists()

    resumed = Engine.resume(batch.batch_id, EngineConfig(workers=2))
    assert resumed.batch_id == batch.batch_id
    again = collect(resumed)
    assert_stream_shape(again, resumed)
    started, final = again[0], again[-1]
    assert isinstance(started, BatchStarted) and started.resumed
    assert started.already_done == cancelled.done and started.total_tracks == total
    assert started.workers == 2
    assert isinstance(final, BatchFinished) and final.ok and final.done == total
    redone = results_of(again)
    assert len(redone) == total - started.already_done  # nothing matched twice
    assert not set(keys(redone)) & set(keys(before))
    assert keys([*before, *redone]) == expected_keys(playlists)
    for name, tracks in playlists.items():
        folder = out / Path(name).stem
        assert_matches_csv(folder, tracks)
        assert read_summary(folder)["partial"] is False
    assert not json.loads((out / "batch_summary.json").read_text(encoding="utf-8"))["partial"]
    assert journal_record(batch.batch_id)[0].state is BatchState.FINISHED


# -- known gaps (strict xfail: they fail today; remove the mark when fixed) -------------


def test_pause_right_after_start_is_not_lost(catalog: Path, tmp_path: Path) -> None:
    write_m3u8(tmp_path / "long.m3u8", 1500)
    with Engine(config(catalog, tmp_path, workers=1)) as engine:
        batch = engine.start([tmp_path / "long.m3u8"])
        batch.pause()  # arrives with "start", while the host is still preparing
        events = collect_until(batch, until(BatchPaused))
        paused = bool(index_of(events, BatchPaused))
        if paused:
            batch.cancel()
        collect(batch, into=events)
    assert paused, "BatchPaused never arrived; the batch ran to its end"


@pytest.mark.parametrize("in_process", [False, True], ids=["host-process", "host-thread"])
def test_close_mid_batch_lets_the_host_exit_and_reports_the_cancel(
    catalog: Path, tmp_path: Path, in_process: bool
) -> None:
    write_m3u8(tmp_path / "long.m3u8", 3000)
    engine = Engine(config(catalog, tmp_path, workers=1), in_process=in_process)
    try:
        batch = engine.start([tmp_path / "long.m3u8"])
        first_results(batch, [])
    finally:
        engine.close()  # cancels the running batch; its events are not drained
    assert journal_record(batch.batch_id)[0].state is BatchState.CANCELLED
    assert engine._host.exitcode == 0, f"host exit code {engine._host.exitcode}"
    final = batch.wait(timeout=WAIT_S)
    assert isinstance(final, BatchCancelled)


def test_engine_is_importable_from_the_package() -> None:
    """DESIGN.md's Python API: `from matcher import Engine, EngineConfig`."""
    import matcher

    assert matcher.Engine is Engine and matcher.EngineConfig is EngineConfig
    assert {"Engine", "EngineConfig"} <= set(matcher.__all__)


def test_a_host_on_a_thread_gives_the_collector_back_as_it_found_it(
    catalog: Path, tmp_path: Path
) -> None:
    """The host sets the process's cycle collector while it runs (processes.calm_collector);
    a caller that ran it on a thread gets its own settings back when it ends."""
    import gc

    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    write_m3u8(tmp_path / "house.m3u8", 50)
    with Engine(config(catalog, tmp_path), in_process=True) as engine:
        batch = engine.start([tmp_path / "house.m3u8"])
        assert isinstance(collect(batch)[-1], BatchFinished)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
