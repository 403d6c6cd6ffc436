import pytest

from matcher.matching.versions import Version, is_version_text, parse_version, split_version


@pytest.mark.parametrize(
    ("title", "core", "version"),
    [
        pytest.param(
            "Harbour Lights (Original Mix)", "Harbour Lights", "Original Mix", id="parens"
        ),
        pytest.param(
            "Tidewater [Mona Reyes Remix]", "Tidewater", "Mona Reyes Remix", id="brackets"
        ),
        pytest.param("Low Orbit - KAI!O Remix", "Low Orbit", "KAI!O Remix", id="dash"),
        pytest.param("night bus 12 - Side B", "night bus 12 - Side B", "", id="dash-not-version"),
        pytest.param(
            "Song (feat. X) [Extended Mix]", "Song (feat. X)", "Extended Mix", id="feat-kept"
        ),
        pytest.param("SOLANO (Amapiano)", "SOLANO (Amapiano)", "", id="non-version-group"),
        pytest.param("Ember - TOVA Rmx", "Ember", "TOVA Rmx", id="abbreviated"),
        pytest.param("Plain", "Plain", "", id="nothing"),
        pytest.param("Copper Sky_Lomas Rmx", "Copper Sky", "Lomas Rmx", id="underscore"),
        pytest.param("Copper Sky Radio Edit", "Copper Sky", "Radio Edit", id="plain-suffix"),
    ],
)
def test_split_version(title: str, core: str, version: str) -> None:
    assert split_version(title) == (core, version)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Original Mix", Version("original"), id="original"),
        pytest.param("Orig Mix", Version("original"), id="orig-abbrev"),
        pytest.param("Oiginal Mix", Version("original"), id="typo"),
        pytest.param("Extended Mix", Version("original", length="extended"), id="extended"),
        pytest.param("Ext. Mix", Version("original", length="extended"), id="ext-abbrev"),
        pytest.param("Radio Edit", Version("original", length="radio"), id="radio"),
        pytest.param("Original Club Mix", Version("original"), id="club"),
        pytest.param("Mona Reyes Remix", Version("named", "mona reyes", "remix"), id="remix"),
        pytest.param("TOVA Rmx", Version("named", "tova", "remix"), id="rmx"),
        pytest.param(
            "Ilse Brandt Extended Remix",
            Version("named", "ilse brandt", "remix", "extended"),
            id="extended-remix",
        ),
        pytest.param("Dub Mix", Version("named", "", "dub"), id="dub"),
        pytest.param("VIP", Version("named", "", "vip"), id="vip"),
        pytest.param(
            "Jules From Lyon Re-Edit", Version("named", "jules from lyon", "reedit"), id="re-edit"
        ),
        pytest.param("Acid Mix", Version("named", "acid", "mix"), id="named-mix"),
        pytest.param("2016 Remaster", Version("original"), id="remaster-year"),
        pytest.param("", Version(), id="empty"),
        pytest.param("Oriinal Mix", Version("original"), id="typo-dropped-letter"),
        pytest.param("ORIGNIAL MIX", Version("original"), id="typo-swapped-letters"),
        pytest.param("Extnded Mix", Version("original", length="extended"), id="typo-extended"),
        pytest.param("Kaito Remxi", Version("named", "kaito", "remix"), id="typo-remix-swap"),
    ],
)
def test_parse_version(text: str, expected: Version) -> None:
    assert parse_version(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Original Mix", True),
        ("feat. Someone", False),
        ("Afrohouse", False),
        ("X Remix", True),
        ("Free Download", False),
        ("Live", True),
        ("Oriinal Mix", True),
        ("Remit", False),  # one edit from "remix", but a word of its own
        ("Originals", False),  # one letter more than "original", but not a version
    ],
)
def test_is_version_text(text: str, expected: bool) -> None:
    assert is_version_text(text) is expected
