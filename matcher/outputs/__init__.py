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

and `<out>/batch_summary.json` for the batch. Every file is written atomically
(`atomic_open`): a failure leaves the previous file intact and raises OutputError.
Nothing here reads settings; everything comes in as arguments.
"""

from matcher.outputs.atomic import atomic_open, atomic_write_text
from matcher.outputs.folders import playlist_folder, safe_folder_name
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
    write_playlist_outputs,
)

__all__ = [
    "BATCH_SUMMARY",
    "CANDIDATE_COLUMNS",
    "MISSING_COLUMNS",
    "OUTPUT_FILES",
    "QUERY_COLUMNS",
    "REVIEW_COLUMNS",
    "PlaylistOutputs",
    "Results",
    "atomic_open",
    "atomic_write_text",
    "playlist_folder",
    "safe_folder_name",
    "write_batch_summary",
    "write_playlist_outputs",
]
