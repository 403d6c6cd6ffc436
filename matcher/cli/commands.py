"""`cratematch COMMAND ...`: the command line's parser and dispatch (matcher.cli.launch
decides when ARGV is a command at all).

Exit codes: 0 done; 1 done, but some tracks ended in `error`; 2 bad input or usage (one
line on stderr, never a traceback; a batch whose playlists are all empty is bad input:
nothing to match); 130 cancelled with Ctrl-C.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from matcher import __version__
from matcher.cli.output import EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_OK, REBUILD_HINT, one_line
from matcher.config import PROVIDERS, EngineConfig
from matcher.errors import CrateMatchError, InputError
from matcher.matching.presets import PRESETS

__all__ = ["COMMANDS", "build_parser", "main"]


# The commands and their one line of help, in the order `--help` lists them.
COMMANDS = {
    "match": "match playlists against a catalog and write the results",
    "catalog": "manage the local catalog: import files, show its size and sources",
    "batches": "list recent batches and their state, compare two (--compare OLD NEW), or "
    "compact the journal (--compact)",
    "resume": "finish a cancelled or cut-off batch",
    "write": "write matched metadata into your audio files' tags (with undo)",
    "undo": "restore every file of a write, byte for byte",
    "writes": "list the writes, newest first",
    "demo": "run the bundled demo, fully offline, and say where its results are",
}

MATCH_DESCRIPTION = """\
Match every track of the playlists in INPUT against a catalog and write, per playlist,
matches.csv, review.csv, missing.csv, found.m3u8, enriched.xml (a Rekordbox XML to
re-import) and summary.json into --out/<playlist>/, and enriched_batch.xml (every
playlist in one Rekordbox XML), batch_summary.json and performance_report.json (speed,
time per stage, queries per kind, slowest tracks, memory) into --out. The last line says
what was found, the catalog used and where the results are.

Exit codes: 0 done; 1 done, but some tracks ended in error; 2 bad input (one line on
stderr; also when every playlist is empty: nothing to match); 130 cancelled (Ctrl-C;
finish with `cratematch resume`)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(EXIT_BAD_INPUT, f"cratematch: error: {message}\n")


def _shown(path: Path) -> str:
    """`path` with the home folder as `~`, as a user would type it."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except (ValueError, RuntimeError):
        return str(path)


def _preset_help() -> str:
    """The presets in plain words (their descriptions in matching/presets.py)."""
    words = []
    for name, preset in PRESETS.items():
        text = preset.description.rstrip(".").removeprefix("The default: ")
        default = " (the default)" if name == "balanced" else ""
        words.append(f"{name}{default}: {text[:1].lower()}{text[1:]}")
    return f"speed against thoroughness. {'; '.join(words)}"


def _add_match(sub: argparse._SubParsersAction) -> None:
    from matcher.paths import default_out_dir

    match = sub.add_parser("match", help=COMMANDS["match"], description=MATCH_DESCRIPTION,
                           formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    match.add_argument(
        "inputs", nargs="+", type=Path, metavar="INPUT",
        help="playlist files: Rekordbox XML, M3U/M3U8, CSV (Exportify, TuneMyMusic, Serato, "
        "most spreadsheets) or Traktor NML",
    )  # fmt: skip
    match.add_argument(
        "--playlist",
        action="append",
        default=[],
        metavar="NAME",
        help='a playlist in a Rekordbox/Traktor file, e.g. "Folder/Name" (repeat for more; '
        "a folder's name takes every playlist in it)",
    )
    match.add_argument(
        "--all-playlists", action="store_true",
        help="match every playlist of a Rekordbox/Traktor file (without it, a file holding "
        "several asks for --playlist)",
    )  # fmt: skip
    match.add_argument(
        "--provider", choices=PROVIDERS, default="local",
        help="where to look: local (your catalog, the default), musicbrainz, beatport, "
        "discogs (online)",
    )  # fmt: skip
    match.add_argument(
        "--catalog", type=Path, metavar="FILE",
        help="a catalog database, or any file `catalog import` takes (imported once and "
        "reused); default: the catalog `cratematch catalog import` built",
    )  # fmt: skip
    match.add_argument("--preset", choices=tuple(PRESETS), default="balanced",
                       help=_preset_help())  # fmt: skip
    match.add_argument(
        "--workers", type=int, default=None, metavar="N",
        help=f"worker processes (default: one per CPU, {os.cpu_count() or 1} here)",
    )  # fmt: skip
    match.add_argument(
        "--out", type=Path, default=None, metavar="DIR",
        help=f"output folder (default: {_shown(default_out_dir())})",
    )  # fmt: skip
    match.add_argument(
        "--cluster", default=None, metavar="ADDRESS",
        help="run the matching on a Dask cluster, e.g. tcp://host:8786 (the catalog is sent "
        "to its workers; needs the cluster extra: pip install 'cratematch[cluster]')",
    )  # fmt: skip
    match.add_argument("--quiet", action="store_true", help="no progress bar")
    match.add_argument("--no-cache", action="store_true", help="online providers: no HTTP cache")
    match.add_argument(
        "--cache-ttl",
        type=float,
        default=None,
        metavar="SECONDS",
        help="online providers: keep answers this long (default 7 days)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cratematch", description="Match DJ playlists against a catalog.")
    parser.add_argument("--version", action="version", version=f"cratematch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_match(sub)

    catalog = sub.add_parser("catalog", help=COMMANDS["catalog"])
    csub = catalog.add_subparsers(dest="catalog_command", required=True, parser_class=_Parser)
    imp = csub.add_parser("import", help="import CSV, Rekordbox XML, Traktor NML or a folder")
    imp.add_argument("sources", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--catalog", type=Path, default=None, metavar="FILE",
                     help="catalog database to write (default: your catalog)")  # fmt: skip
    info = csub.add_parser(
        "info", help="show the catalog's size and sources (the files imported into it)"
    )
    info.add_argument("--catalog", type=Path, default=None, metavar="FILE",
                      help="catalog database to show (default: your catalog)")  # fmt: skip

    batches = sub.add_parser("batches", help=COMMANDS["batches"])
    what = batches.add_mutually_exclusive_group()
    what.add_argument(
        "--rebuild",
        action="store_true",
        help="move a damaged journal aside and start a fresh one",
    )
    what.add_argument(
        "--compact",
        action="store_true",
        help="forget the batches the history no longer keeps (beyond the newest 100, or "
        "250,000 results) and give the journal's free space back to the disk",
    )
    what.add_argument(
        "--compare", nargs=2, metavar=("OLD", "NEW"),
        help="set two batches' performance side by side with the change: tracks/s, time "
        "per stage, queries per track, match and review rates, memory (ids as listed, or "
        "the start of one)",
    )  # fmt: skip
    resume = sub.add_parser("resume", help=COMMANDS["resume"])
    resume.add_argument("batch_id", nargs="?", default=None, metavar="BATCH_ID",
                        help="default: the most recent unfinished batch")  # fmt: skip
    resume.add_argument("--workers", type=int, default=None, metavar="N",
                        help="worker processes (default: one per CPU)")  # fmt: skip
    resume.add_argument("--cluster", default=None, metavar="ADDRESS",
                        help="finish it on a Dask cluster (default: on this computer)")  # fmt: skip
    resume.add_argument("--quiet", action="store_true", help="no progress bar")

    from matcher.cli.write_args import add_parsers as add_write_parsers

    add_write_parsers(sub)

    demo = sub.add_parser("demo", help=COMMANDS["demo"])
    demo.add_argument(
        "--out", type=Path, default=None, metavar="DIR",
        help="output folder (default: demo-results in CrateMatch's data folder)",
    )  # fmt: skip
    demo.add_argument("--open", action="store_true",
                      help="show the results folder in your file manager when done")  # fmt: skip
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="cratematch: %(message)s")
    try:
        if args.command == "match":
            return _match(args)
        if args.command == "catalog":
            return _catalog(args)
        if args.command == "demo":
            return _demo(args)
        if args.command == "batches":
            from matcher.cli.run import compact_journal, list_batches, rebuild_journal

            if args.compare:
                from matcher.cli.compare import compare_batches

                return compare_batches(*args.compare)
            if args.compact:
                return compact_journal()
            return rebuild_journal() if args.rebuild else list_batches()
        if args.command in ("write", "undo", "writes"):
            from matcher.cli.write import list_writes, run_undo, run_write

            if args.command == "write":
                return run_write(args)
            return run_undo(args) if args.command == "undo" else list_writes()
        if args.command == "resume":
            from matcher.cli.run import resume_batch

            return resume_batch(args.batch_id, args.workers, quiet=args.quiet,
                                cluster=args.cluster)  # fmt: skip
    except KeyboardInterrupt:
        print("cratematch: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except CrateMatchError as err:
        print(f"cratematch: error: {one_line(err)}{_hint(err)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as err:
        print(
            one_line(
                f"cratematch: error: {err.strerror or err}: {err.filename or ''}".rstrip(": ")
            ),
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except Exception as err:  # noqa: BLE001 - the edge: log it, say one line
        log = _write_crash_log()
        print(
            f"cratematch: internal error: {one_line(err)} (details in {one_line(log)})",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    return EXIT_OK


def _hint(err: CrateMatchError) -> str:
    """What to do about a damaged journal, on the same line."""
    from matcher.engine.journal_db import JournalDamaged

    if isinstance(err, JournalDamaged):
        return f"; {REBUILD_HINT}"
    return ""


def _write_crash_log() -> Path:
    from matcher.paths import data_dir

    log = data_dir() / "crash.log"
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(traceback.format_exc() + "\n")
    return log


def _match(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from matcher.cli.run import run_batch
    from matcher.http.options import HttpOptions

    http = HttpOptions.from_env()
    if args.no_cache:
        http = replace(http, cache=False)
    if args.cache_ttl is not None:
        if args.cache_ttl < 0:
            raise InputError("--cache-ttl must be 0 or more seconds")
        http = replace(http, cache_ttl_s=args.cache_ttl)
    config = EngineConfig(
        provider=args.provider, catalog=args.catalog, preset=args.preset,
        workers=args.workers, out_dir=args.out, http=http, cluster=args.cluster,
    )  # fmt: skip
    return run_batch(config, args.inputs, args.playlist, args.all_playlists, quiet=args.quiet)


def _catalog(args: argparse.Namespace) -> int:
    from matcher.catalog import catalog_info, import_catalog
    from matcher.paths import default_catalog_path

    target = args.catalog or default_catalog_path()
    if args.catalog_command == "info":
        if args.catalog is None and not target.exists():
            raise InputError(
                "no local catalog yet: import one with `cratematch catalog import FILE`"
            )
        print("\n".join(map(one_line, catalog_info(target).lines())))
        return EXIT_OK
    report = import_catalog(args.sources, target)
    print("\n".join(map(one_line, report.lines())))
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from matcher.cli.opener import open_folder
    from matcher.cli.run import run_batch
    from matcher.demo import DEMO_CATALOG, DEMO_PLAYLISTS, demo_dir
    from matcher.paths import data_dir

    folder = demo_dir()
    out = Path(args.out or data_dir() / "demo-results").expanduser().absolute()
    config = EngineConfig(catalog=folder / DEMO_CATALOG, out_dir=out, workers=2)
    inputs = [folder / name for name in DEMO_PLAYLISTS]
    print(f"CrateMatch demo: matching {len(inputs)} bundled playlist files against its catalog")
    code = run_batch(config, inputs, (), True, quiet=args.quiet)
    print(f"The demo's results are in {one_line(out)}: a folder per playlist (matches.csv, "
          "review.csv, enriched.xml, ...) and enriched_batch.xml for all of them.")  # fmt: skip
    if args.open and (problem := open_folder(out)):
        print(f"cratematch: warning: {problem}", file=sys.stderr)
    elif not args.open:
        print("Add --open to show the folder in your file manager.")
    return code


if __name__ == "__main__":
    sys.exit(main())
