"""Beatport v4 payloads (recorded-looking JSON we authored) → CatalogTracks, no server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.http.errors import ProviderResponseError
from matcher.model import CatalogTrack
from matcher.providers.beatport_parse import parse_search, parse_track, parse_track_list

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_search_maps_every_field_djs_use():
    first, second = parse_search(load("beatport_search.json"))
    assert first == CatalogTrack(
        catalog_id="17654321",
        title="Glass Tide",
        mix="Kaito Brenn Remix",
        artists=("Nova Reyes", "Émile Sørensen"),
        remixers=("Kaito Brenn",),
        label="Tidal Records",
        release="Glass Tide Remixes",
        release_date="2021-04-09",
        bpm=126.0,
        key="Eb Major",
        genre="Techno (Peak Time / Driving)",
        duration_s=412.345,
        isrc="GBXYZ2100001",
    )
    # nulls everywhere: empty fields, nothing guessed
    assert second == CatalogTrack(
        "17654322", "Glass Tide", mix="Original Mix", artists=("Nova Reyes",),
        release="Glass Tide", bpm=124.0,
    )  # fmt: skip


def test_track_detail_normalises_key_and_numbers():
    track = parse_track(load("beatport_track.json"))
    assert track is not None
    assert (track.catalog_id, track.key, track.bpm, track.duration_s, track.isrc) == (
        "12345678", "F# Minor", 122.0, 390.0, "USABC1912345",
    )  # fmt: skip
    assert (track.label, track.release, track.genre) == (
        "Quay Music", "Harbour Lights EP", "Progressive House",
    )  # fmt: skip


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"tracks": {"data": [{"id": 5, "name": "A"}]}}, id="tracks-object-data"),
        pytest.param({"results": [{"id": 5, "name": "A"}]}, id="results-list"),
    ],
)
def test_search_accepts_the_paginated_shapes(payload):
    assert [t.catalog_id for t in parse_search(payload)] == ["5"]


@pytest.mark.parametrize(
    "item",
    [
        pytest.param({"name": "no id"}, id="no-id"),
        pytest.param({"id": 5, "name": ""}, id="no-name"),
        pytest.param({"id": True, "name": "bool id"}, id="bool-id"),
        pytest.param(["a", "list"], id="not-an-object"),
        pytest.param(None, id="null"),
    ],
)
def test_unusable_items_are_skipped(item):
    assert parse_track(item) is None


@pytest.mark.parametrize(
    ("field", "value", "attribute", "expected"),
    [
        pytest.param("bpm", "fast", "bpm", None, id="bpm-text"),
        pytest.param("bpm", 0, "bpm", None, id="bpm-zero"),
        pytest.param("length_ms", -5, "duration_s", None, id="negative-length"),
        pytest.param("key", {"name": "H Minor"}, "key", "", id="unknown-key"),
        pytest.param("key", "A Minor", "key", "", id="key-not-object"),
        pytest.param("artists", "Nova Reyes", "artists", (), id="artists-not-list"),
        pytest.param("release", ["x"], "release", "", id="release-not-object"),
    ],
)
def test_odd_field_values_become_empty(field, value, attribute, expected):
    track = parse_track({"id": 1, "name": "T", field: value})
    assert getattr(track, attribute) == expected


@pytest.mark.parametrize("payload", [[], "tracks", None])
def test_a_payload_of_the_wrong_shape_is_a_provider_error(payload):
    with pytest.raises(ProviderResponseError, match="Beatport sent an unexpected answer"):
        parse_search(payload)
    with pytest.raises(ProviderResponseError):
        parse_track_list(payload)


def test_isrc_list():
    assert [t.title for t in parse_track_list({"results": [load("beatport_track.json")]})] == [
        "Harbour Lights"
    ]
