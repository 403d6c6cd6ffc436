"""enriched.xml against real Rekordbox exports (read in place from ../shared).

For every non-empty playlist of every real file: the kept TRACKs are exactly the ones
the playlist references, their children are unchanged, and no value a user filled is
changed even when every entry is matched to a catalog track with every field set.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from matcher.model import Candidate, CatalogTrack, MatchResult, MatchStatus, Playlist
from matcher.model import PlaylistEntry as Entry
from matcher.outputs.enrich import ENRICHED_FIELDS
from matcher.outputs.writer import write_enriched

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"
FILES = sorted(SHARED.glob("realfiles/rekordbox-xml__*.xml")) + [
    p for p in sorted(SHARED.glob("devset/playlists/rekordbox_*.xml")) if "stress" not in p.name
]
FILLABLE = set(ENRICHED_FIELDS)
PLACEHOLDERS = {"", "0", "0.00"}
CATALOG = CatalogTrack(
    "cat", "T", mix="Mix", artists=("A",), remixers=("R",), label="Lab", genre="G",
    release="Rel", release_date="2001-01-01", bpm=99.0, key="E Minor", duration_s=300.0,
)  # fmt: skip


def playlists_in(path: Path) -> list[tuple[str, str, list[str]]]:
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    found = []

    def walk(node, names):
        for child in node.findall("NODE"):
            here = [*names, child.get("Name", "")]
            if child.get("Type") == "1" and len(child):
                keys = [t.get("Key", "") for t in child.findall("TRACK")]
                found.append(("/".join(here), child.get("KeyType", "0"), keys))
            walk(child, here)

    walk(root.find("PLAYLISTS/NODE"), [])
    return found


def cases():
    if not SHARED.is_dir():
        return [pytest.param(None, None, marks=pytest.mark.skip("../shared is absent"))]
    out = []
    for path in FILES:
        for name, _, _ in playlists_in(path)[:3]:
            out.append(pytest.param(path, name, id=f"{path.name[:40]}:{name[:30]}"))
    return out


def every_entry_matched(path: Path, name: str) -> tuple[str, list[str], Playlist, list]:
    """The playlist `name` of `path` (its KeyType and Keys), each entry matched to
    CATALOG, a track with every field set."""
    if path is None:
        pytest.skip("../shared is absent")
    _, key_type, keys = next(p for p in playlists_in(path) if p[0] == name)
    entries = tuple(Entry(path.name, name, i, source_id=k) for i, k in enumerate(keys))
    playlist = Playlist(path, name, "rekordbox", entries)
    best = Candidate(CATALOG, 0.99)
    results = [MatchResult(e, MatchStatus.MATCHED, 0.99, "local", "ok", best) for e in entries]
    return key_type, keys, playlist, results


@pytest.mark.parametrize(("path", "name"), cases())
def test_real_rekordbox_playlist_round_trip(tmp_path, path, name):
    key_type, keys, playlist, results = every_entry_matched(path, name)
    out = tmp_path / "enriched.xml"
    write_enriched(out, playlist, results)

    original_root = etree.parse(str(path)).getroot()
    attr = "Location" if key_type == "1" else "TrackID"
    originals = {t.get(attr): t for t in original_root.find("COLLECTION")}
    written = etree.parse(str(out)).getroot()
    kept = list(written.find("COLLECTION"))
    resolvable = [k for k in keys if k in originals]
    assert written.find("COLLECTION").get("Entries") == str(len(kept))
    assert {t.get(attr) for t in kept} == set(resolvable)
    node = written.find("PLAYLISTS/NODE")
    for _ in name.split("/")[:-1]:
        node = node.find("NODE")
        assert node.get("Type") == "0"
    node = node.find("NODE")
    assert node.get("Entries") == str(len(resolvable))
    assert [t.get("Key") for t in node] == resolvable
    for track in kept:
        before = originals[track.get(attr)]
        assert [etree.tostring(c) for c in track] == [etree.tostring(c) for c in before]
        for key, value in before.attrib.items():
            if key not in FILLABLE or value.strip() not in PLACEHOLDERS:
                assert track.get(key) == value, key
        assert set(track.attrib) >= set(before.attrib)


def ahead_cases():
    stress = SHARED / "devset" / "playlists" / "rekordbox_stress_10k.xml"
    extra = []
    if stress.is_file():
        extra = [pytest.param(stress, playlists_in(stress)[0][0], id="stress-10k")]
    return cases() + extra


@pytest.mark.parametrize(("path", "name"), ahead_cases())
def test_real_rekordbox_playlist_prepared_ahead_gives_the_same_bytes(tmp_path, path, name):
    """The rewrite prepared while matching (rekordbox_ahead) against the plain one, on
    every real export: every entry matched to a track with every field set."""
    from matcher.outputs.rekordbox_ahead import prepare_rewrite
    from matcher.outputs.rekordbox_xml import DocumentIndex

    _, _, playlist, results = every_entry_matched(path, name)
    plain, ahead = DocumentIndex(), DocumentIndex()
    write_enriched(tmp_path / "plain.xml", playlist, results, plain)
    prepared = prepare_rewrite(path, name)
    assert prepared is not None
    write_enriched(tmp_path / "ahead.xml", playlist, results, ahead, prepared)
    assert (tmp_path / "ahead.xml").read_bytes() == (tmp_path / "plain.xml").read_bytes()
    assert (ahead.tracks, ahead.nodes, ahead.spans) == (plain.tracks, plain.nodes, plain.spans)
