"""The command line's options for `write`, `undo` and `writes` (cli/write.py runs them).

Apart from the code that runs the commands, so that building the parser, which every
command does, loads no write-back machinery.
"""

from __future__ import annotations

import argparse

from matcher.writeback.fields import DEFAULT_FIELDS, KEY_NOTATIONS, WRITE_FIELDS

__all__ = ["TARGETS", "add_parsers"]

TARGETS = ("tags", "rekordbox", "traktor", "serato")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    from matcher.cli.commands import COMMANDS

    write = sub.add_parser(
        "write",
        help=COMMANDS["write"],
        description="Write the matched metadata of a batch's (or a playlist's) results into "
        "the audio files' tags. Only matched rows, and only empty fields, unless told "
        "otherwise. Every file is backed up in the writes journal first: "
        "`cratematch undo` restores them byte for byte.",
    )
    write.add_argument("out_dirs", nargs="+", metavar="OUT",
                       help="a batch's output folder, or one playlist's folder")  # fmt: skip
    write.add_argument("--to", choices=TARGETS, default="tags",
                       help="where to write (default: the audio files' tags; traktor, "
                            "rekordbox: the library, backed up first; serato: a new "
                            "crate of the found tracks)")  # fmt: skip
    write.add_argument("--library", default=None, metavar="PATH",
                       help="the library to write into (default: the app's own)")  # fmt: skip
    write.add_argument(
        "--fields",
        default=",".join(f for f in WRITE_FIELDS if f in DEFAULT_FIELDS),
        help=f"comma-separated, from: {','.join(WRITE_FIELDS)} (default: all but comment)",
    )
    write.add_argument(
        "--overwrite", action="store_true",
        help="replace values that differ (default: fill empty fields only)",
    )  # fmt: skip
    write.add_argument("--include-review", action="store_true",
                       help="also write the review rows' best candidates")  # fmt: skip
    write.add_argument("--key-notation", choices=KEY_NOTATIONS, default=None,
                       help='"musical" (Am, F#: what Rekordbox shows), "camelot" (8A), '
                            '"openkey" (1m; the default for Traktor)')  # fmt: skip
    write.add_argument("--dry-run", action="store_true",
                       help="only write tag_changes.csv and print what would change")  # fmt: skip
    write.add_argument("--yes", action="store_true", help="write without asking")
    write.add_argument("--workers", type=int, default=None)
    write.add_argument("--quiet", action="store_true", help="no progress bar")

    undo = sub.add_parser("undo", help=COMMANDS["undo"])
    undo.add_argument("write_id", nargs="?", default="", metavar="WRITE_ID",
                      help="default: the last write not undone yet")  # fmt: skip
    undo.add_argument("--force", action="store_true",
                      help="restore a library even if it changed since the write")  # fmt: skip
    undo.add_argument("--workers", type=int, default=None)
    undo.add_argument("--quiet", action="store_true", help="no progress bar")

    sub.add_parser("writes", help=COMMANDS["writes"])
