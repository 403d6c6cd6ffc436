"""MusicBrainz WS/2 payloads (recorded-looking JSON we authored) → CatalogTracks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.http.errors import ProviderResponseError
from matcher.providers.musicbrainz_parse import parse_isrc, parse_recording, parse_recordings

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_recording_search_splits_the_version_and_keeps_credited_artists():
    first, second = parse_recordings(load("mb_recordings.json"))
    assert first.catalog_id == "0f3c9f6a-1111-4c2e-9a57-5b0e6a0d0001"
    assert (first.title, first.mix) == ("Glass Tide", "Kaito Brenn remix")
    assert first.artists == ("Nova Reyes", "Mira Solen")  # the featured artist is credited
    assert first.duration_s == 412.0
    assert first.isrc == "GBXYZ2100001"
    assert first.release == "Glass Tide Remixes"  # the official release, not the bootleg
    assert first.release_date == "2021-04-09"
    assert first.genre == "Techno"  # the most-voted tag
    assert (first.bpm, first.key, first.label) == (None, "", "")
    # a version only in the disambiguation; the credited name as written
    assert (second.title, second.mix, second.artists) == (
        "Glass Tide",
        "extended mix",
        ("N. Reyes",),
    )
    assert second.duration_s is None


def test_isrc_lookup_fills_in_the_isrc():
    (track,) = parse_isrc(load("mb_isrc.json"), "gbxyz2100001")
    assert (track.title, track.isrc, track.release_date) == ("Glass Tide", "GBXYZ2100001", "2021")


@pytest.mark.parametrize(
    "item",
    [
        pytest.param({"title": "no id"}, id="no-id"),
        pytest.param({"id": "x", "title": None}, id="no-title"),
        pytest.param(42, id="number"),
    ],
)
def test_unusable_recordings_are_skipped(item):
    assert parse_recording(item) is None


def test_odd_values_become_empty():
    track = parse_recording(
        {"id": "m", "title": "T", "length": "long", "artist-credit": "X", "releases": {},
         "isrcs": [5], "tags": [{"name": "deep house", "count": "many"}]}
    )  # fmt: skip
    assert track is not None
    assert (track.duration_s, track.artists, track.release, track.isrc) == (None, (), "", "")
    assert track.genre == "Deep House"


def test_a_payload_of_the_wrong_shape_is_a_provider_error():
    with pytest.raises(ProviderResponseError, match="MusicBrainz sent an unexpected answer"):
        parse_recordings(["recordings"])
    with pytest.raises(ProviderResponseError):
        parse_isrc(None, "GBXYZ2100001")
