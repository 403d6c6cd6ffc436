from __future__ import annotations

from dataclasses import fields

from matcher.catalog.rows import COLUMNS, row_of, track_of
from matcher.model import CatalogTrack


def test_the_columns_are_the_tracks_fields_in_order() -> None:
    # track_of builds a track from a row by position
    assert [c.strip() for c in COLUMNS.split(",")] == [f.name for f in fields(CatalogTrack)]


def test_a_track_comes_back_from_its_row_field_for_field() -> None:
    tracks = [
        CatalogTrack("7", "Lolita", "Jamie Stevens Remix", ("Boriqua Tribez", "Ann Other"),
                     ("Jamie Stevens",), "Crosstown", "Lolita EP", "2019-04-05", 124.0,
                     "A Minor", "House", 402.5, "GBABC1234567", "D:/Music/lolita.mp3", 9_000_000),
        CatalogTrack("8", "Untitled"),
    ]  # fmt: skip
    for track in tracks:
        assert track_of(row_of(track, "csv")[:-1]) == track
