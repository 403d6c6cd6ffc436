"""Write-back into real Traktor collections (copies), checked with the project's NML
reader, with traktor-nml-utils (a second reader) or lxml, byte by byte outside the
entries written, and undone byte-identical from the backup."""

from __future__ import annotations

import gc
import hashlib
import warnings
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from matcher.engine.journal import Journal
from matcher.matching.keys import parse_key
from matcher.playlists import nml
from matcher.playlists.select import COLLECTION
from matcher.writeback import WriteJournal
from matcher.writeback.errors import LibraryChanged, LibraryMalformed
from matcher.writeback.libraries import backups_dir, plan_write, undo_library, write_plan
from matcher.writeback.libraries.nml_text import parse
from matcher.writeback.libraries.traktor import location_key, modified_stamp
from matcher.writeback.plan import PlanStatus
from matcher.writeback.policy import WHY_EMPTY
from matcher.writeback.targets import WriteOptions
from tests.matcher.writeback.libraries.nml_setup import COLLECTIONS, copy_collection, nml_batch


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def entries_by_location(data: bytes) -> dict[str, bytes]:
    """Each collection ENTRY's bytes, by its location."""
    root = parse(data)
    collection = root.child("COLLECTION")
    assert collection is not None
    out = {}
    for entry in collection.children:
        loc = entry.child("LOCATION")
        if loc is not None:
            parts = (loc.attr(data, a) or "" for a in ("VOLUME", "DIR", "FILE"))
            out.setdefault(location_key(nml.local_path(*parts)), data[entry.start : entry.end])
    return out


def second_reader(path: Path) -> tuple[dict[str, dict[str, object]], dict[str, list[str]]]:
    """Fields by location and the $ROOT playlists (name -> PRIMARYKEYs), read by
    traktor-nml-utils when installed, else by lxml."""
    try:
        from traktor_nml_utils import TraktorCollection
    except ImportError:
        return _lxml_reader(path)
    with warnings.catch_warnings():  # it leaves the file open (its bug, not ours)
        warnings.simplefilter("ignore", ResourceWarning)
        nml_file = TraktorCollection(path=path).nml
        gc.collect()
    fields = {}
    for e in nml_file.collection.entry:
        loc = e.location
        key = location_key(nml.local_path(loc.volume or "", loc.dir or "", loc.file or ""))
        info = e.info
        fields.setdefault(key, {
            "genre": info.genre if info else None, "label": info.label if info else None,
            "key": info.key if info else None, "remixer": info.remixer if info else None,
            "mix": info.mix if info else None,
            "release_date": info.release_date if info else None,
            "bpm": e.tempo.bpm if e.tempo else None,
            "musical_key": e.musical_key.value_attribute if e.musical_key else None,
            "modified": (e.modified_date, e.modified_time),
        })  # fmt: skip
    playlists = {
        node.name: [x.primarykey.key for x in node.playlist.entry]
        for node in nml_file.playlists.node.subnodes.node
        if node.playlist is not None
    }
    return fields, playlists


def _lxml_reader(path: Path) -> tuple[dict[str, dict[str, object]], dict[str, list[str]]]:
    root = etree.parse(str(path)).getroot()
    fields = {}
    for e in root.find("COLLECTION").iter("ENTRY"):
        loc, info, tempo, mk = (e.find(n) for n in ("LOCATION", "INFO", "TEMPO", "MUSICAL_KEY"))
        key = location_key(nml.local_path(loc.get("VOLUME", ""), loc.get("DIR", ""),
                                          loc.get("FILE", "")))  # fmt: skip
        get = (dict(info.attrib) if info is not None else {}).get
        fields.setdefault(key, {
            "genre": get("GENRE"), "label": get("LABEL"), "key": get("KEY"),
            "remixer": get("REMIXER"), "mix": get("MIX"), "release_date": get("RELEASE_DATE"),
            "bpm": float(tempo.get("BPM")) if tempo is not None else None,
            "musical_key": int(mk.get("VALUE")) if mk is not None else None,
            "modified": (e.get("MODIFIED_DATE"), int(e.get("MODIFIED_TIME", "-1"))),
        })  # fmt: skip
    playlists = {
        n.get("NAME"): [k.get("KEY") for k in n.iter("PRIMARYKEY")]
        for n in root.find("PLAYLISTS/NODE/SUBNODES").findall("NODE")
        if n.get("TYPE") == "PLAYLIST"
    }
    return fields, playlists


@pytest.mark.parametrize("name", COLLECTIONS, ids=lambda n: n.split("__")[1])
def test_round_trip_on_a_real_collection(
    name: str, shared: Path, tmp_path: Path, batch_journal: Journal, writes: WriteJournal
) -> None:
    library = copy_collection(shared, name, tmp_path / "traktor")
    original = library.read_bytes()
    batch = nml_batch(tmp_path, batch_journal, library)
    options = WriteOptions(overwrite=True, key_notation="openkey", target="traktor")
    plan = plan_write("traktor", library, batch_journal, [batch.out], options)

    by_path = {location_key(p.path): p for p in plan.plans}
    assert by_path[location_key(batch.missing)].reason == "not in the Traktor collection"
    assert len(plan.found) == len(set(map(location_key, batch.matched)))  # review left out
    started = modified_stamp(datetime.now())
    write_id = write_plan(plan, options, writes)
    stamps = (started, modified_stamp(datetime.now()))
    assert (backups_dir() / write_id / library.name).read_bytes() == original

    # the project's reader: the new values, and the playlist in order
    written = {location_key(e.location): e for e in nml.iter_collection(library)}
    for location in batch.matched:
        entry = written[location_key(location)]
        assert (entry.genre, entry.label, entry.key) == ("Deep House", "Quarrystone", "1m")
        assert parse_key(entry.key) == parse_key("A Minor")
        assert entry.bpm == pytest.approx(124.0, abs=0.005)  # 124.000465 is 124 already
        assert (str(entry.year)[:4], entry.remixer, entry.mix) == (
            "2022", "Nimo Fell", "Extended Mix")  # fmt: skip
    tree = nml.scan(library)
    assert plan.playlist in tree.keys
    chosen = nml.load(library, tree, [plan.playlist])[0]
    expected = list(dict.fromkeys(location_key(m) for m in batch.matched))
    assert [location_key(e.location) for e in chosen.entries] == expected
    (tmp_path / "original.nml").write_bytes(original)
    count = len(nml.load(tmp_path / "original.nml", nml.NmlTree((), {}), [COLLECTION])[0].entries)
    assert len(list(nml.iter_collection(library))) == count

    # a second reader: the same fields and the playlist
    fields, playlists = second_reader(library)
    for location in batch.matched:
        got = fields[location_key(location)]
        assert (got["genre"], got["label"], got["key"], got["remixer"], got["mix"]) == (
            "Deep House", "Quarrystone", "1m", "Nimo Fell", "Extended Mix")  # fmt: skip
        assert got["bpm"] == pytest.approx(124.0, abs=0.005)
        assert (got["musical_key"], got["release_date"]) == (21, "2022/1/1")
        stamp = {"MODIFIED_DATE": got["modified"][0], "MODIFIED_TIME": str(got["modified"][1])}
        assert stamp in stamps or stamps[0]["MODIFIED_DATE"] != stamps[1]["MODIFIED_DATE"] or (
            int(stamps[0]["MODIFIED_TIME"]) <= int(stamp["MODIFIED_TIME"])
            <= int(stamps[1]["MODIFIED_TIME"]))  # fmt: skip
    assert len(playlists[plan.playlist]) == len(expected)

    # every other entry unchanged, byte for byte; nothing but entries and playlists moved
    before, after = entries_by_location(original), entries_by_location(library.read_bytes())
    touched = {location_key(m) for m in batch.matched}
    assert before.keys() == after.keys()
    for key in touched:  # stamped as Traktor stamps an edit (a clock may tick meanwhile)
        entry = parse(after[key])
        got = {a: entry.attr(after[key], a) for a in ("MODIFIED_DATE", "MODIFIED_TIME")}
        assert got["MODIFIED_DATE"] in {s["MODIFIED_DATE"] for s in stamps}
        assert int(stamps[0]["MODIFIED_TIME"]) <= int(got["MODIFIED_TIME"] or -1) or (
            got["MODIFIED_DATE"] != stamps[0]["MODIFIED_DATE"])  # fmt: skip
    for key, data in before.items():
        if key not in touched:
            assert after[key] == data, key
    assert library.read_bytes().startswith(original[: original.find(b"<COLLECTION")])

    undone = undo_library(writes, write_id)
    assert undone.status == "restored"
    assert library.read_bytes() == original
    assert writes.write(write_id).state == "undone"


def test_fill_only_keeps_values_and_reports_why(
    shared: Path, tmp_path: Path, batch_journal: Journal, writes: WriteJournal
) -> None:
    library = copy_collection(shared, COLLECTIONS[2], tmp_path / "traktor")
    batch = nml_batch(tmp_path, batch_journal, library)
    plan = plan_write("traktor", library, batch_journal, [batch.out],
                      WriteOptions(target="traktor"))  # fmt: skip
    before = {location_key(e.location): e.genre for e in nml.iter_collection(library)}
    changes = [c for p in plan.plans if p.status is not PlanStatus.REFUSED for c in p.changes]
    assert changes and all(c.old == "" and c.why == WHY_EMPTY for c in changes)
    assert "isrc" not in {c.field for c in changes}  # Traktor keeps none
    write_id = write_plan(plan, WriteOptions(target="traktor"), writes)
    # the journal counts the library's files; what the write did to tracks is kept too
    kept = writes.write(write_id).options
    statuses = Counter("refused" if p.status is PlanStatus.REFUSED else
                       "written" if p.changes else "unchanged" for p in plan.plans)  # fmt: skip
    assert kept["tracks"] == dict(statuses) and kept["fields_written"] == len(changes)
    assert kept["playlist"] == plan.playlist and kept["playlist_tracks"] == len(plan.found)
    after = {location_key(e.location): e.genre for e in nml.iter_collection(library)}
    for location in map(location_key, batch.matched):
        assert after[location] == (before[location] or "Deep House")


def test_undo_refuses_a_changed_library_unless_forced(
    shared: Path, tmp_path: Path, batch_journal: Journal, writes: WriteJournal
) -> None:
    library = copy_collection(shared, COLLECTIONS[0], tmp_path / "traktor")
    original = library.read_bytes()
    batch = nml_batch(tmp_path, batch_journal, library, count=3)
    options = WriteOptions(overwrite=True, target="traktor")
    write_id = write_plan(plan_write("traktor", library, batch_journal, [batch.out], options),
                          options, writes)  # fmt: skip
    library.write_bytes(library.read_bytes() + b"\n")  # Traktor saved it meanwhile
    with pytest.raises(LibraryChanged, match="--force"):
        undo_library(writes, write_id)
    assert undo_library(writes, write_id, force=True).status == "restored"
    assert library.read_bytes() == original


def test_a_stale_plan_is_refused(
    shared: Path, tmp_path: Path, batch_journal: Journal, writes: WriteJournal
) -> None:
    library = copy_collection(shared, COLLECTIONS[0], tmp_path / "traktor")
    batch = nml_batch(tmp_path, batch_journal, library, count=3)
    options = WriteOptions(overwrite=True, target="traktor")
    plan = plan_write("traktor", library, batch_journal, [batch.out], options)
    library.write_bytes(library.read_bytes().replace(b"</NML>", b"</NML>\n"))
    with pytest.raises(LibraryChanged, match="changed since it was read"):
        write_plan(plan, options, writes)
    assert writes.writes() == ()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"<NML><COLLECTION>", id="unclosed"),
        pytest.param(b"<?xml version='1.0'?><REKORDBOX/>", id="not-nml"),
        pytest.param(b"<NML VERSION='19'></NML>", id="no-collection"),
    ],
)
def test_a_damaged_collection_is_refused(
    data: bytes, tmp_path: Path, batch_journal: Journal
) -> None:
    library = tmp_path / "collection.nml"
    library.write_bytes(data)
    with pytest.raises(LibraryMalformed):
        plan_write("traktor", library, batch_journal, [tmp_path], WriteOptions())
