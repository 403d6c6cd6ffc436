"""Every hostile input through the command line: `cratematch match` and
`cratematch catalog import`.

Every run ends with exit 0 or 1 (a result) or exit 2 with exactly one stderr line starting
"cratematch: error:", never a traceback, never a crash log; the canary file's text is in
no output, no file written and no message, and the canary server is never contacted.

To keep this quick, the inputs the readers accept all go through ONE real `match` run
(so every one of them gets its outputs written); each input they refuse gets its own run
(its error line is what is checked): a real process when the engine refuses it, this
process (`matcher.cli.commands.main`) when the command line refuses it from its first bytes before
any engine starts; `catalog import` runs in this process too. A few real runs of those
show both paths agree.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from matcher.cli import main
from matcher.errors import CrateMatchError
from matcher.playlists import detect_format, read_playlists
from tests.hardening import ledger
from tests.hardening.conftest import Hostile
from tests.hardening.corpus import CANARY_TEXT, CATALOG

PARALLEL = 4
RUN_LIMIT_S = 120


@dataclass(frozen=True)
class Run:
    name: str
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str


def cli(home: Path, name: str, *args: str | Path) -> Run:
    """`cratematch ARGS` in a new process with its own CRATEMATCH_HOME."""
    env = {**os.environ, "CRATEMATCH_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "matcher", *map(str, args)],
        env=env, capture_output=True, timeout=RUN_LIMIT_S, check=False,
    )  # fmt: skip
    out = proc.stdout.decode("utf-8", "backslashreplace")
    err = proc.stderr.decode("utf-8", "backslashreplace")
    return Run(name, tuple(map(str, args)), proc.returncode, out, err)


def cli_here(name: str, *args: str | Path) -> Run:
    """`matcher.cli.commands.main(ARGS)` in this process, output captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return Run(name, tuple(map(str, args)), code, out.getvalue(), err.getvalue())


def problems_of(run: Run) -> list[str]:
    """What is wrong with how a run ended ([] when it kept the contract)."""
    found = []
    lines = run.stderr.splitlines()
    if "Traceback" in run.stdout + run.stderr:
        found.append("a traceback")
    if run.code == 2:
        if len(lines) != 1 or not lines[0].startswith("cratematch: error: "):
            found.append(f"exit 2 without exactly one error line: {lines}")
    elif run.code in (0, 1):
        if any("error" in line for line in lines):
            found.append(f"exit {run.code} with errors on stderr: {lines}")
    else:
        found.append(f"exit code {run.code}")
    if CANARY_TEXT in run.stdout + run.stderr:
        found.append("the canary text in its output")
    return [f"{run.name} ({' '.join(run.args[:2])}): {p}" for p in found]


def readable(hostile: Hostile) -> tuple[list[str], list[str]]:
    """(names of the inputs the readers accept, names of those they refuse)."""
    accepted, refused = [], []
    for name, path in sorted(hostile.files.items()):
        try:
            read_playlists(path, all_playlists=True)
        except CrateMatchError:
            refused.append(name)
        else:
            accepted.append(name)
    return accepted, refused


def assert_nothing_leaked(hostile: Hostile, folder: Path) -> None:
    written = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    assert [p for p in written if CANARY_TEXT.encode() in p.read_bytes()] == []
    crash_logs = [p for p in written if p.name == "crash.log"]
    assert crash_logs == [], crash_logs[0].read_text() if crash_logs else ""
    hostile.assert_no_leak()


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.csv"
    path.write_text(CATALOG, encoding="utf-8")
    return path


@pytest.mark.slow
def test_inputs_the_readers_accept_are_matched_and_written_in_one_batch(
    hostile: Hostile, tmp_path: Path, catalog: Path
) -> None:
    accepted, _ = readable(hostile)
    out = tmp_path / "out"
    run = cli(tmp_path / "home", "accepted inputs", "match",
              *(hostile.files[n] for n in accepted), "--all-playlists", "--catalog", catalog,
              "--out", out, "--workers", "2", "--quiet")  # fmt: skip
    ledger.inputs("cratematch match (CLI, one batch)", len(accepted))
    assert problems_of(run) == []
    assert run.code == 0, run.stderr
    expected = sum(
        len(p.entries)
        for n in accepted
        for p in read_playlists(hostile.files[n], all_playlists=True)
    )
    written = sum(
        len((folder / "matches.csv").read_text(encoding="utf-8", errors="replace").splitlines()) - 1
        for folder in out.iterdir()
        if folder.is_dir()
    )
    assert expected > 100 and written >= expected  # a cell with a line break adds a line
    assert_nothing_leaked(hostile, tmp_path)


@pytest.mark.slow
def test_each_input_the_readers_refuse_is_one_error_line(
    hostile: Hostile, tmp_path: Path, catalog: Path
) -> None:
    _, refused = readable(hostile)
    early = [n for n in refused if _refused_by_its_head(hostile.files[n])]
    late = [n for n in refused if n not in early]

    def args(i: int, name: str) -> tuple[str | Path, ...]:
        return ("match", hostile.files[name], "--all-playlists", "--catalog", catalog,
                "--out", tmp_path / f"out-{i}", "--workers", "1", "--quiet")  # fmt: skip

    # refused by their first bytes: before any engine starts, so in this process is the
    # same code; three of them in a real process too, to show it
    runs = [cli_here(name, *args(i, name)) for i, name in enumerate(early)]
    jobs = [(tmp_path / f"home-{i}", name, *args(i, name)) for i, name in enumerate(late)]
    jobs += [(tmp_path / f"home-e{i}", name, *args(1000 + i, name))
             for i, name in enumerate(early[:: max(1, len(early) // 3)])]  # fmt: skip
    with ThreadPoolExecutor(PARALLEL) as pool:
        runs += list(pool.map(lambda job: cli(*job), jobs))
    ledger.inputs("cratematch match (CLI, one run each)", len(runs))
    problems = [p for run in runs for p in problems_of(run)]
    assert problems == [], "\n".join(problems)
    assert {run.code for run in runs} == {2}
    assert len(late) >= 10  # the engine's own refusals are covered, not only the CLI's
    assert not any(p.name.startswith("out-") for p in tmp_path.iterdir())
    assert_nothing_leaked(hostile, tmp_path)


def _refused_by_its_head(path: Path) -> bool:
    try:
        detect_format(path)
    except CrateMatchError:
        return True
    return False


def test_catalog_import_of_every_input(hostile: Hostile, tmp_path: Path) -> None:
    runs = [
        cli_here(name, "catalog", "import", path, "--catalog", tmp_path / f"c{i}.sqlite")
        for i, (name, path) in enumerate(sorted(hostile.files.items()))
    ]
    sample = sorted(hostile.files)[:: max(1, len(hostile.files) // 6)]
    real = [
        cli(tmp_path / f"home-{i}", name, "catalog", "import", hostile.files[name],
            "--catalog", tmp_path / f"real{i}.sqlite")
        for i, name in enumerate(sample)
    ]  # fmt: skip
    ledger.inputs("cratematch catalog import (CLI)", len(runs) + len(real))
    problems = [p for run in runs + real for p in problems_of(run)]
    assert problems == [], "\n".join(problems)
    assert {run.code for run in runs} == {0, 2}
    here = {run.name: (run.code, run.stderr) for run in runs}
    for run in real:  # the same answer in a real process
        code, stderr = here[run.name]
        assert (run.code, run.stderr.split(" (")[0]) == (code, stderr.split(" (")[0]), run.name
    assert_nothing_leaked(hostile, tmp_path)


def test_the_canary_server_and_file_are_live(hostile: Hostile) -> None:
    """A check of the check: the canary file is readable and the server answers, so
    "nothing leaked, nothing contacted" above means something."""
    import urllib.error
    import urllib.request

    assert hostile.canary_file.read_text(encoding="utf-8") == CANARY_TEXT
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(hostile.server.url + "/probe", timeout=5)
    assert len(hostile.server.contacts) == 1
    hostile.server.contacts.clear()
