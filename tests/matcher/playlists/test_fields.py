from __future__ import annotations

from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.playlists.fields import (
    decode_location,
    duration,
    is_absolute,
    number,
    percent_decoded,
    year,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param(
            "file://localhost/Users/dj/Music/A%20B.mp3", "/Users/dj/Music/A B.mp3", id="mac"
        ),
        pytest.param(
            "file://localhost/C:/Users/dj/x%20y.mp3", "C:/Users/dj/x y.mp3", id="windows-slash"
        ),
        pytest.param("file://localhostD:/Music/x.mp3", "D:/Music/x.mp3", id="windows-no-slash"),
        pytest.param("file:///home/dj/x.mp3", "/home/dj/x.mp3", id="triple-slash"),
        pytest.param("file://nas/share/x.mp3", "//nas/share/x.mp3", id="unc"),
        pytest.param(
            "file://localhost/Users/dj/Caf%c3%a9.mp3", "/Users/dj/Café.mp3", id="lowercase-escape"
        ),
        pytest.param(
            "file://localhost/Volumes/NO%20NAME/%5bx%5d.mp3",
            "/Volumes/NO NAME/[x].mp3",
            id="volume-with-space",
        ),
        pytest.param(
            "file://localhost/Name%20with%20?.mp3", "/Name with ?.mp3", id="unescaped-question"
        ),
        pytest.param(
            "file://localhostsoundcloud:tracks:1149223021",
            "file://localhostsoundcloud:tracks:1149223021",
            id="streaming-no-slash",
        ),
        pytest.param(
            "file://localhost/soundcloud:tracks:1",
            "file://localhost/soundcloud:tracks:1",
            id="streaming-with-slash",
        ),
        pytest.param(
            "file://localhost{dir}/x.wav", "file://localhost{dir}/x.wav", id="template-placeholder"
        ),
        pytest.param("https://example.com/a.mp3", "https://example.com/a.mp3", id="http"),
        pytest.param("spotify:track:abc", "spotify:track:abc", id="spotify-uri"),
        pytest.param("  /plain/path.mp3 ", "/plain/path.mp3", id="plain-path-stripped"),
        pytest.param("", "", id="empty"),
        pytest.param(None, "", id="none"),
    ],
)
def test_decode_location(url: str | None, expected: str) -> None:
    assert decode_location(url) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("128.00", 128.0, id="decimal"),
        pytest.param(" 95 ", 95.0, id="spaces"),
        pytest.param("128,5", 128.5, id="decimal-comma"),
        pytest.param("1,234.5", None, id="thousands-separator"),
        pytest.param("0", None, id="zero"),
        pytest.param("0.00", None, id="zero-decimal"),
        pytest.param("-1", None, id="negative"),
        pytest.param("nan", None, id="nan"),
        pytest.param("inf", None, id="infinite"),
        pytest.param("abc", None, id="text"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="none"),
        pytest.param(7, 7.0, id="int"),
    ],
)
def test_number(value: object, expected: float | None) -> None:
    assert number(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        pytest.param("3:25", "", 205.0, id="m-ss"),
        pytest.param("1:02:03", "", 3723.0, id="h-mm-ss"),
        pytest.param("02:57:46", "", 10666.0, id="serato-session"),
        pytest.param("180133", "ms", 180.133, id="milliseconds"),
        pytest.param("215000", "", 215.0, id="guess-milliseconds"),
        pytest.param("215", "", 215.0, id="guess-seconds"),
        pytest.param("0", "", None, id="zero"),
        pytest.param("0:00", "", None, id="zero-clock"),
        pytest.param("", "ms", None, id="empty"),
        pytest.param("n/a", "", None, id="text"),
    ],
)
def test_duration(value: str, unit: str, expected: float | None) -> None:
    assert duration(value, unit) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", ""), ("2019", "2019"), (" 2011/1/1 ", "2011/1/1"), ("", ""), (None, "")],
)
def test_year(value: str | None, expected: str) -> None:
    assert year(value) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/Users/x.mp3", True),
        ("C:\\Music\\x.mp3", True),
        ("d:/Music/x.mp3", True),
        ("\\\\nas\\share\\x.mp3", True),
        ("http://host/x.mp3", True),
        ("x.mp3", False),
        ("Music\\x.mp3", False),
        ("../x.mp3", False),
    ],
)
def test_is_absolute(path: str, expected: bool) -> None:
    assert is_absolute(path) is expected


_PIECES = [
    *"aF09z/-_é€",
    "a b",
    "%20",
    "%C3",
    "%A9",
    "%c3%a9",
    "%E2%82",
    "%ZZ",
    "%",
    "%2",
    "\udcff",
    "\\",
    "\\x41",
    "x",
    "\\%41",
    "%5C",
    "%00",
]  # a lone surrogate, as a path decoded with surrogateescape holds; backslashes, which
# the fast path must keep as they are (it decodes the escapes as string-literal ones)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_decode_location_reads_escapes_as_unquote_does(rest: str) -> None:
    """The fast byte path gives what `urllib.parse.unquote` gives, broken escapes and
    half UTF-8 sequences included."""
    expected = unquote("/" + rest, encoding="utf-8", errors="replace")
    assert decode_location("file:///" + rest) == expected
    assert percent_decoded(rest) == unquote(rest, encoding="utf-8", errors="replace")
