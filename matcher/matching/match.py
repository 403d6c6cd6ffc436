"""Matching one entry: read it, look up identifiers, run the query plan with early exit,
score every candidate, decide.

`match_entry` is the per-track function the worker processes run. It holds no state of
its own: the provider (a catalog connection) and the preset come in as arguments, so the
same entry, catalog and preset always give the same result.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from matcher.errors import CrateMatchError
from matcher.matching.decide import best_share, decide
from matcher.matching.presets import Preset
from matcher.matching.provider import Provider
from matcher.matching.readings import EntryReading, read_entry
from matcher.matching.scoring import score
from matcher.model import (
    Candidate,
    CatalogTrack,
    MatchResult,
    MatchStatus,
    PlaylistEntry,
    QueryRecord,
)

__all__ = ["SHORTLIST", "match_entry"]

SHORTLIST = 10  # candidates kept per result for the audit files and the review dialog


def _certain(pool: dict[str, Candidate], preset: Preset) -> bool:
    """Whether the best candidate so far is sure enough to stop querying."""
    return best_share(pool.values()) >= preset.early_exit


def match_entry(
    entry: PlaylistEntry,
    provider: Provider,
    preset: Preset,
    clock: Callable[[], float] = time.perf_counter,
) -> MatchResult:
    """Match one playlist entry against a provider. Never raises for a provider failure:
    the entry becomes an `error` result with the reason."""
    started = clock()
    log: list[QueryRecord] = []
    pool: dict[str, Candidate] = {}
    try:
        reading = read_entry(entry)
        _identify(reading, provider, preset, pool, log, clock)
        if not _certain(pool, preset):
            for query in provider.plan(reading, preset):
                if (clock() - started) * 1000 > preset.time_budget_ms and pool:
                    break
                t0 = clock()
                tracks = provider.search(query, preset.candidates_per_query)
                log.append(
                    QueryRecord(query.kind, query.describe(), len(tracks), (clock() - t0) * 1000)
                )
                _consider(reading, tracks, preset, pool)
                if _certain(pool, preset):
                    break
    except CrateMatchError as err:
        elapsed = (clock() - started) * 1000
        return MatchResult(
            entry, MatchStatus.ERROR, 0.0, provider.name, f"provider error: {err}",
            query_log=tuple(log), elapsed_ms=elapsed,
        )  # fmt: skip
    decision = decide(list(pool.values()), preset)
    return MatchResult(
        entry=entry,
        status=decision.status,
        confidence=decision.best.confidence if decision.best else 0.0,
        provider=provider.name,
        reason=decision.reason,
        best=decision.best,
        candidates=decision.ranked[:SHORTLIST],
        query_log=tuple(log),
        elapsed_ms=(clock() - started) * 1000,
        candidates_evaluated=len(pool),
        queries_run=len(log),
    )


def _consider(
    reading: EntryReading,
    tracks: list[CatalogTrack],
    preset: Preset,
    pool: dict[str, Candidate],
    identifier: str = "",
) -> None:
    for track in tracks:
        if track.catalog_id not in pool or identifier:
            pool[track.catalog_id] = score(reading, track, preset.weights, identifier=identifier)


def _identify(
    reading: EntryReading,
    provider: Provider,
    preset: Preset,
    pool: dict[str, Candidate],
    log: list[QueryRecord],
    clock: Callable[[], float],
) -> None:
    """Identifiers first: an ISRC, or a store id from the file name when the catalog uses
    store ids. They decide when the title agrees (see `scoring.score`)."""
    if reading.isrc:
        t0 = clock()
        tracks = provider.by_isrc(reading.isrc)
        log.append(QueryRecord("isrc", reading.isrc, len(tracks), (clock() - t0) * 1000))
        _consider(reading, tracks, preset, pool, identifier="isrc")
    if reading.store_id and provider.accepts_store_ids:
        t0 = clock()
        track = provider.by_id(reading.store_id)
        log.append(
            QueryRecord("store-id", reading.store_id, int(track is not None), (clock() - t0) * 1000)
        )
        _consider(reading, [track] if track else [], preset, pool, identifier="store-id")
