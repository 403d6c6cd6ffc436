"""Batches written straight into a batch journal (real SQLite, through the journal's own
API) with the output folders a batch leaves: batch_summary.json naming the batch, a
matches.csv per playlist folder. What write-back reads, without matching anything."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from matcher.engine.journal import Journal
from matcher.model import Candidate, CatalogTrack, MatchResult, MatchStatus, PlaylistEntry

__all__ = ["BATCH", "MATCHED", "REVIEW", "Batches", "result", "track"]

MATCHED, REVIEW = MatchStatus.MATCHED, MatchStatus.REVIEW
BATCH = "20260301-220000-a1b2c3"


def track(catalog_id: str, key: str = "A Minor") -> CatalogTrack:
    return CatalogTrack(
        catalog_id, f"Title {catalog_id}", mix="Extended Mix", artists=("Pell Ardent",),
        remixers=("Nimo Fell",), label="Quarrystone", release="Quarry EP",
        release_date="2022-04-01", bpm=124.0, key=key, genre="Deep House", isrc="QZQRY2200001",
    )  # fmt: skip


def result(
    index: int,
    location: str,
    status: MatchStatus = MATCHED,
    catalog_id: str | None = None,
    playlist: str = "Peak",
    stamp: tuple[int, int] | None = None,
) -> MatchResult:
    entry = PlaylistEntry(f"{playlist}.m3u8", playlist, index, title=f"Song {index}",
                          artist="Pell Ardent", location=location)  # fmt: skip
    if status in (MatchStatus.UNMATCHED, MatchStatus.ERROR):
        return MatchResult(entry, status, 0.1, "local", "below threshold")
    best = Candidate(track(catalog_id or f"cat-{index}"), 0.9, {"title": 1.0})
    return MatchResult(entry, status, 0.9, "local", str(status), best, (best,),
                       file_stamp=stamp)  # fmt: skip


class Batches:
    """A journal in tmp_path, and batches written into it with their output folders."""

    def __init__(self, root: Path, journal: Journal) -> None:
        self.root = root
        self.journal = journal

    def add(
        self,
        playlists: dict[str, Sequence[MatchResult]],
        batch_id: str = BATCH,
        out: str = "out",
        sources: dict[str, Path] | None = None,
    ) -> Path:
        """A finished batch with these playlists' results; its output folder."""
        folder = self.root / out
        self.journal.create_batch(batch_id, config={}, inputs=[], out_dir=str(folder))
        for pid, (name, results) in enumerate(playlists.items()):
            source = (sources or {}).get(name, self.root / "lists" / f"{name}.m3u8")
            self.journal.add_playlist(batch_id, pid, file=f"{name}.m3u8", source=str(source),
                                      name=name, format="m3u", total=len(results))  # fmt: skip
            self.journal.record_results(batch_id, pid, list(results))
            (folder / name).mkdir(parents=True, exist_ok=True)
            (folder / name / "matches.csv").write_text("playlist_file\n", encoding="utf-8")
            self.journal.set_playlist_finished(batch_id, pid, str(folder / name))
        (folder / "batch_summary.json").write_text(json.dumps({"batch_id": batch_id}))
        return folder
