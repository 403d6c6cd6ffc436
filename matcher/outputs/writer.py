"""Writing every output of a playlist, and the batch summary.

Files are written one by one, each atomically, the CSV reports first and
`summary.json` last, so a summary on disk always describes files that are complete.
Nothing here reads settings: provider, preset, timing and metrics come in as arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from matcher.errors import OutputError
from matcher.model import MatchResult, Playlist
from matcher.outputs.atomic import (
    atomic_open,
    atomic_write_text,
    describe_os_error,
    folder_synced_once,
)
from matcher.outputs.found import found_playlist
from matcher.outputs.locations import path_stamp
from matcher.outputs.rekordbox_ahead import PreparedRewrite
from matcher.outputs.rekordbox_batch import BATCH_XML, BatchXml
from matcher.outputs.rekordbox_batch import write_batch_xml as _write_batch_xml
from matcher.outputs.rekordbox_new import write_rekordbox_new
from matcher.outputs.rekordbox_rewrite import write_rekordbox_rewrite
from matcher.outputs.rekordbox_xml import DocumentIndex
from matcher.outputs.reports import REPORTS, write_csv_bodies, write_report
from matcher.outputs.summary import (
    OUTPUT_FILES,
    PlaylistOutputs,
    batch_summary,
    count_statuses,
    dump_json,
    playlist_summary,
)

__all__ = [
    "BATCH_SUMMARY",
    "Results",
    "write_batch_summary",
    "write_batch_xml",
    "write_playlist_outputs",
]

BATCH_SUMMARY = "batch_summary.json"

# A playlist's results: a sequence, or for a playlist too long to hold with every
# candidate and query, a function that reads them afresh, one per entry in entry order.
Results = Sequence[MatchResult] | Callable[[], Iterable[MatchResult]]


def _in_entry_order(results: Sequence[MatchResult]) -> list[MatchResult]:
    """Results sorted by entry; when an entry has several (a retried chunk), the last
    one received wins."""
    latest: dict[int, MatchResult] = {}
    for result in results:
        latest[result.entry_index] = result
    return [latest[i] for i in sorted(latest)]


def write_enriched(
    path: Path,
    playlist: Playlist,
    results: Sequence[MatchResult],
    index: DocumentIndex | None = None,
    prepared: PreparedRewrite | None = None,
) -> int:
    """Write enriched.xml (the Rekordbox rewrite or a new file); returns its TRACK count.
    `index` is filled with what the file holds, for the batch XML (see DocumentIndex);
    `prepared`: a Rekordbox rewrite's work done ahead (see rekordbox_ahead.py)."""
    with atomic_open(path, "wb") as handle:
        if playlist.format == "rekordbox":
            count = write_rekordbox_rewrite(handle, playlist, results, index, prepared)
        else:
            count = write_rekordbox_new(handle, playlist, results, index)
    if index is not None:
        index.stamp = path_stamp(path)
    return count


@folder_synced_once()  # the folder's fsync once, after the last file
def write_playlist_outputs(
    folder: Path,
    playlist: Playlist,
    results: Results,
    *,
    provider: str,
    preset: str,
    partial: bool = False,
    elapsed_s: float = 0.0,
    metrics: Mapping[str, float] | None = None,
    rendered: Mapping[str, Iterable[bytes]] | None = None,
    prepared: PreparedRewrite | None = None,
) -> PlaylistOutputs:
    """Write all eight outputs of `playlist` into `folder` (see OUTPUT_FILES).

    `rendered`: CSV reports whose rows are rendered already (`reports.render_bodies`,
    in entry order), by report kind; `results` then need to carry only what the other
    files read (brief results will do). `prepared`: see `write_enriched`.

    Raises OutputError when a file cannot be written (the files before it are complete
    and the one that failed keeps its previous content), UnsafeXmlError or
    PlaylistParseError when a Rekordbox source can no longer be read safely.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create {folder}: {describe_os_error(err)}") from err
    if callable(results):  # the audit files stream; the rest come from a light copy
        full: Callable[[], Iterable[MatchResult]] = results
        ordered = [r.brief(keep=2) for r in results()]  # 2: review.csv's runner-up
    else:
        ordered = _in_entry_order(results)
        full = lambda: ordered  # noqa: E731
    paths = {kind: folder / name for kind, name in OUTPUT_FILES.items()}

    for kind, source in (("matches", None), ("candidates", full), ("queries", full),
                         ("review", None), ("missing", None)):  # fmt: skip
        if rendered is not None and kind in rendered:
            write_csv_bodies(paths[kind], REPORTS[kind][0], rendered[kind])
        else:
            write_report(kind, paths[kind], source() if source else ordered)
    found = found_playlist(ordered, playlist.source.parent)
    atomic_write_text(paths["found"], found.text)
    index = DocumentIndex()
    enriched = write_enriched(paths["enriched"], playlist, ordered, index, prepared)
    # a Rekordbox input keeps its own collection's tracks; other inputs lose the entries
    # without a local file (Rekordbox cannot import them)
    left_out = 0 if playlist.format == "rekordbox" else len(playlist.entries) - enriched

    outputs = PlaylistOutputs(
        playlist=playlist.name,
        playlist_file=playlist.file_name,
        folder=folder,
        **paths,
        counts=count_statuses(ordered),
        total=len(playlist.entries),
        processed=len(ordered),
        found_without_file=found.without_file,
        partial=partial,
        elapsed_s=elapsed_s,
        enriched_tracks=enriched,
        enriched_without_file=left_out,
        enriched_index=index,
    )
    document = playlist_summary(
        outputs=outputs,
        results=ordered,
        fmt=playlist.format,
        provider=provider,
        preset=preset,
        metrics=metrics,
    )
    dump_json(paths["summary"], document)
    return outputs


def write_batch_xml(out_dir: Path, outputs: Sequence[PlaylistOutputs]) -> BatchXml:
    """Write `<out_dir>/enriched_batch.xml`: every playlist's enriched.xml in one tree
    (from what each one's writer recorded, where the file is still the one it wrote)."""
    return _write_batch_xml(
        Path(out_dir) / BATCH_XML,
        [(item.playlist, item.enriched) for item in outputs],
        known={str(item.enriched): item.enriched_index for item in outputs
               if item.enriched_index is not None},
    )  # fmt: skip


def write_batch_summary(
    out_dir: Path,
    outputs: Sequence[PlaylistOutputs],
    *,
    partial: bool,
    elapsed_s: float,
    extra: Mapping[str, Any] | None = None,
    batch_xml: BatchXml | None = None,
) -> Path:
    """Write `<out_dir>/batch_summary.json` and return its path; `batch_xml` (what
    `write_batch_xml` wrote) is described in it as `enriched_batch`."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create {out_dir}: {describe_os_error(err)}") from err
    path = out_dir / BATCH_SUMMARY
    document = batch_summary(out_dir, outputs, partial=partial, elapsed_s=elapsed_s, extra=extra)
    if batch_xml is not None:
        document["enriched_batch"] = {
            "file": batch_xml.path.name,
            "tracks": batch_xml.tracks,
            "playlists": batch_xml.playlists,
            "without_file": document["enriched_without_file"],
        }
    dump_json(path, document)
    return path
