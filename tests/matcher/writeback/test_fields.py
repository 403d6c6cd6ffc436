from __future__ import annotations

import pytest

from matcher.model import CatalogTrack
from matcher.writeback import DEFAULT_FIELDS, WRITE_FIELDS, WriteError, parse_fields
from matcher.writeback.fields import format_bpm, proposed_values, year_of

TRACK = CatalogTrack(
    catalog_id="12345",
    title="Song",
    mix="Extended Mix",
    artists=("Artist",),
    remixers=("Someone", "Other One"),
    label="Drumcode",
    release="The EP",
    release_date="2019-05-01",
    bpm=124.5,
    key="A Minor",
    genre="Techno (Peak Time)",
    isrc="usabc1234567",
)


def test_every_field_is_proposed_from_a_full_track():
    assert proposed_values(TRACK, provider="beatport") == {
        "genre": "Techno (Peak Time)",
        "label": "Drumcode",
        "key": "Am",
        "bpm": "124.5",
        "year": "2019",
        "remixers": "Someone, Other One",
        "mix": "Extended Mix",
        "isrc": "USABC1234567",
        "comment": "CrateMatch: beatport 12345 (The EP)",
    }


def test_default_fields_leave_the_comment_alone():
    assert set(WRITE_FIELDS) - DEFAULT_FIELDS == {"comment"}


@pytest.mark.parametrize(
    ("key", "notation", "expected"),
    [
        pytest.param("A Minor", "musical", "Am", id="musical-minor"),
        pytest.param("F# Major", "musical", "F#", id="musical-major"),
        pytest.param("Bb Minor", "musical", "Bbm", id="musical-flat"),
        pytest.param("A Minor", "camelot", "8A", id="camelot"),
        pytest.param("C Major", "camelot", "8B", id="camelot-major"),
        pytest.param("A Minor", "openkey", "1m", id="openkey"),
        pytest.param("8A", "musical", "Am", id="camelot-in-the-catalog"),
        pytest.param("not a key", "musical", None, id="unreadable-key-left-out"),
    ],
)
def test_key_in_each_notation(key, notation, expected):
    track = CatalogTrack(catalog_id="1", title="t", key=key)
    assert proposed_values(track, key_notation=notation, provider="local").get("key") == expected


@pytest.mark.parametrize(
    ("bpm", "expected"),
    [
        pytest.param(128.0, "128", id="whole"),
        pytest.param(124.5, "124.5", id="half"),
        pytest.param(126.256, "126.26", id="two-decimals"),
        pytest.param(128.001, "128", id="noise"),
        pytest.param(0.0, "", id="zero"),
        pytest.param(None, "", id="unknown"),
        pytest.param(float("nan"), "", id="nan"),
    ],
)
def test_bpm_has_no_trailing_zeros(bpm, expected):
    assert format_bpm(bpm) == expected


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        pytest.param("2019-05-01", "2019", id="iso-date"),
        pytest.param("2019", "2019", id="year"),
        pytest.param("2019/05", "2019", id="slashes"),
        pytest.param("0000-00-00", "", id="zero-date"),
        pytest.param("12345", "", id="five-digits"),
        pytest.param("May 2019", "", id="words"),
        pytest.param("", "", id="empty"),
    ],
)
def test_year_of_a_release_date(date, expected):
    assert year_of(date) == expected


def test_empty_values_are_not_proposed():
    track = CatalogTrack(catalog_id="9", title="Only a title")
    assert proposed_values(track, provider="local") == {"comment": "CrateMatch: local 9"}


def test_unknown_key_notation_is_a_typed_one_line_error():
    with pytest.raises(WriteError, match="unknown key notation 'traktor'"):
        proposed_values(TRACK, key_notation="traktor", provider="local")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("genre,label", {"genre", "label"}, id="two"),
        pytest.param(" Genre , KEY ", {"genre", "key"}, id="spaces-and-case"),
        pytest.param(["bpm", "year"], {"bpm", "year"}, id="a-list"),
    ],
)
def test_parse_fields(text, expected):
    assert parse_fields(text) == frozenset(expected)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("genre,colour", "unknown field colour", id="unknown"),
        pytest.param(" , ", "no fields", id="none"),
    ],
)
def test_parse_fields_refuses(text, words):
    with pytest.raises(WriteError, match=words):
        parse_fields(text)
