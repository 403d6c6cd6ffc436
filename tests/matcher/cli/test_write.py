"""`cratematch write`, `undo` and `writes` end to end, on copies of the real audio files
(synthesised ones when ../shared is absent) that `cratematch match` matched first.

Most tests call the command line in this process (`main`), which still runs the real
engine host and workers; the prompt on a terminal, Ctrl-C and kill -9 use a real
subprocess. Exit codes, from matcher/cli/write.py: 0 done; 1 some files refused; 2 bad
input (one stderr line "cratematch: error: ...", never a traceback); 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import pty
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from matcher.cli import main
from matcher.cli.commands import build_parser
from matcher.cli.write import run_write
from matcher.writeback import WriteJournal, default_write_journal_path
from tests.matcher.cli.in_process import cli, one_error_line
from tests.matcher.writeback.library import (
    Library,
    build_library,
    left_as_is_or_written,
    snapshot,
    temp_files,
)
from tests.matcher.writeback.synth import REAL_AUDIO

WROTE = re.compile(
    r"^Wrote (\d+) fields into (\d+) files; (\d+) refused \([\d.]+ s\)\. Write (\S+); "
    r"undo with: cratematch undo (\S+)$"
)
posix_only = pytest.mark.skipif(os.name != "posix", reason="signals, a pty")
WAIT_S = 120


def matched(tmp_path: Path, count: int, *, broken: bool = True) -> tuple[Library, Path]:
    library = build_library(tmp_path, count, broken=broken)
    out = tmp_path / "out"
    code = main(["match", str(library.playlist), "--all-playlists", "--catalog",
                 str(library.catalog), "--out", str(out), "--quiet"])  # fmt: skip
    assert code == 0
    return library, out


@pytest.fixture
def small(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Library, Path]:
    """Every readable source file once, and every broken one."""
    library, out = matched(tmp_path, 26 if REAL_AUDIO.is_dir() else 8)
    capsys.readouterr()
    return library, out


def writes_rows() -> list[list[str]]:
    with WriteJournal() as journal:
        return [[w.write_id, w.state, str(w.counts)] for w in journal.writes()]


# -- write -------------------------------------------------------------------------------


def test_write_then_undo_then_writes(small, capsys):
    library, out = small
    before = snapshot(library.files)
    code, stdout, err = cli(capsys, "write", out, "--overwrite", "--yes", "--quiet")
    assert err == ""
    lines = stdout.splitlines()
    assert re.match(r"^\d+ files to change, 0 already up to date, \d+ refused$", lines[0])
    assert f"Planned changes: {out / 'tag_changes.csv'}" in lines
    fields, files, refused, write_id, again = WROTE.match(lines[-1]).groups()
    assert (int(files), int(refused)) == (len(library.writable), len(library.broken))
    assert write_id == again and int(fields) >= int(files)
    assert code == (1 if library.broken else 0)  # refused files: exit 1
    for path in library.writable:
        assert snapshot([path]) != {path: before[path]}
    for path in library.broken:
        assert snapshot([path]) == {path: before[path]}
    with (out / "tag_changes.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["outcome"] for r in rows} <= {"written", "refused"}
    assert {r["file"] for r in rows if r["outcome"] == "written"} == {
        str(p) for p in library.writable
    }

    code, stdout, _ = cli(capsys, "writes")
    assert code == 0
    header, row = stdout.splitlines()
    assert header.split()[:6] == ["write", "when", "state", "written", "refused", "unchanged"]
    assert row.split()[0] == write_id and row.split()[3:7] == [
        "written", str(len(library.writable)), str(len(library.broken)), "0",
    ]  # fmt: skip
    assert row.endswith(str(out))

    code, stdout, err = cli(capsys, "undo", "--quiet")
    assert (code, err) == (0, "")
    assert stdout.splitlines() == [
        f"Undoing write {write_id} ({len(library.writable)} files written)",
        f"Restored {len(library.writable)} files as they were before write {write_id}, "
        "0 could not be restored.",
    ]
    assert snapshot(library.files) == before
    assert writes_rows()[0][1] == "undone"
    # the listing keeps what the write did, and says it was undone (as the Writes tab)
    row = cli(capsys, "writes")[1].splitlines()[1]
    assert row.split()[3:7] == [
        "undone", str(len(library.writable)), str(len(library.broken)), "0",
    ]  # fmt: skip

    code, _out, err = cli(capsys, "undo")
    assert code == 2 and "no write to undo" in one_error_line(err)


def test_dry_run_writes_tag_changes_and_changes_no_file(small, capsys):
    library, out = small
    before = snapshot(library.files)
    code, stdout, err = cli(capsys, "write", out, "--dry-run", "--key-notation", "camelot",
                            "--fields", "key,genre", "--quiet")  # fmt: skip
    assert code == (1 if library.broken else 0) and err == ""
    assert snapshot(library.files) == before and temp_files(library.root / "lib") == []
    assert not default_write_journal_path().exists() or writes_rows() == []
    with (out / "tag_changes.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == ["file", "field", "old", "new", "why"]
    assert {r["field"] for r in rows} <= {"key", "genre", ""}
    keys = [r["new"] for r in rows if r["field"] == "key"]
    assert keys and all(re.fullmatch(r"\d{1,2}[AB]", k) for k in keys)  # Camelot
    assert "Wrote" not in stdout


def _not_results(library: Library, out: Path) -> list[str]:
    return ["write", str(library.root / "lib"), "--yes"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        pytest.param(_not_results, "not a CrateMatch results folder", id="not-a-results-folder"),
        pytest.param(lambda lib, out: ["write", str(out), "--to", "rekordbox", "--yes"],
                     "no Rekordbox library found", id="to-rekordbox-none-here"),
        pytest.param(lambda lib, out: ["write", str(out), "--to", "traktor", "--yes"],
                     "no Traktor library found", id="to-traktor-none-here"),
        pytest.param(lambda lib, out: ["write", str(out), "--fields", "genre,mood"],
                     "unknown field mood", id="unknown-field"),
        pytest.param(lambda lib, out: ["write", str(out), "--workers", "0"],
                     "--workers must be at least 1", id="no-workers"),
        pytest.param(lambda lib, out: ["write", str(out), "--key-notation", "lancelot"],
                     "invalid choice: 'lancelot'", id="unknown-notation"),
        pytest.param(lambda lib, out: ["write", str(out), "--overwrite"],
                     "not asking on a non-terminal: add --yes to write, or --dry-run to preview",
                     id="no-yes-off-a-terminal"),
        pytest.param(lambda lib, out: ["undo", "20200101-000000-nope00"],
                     "no write '20200101-000000-nope00' in the writes journal",
                     id="undo-unknown-id"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_exit_2_and_writes_nothing(small, capsys, monkeypatch, args, says):
    library, out = small
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal
    before = snapshot(library.files)
    code, stdout, err = cli(capsys, *args(library, out))
    assert code == 2 and says in one_error_line(err)
    assert snapshot(library.files) == before
    assert not default_write_journal_path().exists() or writes_rows() == []


def test_writes_before_any_write(capsys):
    assert cli(capsys, "writes") == (0, "No writes yet.\n", "")


def test_a_relative_m3u_location_is_written(tmp_path, capsys):
    library = build_library(tmp_path, 8, broken=False)
    lines = ["#EXTM3U"]
    for n, path in enumerate(library.files):  # the XML's artist and title, relative paths
        lines += [f"#EXTINF:-1,{_entry(library, n)}", f"lib/{path.name}"]
    playlist = tmp_path / "friday.m3u8"
    playlist.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot(library.files)
    out = tmp_path / "out"
    assert main(["match", str(playlist), "--catalog", str(library.catalog), "--out", str(out),
                 "--quiet"]) == 0  # fmt: skip
    code, stdout, err = cli(capsys, "write", out / "friday", "--overwrite", "--yes", "--quiet")
    assert (code, err) == (0, "")
    assert WROTE.match(stdout.splitlines()[-1]).group(2) == "8"
    assert all(snapshot([p]) != {p: before[p]} for p in library.files)


def _entry(library: Library, n: int) -> str:
    """ "Artist - Title" of the n-th track of the library's Rekordbox XML."""
    from lxml import etree

    track = etree.parse(str(library.playlist)).findall(".//COLLECTION/TRACK")[n]
    return f"{track.get('Artist')} - {track.get('Name')}"


# -- on a terminal -------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _args(out: Path, *extra: str) -> argparse.Namespace:
    return build_parser().parse_args(["write", str(out), "--overwrite", "--quiet", *extra])


def _eof(prompt: str) -> str:
    raise EOFError


@pytest.mark.parametrize(
    ("answer", "writes"),
    [
        pytest.param(lambda prompt: "n", False, id="no"),
        pytest.param(lambda prompt: "", False, id="enter-means-no"),
        pytest.param(_eof, False, id="end-of-input"),
        pytest.param(lambda prompt: " Y ", True, id="yes"),
    ],
)
def test_a_terminal_is_asked_first(small, capsys, monkeypatch, answer, writes):
    library, out = small
    monkeypatch.setattr(sys, "stdin", _Terminal())
    before = snapshot(library.files)
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return answer(prompt)

    code = run_write(_args(out), ask=ask)
    stdout = capsys.readouterr().out
    assert len(prompts) == 1
    assert re.fullmatch(rf"Write \d+ fields into {len(library.writable)} files\? \[y/N\] ",
                        prompts[0])  # fmt: skip
    if writes:
        assert WROTE.match(stdout.splitlines()[-1])
        assert snapshot(library.writable) != {p: before[p] for p in library.writable}
    else:
        assert (code, stdout.splitlines()[-1]) == (0, "Nothing written.")
        assert snapshot(library.files) == before


@posix_only
def test_the_prompt_on_a_real_terminal(small, tmp_path):
    library, out = small
    before = snapshot(library.files)
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "matcher", "write", str(out), "--overwrite", "--quiet"],
        stdin=follower, stdout=follower, stderr=follower, close_fds=True,
    )  # fmt: skip
    os.close(follower)
    seen = b""
    try:
        deadline = time.monotonic() + WAIT_S
        while b"[y/N]" not in seen:
            assert time.monotonic() < deadline, seen
            seen += os.read(leader, 4096)
        assert snapshot(library.files) == before  # nothing before the answer
        os.write(leader, b"n\n")
        assert child.wait(timeout=WAIT_S) == 0
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the child
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if child.poll() is None:
            child.kill()
        os.close(leader)
    assert b"Nothing written." in seen
    assert snapshot(library.files) == before


# -- Ctrl-C and kill -9 ----------------------------------------------------------------------


def start_write(out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "matcher", "write", str(out), "--overwrite", "--yes",
         "--quiet", "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def written_rows() -> int:
    path = default_write_journal_path()
    if not path.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return conn.execute("SELECT COUNT(*) FROM files WHERE state = 'written'").fetchone()[0]
    except sqlite3.Error:  # being created
        return 0


def wait_for_writes(child: subprocess.Popen[str], at_least: int) -> None:
    deadline = time.monotonic() + WAIT_S
    while written_rows() < at_least:
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the write never got going"
        time.sleep(0.01)


def descendants(pid: int) -> list[int]:
    from tests.matcher.engine.engine_fixtures import descendants as found

    return found(pid)


def gone(pids: list[int]) -> Callable[[], bool]:
    from tests.matcher.engine.engine_fixtures import alive

    return lambda: not any(alive(p) for p in pids)


@posix_only
@pytest.mark.slow
def test_ctrl_c_cancels_with_exit_130_and_undo_restores(tmp_path, capsys):
    library, out = matched(tmp_path, 1200, broken=False)
    before = snapshot(library.files)
    capsys.readouterr()
    child = start_write(out)
    try:
        wait_for_writes(child, 50)
        child.send_signal(signal.SIGINT)  # to the CLI only, as a terminal's Ctrl-C
        stdout, stderr = child.communicate(timeout=WAIT_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 130, stderr
    (line,) = stderr.splitlines()
    found = re.fullmatch(r"cratematch: cancelled after writing (\d+) files; undo with: "
                         r"cratematch undo (\S+)", line)  # fmt: skip
    assert found, line
    write_id = found.group(2)
    same, changed = left_as_is_or_written(before, write_id)
    assert 0 < changed < 1200 and same + changed == 1200
    code, _stdout, err = cli(capsys, "undo", write_id, "--quiet")
    assert (code, err) == (0, "")
    assert snapshot(library.files) == before


@posix_only
@pytest.mark.slow
def test_kill_9_mid_write_of_2000_files_then_undo_makes_all_byte_identical(tmp_path, capsys):
    from tests.matcher.engine.engine_fixtures import wait_for

    library, out = matched(tmp_path, 2000, broken=False)
    before = snapshot(library.files)
    capsys.readouterr()
    child = start_write(out)
    try:
        wait_for_writes(child, 400)
        tree = descendants(child.pid)
        assert len(tree) >= 3, f"expected the host and two workers below the CLI: {tree}"
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=WAIT_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    wait_for(gone(tree), 5.0, "the engine and its workers to exit")
    with WriteJournal() as journal:
        (write,) = journal.writes()
    assert write.state == "running"  # cut off
    same, changed = left_as_is_or_written(before, write.write_id)
    assert 400 <= changed < 2000 and same + changed == 2000

    code, stdout, err = cli(capsys, "undo", "--quiet")
    assert (code, err) == (0, ""), stdout
    assert stdout.splitlines()[-1] == (
        f"Restored {changed} files as they were before write {write.write_id}, "
        "0 could not be restored."
    )
    assert snapshot(library.files) == before  # all 2,000 byte for byte, mtimes too
    assert temp_files(library.root / "lib") == []
    with WriteJournal() as journal:
        assert journal.write(write.write_id).state == "undone"
