"""Discogs payloads (recorded-looking JSON we authored) → release ids and CatalogTracks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.http.errors import ProviderResponseError
from matcher.providers.discogs_parse import SearchHit, parse_duration, parse_release, parse_search

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_search_keeps_one_release_per_master_and_only_releases():
    assert parse_search(load("discogs_search.json")) == [
        SearchHit(9100001, 555),
        SearchHit(9100003, 0),
    ]


def test_release_tracklist_scan_maps_each_track():
    tracks = {t.catalog_id: t for t in parse_release(load("discogs_release.json"))}
    assert list(tracks) == ["discogs:9100001:A1", "discogs:9100001:A2", "discogs:9100001:B1"]
    original, remix, sub = tracks.values()
    assert (original.title, original.mix, original.artists) == ("Glass Tide", "", ("Nova Reyes",))
    assert (original.label, original.release, original.release_date, original.genre) == (
        "Tidal Records", "Glass Tide", "2021-04", "Techno",
    )  # fmt: skip
    assert original.duration_s == 412.0
    assert (remix.mix, remix.remixers) == ("Kaito Brenn Remix", ("Kaito Brenn",))
    # a sub-track of an index track, with its own artist and a featured one
    assert (sub.title, sub.artists, sub.duration_s) == (
        "Low Tide",
        ("Mira Solen", "Orrin Vale"),
        3723.0,
    )


def test_release_scan_keeps_only_tracks_like_the_searched_title():
    tracks = parse_release(load("discogs_release.json"), frozenset({"glass", "tides"}))
    assert [t.catalog_id for t in tracks] == ["discogs:9100001:A1", "discogs:9100001:A2"]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        pytest.param("6:52", 412.0, id="m-ss"),
        pytest.param("1:02:03", 3723.0, id="h-mm-ss"),
        pytest.param("", None, id="empty"),
        pytest.param("0:00", None, id="zero"),
        pytest.param("6.52", None, id="dot"),
        pytest.param("abc", None, id="text"),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


def test_release_date_from_the_year_alone():
    (track,) = parse_release({"id": 1, "year": 1999, "tracklist": [{"title": "T"}]})
    assert (track.release_date, track.catalog_id) == ("1999", "discogs:1:#1")


@pytest.mark.parametrize("payload", [None, [], "x"])
def test_a_payload_of_the_wrong_shape_is_a_provider_error(payload):
    with pytest.raises(ProviderResponseError, match="Discogs sent an unexpected answer"):
        parse_search(payload)
    with pytest.raises(ProviderResponseError):
        parse_release(payload)
