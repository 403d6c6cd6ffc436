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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

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
    check_prologue,
    check_root,
    set_attribute,
    split_path,
    write_document,
)

__all__ = ["collection_tracks", "write_rekordbox_rewrite"]

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
class _Scanned:
    """Pass 1's answer."""

    root_attrs: dict[str, str]
    product: dict[str, str]
    notation: str
    node: PlaylistNode | None
    track_ids: set[str] | None  # the COLLECTION's TrackIDs; None past MAX_TRACK_IDS


def _scan(source: Path, playlist: Playlist) -> _Scanned:
    """Pass 1: root and PRODUCT attributes, the key notation, the playlist's NODE, and
    the COLLECTION's TrackIDs (so pass 2 need not read it again for a KeyType 0 node)."""
    target, leaf = playlist.name, playlist.name.rsplit("/", 1)[-1]
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
    best = max(found, key=lambda n: _candidate_score(n, playlist), default=None)
    return _Scanned(root_attrs, product, notation, best, track_ids)


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


class _Resolver:
    """Which playlist Key a COLLECTION TRACK answers to, if any."""

    def __init__(self, node: PlaylistNode) -> None:
        self.by_location = node.key_type == "1"
        self.refs = set(node.refs)
        self.loose = {same_location_key(r): r for r in node.refs} if self.by_location else {}

    def ref_of(self, track: etree._Element) -> str | None:
        if not self.by_location:
            ref = track.get("TrackID", "")
            return ref if ref in self.refs else None
        location = track.get("Location", "")
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


def _enriched_tracks(
    source: Path,
    resolver: _Resolver,
    lookup: dict[str, MatchResult],
    notation: str,
) -> Iterator[etree._Element]:
    seen: set[str] = set()
    for track in collection_tracks(source):
        ref = resolver.ref_of(track)
        if ref is None or ref in seen:
            continue
        seen.add(ref)
        location = track.get("Location", "")
        keys = ("id:" + track.get("TrackID", ""), "ref:" + ref, "id:" + location)
        result = next((lookup[k] for k in keys if k in lookup), None)
        if result is None and location:
            result = lookup.get("loc:" + same_location_key(location))
        if result is not None and result.track is not None:
            for name, value in fill_fields(track.attrib, result.track, notation).items():
                set_attribute(track, name, value)
        yield track


def write_rekordbox_rewrite(
    handle: IO[bytes],
    playlist: Playlist,
    results: Sequence[MatchResult],
    index: DocumentIndex | None = None,
) -> int:
    """Write `enriched.xml` for a Rekordbox playlist to `handle`; returns the TRACK count
    (`index`: see `write_document`).

    When the playlist's NODE cannot be found by name the playlist is rebuilt from the
    entries' TrackIDs, in entry order.
    """
    source = playlist.source
    try:
        check_prologue(source)
        scanned = _scan(source, playlist)
        root_attrs, product, notation = scanned.root_attrs, scanned.product, scanned.notation
        node = scanned.node
        if node is None:
            refs = tuple(e.source_id for e in playlist.entries if e.source_id)
            node = PlaylistNode(tuple(split_path(playlist.name)), "0", refs)
        lookup = _result_lookup(results, playlist, node)
        resolver = _Resolver(node)
        ids = scanned.track_ids
        if ids is not None and not resolver.by_location:  # a Key is a TrackID: known
            resolved = {ref for ref in node.refs if ref in ids}
        else:
            resolved = {ref for t in collection_tracks(source) if (ref := resolver.ref_of(t))}
        kept = PlaylistNode(node.path, node.key_type, tuple(r for r in node.refs if r in resolved))
        return write_document(
            handle,
            root_attrs=root_attrs,
            product_attrs=product or {"Name": "rekordbox"},
            tracks=_enriched_tracks(source, resolver, lookup, notation),
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
