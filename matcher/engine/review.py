"""A user's review decision: accept a candidate, pick another, or say "no match".

The decision replaces the entry's journal row and the playlist's output files are
written again, so `matches.csv`, `enriched.xml`, `found.m3u8` and the rest agree with
what the user chose; so is the batch's `enriched_batch.xml`, when it was written. It
runs in the engine host (the journal's only writer), asked for with `Engine.review`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from matcher.engine.journal import Journal
from matcher.errors import InputError
from matcher.model import MatchResult, MatchStatus
from matcher.outputs import BATCH_XML, write_playlist_outputs
from matcher.outputs.rekordbox_batch import write_batch_xml
from matcher.playlists import read_playlists

__all__ = ["NO_MATCH", "apply_review", "decided"]

NO_MATCH = None  # the catalog_id that means "this entry is not in the catalog"
USER_CHOICE = "chosen by the user"
USER_NO_MATCH = "marked as not in the catalog by the user"


def decided(result: MatchResult, catalog_id: str | None) -> MatchResult:
    """The result as the user decided it (pure). `catalog_id` must be one of its
    candidates; None marks the entry as not in the catalog."""
    if catalog_id is NO_MATCH:
        noted = tuple(replace(c, note="rejected by the user") for c in result.candidates)
        return replace(result, status=MatchStatus.UNMATCHED, reason=USER_NO_MATCH, best=None,
                       candidates=noted)  # fmt: skip
    chosen = next((c for c in result.candidates if c.track.catalog_id == catalog_id), None)
    if chosen is None:
        raise InputError(f"{catalog_id} is not a candidate of entry {result.entry_index}")
    chosen = replace(chosen, note=USER_CHOICE)
    others = tuple(
        replace(c, note="not chosen by the user") for c in result.candidates if c is not chosen
    )
    return replace(result, status=MatchStatus.MATCHED, confidence=chosen.confidence,
                   reason=USER_CHOICE, best=chosen, candidates=(chosen, *others))  # fmt: skip


def apply_review(
    journal: Journal, batch_id: str, playlist_id: int, entry_index: int, catalog_id: str | None
) -> tuple[MatchResult, Path | None]:
    """Record the decision and rewrite the playlist's outputs when they were written.
    Returns the new result and the output folder (None if the playlist has none yet)."""
    result = journal.result(batch_id, playlist_id, entry_index)
    if result is None:
        raise InputError(f"no result for entry {entry_index} of playlist {playlist_id}")
    new = decided(result, catalog_id)
    journal.update_result(batch_id, playlist_id, new)
    record = next((p for p in journal.playlists(batch_id) if p.playlist_id == playlist_id), None)
    batch = journal.batch(batch_id)
    if record is None or batch is None or not record.out_dir:
        return new, None
    folder = Path(record.out_dir)
    playlist = next(
        (p for p in read_playlists(Path(record.source), [record.name]) if p.name == record.name),
        None,
    )
    if playlist is None:
        return new, None
    write_playlist_outputs(
        folder, playlist, lambda: journal.iter_results(batch_id, playlist_id),
        provider=batch.config.get("provider", "local"), preset=batch.config.get("preset", ""),
        partial=not record.finished,
    )  # fmt: skip
    batch_xml = Path(batch.out_dir) / BATCH_XML
    if batch.out_dir and batch_xml.is_file():
        written = [p for p in journal.playlists(batch_id) if p.out_dir]
        write_batch_xml(batch_xml, [(p.name, Path(p.out_dir) / "enriched.xml") for p in written])
    return new, folder
