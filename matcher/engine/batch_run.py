"""One batch inside the engine host: read, dispatch chunks, journal, write, report.

    BatchRun.begin()   take the playlists the host read (bad input failed there, before
                       any output), journal the batch and its playlists, skip what a
                       resumed batch already has, announce BatchStarted
    BatchRun.step()    send chunks to idle workers (unless pausing), collect finished
                       chunks: journal them (one transaction each), emit TracksMatched +
                       PlaylistProgress, write a playlist's outputs when it is complete,
                       retry a dead worker's chunk once, then turn it into error rows
    pause/resume/cancel  as the commands arrive; cancel terminates the workers at once

Each playlist's own state (entries to send, counts, results kept for writing) and its
output files are a PlaylistRun's (playlist_run.py); BatchRun decides what happens when.
Everything a finished chunk produced is in the journal before any event says so, so a
crash at any point loses at most the chunks in flight.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from matcher.catalog.sync import catalog_info
from matcher.config import EngineConfig
from matcher.engine.accounting import MetricsAccumulator
from matcher.engine.batch_perf import BatchPerf
from matcher.engine.batch_spec import BatchSpec
from matcher.engine.chunked_run import ChunkedRun, Emit
from matcher.engine.chunking import OpenChunk
from matcher.engine.events import (
    BatchCancelled,
    BatchFinished,
    BatchStarted,
    BatchState,
    EngineError,
    PlaylistFinished,
    PlaylistProgress,
    PlaylistStarted,
    TracksMatched,
)
from matcher.engine.journal import EncodedResult, Journal, encode_result
from matcher.engine.messages import Chunk, ChunkDone
from matcher.engine.playlist_run import PlaylistRun, ahead, journal_batch
from matcher.engine.pool import WorkerPool
from matcher.errors import CrateMatchError
from matcher.model import MatchResult, MatchStatus, Playlist
from matcher.outputs import PlaylistOutputs, write_batch_summary, write_batch_xml
from matcher.outputs.atomic import folder_synced_once
from matcher.outputs.reports import render_bodies
from matcher.paths import default_catalog_path
from matcher.performance.report import RunAbout
from matcher.providers.remember import remember_tracks

__all__ = ["BatchRun", "BatchSpec", "config_catalog"]


def config_catalog(config: EngineConfig, catalog: Path | None) -> tuple[str, int | None]:
    """What a batch matches against, for its summary and final line: the local catalog's
    file (the one `--catalog FILE` named this time: a catalog reused because another
    file had the same content is not named by that other file, which may be long gone)
    and its tracks, or an online provider's name."""
    if catalog is None:
        return config.provider, None
    try:
        info = catalog_info(catalog)
    except (CrateMatchError, OSError):  # the batch itself says what is wrong with it
        return str(catalog), None
    given = Path(config.catalog) if config.catalog else None
    return str(given) if given and given != Path(catalog) else info.name, info.tracks


class BatchRun(ChunkedRun):
    def __init__(
        self,
        spec: BatchSpec,
        journal: Journal,
        pool: WorkerPool,
        emit: Emit,
        *,
        catalog: Path | None,
        parse_s: float = 0.0,
    ) -> None:
        super().__init__(spec.batch_id, pool, emit)
        self.spec = spec
        self.config = spec.config
        self.journal = journal
        self.catalog = catalog
        self.playlists: list[PlaylistRun] = []
        self.outputs: dict[int, PlaylistOutputs] = {}
        self._parse_s = parse_s
        self._already = 0  # tracks the journal had results for when this run began
        self._catalog_name, self._catalog_tracks = config_catalog(self.config, catalog)
        self.metrics = MetricsAccumulator(
            total_tracks=0, workers=pool.size, preset=self.config.preset, started=self._started
        )
        self.perf = BatchPerf(pool, self.metrics)

    # -- lifecycle -----------------------------------------------------------------

    def _set_state(self, state: BatchState, note: str = "") -> None:
        self.journal.set_state(self.batch_id, state, note=note)

    def begin(self, playlists: list[Playlist]) -> None:
        """Journal the batch and its playlists and announce it."""
        self.playlists, already = journal_batch(self.journal, self.spec, self.catalog, playlists)
        total = self._total()
        self.metrics = MetricsAccumulator(
            total_tracks=total, workers=self.pool.size, preset=self.config.preset,
            started=self._started,
        )  # fmt: skip
        self.metrics.add_done(already)
        self._already = sum(already.values())
        self.metrics.add_time("parse", self._parse_s)
        self.perf.start(self.metrics)
        self._set_state(BatchState.RUNNING)
        self.state = BatchState.RUNNING
        self.emit(
            BatchStarted,
            total_tracks=total,
            playlists=tuple(
                (p.playlist_id, p.playlist.file_name, p.playlist.name, p.total)
                for p in self.playlists
            ),
            workers=self.pool.size,
            resumed=self.spec.resume,
            already_done=sum(already.values()),
        )
        for p in self.playlists:  # a resumed playlist may already be complete
            if not p.pending and not p.finished:
                self._finish_playlist(p)
        ahead(self.playlists)
        self._maybe_finish()

    def _finish_cancel(self) -> None:
        self.pool.terminate()
        self.chunks.clear()
        for p in self.playlists:
            if not p.finished and p.done:
                self._write_outputs(p, partial=True)
            elif not p.done:  # never started: leave no empty folder
                p.remove_empty_folder()
            p.forget()
        self._write_batch_summary(partial=True)
        self.state = BatchState.CANCELLED
        self._set_state(BatchState.CANCELLED)
        self._snapshot(force=True)
        self.emit(
            BatchCancelled, done=self._done(), total=self._total(), out_dir=str(self.config.out_dir)
        )

    def fail(self, message: str, detail: str = "", **damage: str) -> None:
        """Stop with `message`; `damage` (EngineError's damaged, damaged_path) names a
        damaged journal or catalog. Raises JournalError when the journal cannot record it."""
        self.pool.terminate()
        self.state = BatchState.FAILED
        for p in self.playlists:  # nothing matched: leave no empty folder behind
            if not p.done and not p.finished:
                p.remove_empty_folder()
            p.forget()
        self._set_state(BatchState.FAILED, note=message)
        self.emit(EngineError, message=message, fatal=True, detail=detail, **damage)
        self.emit(
            BatchFinished,
            ok=False,
            done=self._done(),
            total=self._total(),
            counts={},
            elapsed_s=time.perf_counter() - self._started,
            out_dir=str(self.config.out_dir),
        )

    # -- the work ----------------------------------------------------------------

    def _message(self, chunk: OpenChunk) -> Chunk:
        return Chunk(chunk.chunk_id, chunk.items)

    def _next_from(self) -> tuple[PlaylistRun, int] | None:
        """The playlist the next chunk comes from, and the chunk's size."""
        p = next((p for p in self.playlists if p.pending), None)
        if p is None:
            return None
        remaining = sum(len(q.pending) for q in self.playlists)
        return p, self.sizer.share(remaining, self.pool.size)

    def _next(self) -> OpenChunk | None:
        found = self._next_from()
        if found is None:
            return None
        p, size = found
        if not p.started:
            p.started, p.began_at = True, time.perf_counter()
            self.emit(
                PlaylistStarted,
                playlist_id=p.playlist_id,
                name=p.playlist.name,
                total=p.total,
                done=p.done,
            )
        return self.chunks.new(p.playlist_id, p.take(size))

    def _on_result(self, item: ChunkDone) -> None:
        chunk = self.chunks.back(item.chunk_id)
        if chunk is None:  # a chunk of a batch already cancelled
            return
        self.metrics.add_chunk(item.stats, len(chunk.items))
        p = self.playlists[chunk.playlist_id]
        self.metrics.add_results(p.playlist_id, p.playlist.name, item.results)
        self._record(chunk.playlist_id, item.results, item.rows, item.reports)

    def _ready_next(self) -> None:
        found = self._next_from()
        if found is not None:
            p, size = found
            p.ready(size)

    def _measure(self, item: ChunkDone) -> None:
        self.sizer.observe(item.stats.tracks, item.stats.busy_s)

    def _on_lost(self, chunk: OpenChunk, exitcode: int | None) -> None:
        reason = f"worker died twice on this chunk (exit code {exitcode})"
        results = [
            MatchResult(entry, MatchStatus.ERROR, 0.0, self.config.provider, reason)
            for entry in chunk.items
        ]
        self._record(chunk.playlist_id, results, [encode_result(r) for r in results],
                     render_bodies(results))  # fmt: skip

    def _record(
        self,
        playlist_id: int,
        briefs: list[MatchResult],
        rows: list[EncodedResult],
        reports: tuple[bytes, ...] = (),
    ) -> None:
        """Journal a chunk, then report it. `briefs` are brief already (a worker's
        ChunkDone.results, or error results with nothing to cut)."""
        p = self.playlists[playlist_id]
        self.journal.record_encoded(self.batch_id, playlist_id, rows)
        self._remember(briefs)
        p.record(briefs, rows, reports)
        self._dirty = True
        self.emit(TracksMatched, playlist_id=playlist_id, results=tuple(briefs))
        self.emit(
            PlaylistProgress,
            playlist_id=playlist_id,
            done=p.done,
            total=p.total,
            counts=dict(p.counts),
        )
        if not p.pending and p.done >= p.total and not self.chunks.holds(playlist_id):
            self._finish_playlist(p)

    def _remember(self, results: list[MatchResult]) -> None:
        """Tracks an online provider matched go into the local catalog too, so later runs
        and "find what I own" can use them offline."""
        if self.config.provider == "local":
            return
        tracks = [r.best.track for r in results if r.status is MatchStatus.MATCHED and r.best]
        if tracks:
            try:
                remember_tracks(tracks, default_catalog_path(), source=self.config.provider)
            except CrateMatchError as err:  # a read-only data dir must not stop the batch
                self.emit(EngineError, message=f"could not keep online tracks offline: {err}")

    def reviewed(self, playlist_id: int, result: MatchResult) -> None:
        """A user's decision arrived while this batch runs: keep memory, counts and the
        rows kept for writing in step (the journal row and any written outputs were
        updated by `review.apply_review`)."""
        journal, batch_id = self.journal, self.batch_id

        def chunk(first: int, count: int) -> list[MatchResult]:
            return journal.results_between(batch_id, playlist_id, first, count)

        p = self.playlists[playlist_id]
        p.reviewed(result, chunk)
        if p.memory is None:  # no results kept to count from: the journal holds the decision
            p.counts = Counter(journal.counts(batch_id, playlist_id))

    def _finish_playlist(self, p: PlaylistRun) -> None:
        self._write_outputs(p, partial=False)
        p.finished = True
        p.forget()
        self.journal.set_playlist_finished(self.batch_id, p.playlist_id, str(p.folder))
        self.emit(
            PlaylistFinished,
            playlist_id=p.playlist_id,
            name=p.playlist.name,
            out_dir=str(p.folder),
            counts=dict(p.counts),
        )

    def _write_outputs(self, p: PlaylistRun, *, partial: bool) -> None:
        t0 = time.perf_counter()
        self.outputs[p.playlist_id] = p.write(
            self.journal,
            self.batch_id,
            provider=self.config.provider,
            preset=self.config.preset,
            partial=partial,
            since=self._started,
        )
        self.metrics.add_time("write", time.perf_counter() - t0)

    @folder_synced_once()  # the output folder's fsync once, after the last file
    def _write_batch_summary(self, *, partial: bool) -> Path:
        """enriched_batch.xml (every playlist in one Rekordbox XML), then the summary."""
        outputs = [self.outputs[k] for k in sorted(self.outputs)]
        out_dir = Path(self.config.out_dir)  # type: ignore[arg-type]
        t0 = time.perf_counter()
        batch_xml = write_batch_xml(out_dir, outputs)
        self.metrics.add_time("write", time.perf_counter() - t0)
        extra: dict[str, object] = {
            "batch_id": self.batch_id,
            "provider": self.config.provider,
            "preset": self.config.preset,
            "catalog": {"file": self._catalog_name, "tracks": self._catalog_tracks},
        }
        if self.spec.resume:  # elapsed_s is this run's: say how much it did
            extra["resumed"] = {"already_done": self._already,
                                "this_run": self._done() - self._already}  # fmt: skip
        extra["metrics"] = self.perf.snapshot(time.perf_counter())
        summary = write_batch_summary(
            out_dir,
            outputs,
            partial=partial,
            elapsed_s=time.perf_counter() - self._started,
            extra=extra,
            batch_xml=batch_xml,
        )
        self.perf.write_report(out_dir, self._about(partial), time.perf_counter())
        return summary

    def _about(self, partial: bool) -> RunAbout:
        record = self.journal.batch(self.batch_id)
        return RunAbout(
            batch_id=self.batch_id,
            provider=self.config.provider,
            preset=self.config.preset,
            workers=self.pool.size,
            catalog=self._catalog_name,
            catalog_tracks=self._catalog_tracks,
            playlists=tuple(
                (p.playlist.file_name, p.playlist.name, p.total) for p in self.playlists
            ),  # fmt: skip
            state="cancelled" if partial else "finished",
            already_done=self._already,
            created=record.created if record else 0.0,
        )

    def _maybe_finish(self) -> None:
        if self.state is not BatchState.RUNNING or self.chunks.unanswered:
            return
        if any(not p.finished for p in self.playlists):
            return
        summary = self._write_batch_summary(partial=False)
        self.state = BatchState.FINISHED
        self._set_state(BatchState.FINISHED)
        self._snapshot(force=True)
        counts: Counter[str] = Counter()
        for p in self.playlists:
            counts.update(p.counts)
        self.emit(
            BatchFinished,
            ok=True,
            done=self._done(),
            total=self._total(),
            counts=dict(counts),
            elapsed_s=time.perf_counter() - self._started,
            out_dir=str(self.config.out_dir),
            summary_path=str(summary),
            already_done=self._already,
            catalog=self._catalog_name,
            catalog_tracks=self._catalog_tracks,
            xml_without_file=sum(o.enriched_without_file for o in self.outputs.values()),
        )

    def _add_paused(self, seconds: float) -> None:
        self.metrics.add_time("paused", seconds)

    def _metrics(self, now: float) -> dict[str, float]:
        return self.perf.snapshot(now)

    def _snapshot_fields(self, now: float) -> dict[str, object]:
        return {"metrics": self._metrics(now), **self.perf.panels()}

    def _done(self) -> int:
        return sum(p.done for p in self.playlists)

    def _total(self) -> int:
        return sum(p.total for p in self.playlists)
