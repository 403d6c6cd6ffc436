"""Running a batch in this process: read playlists, match every entry, write outputs.

This is the synchronous path: what the CLI's single-process mode, the benchmarks' single
process figure and the unit tests use. The process-pool engine runs the same steps
(`load_playlists`, `match_entry`, `write_playlist_outputs`) spread over workers.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from matcher.catalog import CatalogStore, resolve_catalog
from matcher.config import EngineConfig
from matcher.errors import InputError, OutputError
from matcher.match import match_entry
from matcher.model import MatchResult, Playlist, PlaylistRef
from matcher.outputs import (
    PlaylistOutputs,
    playlist_folder,
    write_batch_summary,
    write_playlist_outputs,
)
from matcher.outputs.atomic import describe_os_error
from matcher.playlists import detect_format, read_playlists
from matcher.presets import get_preset
from matcher.providers import open_provider

__all__ = ["BatchReport", "Progress", "load_playlists", "prepare_catalog", "run_inline"]


@dataclass(frozen=True, slots=True)
class Progress:
    playlist: str
    done: int  # entries of this playlist matched so far
    total: int
    batch_done: int
    batch_total: int


@dataclass(slots=True)
class BatchReport:
    out_dir: Path
    outputs: list[PlaylistOutputs] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    elapsed_s: float = 0.0
    cancelled: bool = False
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def load_playlists(
    inputs: Sequence[Path | PlaylistRef], names: Sequence[str] = (), all_playlists: bool = False
) -> list[Playlist]:
    """Read every input before any matching starts, so bad input fails before any output.

    `names` and `all_playlists` apply to files that hold several playlists (Rekordbox XML,
    Traktor NML); a `PlaylistRef` with a name selects that playlist in its file.
    """
    playlists: list[Playlist] = []
    for item in inputs:
        ref = item if isinstance(item, PlaylistRef) else PlaylistRef(Path(item))
        path = Path(ref.path).expanduser()
        multi = detect_format(path) in ("rekordbox", "nml")
        selected = (ref.name,) if ref.name else (tuple(names) if multi else ())
        playlists.extend(read_playlists(path, selected, all_playlists and multi and not ref.name))
    if not playlists:
        raise InputError("no playlists to match")
    return playlists


def prepare_catalog(config: EngineConfig) -> Path | None:
    """The catalog database to use (importing `--catalog FILE` once), or None online."""
    if config.provider != "local":
        return None
    path = resolve_catalog(Path(config.catalog) if config.catalog else None)
    if not path.exists():
        raise InputError(
            "no local catalog yet: import one with `cratematch catalog import FILE` "
            "or pass --catalog FILE"
        )
    with CatalogStore.open(path, readonly=True):  # a corrupt catalog fails here, before outputs
        pass
    return path


def _create_out_dir(out_dir: Path) -> None:
    """Create the output folder before matching: an unusable --out fails at once, not
    after the first playlist has been matched."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create {out_dir}: {describe_os_error(err)}") from err


def run_inline(
    inputs: Sequence[Path | PlaylistRef],
    config: EngineConfig,
    *,
    names: Sequence[str] = (),
    all_playlists: bool = False,
    progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> BatchReport:
    """Run a whole batch here and now.

    `should_stop` is asked before every track: once it says yes, the playlist in progress
    is written with what was matched so far and marked partial, later playlists are
    skipped, and the report and batch_summary.json say `cancelled` / partial.
    """
    config = config.checked()
    preset = get_preset(config.preset)
    started = time.perf_counter()
    t0 = time.perf_counter()
    playlists = load_playlists(inputs, names, all_playlists)
    time_parse = time.perf_counter() - t0
    catalog = prepare_catalog(config)
    out_dir = Path(config.out_dir)  # type: ignore[arg-type]
    report = BatchReport(out_dir=out_dir)
    batch_total = sum(len(p.entries) for p in playlists)
    batch_done = 0
    time_match = time_write = time_search = 0.0
    queries = candidates = 0
    taken: set[str] = set()
    with open_provider(config.provider, catalog) as provider:
        _create_out_dir(out_dir)
        for playlist in playlists:
            if should_stop():  # stopped between playlists: nothing of this one to write
                report.cancelled = True
                break
            results: list[MatchResult] = []
            p_started = time.perf_counter()
            for entry in playlist.entries:
                if should_stop():
                    report.cancelled = True
                    break
                result = match_entry(entry, provider, preset)
                results.append(result)
                queries += len(result.query_log)
                time_search += sum(q.elapsed_ms for q in result.query_log) / 1000
                candidates += result.candidates_evaluated
                batch_done += 1
                if progress:
                    progress(
                        Progress(
                            playlist.name,
                            len(results),
                            len(playlist.entries),
                            batch_done,
                            batch_total,
                        )
                    )
            time_match += time.perf_counter() - p_started
            t0 = time.perf_counter()
            folder = playlist_folder(out_dir, playlist, taken)
            outputs = write_playlist_outputs(
                folder, playlist, results, provider=config.provider, preset=preset.name,
                partial=report.cancelled, elapsed_s=time.perf_counter() - p_started,
            )  # fmt: skip
            time_write += time.perf_counter() - t0
            report.outputs.append(outputs)
            report.counts.update(str(r.status) for r in results)
            if report.cancelled:
                break
        counters = provider.counters.take()
    report.elapsed_s = time.perf_counter() - started
    done = report.total
    report.metrics = {
        "total_tracks": batch_total,
        "matched_tracks": report.counts["matched"],
        "review_tracks": report.counts["review"],
        "unmatched_tracks": report.counts["unmatched"],
        "error_tracks": report.counts["error"],
        "total_time": report.elapsed_s,
        "avg_time_per_track": time_match / done if done else 0.0,
        "tracks_per_second": done / time_match if time_match else 0.0,
        "queries_executed": queries,
        "candidates_evaluated": candidates,
        "cache_hits": counters.get("cache_hits", 0),
        "cache_misses": counters.get("cache_misses", 0),
        "http_requests": counters.get("http_requests", 0),
        "http_retries": counters.get("http_retries", 0),
        "time_parse": time_parse,
        "time_search": time_search,
        "time_score": max(0.0, time_match - time_search),  # scoring and deciding
        "time_match": time_match,
        "time_write": time_write,
    }
    write_batch_summary(
        out_dir, report.outputs, partial=report.cancelled, elapsed_s=report.elapsed_s,
        extra={"metrics": report.metrics, "preset": preset.name, "provider": config.provider},
    )  # fmt: skip
    return report
