"""Running `cratematch` in the test's own process, and reading its one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.cli import main


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `cratematch ARGS`."""
    try:
        code = main([str(a) for a in args])
    except SystemExit as exited:  # argparse's own errors
        code = int(exited.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error_line(err: str) -> str:
    """The single `cratematch: error: …` line `err` must be, with no traceback."""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cratematch: error: "), err
    assert "Traceback" not in err
    return lines[0]
