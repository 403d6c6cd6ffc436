"""A review decision reaches every output that shows the entry (matcher/engine/review.py),
the batch's enriched_batch.xml included: a batch is imported into Rekordbox as one file,
so a decision that changed only the playlist's own enriched.xml would be lost there."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from matcher.cli import main
from matcher.demo import DEMO_CATALOG, DEMO_PLAYLISTS, demo_dir
from matcher.engine.journal import Journal
from matcher.engine.review import NO_MATCH, apply_review
from matcher.model import MatchStatus
from matcher.outputs import BATCH_XML
from matcher.outputs.locations import file_url


def _tracks(xml: Path) -> dict[str, etree._Element]:
    """The COLLECTION's TRACKs by Location."""
    root = etree.parse(str(xml), etree.XMLParser(resolve_entities=False)).getroot()
    return {t.get("Location", ""): t for t in root.iterfind("COLLECTION/TRACK")}


def test_a_review_decision_is_written_into_the_batch_xml(tmp_path: Path) -> None:
    out = tmp_path / "out"
    folder = demo_dir()
    args = ["match", *(str(folder / n) for n in DEMO_PLAYLISTS), "--all-playlists",
            "--catalog", str(folder / DEMO_CATALOG), "--workers", "1", "--out", str(out),
            "--quiet"]  # fmt: skip
    assert main(args) == 0
    with Journal.open() as journal:
        (batch,) = journal.batches(1)
        record = next(p for p in journal.playlists(batch.batch_id) if p.format == "m3u")
        matched = next(
            r for r in journal.iter_results(batch.batch_id, record.playlist_id)
            if r.status == MatchStatus.MATCHED and not r.entry.label and r.track.label
        )  # fmt: skip
        location = file_url(matched.entry.location)
        before = _tracks(out / BATCH_XML)[location]
        assert before.get("Label") == matched.track.label  # filled from the catalog

        apply_review(journal, batch.batch_id, record.playlist_id, matched.entry_index, NO_MATCH)

    after = _tracks(out / BATCH_XML)
    assert after[location].get("Label") == ""  # no match: nothing filled any more
    own = _tracks(Path(record.out_dir) / "enriched.xml")[location]
    assert own.get("Label") == ""  # and the playlist's own XML agrees
