from __future__ import annotations

import pytest

from matcher.catalog.fields import (
    ReadStats,
    parse_duration,
    parse_number,
    short_hash,
    split_artists,
    tidy_date,
    tidy_key,
    title_and_mix,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Boriqua Tribez", ("Boriqua Tribez",), id="one"),
        pytest.param("Burufunk, Carbon Community", ("Burufunk", "Carbon Community"), id="comma"),
        pytest.param("A; B;C", ("A", "B", "C"), id="semicolon"),
        pytest.param("A feat. B", ("A", "B"), id="feat"),
        pytest.param("A ft. B", ("A", "B"), id="ft"),
        pytest.param("A Feat B", ("A", "B"), id="feat-no-dot"),
        pytest.param("A featuring B", ("A", "B"), id="featuring"),
        pytest.param("A (feat. B & C)", ("A", "B & C"), id="bracket-feat"),
        pytest.param("Simon & Garfunkel", ("Simon & Garfunkel",), id="ampersand-kept"),
        pytest.param("Above & Beyond, Above & Beyond", ("Above & Beyond",), id="deduped"),
        pytest.param("Crosby, Stills", ("Crosby", "Stills"), id="comma-always-splits"),
        pytest.param("Loft,Feat", ("Loft,Feat",), id="comma-without-space"),
        pytest.param("", (), id="empty"),
    ],
)
def test_split_artists(text: str, expected: tuple[str, ...]) -> None:
    assert split_artists(text) == expected


@pytest.mark.parametrize(
    ("title", "mix", "expected"),
    [
        pytest.param("Lolita", "", ("Lolita", ""), id="plain"),
        pytest.param("Lolita (Extended Mix)", "", ("Lolita", "Extended Mix"), id="split"),
        pytest.param(
            "Muzik - Bingo Players Remix", "", ("Muzik", "Bingo Players Remix"), id="dash-version"
        ),  # fmt: skip
        pytest.param(
            "Lolita (Extended Mix)", "extended mix", ("Lolita", "extended mix"), id="same-as-mix"
        ),  # fmt: skip
        pytest.param(
            "Lolita (Dub)", "Original Mix", ("Lolita (Dub)", "Original Mix"), id="mix-field-differs"
        ),  # fmt: skip
        pytest.param("Song (feat. X)", "", ("Song (feat. X)", ""), id="feat-stays"),
    ],
)
def test_title_and_mix(title: str, mix: str, expected: tuple[str, str]) -> None:
    assert title_and_mix(title, mix) == expected


@pytest.mark.parametrize(
    ("text", "expected", "bad"),
    [
        pytest.param("125", 125.0, 0, id="int"),
        pytest.param(" 124.98 ", 124.98, 0, id="float"),
        pytest.param("125,5", 125.5, 0, id="decimal-comma"),
        pytest.param("", None, 0, id="empty"),
        pytest.param("abc", None, 1, id="text"),
        pytest.param("-3", None, 1, id="negative"),
        pytest.param("0", None, 1, id="zero"),
        pytest.param("nan", None, 1, id="nan"),
        pytest.param("1e999", None, 1, id="infinite"),
    ],
)
def test_parse_number(text: str, expected: float | None, bad: int) -> None:
    stats = ReadStats()
    assert parse_number(text, stats) == expected
    assert stats.bad_cells == bad


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("373", 373.0, id="seconds"),
        pytest.param("6:13", 373.0, id="clock"),
        pytest.param("1:02:03", 3723.0, id="hours"),
        pytest.param("0:00", None, id="zero-clock"),
    ],
)
def test_parse_duration(text: str, expected: float | None) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("8A", "A Minor", id="camelot"),
        pytest.param("1m", "A Minor", id="open-key"),
        pytest.param("F#", "F# Major", id="short"),
        pytest.param("Bbm", "Bb Minor", id="flat"),
        pytest.param("A Minor", "A Minor", id="already"),
        pytest.param("  ", "", id="blank"),
        pytest.param("weird", "weird", id="kept-as-written"),
    ],
)
def test_tidy_key(text: str, expected: str) -> None:
    assert tidy_key(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2014/1/1", "2014-01-01", id="traktor"),
        pytest.param("2019", "2019", id="year"),
        pytest.param("2019-04", "2019-04", id="month"),
        pytest.param("2002-01-01", "2002-01-01", id="iso"),
        pytest.param("April 2019", "April 2019", id="kept"),
    ],
)
def test_tidy_date(text: str, expected: str) -> None:
    assert tidy_date(text) == expected


def test_short_hash_is_stable() -> None:
    assert short_hash("/music/a.mp3") == short_hash("/music/a.mp3")
    assert short_hash("/music/a.mp3") != short_hash("/music/b.mp3")
    # pinned: catalog ids of collections and folders are built from it and must not
    # change between releases, or re-imports would duplicate every row
    assert short_hash("/music/a.mp3") == "00a5352e7cf94d32"
