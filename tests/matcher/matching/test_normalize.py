import re
import unicodedata

import pytest

from matcher.matching.normalize import (
    clean_title,
    split_artists,
    split_feat,
    strip_key_marks,
    strip_track_number,
)
from matcher.matching.text import fold


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        pytest.param(
            "8A - Night Drive (Original Mix)", "Night Drive (Original Mix)", id="mik-prefix"
        ),
        pytest.param(
            "Night Drive (Original Mix) - 6A", "Night Drive (Original Mix)", id="mik-suffix"
        ),
        pytest.param("11A - 128 - Night Drive", "Night Drive", id="mik-key-bpm"),
        pytest.param("03. Night Drive", "Night Drive", id="track-number-dot"),
        pytest.param("A1 Night Drive", "Night Drive", id="vinyl-side"),
        pytest.param("1-07 Night Drive", "Night Drive", id="disc-track"),
        pytest.param("Night Drive - www.someblog.com", "Night Drive", id="url-suffix"),
        pytest.param("Night Drive (FREE DOWNLOAD)", "Night Drive", id="free-download"),
        pytest.param("Night Drive (Orig Mix) myfreemp3", "Night Drive (Orig Mix)", id="site-tag"),
        pytest.param("Night Drive [Velvet Recordings]", "Night Drive", id="label-bracket"),
        pytest.param("Night Drive [Dub Mix]", "Night Drive [Dub Mix]", id="version-bracket-kept"),
        pytest.param("Night_Drive_(Extended_Mix)", "Night Drive (Extended Mix)", id="underscores"),
        pytest.param("Anything Can Happen (Or", "Anything Can Happen", id="truncated"),
        pytest.param("Night Drive (Remix) -", "Night Drive (Remix)", id="dangling-dash"),
        pytest.param("12H.5", "12H.5", id="numeric-title-kept"),
        pytest.param("99", "99", id="number-only-kept"),
    ],
)
def test_clean_title(raw: str, clean: str) -> None:
    assert clean_title(raw) == clean


@pytest.mark.parametrize(
    ("text", "names"),
    [
        pytest.param("Ana Vale & Kiro", ("Ana Vale", "Kiro"), id="amp"),
        pytest.param("Ana Vale, Kiro; Moss", ("Ana Vale", "Kiro", "Moss"), id="comma-semicolon"),
        pytest.param("Ana Vale x Kiro", ("Ana Vale", "Kiro"), id="x"),
        pytest.param("Ana Vale vs. Kiro", ("Ana Vale", "Kiro"), id="vs"),
        pytest.param("Ana Vale feat. Kiro", ("Ana Vale", "Kiro"), id="feat"),
        pytest.param("Ana Vale ft Kiro", ("Ana Vale", "Kiro"), id="ft"),
        pytest.param("Ana Vale / Kiro", ("Ana Vale", "Kiro"), id="slash"),
        pytest.param("Ana Vale and Kiro", ("Ana Vale", "Kiro"), id="and"),
        pytest.param("Zoo Crew (Ana, Kiro)", ("Zoo Crew", "Ana", "Kiro"), id="members"),
        pytest.param("", (), id="empty"),
    ],
)
def test_split_artists(text: str, names: tuple[str, ...]) -> None:
    assert split_artists(text) == names


def test_group_names_split_the_same_on_both_sides() -> None:
    assert split_artists("Above & Below") == split_artists("Above & Below")
    assert {fold(n) for n in split_artists("Kids Of Tomorrow & Diga")} == {
        fold(n) for n in split_artists("Kids Of Tomorrow, Diga")
    }


@pytest.mark.parametrize(
    ("title", "rest", "featured"),
    [
        ("Louder (feat. Sia Evans) (Club Mix)", "Louder (Club Mix)", ("Sia Evans",)),
        ("The First Time ft. Mizu (Original Mix)", "The First Time (Original Mix)", ("Mizu",)),
        ("We Own It feat. Lu & Ka", "We Own It", ("Lu", "Ka")),
        ("No Guests", "No Guests", ()),
    ],
)
def test_split_feat(title: str, rest: str, featured: tuple[str, ...]) -> None:
    assert split_feat(title) == (rest, featured)


def test_fold() -> None:
    assert fold("Tiësto & Ke$ha - Don’t Stop (feat. A.C.E)") == "tiesto kesha dont stop feat ace"
    assert fold("Røyksopp ÆØÅ") == "royksopp aeoa"
    assert fold("") == ""


def test_track_number_needs_a_title_after_it() -> None:
    assert strip_track_number("07 Voices") == "Voices"
    assert strip_track_number("2 4 6") == "2 4 6"
    assert strip_track_number("20 20 (Original Mix)") == "20 20 (Original Mix)"
    assert strip_track_number("05 Suddenly (Dave Darell Mix)") == "Suddenly (Dave Darell Mix)"


def _fold_by_regex(text: str) -> str:
    """The folding rule written out plainly, to hold `fold`'s faster paths to it."""
    text = unicodedata.normalize("NFKD", text.translate(str.maketrans(_SPECIAL_LETTERS)))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[\W_]+", " ", re.sub(r"[.'’‘`´!]", "", text)).strip()


_SPECIAL_LETTERS = {
    "ø": "o", "Ø": "o", "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "đ": "d",
    "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "ð": "d", "ı": "i", "€": "e",
}  # fmt: skip


@pytest.mark.parametrize("start", range(0, 0x3000, 0x400))
def test_fold_reads_every_character_as_the_rule_says(start: int) -> None:
    """ASCII and text that NFKD turns into ASCII take a quicker path than the rest; every
    character must still fold as the rule says ("$" read as "s" when typed, while a
    "﹩" that NFKD turns into "$" is punctuation like any other)."""
    for code in [*range(start, start + 0x400), 0xFE69, 0xFF04]:
        ch = chr(code)
        for text in (f"a{ch}B{ch}", ch, f"x{ch}é"):
            expected = _fold_by_regex(text.replace("$", "s"))
            assert fold(text) == expected, (hex(code), text)


@pytest.mark.parametrize(
    ("title", "rest", "featured"),
    [
        pytest.param("Song (WITH Someone)", "Song", ("Someone",), id="upper-case"),
        pytest.param("Song (wıth Someone)", "Song", ("Someone",), id="dotless-i-as-i"),
        pytest.param("  Song  ", "Song", (), id="none-stripped"),
    ],
)
def test_split_feat_any_case(title: str, rest: str, featured: tuple[str, ...]) -> None:
    assert split_feat(title) == (rest, featured)


@pytest.mark.parametrize(
    ("title", "stripped"),
    [
        pytest.param("Title (8A)", "Title", id="camelot-in-brackets"),
        pytest.param("Title [Am]", "Title", id="musical-in-brackets"),
        pytest.param("Title - 6A", "Title", id="suffix"),
        pytest.param("8A - 128 - Title", "Title", id="key-and-bpm-prefix"),
        pytest.param("Title (Dub)", "Title (Dub)", id="a-version-is-no-key"),
        pytest.param("Bb", "Bb", id="a-key-alone-is-the-title"),
    ],
)
def test_strip_key_marks(title: str, stripped: str) -> None:
    assert strip_key_marks(title) == stripped
