"""`cratematch`: the command line.

Exit codes: 0 done; 1 done, but some tracks ended in `error`; 2 bad input or usage (one
line on stderr, never a traceback); 130 cancelled with Ctrl-C.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from matcher import __version__
from matcher.config import PROVIDERS, EngineConfig
from matcher.errors import CrateMatchError, InputError
from matcher.matching.presets import PRESETS

__all__ = ["main"]

from matcher.cli.output import EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_OK, REBUILD_HINT, one_line


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(EXIT_BAD_INPUT, f"cratematch: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cratematch", description="Match DJ playlists against a catalog.")
    parser.add_argument("--version", action="version", version=f"cratematch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    match = sub.add_parser("match", help="match playlists and write reports")
    match.add_argument("inputs", nargs="+", type=Path, metavar="INPUT")
    match.add_argument(
        "--playlist",
        action="append",
        default=[],
        metavar="NAME",
        help='a playlist in a Rekordbox/Traktor file, e.g. "Folder/Name"',
    )
    match.add_argument("--all-playlists", action="store_true")
    match.add_argument("--provider", choices=PROVIDERS, default="local")
    match.add_argument("--catalog", type=Path, help="catalog database or importable file")
    match.add_argument("--preset", choices=tuple(PRESETS), default="balanced")
    match.add_argument("--workers", type=int, default=None)
    match.add_argument("--out", type=Path, default=None, help="output folder")
    match.add_argument("--quiet", action="store_true", help="no progress bar")
    match.add_argument("--no-cache", action="store_true", help="online providers: no HTTP cache")
    match.add_argument(
        "--cache-ttl",
        type=float,
        default=None,
        metavar="SECONDS",
        help="online providers: keep answers this long (default 7 days)",
    )

    catalog = sub.add_parser("catalog", help="manage the local catalog")
    csub = catalog.add_subparsers(dest="catalog_command", required=True, parser_class=_Parser)
    imp = csub.add_parser("import", help="import CSV, Rekordbox XML, Traktor NML or a folder")
    imp.add_argument("sources", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--catalog", type=Path, default=None, help="catalog database to write")
    info = csub.add_parser("info", help="show the catalog's size and sources")
    info.add_argument("--catalog", type=Path, default=None)

    batches = sub.add_parser("batches", help="list recent batches and their state")
    batches.add_argument(
        "--rebuild",
        action="store_true",
        help="move a damaged journal aside and start a fresh one",
    )
    resume = sub.add_parser("resume", help="finish a cancelled or cut-off batch")
    resume.add_argument("batch_id", nargs="?", default=None, metavar="BATCH_ID",
                        help="default: the most recent unfinished batch")  # fmt: skip
    resume.add_argument("--workers", type=int, default=None)
    resume.add_argument("--quiet", action="store_true", help="no progress bar")

    from matcher.cli.write import add_parsers as add_write_parsers

    add_write_parsers(sub)

    demo = sub.add_parser("demo", help="run the bundled demo, fully offline")
    demo.add_argument("--out", type=Path, default=None)
    demo.add_argument("--quiet", action="store_true")
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
            from matcher.cli.run import list_batches, rebuild_journal

            return rebuild_journal() if args.rebuild else list_batches()
        if args.command in ("write", "undo", "writes"):
            from matcher.cli.write import list_writes, run_undo, run_write

            if args.command == "write":
                return run_write(args)
            return run_undo(args) if args.command == "undo" else list_writes()
        if args.command == "resume":
            from matcher.cli.run import resume_batch

            return resume_batch(args.batch_id, args.workers, quiet=args.quiet)
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
        workers=args.workers, out_dir=args.out, http=http,
    )  # fmt: skip
    return run_batch(config, args.inputs, args.playlist, args.all_playlists, quiet=args.quiet)


def _catalog(args: argparse.Namespace) -> int:
    from matcher.catalog import CatalogStore, import_catalog
    from matcher.paths import default_catalog_path

    target = args.catalog or default_catalog_path()
    if args.catalog_command == "info":
        if args.catalog is None and not target.exists():
            raise InputError(
                "no local catalog yet: import one with `cratematch catalog import FILE`"
            )
        with CatalogStore.open(target, readonly=True) as store:
            print(f"{one_line(target)}: {store.count()} tracks")
        return EXIT_OK
    report = import_catalog(args.sources, target)
    print("\n".join(map(one_line, report.lines())))
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from matcher.demo import DEMO_CATALOG, DEMO_PLAYLISTS, demo_dir
    from matcher.paths import data_dir

    folder = demo_dir()
    out = args.out or data_dir() / "demo-results"
    config = EngineConfig(catalog=folder / DEMO_CATALOG, out_dir=out, workers=2)
    inputs = [folder / name for name in DEMO_PLAYLISTS]
    print(f"CrateMatch demo: matching {len(inputs)} bundled playlist files against its catalog")
    from matcher.cli.run import run_batch

    code = run_batch(config, inputs, (), True, quiet=args.quiet)
    print(f"Open {out} to see matches.csv, review.csv, enriched.xml and the rest per playlist.")
    return code


if __name__ == "__main__":
    sys.exit(main())
