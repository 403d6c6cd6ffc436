"""`cratematch batches --compare OLD NEW` end to end: two real batches (fast, thorough)
run by the real command line in subprocesses, then compared; unknown or ambiguous ids
are bad input (one line, exit 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.matcher.engine.engine_fixtures import write_catalog, write_m3u8


def cratematch(home: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["CRATEMATCH_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "matcher", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    (line,) = proc.stderr.splitlines()
    return line


@pytest.fixture
def fast_and_thorough(tmp_path: Path, cratematch_home: Path) -> tuple[str, str]:
    write_catalog(tmp_path / "catalog.csv")
    write_m3u8(tmp_path / "crate.m3u8", 240)
    for preset in ("fast", "thorough"):
        done = cratematch(
            cratematch_home,
            "match",
            tmp_path / "crate.m3u8",
            "--catalog",
            tmp_path / "catalog.csv",
            "--preset",
            preset,
            "--workers",
            "1",
            "--out",
            tmp_path / preset,
            "--quiet",
        )
        assert done.returncode == 0, done.stderr
        assert (tmp_path / preset / "performance_report.json").is_file()
    listed = cratematch(cratematch_home, "batches").stdout.splitlines()[1:]
    thorough, fast = (line.split()[0] for line in listed[:2])  # newest first
    return fast, thorough


def test_compare_sets_the_two_batches_side_by_side(
    fast_and_thorough: tuple[str, str], cratematch_home: Path
) -> None:
    fast, thorough = fast_and_thorough
    proc = cratematch(cratematch_home, "batches", "--compare", fast, thorough)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["OLD", "NEW", "change"]
    rows = {line.strip().split("  ")[0]: line for line in lines if line.strip()}
    assert fast in rows["batch"] and thorough in rows["batch"]
    assert rows["preset"].split()[1:] == ["fast", "thorough"]
    for label in (
        "Tracks/s",
        "Time: searching (all workers)",
        "Time: scoring (all workers)",
        "Queries per track",
        "Match rate",
        "Review rate",
        "Memory peak (largest process)",
        "Memory peak (all processes)",
    ):
        assert label in rows, label
    assert rows["Queries per track"].split()[-2].startswith("+")  # thorough asks more
    assert rows["Match rate"].endswith("pts")
    assert rows["Memory peak (largest process)"].count("MB") == 2
    assert "trigram" in rows  # a kind only the thorough preset runs
    assert rows["trigram"].split()[1] == "–" and rows["trigram"].endswith("new")


def test_ids_as_listed_or_a_unique_start(
    fast_and_thorough: tuple[str, str], cratematch_home: Path
) -> None:
    fast, thorough = fast_and_thorough
    short = cratematch(cratematch_home, "batches", "--compare", fast[:-3], thorough)
    assert short.returncode == 0 and fast in short.stdout
    line = one_error_line(cratematch(cratematch_home, "batches", "--compare", "nope", thorough))
    assert line == "cratematch: error: no batch 'nope' in the journal (see `cratematch batches`)"
    line = one_error_line(cratematch(cratematch_home, "batches", "--compare", fast[:2], thorough))
    assert "ambiguous" in line


def test_compare_needs_two_ids_and_not_rebuild(cratematch_home: Path) -> None:
    assert "expected 2 arguments" in one_error_line(
        cratematch(cratematch_home, "batches", "--compare", "one")
    )
    assert "not allowed with" in one_error_line(
        cratematch(cratematch_home, "batches", "--rebuild", "--compare", "a", "b")
    )
    line = one_error_line(cratematch(cratematch_home, "batches", "--compare", "a", "b"))
    assert "no batch 'a' in the journal" in line  # no journal yet: no batch either
