"""Most of a Rekordbox playlist's enriched.xml, made while the playlist is matched.

The rewrite (rekordbox_rewrite.py) reads the user's file twice once the last result is
in: for the devset stress playlist (10,000 tracks), 0.4 s of the 0.55 s between its last
result and the end of its batch, with every worker idle. Only the filling needs the
results. `prepare_rewrite` does the rest when the batch starts (the engine runs it on a
thread beside the matching): pass 1, then the COLLECTION TRACKs the playlist references,
in file order, each serialized as the writer serializes it, with the attributes
`fill_fields` reads (for a file of up to ONE_PASS_BYTES, one read does both, every
TRACK copied). `PreparedRewrite.filled` then fills a copy in its bytes, as
`set_attribute` and serializing would: an attribute the TRACK has gets its new value in
its place, a new one goes at the end of the start tag, escaped as libxml2 escapes it,
and a value XML cannot hold takes the element's way. Both ways give the same bytes
(tests hold them to it).

A preparation stands for the file whose size and mtime it saw before reading it
(`describes`): the writer reads a file changed since then again. The copies are kept up
to MAX_COPY_BYTES of memory (the stress playlist's 10,000 hold 11.8 MB); past that only
pass 1's answer is (the writer reads the rest).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from matcher.outputs.enrich import ENRICHED_FIELDS, fill_fields, fillable
from matcher.outputs.locations import path_stamp
from matcher.outputs.rekordbox_rewrite import (
    Finder,
    Resolver,
    Scanned,
    collection_tracks,
    scan_source,
)
from matcher.outputs.rekordbox_xml import (
    PARSE_OPTIONS,
    PlaylistNode,
    SerializedTrack,
    attribute_bytes,
    check_prologue,
    serialized,
    set_attribute,
)

__all__ = [
    "MAX_COPY_BYTES",
    "ONE_PASS_BYTES",
    "PreparedRewrite",
    "prepare_rewrite",
    "with_attributes",
]

MAX_COPY_BYTES = 96 * 1024 * 1024  # what a playlist's copies may hold in memory
_COPY_OVERHEAD = 640  # a copy's memory besides its bytes (measured: 10,000 in 6.3 MB)
ONE_PASS_BYTES = 16 * 1024 * 1024  # a file up to this size has every TRACK copied at once


@dataclass(frozen=True, slots=True)
class _Copy:
    """A referenced COLLECTION TRACK, serialized, and what filling it needs."""

    ref: str  # the playlist Key it answers to
    track_id: str
    location: str
    current: tuple[str | None, ...]  # its ENRICHED_FIELDS (see `states`), None: absent
    data: bytes


@dataclass(frozen=True, slots=True)
class PreparedRewrite:
    """Passes 1 and 2 of a rewrite, for the source file as it was (`stamp`)."""

    stamp: tuple[int, int]
    scanned: Scanned
    node: PlaylistNode | None  # the NODE the copies follow; None: chosen at writing
    copies: tuple[_Copy, ...] | None  # None: past MAX_COPY_BYTES, or no node yet

    def describes(self, source: Path) -> bool:
        """Whether `source` is still the file this was prepared from."""
        return path_stamp(source) == self.stamp

    def resolved(self) -> set[str]:
        """The node's Keys that name a COLLECTION TRACK."""
        return {c.ref for c in self.copies or ()}

    def filled(self, find: Finder, notation: str) -> Iterator[SerializedTrack]:
        """The copies, each filled from the result `find` gives it."""
        for c in self.copies or ():
            data = c.data
            result = find(c.track_id, c.ref, c.location)
            if result is not None and result.track is not None:
                current = dict(zip(ENRICHED_FIELDS, c.current, strict=True))  # None: absent
                updates = fill_fields(current, result.track, notation)
                if updates:
                    data = with_attributes(data, current, updates)
            yield SerializedTrack(data, c.track_id, c.location)


def prepare_rewrite(source: Path, name: str) -> PreparedRewrite | None:
    """What a rewrite of playlist `name` of `source` needs before the results; None
    when the file cannot be seen. Errors are the writer's: it meets them again.

    A file of up to ONE_PASS_BYTES is read once, every COLLECTION TRACK copied on the
    way (the playlist's NODE comes after them); a larger one twice, the second time for
    the TRACKs the NODE references only."""
    stamp = path_stamp(source)
    if stamp is None:
        return None
    check_prologue(source)
    every = _Copies() if stamp[0] <= ONE_PASS_BYTES else None
    scanned = scan_source(source, name, every.add if every is not None else None)
    if len(scanned.found) != 1:  # none, or several: the entries choose, at writing
        return PreparedRewrite(stamp, scanned, None, None)
    node = scanned.found[0]
    resolver = Resolver(node)
    if every is None or every.copies is None:  # read again for the referenced TRACKs
        every = _Copies()
        for track in collection_tracks(source):
            if resolver.ref_of(track) is not None:
                every.add(track)
    copies: list[_Copy] = []
    seen: set[str] = set()
    for track_id, location, current, data in every.copies or ():
        ref = resolver.ref_for(track_id, location)
        if ref is not None and ref not in seen:
            seen.add(ref)
            copies.append(_Copy(ref, track_id, location, current, data))
    kept = tuple(copies) if every.copies is not None else None
    return PreparedRewrite(stamp, scanned, node, kept)


class _Copies:
    """TRACKs copied (TrackID, Location, `_Copy.current`, bytes), up to MAX_COPY_BYTES
    in all (then none: `copies` is None)."""

    def __init__(self) -> None:
        self.copies: list[tuple[str, str, tuple[str | None, ...], bytes]] | None = []
        self.size = 0

    def add(self, track: etree._Element) -> None:
        if self.copies is None:
            return
        data = serialized(track)
        self.size += len(data) + _COPY_OVERHEAD
        if self.size > MAX_COPY_BYTES:
            self.copies = None
            return
        get = track.get
        self.copies.append((get("TrackID", ""), get("Location", ""), states(get), data))


_FILLED = "\x01"  # stands for any value `fill_fields` leaves alone


# Fields whose filled value may still be a placeholder `fillable` must look at (a zero
# BPM or length, a year "0"); any other field is fillable only when blank.
_PLACEHOLDERS = frozenset({"AverageBpm", "TotalTime", "Year"})


def states(get: Callable[[str], str | None]) -> tuple[str | None, ...]:
    """What `fill_fields` needs of each of a TRACK's ENRICHED_FIELDS, `get` giving its
    attributes: None when absent, the value when it may be filled (`fillable`), else
    _FILLED: a copy keeps no string of its own for the fields a library has filled.
    `fillable` is asked only of the placeholder fields: a blank value is fillable in
    every field and a filled text field never is (every TRACK is copied on the way)."""
    out: list[str | None] = []
    for name in ENRICHED_FIELDS:
        value = get(name)
        if value is None or not value.strip() or (name in _PLACEHOLDERS and fillable(name, value)):
            out.append(value)
        else:
            out.append(_FILLED)
    return tuple(out)


def with_attributes(
    data: bytes, present: Mapping[str, str | None], updates: Mapping[str, str]
) -> bytes:
    """`data`, a serialized element that has the attributes `present` holds a value for
    (None: it has not), as serializing it gives after `set_attribute(name, value)` for
    each of `updates`.

    libxml2 escapes every quote and '>' in a value, so the start tag ends at the first
    '>' and ` name="` can only begin that attribute."""
    end = data.index(b">")
    if data[end - 1 : end] == b"/":
        end -= 1
    head, tail = data[:end], data[end:]
    for name, value in updates.items():
        text = attribute_bytes(value)
        if text is None:
            return _by_element(data, updates)
        if present.get(name) is not None:
            marker = b" " + name.encode() + b'="'
            at = head.find(marker)
            if at < 0:
                return _by_element(data, updates)
            start = at + len(marker)
            head = head[:start] + text + head[head.index(b'"', start) :]
        else:
            head += b" " + name.encode() + b'="' + text + b'"'
    return head + tail


def _by_element(data: bytes, updates: Mapping[str, str]) -> bytes:
    element = etree.fromstring(data, etree.XMLParser(**PARSE_OPTIONS))
    for name, value in updates.items():
        set_attribute(element, name, value)
    return serialized(element)
