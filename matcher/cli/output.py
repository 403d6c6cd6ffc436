"""What every command prints and returns: exit codes, and text made safe for one line.

Exit codes: 0 done; 1 done, but some tracks ended in `error` (match) or some files were
refused (write, undo); 2 bad input or usage (one line on stderr, never a traceback); 130
cancelled with Ctrl-C.
"""

from __future__ import annotations

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_CANCELLED",
    "EXIT_OK",
    "EXIT_TRACK_ERRORS",
    "REBUILD_HINT",
    "one_line",
]

EXIT_OK, EXIT_TRACK_ERRORS, EXIT_BAD_INPUT, EXIT_CANCELLED = 0, 1, 2, 130
REBUILD_HINT = "run `cratematch batches --rebuild` to set it aside and start a fresh one"


def one_line(text: object) -> str:
    """`text` as one printable line: control characters (a newline in a file name) and
    bytes that are not UTF-8 (lone surrogates from os.fsdecode) are shown escaped, so an
    error stays one line and printing it can never fail."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )
