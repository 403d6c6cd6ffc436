"""`enriched.xml` for a Rekordbox input: the user's own file, cut down and filled in.

A Rekordbox collection can be 100 MB, so the input is streamed with `iterparse`, three
times (twice for a playlist keyed by TrackID), each pass keeping memory bounded by the
playlist, never by the collection (beyond pass 1's bounded set of TrackIDs):

    1. scan     PRODUCT, the Tonality notation the file uses, and the playlist NODE
                (its folder path, KeyType, and the Keys it references)
    2. resolve  which of those Keys name a COLLECTION TRACK (dangling ones are dropped,
                so the Entries counts written in pass 3 are right); for Keys that are
                TrackIDs, from the TrackIDs pass 1 kept (up to MAX_TRACK_IDS: a few
                MB), without reading the collection again
    3. write    the kept TRACKs, every attribute and child (TEMPO, POSITION_MARK, ...)
                preserved and empty fields filled from matched catalog tracks, then the
                playlist NODE under ROOT inside its original folder nodes

Tracks are matched to results by TrackID (`entry.source_id`), by the playlist's Keys
in order when they line up with the entries, or by Location (KeyType="1" playlists).

Passes 1 and 2, and the serializing of pass 3, need no result: the engine does them
while the playlist is matched (`rekordbox_ahead.prepare_rewrite`), and this writer then
only fills in the TRACKs it was handed, when the source is still that file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from lxml import etree

from matcher.errors import InputError, OutputError, PlaylistParseError, UnsafeXmlError
from matcher.matching.keys import detect_notation
from matcher.model import MatchResult, MatchStatus, Playlist
from matcher.outputs.atomic import describe_os_error
from matcher.outputs.enrich import fill_fields
from matcher.outputs.locations import same_location_key
from matcher.outputs.rekordbox_xml import (
    PARSE_OPTIONS,
    DocumentIndex,
    PlaylistNode,
    SerializedTrack,
    check_prologue,
    check_root,
    set_attribute,
    split_path,
    write_document,
)

if TYPE_CHECKING:
    from matcher.outputs.rekordbox_ahead import PreparedRewrite

__all__ = [
    "Finder",
    "Resolver",
    "Scanned",
    "collection_tracks",
    "node_of",
    "result_finder",
    "scan_source",
    "write_rekordbox_rewrite",
]

_MAX_DISTINCT_KEYS = 512  # Tonality spellings sampled for the notation vote
MAX_TRACK_IDS = 250_000  # TrackIDs pass 1 keeps for pass 2 (a few MB at most)


def _drop(element: etree._Element) -> None:
    """Free a handled element and the siblings before it (what keeps iterparse small)."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _candidate_score(node: PlaylistNode, playlist: Playlist) -> tuple[bool, bool]:
    ids = tuple(e.source_id for e in playlist.entries)
    return node.refs == ids, "/".join(node.path) == playlist.name


@dataclass(slots=True)
class Scanned:
    """Pass 1's answer."""

    root_attrs: dict[str, str]
    product: dict[str, str]
    notation: str
    found: list[PlaylistNode]  # the NODEs that may be the playlist (see `_node_of`)
    track_ids: set[str] | None  # the COLLECTION's TrackIDs; None past MAX_TRACK_IDS


def scan_source(
    source: Path, name: str, keep: Callable[[etree._Element], None] | None = None
) -> Scanned:
    """Pass 1: root and PRODUCT attributes, the key notation, the NODEs that may be the
    playlist `name`, and the COLLECTION's TrackIDs (so pass 2 need not read it again
    for a KeyType 0 node). It reads the file only, never the playlist's entries.
    `keep` is handed each TRACK `collection_tracks` gives, in its order, before the
    TRACK is freed."""
    target, leaf = name, name.rsplit("/", 1)[-1]
    root_attrs: dict[str, str] = {"Version": "1.0.0"}
    product: dict[str, str] = {}
    keys: Counter[str] = Counter()
    stack: list[str | None] = []
    found: list[PlaylistNode] = []
    capture: list[str] | None = None
    capture_depth, capture_info = 0, ((), "0")
    track_ids: set[str] | None = set()
    in_collection = True  # until the first COLLECTION ends (where pass 2 stops)
    tags = ("DJ_PLAYLISTS", "PRODUCT", "TRACK", "NODE", "COLLECTION")
    with open(source, "rb") as handle:
        for event, el in etree.iterparse(
            handle, events=("start", "end"), tag=tags, **PARSE_OPTIONS
        ):
            tag = el.tag
            if event == "start":
                if tag == "DJ_PLAYLISTS":
                    check_root(el, source)
                    root_attrs = dict(el.attrib)
                elif tag == "NODE":
                    parent = el.getparent()
                    is_root = parent is not None and parent.tag == "PLAYLISTS"
                    stack.append(None if is_root else el.get("Name", ""))
                    path = tuple(n for n in stack if n is not None)
                    if el.get("Type") == "1" and path and path[-1] in (target, leaf):
                        capture, capture_depth = [], len(stack)
                        capture_info = (path, el.get("KeyType", "0") or "0")
                continue
            if tag == "PRODUCT":
                product = dict(el.attrib)
            elif tag == "COLLECTION":
                in_collection = False
            elif tag == "TRACK":
                parent = el.getparent()
                if parent is not None and parent.tag == "COLLECTION":
                    value = (el.get("Tonality") or "").strip()
                    if value and (value in keys or len(keys) < _MAX_DISTINCT_KEYS):
                        keys[value] += 1
                    if track_ids is not None and in_collection:
                        track_ids.add(el.get("TrackID", ""))
                        if len(track_ids) > MAX_TRACK_IDS:
                            track_ids = None  # memory bounded: pass 2 reads them again
                    if keep is not None and in_collection:
                        keep(el)
                elif capture is not None:
                    capture.append(el.get("Key", ""))
                _drop(el)
            elif tag == "NODE":
                if capture is not None and len(stack) == capture_depth:
                    found.append(PlaylistNode(capture_info[0], capture_info[1], tuple(capture)))
                    capture = None
                stack.pop()
                if capture is None:
                    _drop(el)
    notation = detect_notation(list(keys.elements()))
    return Scanned(root_attrs, product, notation, found, track_ids)


def node_of(scanned: Scanned, playlist: Playlist) -> PlaylistNode:
    """The playlist's NODE: of those found by name, the one whose Keys are the entries'
    TrackIDs; when none was found, one rebuilt from those TrackIDs in entry order."""
    best = max(scanned.found, key=lambda n: _candidate_score(n, playlist), default=None)
    if best is not None:
        return best
    refs = tuple(e.source_id for e in playlist.entries if e.source_id)
    return PlaylistNode(tuple(split_path(playlist.name)), "0", refs)


def collection_tracks(source: Path) -> Iterator[etree._Element]:
    """The COLLECTION's TRACK elements, one at a time; stops at the end of COLLECTION."""
    with open(source, "rb") as handle:
        for _, el in etree.iterparse(
            handle, events=("end",), tag=("TRACK", "COLLECTION"), **PARSE_OPTIONS
        ):
            if el.tag == "COLLECTION":
                return
            parent = el.getparent()
            if parent is None or parent.tag != "COLLECTION":
                continue
            yield el
            _drop(el)


class Resolver:
    """Which playlist Key a COLLECTION TRACK answers to, if any."""

    def __init__(self, node: PlaylistNode) -> None:
        self.by_location = node.key_type == "1"
        self.refs = set(node.refs)
        self.loose = {same_location_key(r): r for r in node.refs} if self.by_location else {}

    def ref_of(self, track: etree._Element) -> str | None:
        return self.ref_for(track.get("TrackID", ""), track.get("Location", ""))

    def ref_for(self, track_id: str, location: str) -> str | None:
        """`ref_of` a TRACK with this TrackID and Location."""
        if not self.by_location:
            return track_id if track_id in self.refs else None
        if location in self.refs:
            return location
        return self.loose.get(same_location_key(location))


def _result_lookup(
    results: Sequence[MatchResult], playlist: Playlist, node: PlaylistNode
) -> dict[str, MatchResult]:
    """Matched results keyed by "id:<source id>", "ref:<playlist Key>", "loc:<path>"."""
    matched = [r for r in results if r.status == MatchStatus.MATCHED and r.track]
    lookup: dict[str, MatchResult] = {}
    for r in matched:
        if r.entry.source_id:
            lookup.setdefault("id:" + r.entry.source_id, r)
        if r.entry.location:
            lookup.setdefault("loc:" + same_location_key(r.entry.location), r)
    if len(node.refs) == len(playlist.entries):
        by_index = {r.entry_index: r for r in matched}
        for index, ref in enumerate(node.refs):
            if index in by_index:
                lookup.setdefault("ref:" + ref, by_index[index])
    return lookup


Finder = Callable[[str, str, str], MatchResult | None]  # (TrackID, Key, Location) -> result


def result_finder(results: Sequence[MatchResult], playlist: Playlist, node: PlaylistNode) -> Finder:
    """`find(track_id, ref, location)`: the matched result a COLLECTION TRACK (its
    TrackID, the playlist Key it answers to, its Location) is filled from, if any."""
    lookup = _result_lookup(results, playlist, node)

    def find(track_id: str, ref: str, location: str) -> MatchResult | None:
        for key in ("id:" + track_id, "ref:" + ref, "id:" + location):
            if key in lookup:
                return lookup[key]
        return lookup.get("loc:" + same_location_key(location)) if location else None

    return find


def _enriched_tracks(
    source: Path, resolver: Resolver, find: Finder, notation: str
) -> Iterator[etree._Element]:
    seen: set[str] = set()
    for track in collection_tracks(source):
        ref = resolver.ref_of(track)
        if ref is None or ref in seen:
            continue
        seen.add(ref)
        result = find(track.get("TrackID", ""), ref, track.get("Location", ""))
        if result is not None and result.track is not None:
            for name, value in fill_fields(track.attrib, result.track, notation).items():
                set_attribute(track, name, value)
        yield track


def write_rekordbox_rewrite(
    handle: IO[bytes],
    playlist: Playlist,
    results: Sequence[MatchResult],
    index: DocumentIndex | None = None,
    prepared: PreparedRewrite | None = None,
) -> int:
    """Write `enriched.xml` for a Rekordbox playlist to `handle`; returns the TRACK count
    (`index`: see `write_document`).

    When the playlist's NODE cannot be found by name the playlist is rebuilt from the
    entries' TrackIDs, in entry order. `prepared` (`rekordbox_ahead.prepare_rewrite`,
    done while the playlist was matched) stands in for passes 1 and 2 while the source
    is the file it read; its TRACKs, serialized already, are filled in as bytes.
    """
    source = playlist.source
    try:
        check_prologue(source)
        if prepared is not None and not prepared.describes(source):
            prepared = None  # the file changed since: read it again
        scanned = prepared.scanned if prepared is not None else scan_source(source, playlist.name)
        root_attrs, product, notation = scanned.root_attrs, scanned.product, scanned.notation
        node = node_of(scanned, playlist)
        find = result_finder(results, playlist, node)
        resolver = Resolver(node)
        tracks: Iterable[etree._Element | SerializedTrack]
        if prepared is not None and prepared.copies is not None and prepared.node == node:
            resolved = prepared.resolved()
            tracks = prepared.filled(find, notation)
        else:
            ids = scanned.track_ids
            if ids is not None and not resolver.by_location:  # a Key is a TrackID: known
                resolved = {ref for ref in node.refs if ref in ids}
            else:
                resolved = {ref for t in collection_tracks(source) if (ref := resolver.ref_of(t))}
            tracks = _enriched_tracks(source, resolver, find, notation)
        kept = PlaylistNode(node.path, node.key_type, tuple(r for r in node.refs if r in resolved))
        return write_document(
            handle,
            root_attrs=root_attrs,
            product_attrs=product or {"Name": "rekordbox"},
            tracks=tracks,
            track_count=len(resolved),
            node=kept,
            index=index,
        )
    except etree.XMLSyntaxError as err:
        raise PlaylistParseError(f"{source.name}: not valid XML ({err})") from err
    except UnsafeXmlError:
        raise
    except InputError as err:  # the source vanished or became unreadable since it was read
        raise OutputError(f"cannot write enriched.xml: cannot read {source}: {err}") from err
    except OSError as err:
        if isinstance(err, FileNotFoundError) or err.filename == str(source):
            raise OutputError(
                f"cannot write enriched.xml: cannot read {source}: {describe_os_error(err)}"
            ) from err
        raise
