"""write_playlist_outputs from a stream: a long playlist's results are read afresh from
the journal for each audit file instead of held at once; the files must not change."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from matcher import outputs as outputs_package
from matcher.model import MatchStatus
from matcher.outputs import OUTPUT_FILES, write_playlist_outputs


def written(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES.values()}


def test_streamed_results_write_the_same_files_as_a_list(tmp_path, make, mixed_results):
    playlist, results = mixed_results
    review = next(r for r in results if r.status is MatchStatus.REVIEW)
    third = make.Candidate(make.track("cat-b3", title="Close Call", mix="Edit"), 0.5, {}, {})
    deep = replace(review, candidates=(*review.candidates, third))  # beyond the light copy
    results = [deep if r is review else r for r in results]
    in_order = sorted(results, key=lambda r: r.entry_index)
    reads: list[int] = []

    def stream():  # what the journal gives: one per entry, in entry order
        reads.append(1)
        yield from in_order

    options = {"provider": "local", "preset": "balanced", "elapsed_s": 1.5}
    write_playlist_outputs(tmp_path / "list", playlist, results, **options)
    write_playlist_outputs(tmp_path / "stream", playlist, stream, **options)

    assert written(tmp_path / "stream") == written(tmp_path / "list")
    assert b"cat-b3" in (tmp_path / "stream" / "candidates.csv").read_bytes()
    assert b"cat-b2" in (tmp_path / "stream" / "review.csv").read_bytes()  # the runner-up
    assert len(reads) == 3  # a light pass, then candidates.csv and queries.csv


def test_entry_index_counts_from_0_in_every_csv_and_says_so(tmp_path, mixed_results):
    """Issue 15: the CSVs' entry_index and the window's "#" must not leave anyone
    guessing. entry_index is the 0-based position in every CSV (DESIGN.md's contract);
    the window's "#" is the 1-based position; both places that describe the files say so."""
    playlist, results = mixed_results
    out = write_playlist_outputs(tmp_path / "o", playlist, results, provider="l", preset="p")
    positions = {e.entry_index for e in playlist.entries}
    assert positions == set(range(len(playlist.entries)))  # the playlist's first entry is 0
    for kind in ("matches", "candidates", "queries", "review", "missing"):
        with out.files[kind].open(newline="", encoding="utf-8") as handle:
            seen = {int(row["entry_index"]) for row in csv.DictReader(handle)}
        assert seen <= positions, kind
    with out.matches.open(newline="", encoding="utf-8") as handle:
        assert [int(r["entry_index"]) for r in csv.DictReader(handle)] == [0, 1, 2, 3]

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    for text in (" ".join((outputs_package.__doc__ or "").split()), readme):
        assert "0-based" in text or "counted from 0" in text
        assert "entry_index + 1" in text or "`entry_index` + 1" in text
