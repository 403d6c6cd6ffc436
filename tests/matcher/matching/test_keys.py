import pytest

from matcher.matching.keys import (
    MusicalKey,
    detect_notation,
    format_key,
    from_pitch_class,
    from_traktor_index,
    key_similarity,
    parse_key,
)

A_MINOR = MusicalKey(9, True)


@pytest.mark.parametrize(
    "text",
    ["8A", "08A", "8a", "Am", "A Minor", "a min", "1m", "A-", "Amin"],
)
def test_a_minor_in_every_notation(text: str) -> None:
    assert parse_key(text) == A_MINOR


@pytest.mark.parametrize(
    ("text", "musical", "camelot", "open_key"),
    [
        ("Ebm", "Eb Minor", "2A", "7m"),
        ("D#m", "Eb Minor", "2A", "7m"),
        ("F# Major", "F# Major", "2B", "7d"),
        ("12B", "E Major", "12B", "5d"),
        ("6d", "B Major", "1B", "6d"),
        ("Dbm", "C# Minor", "12A", "5m"),
        ("C", "C Major", "8B", "1d"),
        ("B♭m", "Bb Minor", "3A", "8m"),
        ("8A - Am", "A Minor", "8A", "1m"),
    ],
)
def test_notations_agree(text: str, musical: str, camelot: str, open_key: str) -> None:
    key = parse_key(text)
    assert key is not None
    assert (key.musical, key.camelot, key.open_key) == (musical, camelot, open_key)


@pytest.mark.parametrize("text", ["", "13A", "H", "none", "128", "Am7b5"])
def test_not_a_key(text: str) -> None:
    assert parse_key(text) is None


def test_spotify_and_traktor_numbers() -> None:
    assert from_pitch_class(9, True) == A_MINOR
    assert from_pitch_class(-1, True) is None
    assert from_traktor_index(21) == A_MINOR
    assert from_traktor_index(0) == MusicalKey(0, False)
    assert from_traktor_index(24) is None


def test_detect_and_format() -> None:
    assert detect_notation(["8A", "10B", "", "Am"]) == "camelot"
    assert detect_notation(["Am", "F#", "Ebm"]) == "short"
    assert detect_notation([]) == "short"
    assert format_key(A_MINOR, "camelot") == "8A"
    assert format_key(A_MINOR, "short") == "Am"


def test_similarity_on_the_wheel() -> None:
    assert key_similarity(A_MINOR, A_MINOR) == 1.0
    assert key_similarity(A_MINOR, parse_key("8B")) == 0.7  # relative major
    assert key_similarity(A_MINOR, parse_key("9A")) == 0.7  # a fifth away
    assert key_similarity(A_MINOR, parse_key("2A")) == 0.2
