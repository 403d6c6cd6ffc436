"""`cratematch`: the command line.

Exit codes: 0 done; 1 done, but some tracks ended in `error`; 2 bad input or usage (one
line on stderr, never a traceback); 130 cancelled with Ctrl-C.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from matcher import __version__
from matcher.config import PROVIDERS, EngineConfig
from matcher.errors import CrateMatchError, InputError
from matcher.presets import PRESETS

__all__ = ["main"]

EXIT_OK, EXIT_TRACK_ERRORS, EXIT_BAD_INPUT, EXIT_CANCELLED = 0, 1, 2, 130


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

    catalog = sub.add_parser("catalog", help="manage the local catalog")
    csub = catalog.add_subparsers(dest="catalog_command", required=True, parser_class=_Parser)
    imp = csub.add_parser("import", help="import CSV, Rekordbox XML, Traktor NML or a folder")
    imp.add_argument("sources", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--catalog", type=Path, default=None, help="catalog database to write")
    info = csub.add_parser("info", help="show the catalog's size and sources")
    info.add_argument("--catalog", type=Path, default=None)

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
    except KeyboardInterrupt:
        print("cratematch: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except CrateMatchError as err:
        print(f"cratematch: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as err:
        print(
            f"cratematch: error: {err.strerror or err}: {err.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except Exception as err:  # noqa: BLE001 - the edge: log it, say one line
        log = _write_crash_log()
        print(f"cratematch: internal error: {err} (details in {log})", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _write_crash_log() -> Path:
    from matcher.paths import data_dir

    log = data_dir() / "crash.log"
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(traceback.format_exc() + "\n")
    return log


def _match(args: argparse.Namespace) -> int:
    config = EngineConfig(
        provider=args.provider, catalog=args.catalog, preset=args.preset,
        workers=args.workers, out_dir=args.out,
    )  # fmt: skip
    return _run(config, args.inputs, args.playlist, args.all_playlists, quiet=args.quiet)


def _run(config: EngineConfig, inputs: Sequence[Path], names: Sequence[str], all_playlists: bool,
         *, quiet: bool) -> int:  # fmt: skip
    from matcher.cli_progress import ProgressBars
    from matcher.inline import run_inline

    with (
        _stop_on_interrupt() as stop_requested,
        ProgressBars(enabled=not quiet and sys.stderr.isatty()) as bars,
    ):
        report = run_inline(
            inputs, config, names=names, all_playlists=all_playlists, progress=bars.update,
            should_stop=stop_requested,
        )  # fmt: skip
    c = report.counts
    rate = report.total / report.elapsed_s if report.elapsed_s else 0.0
    print(
        f"{c['matched']} matched, {c['review']} to review, {c['unmatched']} unmatched, "
        f"{c['error']} errors of {report.total} tracks in {len(report.outputs)} playlist(s), "
        f"{report.elapsed_s:.1f} s ({rate:.0f} tracks/s). Results: {report.out_dir}"
    )
    if report.cancelled:
        print(f"cratematch: cancelled; partial results in {report.out_dir}", file=sys.stderr)
        return EXIT_CANCELLED
    return EXIT_TRACK_ERRORS if c["error"] else EXIT_OK


@contextmanager
def _stop_on_interrupt() -> Iterator[Callable[[], bool]]:
    """Turn the first Ctrl-C into a stop request, so the batch ends after the current
    track and writes what it matched (marked partial); a second Ctrl-C interrupts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False  # signal handlers can only be set from the main thread
        return
    requested = threading.Event()

    def on_interrupt(signum: int, frame: object) -> None:
        if requested.is_set():
            raise KeyboardInterrupt
        requested.set()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield requested.is_set
    finally:
        signal.signal(signal.SIGINT, previous)


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
            print(f"{target}: {store.count()} tracks")
        return EXIT_OK
    report = import_catalog(args.sources, target)
    print("\n".join(report.lines()))
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from matcher.demo import DEMO_CATALOG, DEMO_PLAYLISTS, demo_dir
    from matcher.paths import data_dir

    folder = demo_dir()
    out = args.out or data_dir() / "demo-results"
    config = EngineConfig(catalog=folder / DEMO_CATALOG, out_dir=out, workers=2)
    inputs = [folder / name for name in DEMO_PLAYLISTS]
    print(f"CrateMatch demo: matching {len(inputs)} bundled playlists against the bundled catalog")
    code = _run(config, inputs, (), True, quiet=args.quiet)
    print(f"Open {out} to see matches.csv, review.csv, enriched.xml and the rest per playlist.")
    return code


if __name__ == "__main__":
    sys.exit(main())
