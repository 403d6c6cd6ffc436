"""CrateMatch's output files: what a user takes away from a batch.

Per playlist, in `<out>/<safe playlist name>/`:

    matches.csv     one row per entry (MATCH_COLUMNS): the decision and the metadata
    candidates.csv  every scored candidate, its feature scores and penalties: the "why"
    queries.csv     every query run for every entry
    review.csv      close calls, with the runner-up, for a person to decide
    missing.csv     entries not found (unmatched or error), as the playlist wrote them
    found.m3u8      the matched entries, pointing at files the user owns where known
    enriched.xml    a Rekordbox XML to re-import, empty fields filled from the catalog
    summary.json    counts, match rate, timing, metrics, file names

and for the batch, in `<out>/`:

    enriched_batch.xml   every playlist's enriched.xml in one Rekordbox XML (one import)
    batch_summary.json   totals, one line per playlist, the catalog used
    performance_report.json   speed, queries per kind, slowest tracks, memory
                              (written by matcher.performance.report)

`entry_index`, in every CSV, is the entry's 0-based position in its playlist (the
window's "#" column shows the 1-based position: entry_index + 1). Entries without a
local file (a streaming playlist's rows) cannot be imported by Rekordbox: they are left
out of both XML files and counted as `enriched_without_file` in the summaries.

Every file is written atomically (`atomic_open`): a failure leaves the previous file
intact and raises OutputError.
Nothing here reads settings; everything comes in as arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matcher.lazy_imports import lazy_attributes

if TYPE_CHECKING:
    from matcher.outputs.atomic import atomic_open, atomic_write_text
    from matcher.outputs.folders import playlist_folder, safe_folder_name
    from matcher.outputs.rekordbox_batch import BATCH_XML, BatchXml
    from matcher.outputs.reports import (
        CANDIDATE_COLUMNS,
        MISSING_COLUMNS,
        QUERY_COLUMNS,
        REVIEW_COLUMNS,
    )
    from matcher.outputs.summary import OUTPUT_FILES, PlaylistOutputs
    from matcher.outputs.writer import (
        BATCH_SUMMARY,
        Results,
        write_batch_summary,
        write_batch_xml,
        write_playlist_outputs,
    )

# Loaded on first use: a worker renders report rows and reads locations, and needs none
# of the XML writers.
_HOME = {
    "atomic_open": "atomic", "atomic_write_text": "atomic",
    "playlist_folder": "folders", "safe_folder_name": "folders",
    "BATCH_XML": "rekordbox_batch", "BatchXml": "rekordbox_batch",
    "CANDIDATE_COLUMNS": "reports", "MISSING_COLUMNS": "reports",
    "QUERY_COLUMNS": "reports", "REVIEW_COLUMNS": "reports",
    "OUTPUT_FILES": "summary", "PlaylistOutputs": "summary",
    "BATCH_SUMMARY": "writer", "Results": "writer", "write_batch_summary": "writer",
    "write_batch_xml": "writer", "write_playlist_outputs": "writer",
}  # fmt: skip


__getattr__ = lazy_attributes(__name__, _HOME)


__all__ = [
    "BATCH_SUMMARY",
    "BATCH_XML",
    "CANDIDATE_COLUMNS",
    "MISSING_COLUMNS",
    "OUTPUT_FILES",
    "QUERY_COLUMNS",
    "REVIEW_COLUMNS",
    "BatchXml",
    "PlaylistOutputs",
    "Results",
    "atomic_open",
    "atomic_write_text",
    "playlist_folder",
    "safe_folder_name",
    "write_batch_summary",
    "write_batch_xml",
    "write_playlist_outputs",
]
