"""The window's performance tables as text rows (matcher.performance.format)."""

from __future__ import annotations

from matcher.performance.format import (
    MEMORY_COLUMNS,
    QUERY_KIND_COLUMNS,
    SLOWEST_COLUMNS,
    format_memory,
    format_query_kinds,
    format_slowest,
)
from matcher.performance.records import (
    MemoryUse,
    ProcessMemory,
    QueryKindStats,
    SlowTrack,
)

MIB = 2**20


def test_query_kind_rows_say_not_applicable_for_a_local_catalog() -> None:
    kinds = [
        QueryKindStats("title+artist", 10744, 1256.8, 11037, found=7876, proposed=103, only=7708),
        QueryKindStats("trigram", 2056, 397.1, 3440, found=10, only=10),
    ]
    rows = format_query_kinds(kinds)
    assert rows[0] == (
        "title+artist",
        "10,744",
        "0.1 ms",
        "11,037",
        "n/a (local)",
        "7,876 (+103 review)",
        "7,708",
    )
    assert rows[1][5] == "10"
    assert all(len(row) == len(QUERY_KIND_COLUMNS) for row in rows)


def test_query_kind_rows_for_an_online_catalog() -> None:
    kinds = [
        QueryKindStats("title+artist", 4, 4000.0, 40, cache_hits=1, cache_misses=3),
        QueryKindStats("isrc", 2, 10.0),
    ]
    rows = format_query_kinds(kinds, provider="musicbrainz")
    assert rows[0][2] == "1.0 s" and rows[0][4] == "25 %"
    assert rows[1][4] == "off"  # an online kind without lookups: the cache was off


def test_slowest_rows_number_entries_as_the_results_table_does() -> None:
    rows = format_slowest(
        [
            SlowTrack(52.0, 6, "unmatched", 0, "Stress", 7047, "WIGGUM", "DUPPY (lv vip)"),
            SlowTrack(1500.0, 1, "error", 1, "Set", 0),
        ]
    )
    assert rows[0] == ("52 ms", "6", "unmatched", "Stress", "7,048", "WIGGUM – DUPPY (lv vip)")
    assert rows[1][0] == "1.5 s" and rows[1][5] == "(no title)"
    assert all(len(row) == len(SLOWEST_COLUMNS) for row in rows)


def test_memory_rows_name_every_process_and_restarts() -> None:
    use = MemoryUse(
        ProcessMemory("host", 0, 2015, 137 * MIB, 141 * MIB),
        (ProcessMemory("worker", 0, 2018, 102 * MIB, 110 * MIB, restarts=1),),
        239 * MIB,
        250 * MIB,
    )
    assert format_memory(use) == [
        ("Engine host (pid 2015)", "137 MB", "141 MB"),
        ("Worker 1 (pid 2018, restarted 1×)", "102 MB", "110 MB"),
        ("All processes", "239 MB", "250 MB"),
    ]
    assert format_memory(None) == [] and len(MEMORY_COLUMNS) == 3
