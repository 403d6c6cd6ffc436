"""`enriched.xml` for M3U, CSV and NML inputs: a new Rekordbox XML with one playlist.

Each entry becomes one COLLECTION TRACK (TrackID 1..n, in entry order) carrying what
the entry said, with empty fields filled from its matched catalog track by the same
rules as the Rekordbox rewrite. Location is the matched catalog track's file when the
catalog is an imported collection (the copy the user owns: "find what I own"), else the
entry's own local file; entries with neither get no Location.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from importlib import metadata
from typing import IO

from lxml import etree

from matcher.matching.keys import detect_notation, format_key, parse_key
from matcher.model import MatchResult, MatchStatus, Playlist, PlaylistEntry
from matcher.outputs.enrich import fill_fields, format_bpm, year_of
from matcher.outputs.locations import file_url, playable_location, to_local_path
from matcher.outputs.rekordbox_xml import PlaylistNode, element, split_path, write_document

__all__ = ["product_version", "write_rekordbox_new"]


def product_version() -> str:
    """CrateMatch's version for the PRODUCT line."""
    import matcher

    version = getattr(matcher, "__version__", None)
    if version:
        return str(version)
    try:
        return metadata.version("cratematch")
    except metadata.PackageNotFoundError:
        return "0.1.0"


def _seconds(value: float | None) -> str:
    return str(round(value)) if value and value > 0 else "0"


def _entry_attrs(
    track_id: int, entry: PlaylistEntry, notation: str, location: str | None
) -> dict[str, str]:
    """The entry as TRACK attributes, in the order Rekordbox writes them."""
    key = parse_key(entry.key)
    attrs = {
        "TrackID": str(track_id),
        "Name": entry.title,
        "Artist": entry.artist,
        "Album": entry.album,
        "Genre": entry.genre,
        "TotalTime": _seconds(entry.duration_s),
        "Year": year_of(entry.year) or "0",
        "AverageBpm": format_bpm(entry.bpm) or "0.00",
        "Comments": entry.comments,
        "Location": file_url(location) if location else "",
        "Remixer": entry.remixer,
        "Tonality": format_key(key, notation) if key else "",
        "Label": entry.label,
        "Mix": entry.mix,
    }
    if not location:
        del attrs["Location"]
    return attrs


def _tracks(playlist: Playlist, by_index: dict[int, MatchResult]) -> Iterator[etree._Element]:
    notation = detect_notation([e.key for e in playlist.entries])
    base = playlist.source.parent
    for track_id, entry in enumerate(playlist.entries, start=1):
        result = by_index.get(entry.entry_index)
        matched = result.track if result and result.status == MatchStatus.MATCHED else None
        location = playable_location(entry, matched, base)
        local = to_local_path(location) if location else None
        attrs = _entry_attrs(track_id, entry, notation, local)
        if matched is not None:
            attrs.update(fill_fields(attrs, matched, notation))
            if attrs["TotalTime"] == "0":
                attrs["TotalTime"] = _seconds(matched.duration_s)
        yield element("TRACK", attrs)


def write_rekordbox_new(
    handle: IO[bytes], playlist: Playlist, results: Sequence[MatchResult]
) -> int:
    """Write `enriched.xml` for a non-Rekordbox playlist to `handle`; returns the count."""
    by_index: dict[int, MatchResult] = {}
    for result in results:
        by_index.setdefault(result.entry_index, result)
    count = len(playlist.entries)
    node = PlaylistNode(
        tuple(split_path(playlist.name)), "0", tuple(str(i) for i in range(1, count + 1))
    )
    return write_document(
        handle,
        root_attrs={"Version": "1.0.0"},
        product_attrs={"Name": "CrateMatch", "Version": product_version(), "Company": "CrateMatch"},
        tracks=_tracks(playlist, by_index),
        track_count=count,
        node=node,
    )
