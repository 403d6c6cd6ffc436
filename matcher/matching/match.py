"""Matching one entry: read it, look up identifiers, run the query plan with early exit,
score every candidate, decide.

`match_entry` is the per-track function the worker processes run. It holds no state of
its own: the provider (a catalog connection) and the preset come in as arguments, so the
same entry, catalog and preset always give the same result. Against a local catalog that
holds under load too: the preset's time budget counts the provider's `budget_clock`,
which is CPU time there, so a worker kept waiting for a core runs the same queries.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from matcher.errors import CrateMatchError
from matcher.matching.decide import best_share, decide, may_reach
from matcher.matching.fitted import ScoringModel
from matcher.matching.presets import Preset
from matcher.matching.provider import Provider
from matcher.matching.readings import EntryReading, read_entry
from matcher.matching.scoring import Scored, score
from matcher.model import (
    CatalogTrack,
    MatchResult,
    MatchStatus,
    PlaylistEntry,
    QueryRecord,
)

__all__ = ["SHORTLIST", "match_entry"]

SHORTLIST = 10  # candidates kept per result for the audit files and the review dialog


def _certain(pool: dict[str, Scored], preset: Preset) -> bool:
    """Whether the best candidate so far is sure enough to stop querying."""
    if not pool:
        return False
    candidates = list(pool.values())
    return (
        may_reach(candidates, preset, preset.early_exit)
        and best_share(candidates, preset) >= preset.early_exit
    )


def match_entry(
    entry: PlaylistEntry,
    provider: Provider,
    preset: Preset,
    clock: Callable[[], float] = time.perf_counter,
) -> MatchResult:
    """Match one playlist entry against a provider. Never raises for a provider failure:
    the entry becomes an `error` result with the reason. `clock` times the result
    (`elapsed_ms`, the queries' times); the time budget counts `provider.budget_clock`."""
    started = clock()
    budget = provider.budget_clock
    spending = budget()
    log: list[QueryRecord] = []
    pool: dict[str, Scored] = {}
    found: dict[str, list[str]] = {}  # catalog id -> the query kinds that returned it
    try:
        reading = read_entry(entry)
        _identify(reading, provider, entry.location, preset.model, pool, log, clock, found)
        if not _certain(pool, preset):
            for query in provider.plan(reading, preset):
                if (budget() - spending) * 1000 > preset.time_budget_ms and pool:
                    break
                if query.mode == "any" and pool:
                    continue  # the entry's words found it rivals: "any word" adds only noise
                t0 = clock()
                tracks = provider.search(query, preset.candidates_for(query.mode))
                log.append(
                    QueryRecord(query.kind, query.describe(), len(tracks), (clock() - t0) * 1000)
                )
                before = len(pool)
                _consider(
                    reading, tracks, pool, entry.location, preset.model,
                    found=found, kind=query.kind,
                )  # fmt: skip
                if len(pool) > before and _certain(pool, preset):
                    break  # (no new candidate: the best is as unsure as it was)
    except CrateMatchError as err:
        elapsed = (clock() - started) * 1000
        return MatchResult(
            entry, MatchStatus.ERROR, 0.0, provider.name, f"provider error: {err}",
            query_log=tuple(log), elapsed_ms=elapsed,
        )  # fmt: skip
    decision = decide(list(pool.values()), preset, shortlist=SHORTLIST)
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
        found_by=tuple(dict.fromkeys(found.get(decision.best.track.catalog_id, ())))
        if decision.best
        else (),
    )


def _consider(
    reading: EntryReading,
    tracks: list[CatalogTrack],
    pool: dict[str, Scored],
    location: str,
    model: ScoringModel,
    identifier: str = "",
    found: dict[str, list[str]] | None = None,
    kind: str = "",
) -> None:
    for track in tracks:
        if found is not None:
            found.setdefault(track.catalog_id, []).append(kind or identifier)
        if track.catalog_id not in pool or identifier:
            pool[track.catalog_id] = score(
                reading, track, model, identifier=identifier, location=location
            )


def _identify(
    reading: EntryReading,
    provider: Provider,
    location: str,
    model: ScoringModel,
    pool: dict[str, Scored],
    log: list[QueryRecord],
    clock: Callable[[], float],
    found: dict[str, list[str]] | None = None,
) -> None:
    """Identifiers first: an ISRC, or a store id from the file name when the catalog uses
    store ids. They decide when the title agrees (see `scoring.score`)."""
    if reading.isrc:
        t0 = clock()
        tracks = provider.by_isrc(reading.isrc)
        log.append(QueryRecord("isrc", reading.isrc, len(tracks), (clock() - t0) * 1000))
        _consider(reading, tracks, pool, location, model, identifier="isrc", found=found)
    if reading.store_id and provider.accepts_store_ids:
        t0 = clock()
        track = provider.by_id(reading.store_id)
        log.append(
            QueryRecord("store-id", reading.store_id, int(track is not None), (clock() - t0) * 1000)
        )
        _consider(reading, [track] if track else [], pool, location, model,
                  identifier="store-id", found=found)  # fmt: skip
