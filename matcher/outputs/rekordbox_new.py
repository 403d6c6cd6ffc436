"""`enriched.xml` for M3U, CSV and NML inputs: a new Rekordbox XML with one playlist.

Each entry with a local file becomes one COLLECTION TRACK (TrackID 1..n, in entry order)
carrying what the entry said, with empty fields filled from its matched catalog track by
the same rules as the Rekordbox rewrite. Location is the matched catalog track's file
when the catalog is an imported collection (the copy the user owns: "find what I own"),
else the entry's own local file. Entries with neither (a streaming playlist's rows, web
URLs) cannot be imported by Rekordbox, which keys its collection on the file: they are
left out, and the writer reports how many (`summary.json`'s `enriched_without_file`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from importlib import metadata
from typing import IO

from matcher.matching.keys import detect_notation, format_key, parse_key
from matcher.model import CatalogTrack, MatchResult, MatchStatus, Playlist, PlaylistEntry
from matcher.outputs.enrich import fill_fields, format_bpm, year_of
from matcher.outputs.locations import file_url, to_local_path
from matcher.outputs.rekordbox_xml import (
    DocumentIndex,
    PlaylistNode,
    SerializedTrack,
    empty_element,
    split_path,
    write_document,
    xml_text,
)

__all__ = ["importable_entries", "product_attrs", "product_version", "write_rekordbox_new"]


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


def product_attrs() -> dict[str, str]:
    """The PRODUCT line of the XML files CrateMatch makes."""
    return {"Name": "CrateMatch", "Version": product_version(), "Company": "CrateMatch"}


def _seconds(value: float | None) -> str:
    return str(round(value)) if value and value > 0 else "0"


def _entry_attrs(
    track_id: int, entry: PlaylistEntry, notation: str, location: str
) -> dict[str, str]:
    """The entry as TRACK attributes, in the order Rekordbox writes them."""
    key = parse_key(entry.key)
    return {
        "TrackID": str(track_id),
        "Name": entry.title,
        "Artist": entry.artist,
        "Album": entry.album,
        "Genre": entry.genre,
        "TotalTime": _seconds(entry.duration_s),
        "Year": year_of(entry.year) or "0",
        "AverageBpm": format_bpm(entry.bpm) or "0.00",
        "Comments": entry.comments,
        "Location": file_url(location),
        "Remixer": entry.remixer,
        "Tonality": format_key(key, notation) if key else "",
        "Label": entry.label,
        "Mix": entry.mix,
    }


Importable = tuple[PlaylistEntry, CatalogTrack | None, str]  # entry, matched track, file


def importable_entries(playlist: Playlist, results: Sequence[MatchResult]) -> list[Importable]:
    """The entries Rekordbox can import (those with a local file), in entry order, each
    with its matched catalog track (None unless `matched`) and the file's path: the
    matched track's own file first (the copy the user owns), else the entry's."""
    by_index: dict[int, MatchResult] = {}
    for result in results:
        by_index.setdefault(result.entry_index, result)
    base = playlist.source.parent
    kept: list[Importable] = []
    for entry in playlist.entries:
        result = by_index.get(entry.entry_index)
        matched = result.track if result and result.status == MatchStatus.MATCHED else None
        for location in (matched.location if matched else "", entry.location):
            if local := to_local_path(location, base):
                kept.append((entry, matched, local))
                break
    return kept


def _tracks(playlist: Playlist, kept: Sequence[Importable]) -> Iterator[SerializedTrack]:
    notation = detect_notation([e.key for e in playlist.entries])
    for track_id, (entry, matched, local) in enumerate(kept, start=1):
        attrs = _entry_attrs(track_id, entry, notation, local)
        if matched is not None:
            attrs.update(fill_fields(attrs, matched, notation))
        data = empty_element("TRACK", attrs)
        yield SerializedTrack(data, attrs["TrackID"], xml_text(attrs["Location"]))


def write_rekordbox_new(
    handle: IO[bytes],
    playlist: Playlist,
    results: Sequence[MatchResult],
    index: DocumentIndex | None = None,
) -> int:
    """Write `enriched.xml` for a non-Rekordbox playlist to `handle`; returns how many
    TRACKs it holds (the entries without a local file are left out; `index`: see
    `write_document`)."""
    kept = importable_entries(playlist, results)
    count = len(kept)
    node = PlaylistNode(
        tuple(split_path(playlist.name)), "0", tuple(str(i) for i in range(1, count + 1))
    )
    return write_document(
        handle,
        root_attrs={"Version": "1.0.0"},
        product_attrs=product_attrs(),
        tracks=_tracks(playlist, kept),
        track_count=count,
        node=node,
        index=index,
    )
