"""Two reports side by side (matcher.performance.compare): relative changes for speeds,
times and memory, points for rates, "–" for what a report lacks."""

from __future__ import annotations

import pytest

from matcher.performance.compare import compare_reports
from matcher.performance.records import MemoryUse, ProcessMemory, QueryKindStats
from matcher.performance.report import Figures, RunAbout, build_report

MIB = 2**20


def report(
    batch_id: str,
    preset: str,
    *,
    tps: float,
    queries: int,
    matched: int,
    memory: MemoryUse | None,
    kinds: tuple[QueryKindStats, ...],
    source: str = "engine",
) -> dict:
    metrics = {
        "total_tracks": 1000,
        "done_tracks": 1000,
        "matched_tracks": matched,
        "review_tracks": 20,
        "unmatched_tracks": 1000 - matched - 20,
        "total_time": 1000 / tps,
        "tracks_per_second": tps,
        "avg_time_per_track": 2 / tps,
        "queries_executed": queries,
        "time_search": queries / 2000,
        "time_score": 1.0,
        "time_write": 0.5,
        "time_parse": 0.25,
    }
    about = RunAbout(
        batch_id, "local", preset, 2, "c.csv", 100, created=1_765_000_000.0, source=source
    )
    return build_report(about, Figures(metrics, kinds, (), memory), version="1")


def memory(peak_mib: int) -> MemoryUse:
    host = ProcessMemory("host", 0, 1, peak_mib * MIB, peak_mib * MIB)
    return MemoryUse(host, (), peak_mib * MIB, peak_mib * MIB)


FAST = report(
    "20261206-1-aaaaaa",
    "fast",
    tps=1600.0,
    queries=1300,
    matched=800,
    memory=memory(115),
    kinds=(QueryKindStats("title+artist", 1000, found=780), QueryKindStats("title", 300, found=20)),
)
THOROUGH = report(
    "20261206-2-bbbbbb",
    "thorough",
    tps=800.0,
    queries=2900,
    matched=815,
    memory=memory(162),
    kinds=(
        QueryKindStats("title+artist", 1000, found=780),
        QueryKindStats("title", 900, found=25),
        QueryKindStats("trigram", 1000),
    ),
)


def rows(old: dict, new: dict) -> dict[str, tuple[str, str, str]]:
    comparison = compare_reports(old, new)
    return {
        r.label.strip(): (r.old, r.new, r.change) for r in (*comparison.about, *comparison.figures)
    }


def test_fast_against_thorough() -> None:
    got = rows(FAST, THOROUGH)
    assert got["batch"][:2] == ("20261206-1-aaaaaa", "20261206-2-bbbbbb")
    assert got["preset"][:2] == ("fast", "thorough")
    assert got["Tracks/s"] == ("1,600", "800", "-50 %")
    assert got["Wall time"] == ("0.6 s", "1.2 s", "+100 %")
    assert got["Queries per track"] == ("1.30", "2.90", "+123 %")
    assert got["Match rate"] == ("80.0 %", "81.5 %", "+1.5 pts")
    assert got["Review rate"][2] == "+0.0 pts"
    assert got["Memory peak (largest process)"] == ("115 MB", "162 MB", "+41 %")
    assert got["Time: writing outputs"][2] == "0 %"
    assert got["title"] == ("300 (20)", "900 (25)", "+200 %")
    assert got["trigram"] == ("–", "1,000 (0)", "new")


def test_a_report_rebuilt_from_the_journal_lacks_memory() -> None:
    rebuilt = {**FAST, "memory": None, "source": "journal", "found_by_missing": 12}
    got = rows(rebuilt, THOROUGH)
    assert got["Memory peak (largest process)"] == ("–", "162 MB", "")
    assert got["figures from"][0] == "journal (no memory figures)"
    assert got["title"][0] == "300 (?)"  # rows from before found_by was journalled


def test_big_changes_read_as_a_factor() -> None:
    few = report("a", "fast", tps=1.0, queries=10, matched=0, memory=None, kinds=())
    many = report(
        "b",
        "fast",
        tps=1.0,
        queries=10,
        matched=0,
        memory=None,
        kinds=(QueryKindStats("any-word", 3721),),
    )
    assert (
        rows({**few, "queries": [QueryKindStats("any-word", 1).as_dict()]}, many)["any-word"][2]
        == "×3,721"
    )


def test_lines_line_up_and_odd_documents_do_not_raise() -> None:
    lines = compare_reports(FAST, THOROUGH).lines()
    assert lines[0].split() == ["OLD", "NEW", "change"]
    end = lines[0].index("NEW") + len("NEW")  # values are right-aligned under their heading
    (speed,) = [line for line in lines if line.startswith("Tracks/s")]
    assert speed[:end].endswith(" 800") and speed.endswith("-50 %")
    assert compare_reports({}, {"speed": "x", "queries": [1, {"kind": 2}]}).lines()


@pytest.mark.parametrize("value", [None, "fast", -1, float("nan"), True])
def test_a_figure_that_is_not_a_number_shows_as_missing(value: object) -> None:
    odd = {**FAST, "speed": {**FAST["speed"], "tracks_per_second": value}}
    assert rows(odd, THOROUGH)["Tracks/s"] == ("–", "800", "")
