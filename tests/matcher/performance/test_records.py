"""The performance records and the books the host keeps them in: per-kind query figures
from query logs and found_by, the slowest tracks, the throughput series, and their
round trip through a report's JSON (matcher.performance.records)."""

from __future__ import annotations

import json
import pickle

import pytest

from matcher.model import Candidate, CatalogTrack, MatchResult, MatchStatus, PlaylistEntry
from matcher.model import QueryRecord as Q
from matcher.performance.records import (
    KIND_ORDER,
    KindBook,
    MemoryUse,
    ProcessMemory,
    QueryKindStats,
    RunSeries,
    SeriesBook,
    SlowestBook,
    SlowTrack,
    ordered_kinds,
    query_kind_stats,
)


def result(
    status: MatchStatus,
    queries: tuple[Q, ...] = (),
    found_by: tuple[str, ...] = (),
    *,
    index: int = 0,
    elapsed_ms: float = 1.0,
) -> MatchResult:
    best = Candidate(CatalogTrack("c1", "T"), 0.9) if found_by else None
    entry = PlaylistEntry("p.m3u8", "p", index, title=f"Title {index}", artist="Artist")
    return MatchResult(
        entry,
        status,
        0.9,
        "local",
        "",
        best,
        (best,) if best else (),
        queries,
        elapsed_ms,
        found_by=found_by,
    )


def by_kind(kinds: tuple[QueryKindStats, ...]) -> dict[str, QueryKindStats]:
    return {k.kind: k for k in kinds}


# -- per kind ----------------------------------------------------------------------------


def test_runs_time_and_candidates_come_from_the_query_logs() -> None:
    results = [
        result(
            MatchStatus.MATCHED,
            (Q("isrc", "x", 1, 0.5), Q("title+artist", "y", 3, 2.0)),
            ("isrc", "title+artist"),
        ),
        result(MatchStatus.UNMATCHED, (Q("title+artist", "z", 0, 1.0), Q("title", "z", 7, 3.0))),
    ]
    kinds = by_kind(query_kind_stats(results))
    assert (kinds["title+artist"].runs, kinds["title+artist"].total_ms) == (2, 3.0)
    assert kinds["title+artist"].avg_ms == 1.5
    assert (kinds["title"].candidates, kinds["isrc"].candidates) == (7, 1)
    assert sum(k.runs for k in kinds.values()) == sum(len(r.query_log) for r in results)


@pytest.mark.parametrize(
    ("status", "found_by", "found", "proposed", "only"),
    [
        pytest.param(MatchStatus.MATCHED, ("title",), 1, 0, 1, id="matched-only-one-kind"),
        pytest.param(MatchStatus.MATCHED, ("title", "trigram"), 1, 0, 0, id="matched-by-two"),
        pytest.param(MatchStatus.REVIEW, ("title",), 0, 1, 0, id="review-is-a-proposal"),
        pytest.param(MatchStatus.UNMATCHED, ("title",), 0, 0, 0, id="unmatched-counts-not"),
        pytest.param(MatchStatus.ERROR, ("title",), 0, 0, 0, id="error-counts-not"),
    ],
)
def test_the_first_kind_in_found_by_gets_the_match(
    status: MatchStatus, found_by: tuple[str, ...], found: int, proposed: int, only: int
) -> None:
    queries = tuple(Q(kind, "q", 1, 1.0) for kind in found_by)
    kinds = by_kind(query_kind_stats([result(status, queries, found_by)]))
    first = kinds["title"]
    assert (first.found, first.proposed, first.only) == (found, proposed, only)
    assert all(k.found == k.proposed == 0 for k in kinds.values() if k.kind != "title")


def test_cache_hits_per_kind_and_not_applicable_without_lookups() -> None:
    results = [result(MatchStatus.MATCHED, (Q("title+artist", "q", 1),), ("title+artist",))]
    kinds = by_kind(query_kind_stats(results, {"title+artist": (3, 1), "isrc": (0, 2)}))
    assert kinds["title+artist"].cache_hit_rate == 0.75
    assert kinds["isrc"].runs == 0 and kinds["isrc"].cache_hit_rate == 0.0
    local = by_kind(query_kind_stats(results))
    assert local["title+artist"].cache_hit_rate is None  # "not applicable", never 0 %


def test_kinds_are_listed_identifiers_first_then_the_plans_order() -> None:
    kinds = [QueryKindStats(k) for k in ("zeta", "trigram", "isrc", "alpha", "title")]
    assert [k.kind for k in ordered_kinds(kinds)] == ["isrc", "title", "trigram", "alpha", "zeta"]
    assert KIND_ORDER[:2] == ("isrc", "store-id")


def test_kind_book_adds_chunks_up() -> None:
    book = KindBook()
    book.add([QueryKindStats("title", 2, 3.0, 4, 1, 1, 1, 0, 1)])
    book.add([QueryKindStats("title", 1, 1.0, 1, 0, 1, 0, 1, 0), QueryKindStats("isrc", 5)])
    assert book.totals() == (
        QueryKindStats("isrc", 5),
        QueryKindStats("title", 3, 4.0, 5, 1, 2, 1, 1, 1),
    )


def test_kind_stats_round_trip_through_json_and_pickle() -> None:
    stats = QueryKindStats("trigram", 10, 12.5, 40, 3, 1, 2, 1, 1)
    data = json.loads(json.dumps(stats.as_dict()))
    assert data["avg_ms"] == 1.25 and data["cache_hit_rate"] == 0.75
    assert QueryKindStats.from_dict(data) == stats
    assert pickle.loads(pickle.dumps(stats)) == stats


@pytest.mark.parametrize(
    "data",
    [{}, {"kind": 3, "runs": "many", "total_ms": -1}, {"runs": float("nan"), "found": None}],
)
def test_a_hand_edited_report_reads_as_zeros(data: dict) -> None:
    stats = QueryKindStats.from_dict(data)
    assert stats.runs == stats.found == 0 and stats.total_ms == 0.0 and stats.kind == ""


# -- slowest -----------------------------------------------------------------------------


def test_slowest_keeps_the_ten_slowest_slowest_first() -> None:
    book = SlowestBook()
    results = [result(MatchStatus.MATCHED, index=i, elapsed_ms=float(i % 37)) for i in range(100)]
    book.offer(4, "Warm-up", results[:50])
    book.offer(4, "Warm-up", results[50:])
    top = book.top()
    assert [s.elapsed_ms for s in top] == [
        36.0,
        36.0,
        35.0,
        35.0,
        34.0,
        34.0,
        33.0,
        33.0,
        32.0,
        32.0,
    ]
    assert [s.entry_index for s in top[:2]] == [36, 73]  # a tie keeps the first seen first
    assert top[0] == SlowTrack(36.0, 0, "matched", 4, "Warm-up", 36, "Artist", "Title 36")


def test_slowest_of_few_results_and_queries_from_a_brief_result() -> None:
    book = SlowestBook(keep=3)
    slow = result(MatchStatus.REVIEW, (Q("title", "q", 1), Q("any-word", "q", 9)), elapsed_ms=9.0)
    book.offer(0, "p", [slow.brief()])
    (only,) = book.top()
    assert only.queries == 2 and only.status == "review"
    assert SlowTrack.from_dict(json.loads(json.dumps(only.as_dict()))) == only


# -- series ------------------------------------------------------------------------------


def test_series_is_thinned_keeping_the_first_and_latest_points() -> None:
    book = SeriesBook(points=10)
    for i in range(1, 40):
        book.add(
            {
                "total_time": i * 0.25,
                "tracks_per_second": 100.0 + i,
                "done_tracks": i * 25,
                "match_rate": 0.8,
            }
        )
    series = book.series("b1", preset="fast", workers=2)
    assert len(series) <= 10
    assert series.t[0] == 0.25 and series.t[-1] == 39 * 0.25
    assert list(series.t) == sorted(series.t)
    assert series.done[-1] == 39 * 25 and (series.preset, series.workers) == ("fast", 2)


def test_a_forced_snapshot_at_the_same_moment_replaces_the_last_point() -> None:
    book = SeriesBook()
    book.add({"total_time": 1.0, "done_tracks": 10})
    book.add({"total_time": 1.0, "done_tracks": 12})
    assert book.series("b").done == (12,)


def test_series_round_trips_and_tolerates_ragged_columns() -> None:
    series = RunSeries("b", (0.5, 1.0), (10.0, 20.0), (5, 20), (0.8, 0.9))
    back = RunSeries.from_dict(json.loads(json.dumps(series.as_dict())), batch_id="b")
    assert back == series
    ragged = RunSeries.from_dict(
        {"t": [1, 2, 3], "tracks_per_second": [1], "done": [1, 2], "match_rate": "x"}
    )
    assert len(ragged) == 0


# -- memory ------------------------------------------------------------------------------


def test_memory_round_trip_and_peaks() -> None:
    host = ProcessMemory("host", 0, 10, 100, 150)
    workers = (
        ProcessMemory("worker", 0, 11, 80, 90, restarts=1),
        ProcessMemory("worker", 1, 12, 70, 200),
    )
    use = MemoryUse(host, workers, total=250, total_peak=300)
    assert use.peak == 200 and use.processes[0] is host
    data = json.loads(json.dumps(use.as_dict()))
    assert data["peak"] == 200
    assert MemoryUse.from_dict(data) == use
