"""`enriched_batch.xml`: every playlist of a batch in one Rekordbox XML, so a collection
of 47 playlists is one import, not 47.

It is built from the playlists' own `enriched.xml` files (already cut down to their
tracks, filled in and free of entries Rekordbox cannot import), streamed twice so that
memory stays bounded by the number of tracks, never by their cues:

    1. index   each file's COLLECTION TRACKs get one new TrackID for the batch; a file
               named by several playlists (the same Location) is one TRACK, and a
               TRACK without a Location stays apart, per file; each playlist NODE's
               Keys are mapped to the new ids
    2. write   the COLLECTION, each track once with every attribute and child (beat
               grid, cues) kept, then every playlist as a NODE inside its folders
               (`Club/Peak` and `Club/Warm` share one `Club`), referencing its tracks
               by TrackID (KeyType 0)

Pass 1 reads each file's COLLECTION and playlist NODEs in one go, and each Location is
put in comparable form once for both passes (that decoding was most of pass 1's cost).
A file this process has just written is not read in pass 1 at all: its writer recorded
what it holds (`DocumentIndex`, value for value), and the record stands in for it while
the file's size and mtime are the ones recorded (a file rewritten since is read). Pass 2
then copies such a file's TRACKs as the bytes they are, only their TrackID changed,
instead of parsing and serializing each one again (the bytes are what serializing the
parsed element gives: the writer serialized it the same way).

Two playlists with the same folder path and name (two files each holding a "Set") keep
both: the second becomes "Set (2)".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from matcher.errors import OutputError
from matcher.outputs.atomic import atomic_open, describe_os_error
from matcher.outputs.locations import path_stamp, same_location_key
from matcher.outputs.rekordbox_new import product_attrs
from matcher.outputs.rekordbox_rewrite import collection_tracks
from matcher.outputs.rekordbox_xml import (
    PARSE_OPTIONS,
    DocumentIndex,
    PlaylistNode,
    check_prologue,
    set_attribute,
    split_path,
    write_document,
)

__all__ = ["BATCH_XML", "BatchXml", "write_batch_xml"]

BATCH_XML = "enriched_batch.xml"


@dataclass(frozen=True, slots=True)
class BatchXml:
    """What `write_batch_xml` wrote."""

    path: Path
    tracks: int  # COLLECTION TRACKs (a file in several playlists counts once)
    playlists: int  # playlist NODEs


class _Keys:
    """Track keys, each Location compared once (`same_location_key` decodes and
    normalises it: the costly part of indexing, and every track is keyed in both
    passes)."""

    def __init__(self) -> None:
        self._locations: dict[str, str] = {}

    def location(self, location: str) -> str:
        key = self._locations.get(location)
        if key is None:
            key = self._locations[location] = same_location_key(location)
        return key

    def key(self, track_id: str, location: str, file_index: int) -> str:
        if location:
            return "loc:" + self.location(location)
        return f"id:{file_index}:{track_id}"

    def track(self, track: etree._Element, file_index: int) -> str:
        return self.key(track.get("TrackID", ""), track.get("Location", ""), file_index)


@dataclass(slots=True)
class _Index:
    """Pass 1's answer: a new TrackID per track key, the playlists' NODEs, and the
    records that stood in for files (by file index), for pass 2 to copy from."""

    ids: dict[str, str]
    nodes: list[PlaylistNode]
    records: dict[int, DocumentIndex]


def _index(
    sources: Sequence[tuple[str, Path]], keys: _Keys, known: Mapping[str, DocumentIndex]
) -> _Index:
    ids: dict[str, str] = {}
    nodes: list[PlaylistNode] = []
    records: dict[int, DocumentIndex] = {}
    taken: set[tuple[str, ...]] = set()
    for file_index, (name, source) in enumerate(sources):
        by_id: dict[str, str] = {}
        by_location: dict[str, str] = {}
        recorded = known.get(str(source))
        if recorded is None or recorded.stamp is None or recorded.stamp != path_stamp(source):
            recorded = _read_file(source)  # not written by this process, or since rewritten
        elif len(recorded.spans) == len(recorded.tracks):
            records[file_index] = recorded
        for track_id, location in recorded.tracks:
            new = ids.setdefault(keys.key(track_id, location, file_index), str(len(ids) + 1))
            by_id.setdefault(track_id, new)
            if location:
                by_location.setdefault(keys.location(location), new)
        for path, key_type, refs_of in recorded.nodes or [(split_path(name), "0", [])]:
            if key_type == "1":
                refs = [by_location.get(keys.location(k)) for k in refs_of]
            else:
                refs = [by_id.get(k) for k in refs_of]
            unique = _unique_path(tuple(path) or tuple(split_path(name)), taken)
            nodes.append(PlaylistNode(unique, "0", tuple(r for r in refs if r)))
    return _Index(ids, nodes, records)


def _read_file(source: Path) -> DocumentIndex:
    """One pass over an enriched.xml: each TRACK of its (first) COLLECTION, in order, and
    its playlist NODEs (folder path and name, KeyType, Keys)."""
    found = DocumentIndex()
    in_collection = True  # until the first COLLECTION ends
    with open(source, "rb") as handle:
        tags = ("TRACK", "NODE", "COLLECTION")
        for _, node in etree.iterparse(handle, events=("end",), tag=tags, **PARSE_OPTIONS):
            tag = node.tag
            if tag == "TRACK":
                parent = node.getparent()
                if parent is not None and parent.tag == "COLLECTION":
                    if in_collection:
                        found.tracks.append((node.get("TrackID", ""), node.get("Location", "")))
                    node.clear(keep_tail=False)
                continue
            if tag == "COLLECTION":
                in_collection = False
                continue
            if node.get("Type") != "1":
                continue
            folders = [n.get("Name", "") for n in node.iterancestors("NODE")][::-1][1:]
            refs = [t.get("Key", "") for t in node.iterchildren("TRACK")]
            found.nodes.append(([*folders, node.get("Name", "")], node.get("KeyType", "0"), refs))
    return found


def _unique_path(path: tuple[str, ...], taken: set[tuple[str, ...]]) -> tuple[str, ...]:
    candidate, n = path, 1
    while candidate in taken:
        n += 1
        candidate = (*path[:-1], f"{path[-1]} ({n})")
    taken.add(candidate)
    return candidate


def _tracks(
    sources: Sequence[tuple[str, Path]], index: _Index, keys: _Keys
) -> Iterator[etree._Element | bytes]:
    written: set[str] = set()
    for file_index, (_, source) in enumerate(sources):
        recorded = index.records.get(file_index)
        if recorded is not None:
            if recorded.stamp != path_stamp(source):
                raise _StaleRecord(source)
            yield from _copied_tracks(source, recorded, file_index, index.ids, keys, written)
            continue
        for track in collection_tracks(source):
            key = keys.track(track, file_index)
            if key in written:
                continue
            written.add(key)
            set_attribute(track, "TrackID", index.ids[key])
            yield track


_TRACK_ID = b' TrackID="'


class _StaleRecord(Exception):
    """A file changed under its record (rewritten since pass 1, or within the clock's
    resolution so that its stamp did not change): the batch is written again from the
    files themselves."""


def _copied_tracks(
    source: Path,
    recorded: DocumentIndex,
    file_index: int,
    ids: dict[str, str],
    keys: _Keys,
    written: set[str],
) -> Iterator[etree._Element | bytes]:
    """A recorded file's TRACKs, each as its bytes with the new TrackID put in (a TRACK
    without one is parsed and given one, as pass 2 does for files it reads)."""
    with open(source, "rb") as handle:
        spans = zip(recorded.tracks, recorded.spans, strict=True)
        for (track_id, location), (offset, length) in spans:
            key = keys.key(track_id, location, file_index)
            if key in written:
                continue
            written.add(key)
            handle.seek(offset)
            data = handle.read(length)
            if not (data.startswith(b"<TRACK") and data.endswith(b">")):
                raise _StaleRecord(source)
            # no attribute value holds a quote or '>' as such (they are escaped), so the
            # start tag ends at the first '>' and ' TrackID="' can only start that attribute
            at = data.find(_TRACK_ID, 0, data.find(b">"))
            if at < 0:
                track = etree.fromstring(data, etree.XMLParser(**PARSE_OPTIONS))
                set_attribute(track, "TrackID", ids[key])
                yield track
                continue
            start = at + len(_TRACK_ID)
            end = data.index(b'"', start)
            yield data[:start] + ids[key].encode() + data[end:]


def write_batch_xml(
    path: Path,
    playlists: Sequence[tuple[str, Path]],
    known: Mapping[str, DocumentIndex] | None = None,
) -> BatchXml:
    """Write `path` from the playlists' (name, enriched.xml) in batch order; an
    enriched.xml that is not there (a playlist that never started) is passed over.
    `known`: what some of those files hold, by path, as their writer recorded it (read
    instead of the file while the file's stamp is the one recorded).
    Raises OutputError when a file cannot be read or the result cannot be written."""
    sources = [(name, Path(xml)) for name, xml in playlists if Path(xml).is_file()]
    try:
        for _, source in sources:
            check_prologue(source)
        try:
            return _write(Path(path), sources, known or {})
        except _StaleRecord:  # the partial file is gone (atomic_open): read every file
            return _write(Path(path), sources, {})
    except etree.XMLSyntaxError as err:
        raise OutputError(f"cannot write {path.name}: a playlist's XML is damaged ({err})") from err
    except OSError as err:
        raise OutputError(f"cannot write {path.name}: {describe_os_error(err)}") from err


def _write(
    path: Path, sources: Sequence[tuple[str, Path]], known: Mapping[str, DocumentIndex]
) -> BatchXml:
    keys = _Keys()
    index = _index(sources, keys, known)
    with atomic_open(path, "wb") as handle:
        written = write_document(
            handle,
            root_attrs={"Version": "1.0.0"},
            product_attrs=product_attrs(),
            tracks=_tracks(sources, index, keys),
            track_count=len(index.ids),
            nodes=index.nodes,
        )
    return BatchXml(path, written, len(index.nodes))
