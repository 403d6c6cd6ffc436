"""`cratematch` itself: the one entry point of both installs.

A pip install's console script (`cratematch = "matcher.cli.launch:run"`, also `python -m
matcher`) and the packaged app (packaging/cratematch_entry.py, which adds only what a
frozen build needs) both call `run` here (`main`, then the process's end), so they
behave the same:

    cratematch                             the window; with no display, one line, exit 2
    cratematch FILE... [--catalog F] [--start]   the window with FILE... queued
    cratematch COMMAND ...                 the command line (commands.py): match, catalog,
                                           batches, resume, write, undo, writes, demo
    cratematch --self-test                 the bundled demo through the worker pool, one
                                           line, exit 0 (ok) or 1 (failed); no display
    cratematch --version | --help

The engine never imports the window (tests/test_boundaries.py): `main` is handed a way
to open it (the packaged app does), or finds the installed `cratematch-gui` script.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

from matcher.cli.commands import COMMANDS
from matcher.cli.output import EXIT_BAD_INPUT, EXIT_OK, EXIT_TRACK_ERRORS, one_line

__all__ = ["GUI_SCRIPT", "USAGE", "main", "no_display", "run", "usage"]

OpenWindow = Callable[[list[str]], int]
GUI_SCRIPT = "cratematch-gui"  # the window's entry point (pyproject's gui-scripts)

USAGE = """\
usage: cratematch [FILE...] [--catalog FILE] [--provider NAME] [--out DIR] [--start]
       cratematch {commands} ...
       cratematch --version | --self-test | --help

With no command, opens the CrateMatch window (FILE... are queued; --start starts them).
Commands run on the command line; `cratematch COMMAND --help` tells more:
{command_help}
--self-test matches the bundled demo through the worker pool and prints one line
(exit 0 when it passed, 1 when not); it needs no display.
"""


def usage() -> str:
    """`cratematch --help`: the window, the commands, the self-test."""
    width = max(map(len, COMMANDS))
    lines = "\n".join(f"  {name:<{width}}  {text}" for name, text in COMMANDS.items())
    return USAGE.format(commands="{" + ",".join(COMMANDS) + "}", command_help=lines)


def no_display() -> str:
    """Why an X11/Wayland desktop cannot show the window; "" when it can (or not X11)."""
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")) and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return "no display (DISPLAY is not set)"
    return ""


def _is_a_command_word(word: str) -> bool:
    """A command, or a word that can only be a mistyped one (no option, no file name):
    the command line's parser then names it in its one-line error."""
    if word in COMMANDS:
        return True
    looks_like_a_file = "." in word or "/" in word or "\\" in word or os.path.exists(word)
    return bool(word) and not word.startswith("-") and not looks_like_a_file


def _installed_window() -> OpenWindow:
    """The `cratematch-gui` entry point of this install (ImportError when there is none)."""
    from importlib.metadata import entry_points

    for entry in entry_points(group="gui_scripts", name=GUI_SCRIPT):
        return entry.load()
    raise ImportError(f"the window ({GUI_SCRIPT}) is not installed")


def _self_test() -> int:
    from matcher.demo import selftest

    try:
        print(selftest.self_test())
    except selftest.SelfTestFailed as failure:
        print(f"cratematch self-test FAILED: {one_line(failure)}")
        return EXIT_TRACK_ERRORS
    return EXIT_OK


def _arguments(argv: Sequence[str] | None) -> list[str]:
    """The arguments, without the process serial number macOS hands an app it opens."""
    return [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-psn_")]


# Commands that run a batch on an engine host on their own thread: when one returns, its
# engine, journal and catalog are closed and each output was written whole (atomically),
# and no multiprocessing queue or lock is left for a finalizer to release (a command
# whose engine host is a process has those: the resource tracker would warn of them).
_ENDS_AT_ONCE = frozenset({"match", "demo", "resume"})


def run(argv: Sequence[str] | None = None, *, open_window: OpenWindow | None = None) -> NoReturn:
    """The program: `main`, then the process's end.

    After a batch command, what the interpreter's teardown would still do is free memory
    (30 ms of a 10,000-track batch's run), so its process ends without it once its
    output is flushed. Everything else ends the usual way."""
    args = _arguments(argv)
    if sys.stdout is not None:
        sys.stdout = _ReaderMayGo(sys.stdout)
    code = main(args, open_window=open_window)
    if args and args[0] in _ENDS_AT_ONCE:
        from matcher.engine.processes import quick_exit

        quick_exit(code)
    sys.exit(code)


class _ReaderMayGo:
    """Standard output whose reader may go away (`cratematch demo | head -1`): what is
    written after that is dropped, and the command carries on and keeps its exit code,
    as the work it does (the files it writes) does not depend on the reader."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._reader_gone()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_gone()

    def _reader_gone(self) -> None:
        """Point the stream's file at the null device, so that what its buffer still
        holds, and what comes later, goes nowhere without an error."""
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, self._stream.fileno())
            finally:
                os.close(null)
        except (OSError, ValueError):
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main(argv: Sequence[str] | None = None, *, open_window: OpenWindow | None = None) -> int:
    """Run `cratematch ARGV`; returns the exit code. `open_window` opens the window with
    its arguments (default: the installed `cratematch-gui`)."""
    args = _arguments(argv)
    first = args[0] if args else ""
    if first == "--version":
        from matcher import __version__

        print(f"cratematch {__version__}")
        return EXIT_OK
    if first in ("-h", "--help"):
        print(usage(), end="")
        return EXIT_OK
    if first == "--self-test":
        return _self_test()
    if _is_a_command_word(first):
        from matcher.cli.commands import main as run_command

        return run_command(args)
    if problem := no_display():
        print(
            f"cratematch: error: cannot open the window: {problem}; give a command "
            "(match, catalog, demo, ...) or see `cratematch --help`",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    try:
        window = open_window or _installed_window()
    except ImportError as err:
        print(f"cratematch: error: cannot open the window: {one_line(err)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return window(args)
