"""Per-signal similarities: each in [0, 1], None when a side lacks the signal."""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from matcher.matching.keys import parse_key
from matcher.matching.similarity import (
    _likeness,
    artist_scores,
    bpm_similarity,
    duration_similarity,
    key_sim,
    text_similarity,
    title_similarity,
    version_similarity,
)
from matcher.matching.versions import NO_VERSION, parse_version

# -- titles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "track", "low", "high"),
    [
        pytest.param("glass tide", "glass tide", 1.0, 1.0, id="equal"),
        pytest.param("glass tide", "amber road", 0.0, 0.4, id="different"),
        pytest.param("glas tide", "glass tide", 0.85, 0.99, id="typo"),
        pytest.param("tide glass", "glass tide", 0.9, 0.99, id="word-order"),
        pytest.param("night walk part 1", "night walk part 2", 0.0, 0.6, id="part-1-vs-part-2"),
        pytest.param("night walk vol 3", "night walk vol 4", 0.0, 0.6, id="vol-3-vs-vol-4"),
        pytest.param("a long journ", "a long journey home to you", 0.9, 0.95, id="truncated"),
        pytest.param("short", "shorter song", 0.0, 0.7, id="short-prefix-not-truncation"),
    ],
)
def test_title_similarity(entry: str, track: str, low: float, high: float) -> None:
    assert low <= title_similarity((entry,), (track,)) <= high


def test_title_similarity_takes_the_best_pair() -> None:
    assert title_similarity(("amber road", "glass tide"), ("kaito", "glass tide")) == 1.0


def test_numbered_parts_stay_below_a_near_identical_title() -> None:
    part = title_similarity(("night walk part 1",), ("night walk part 2",))
    typo = title_similarity(("night walk part 1",), ("nigth walk part 1",))
    assert part < typo


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param("", "tidal records", None, id="empty-entry"),
        pytest.param("tidal records", "", None, id="empty-track"),
        pytest.param("tidal records", "tidal records", 1.0, id="equal"),
        pytest.param("tidal", "tidal records", 0.95, id="subset"),
    ],
)
def test_text_similarity(a: str, b: str, expected: float | None) -> None:
    result = text_similarity(a, b)
    assert result == (pytest.approx(expected) if expected is not None else None)


# -- artists -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "track", "low", "high"),
    [
        pytest.param(("nova reyes",), ("nova reyes",), 1.0, 1.0, id="same"),
        pytest.param(
            ("nova reyes", "mira solen"), ("mira solen", "nova reyes"), 1.0, 1.0, id="order"
        ),
        pytest.param(("nova reyes",), ("nova reyes", "mira solen"), 1.0, 1.0, id="entry-subset"),
        pytest.param(("mira solen",), ("nova reyes", "mira solen"), 1.0, 1.0, id="second-only"),
        pytest.param(("nova reyes", "mira solen"), ("nova reyes",), 0.8, 0.95, id="entry-superset"),
        pytest.param(("nova reyez",), ("nova reyes",), 0.85, 0.99, id="typo"),
        pytest.param(("kaito brenn",), ("nova reyes",), 0.0, 0.4, id="other-artist"),
    ],
)
def test_artist_similarity(
    entry: tuple[str, ...], track: tuple[str, ...], low: float, high: float
) -> None:
    assert low <= artist_scores(entry, track)[0] <= high


@pytest.mark.parametrize(
    ("entry", "track"),
    [
        pytest.param((), ("nova reyes",), id="no-entry-artist"),
        pytest.param(("x",), (), id="no-track"),
    ],
)
def test_artist_signals_absent(entry: tuple[str, ...], track: tuple[str, ...]) -> None:
    assert artist_scores(entry, track) == (None, None)


def test_first_artist_counts_double() -> None:
    track = ("nova reyes", "mira solen")
    first_right = artist_scores(("nova reyes", "pallas orr"), track)[0]
    first_wrong = artist_scores(("pallas orr", "nova reyes"), track)[0]
    assert first_right > first_wrong


@pytest.mark.parametrize(
    ("entry", "track", "expected"),
    [
        pytest.param(("nova reyes",), ("nova reyes", "mira solen"), 0.5, id="half"),
        pytest.param(("nova reyes", "mira solen"), ("mira solen", "nova reyes"), 1.0, id="all"),
        pytest.param(("nova reyes", "mira solen"), ("nova reyes",), 1.0, id="more-than-all"),
        pytest.param(("kaito brenn",), ("nova reyes", "mira solen"), 0.0, id="none"),
    ],
)
def test_artist_coverage(entry: tuple[str, ...], track: tuple[str, ...], expected: float) -> None:
    assert artist_scores(entry, track)[1] == expected


@pytest.mark.parametrize(
    ("entry", "artists", "remixers"),
    [
        pytest.param(("nova reyez", "mira solen"), ("nova reyes", "mira sollen"), (), id="typos"),
        pytest.param(("nova reyes",), ("nova reyes", "mira solen"), ("kaito brenn",), id="half"),
        pytest.param(("kaito brenn", "nova reyes"), ("nova reyes",), ("kaito bren",),
                     id="remixer-named"),
        pytest.param(("reyes nova",), ("nova reyes feat mira",), (), id="word-order"),
        pytest.param(("dj",), ("dj koze", "kaito"), (), id="short-names"),
        pytest.param(("nova reyes",), (), ("mira solen",), id="remixers-only"),
    ],
)  # fmt: skip
def test_artist_scores_are_both_sides_worked_out_alone(
    entry: tuple[str, ...], artists: tuple[str, ...], remixers: tuple[str, ...]
) -> None:
    # the coverage reuses the name pairs the similarity compared, the other way round
    assert artist_scores(entry, artists, remixers) == _scores_alone(entry, artists, remixers)


def _found_alone(name: str, others: tuple[str, ...]) -> float:
    """How well `name` is found among `others`, every pair compared afresh."""
    if name in others:
        return 1.0
    best = 0.0
    for other in others:
        s = Levenshtein.normalized_similarity(name, other)
        if s < 0.9 and min(len(name), len(other)) >= 4:
            s = max(s, fuzz.token_set_ratio(name, other) / 100.0 * 0.92)
        best = max(best, s)
    return best


def _scores_alone(
    entry: tuple[str, ...], artists: tuple[str, ...], remixers: tuple[str, ...]
) -> tuple[float | None, float | None]:
    """The two measures as first written, each on its own: the similarity of the entry's
    artists to the track's artists and remixers (the first named counts double, the joined
    names at 0.9 may do better), and the share of the track's artists the entry names."""
    track = artists + remixers
    if not entry or not track:
        return None, None
    scores = [_found_alone(n, track) for n in entry]
    similarity = (scores[0] * 2 + sum(scores[1:])) / (len(scores) + 1)
    if similarity < 0.9:
        joined = fuzz.token_set_ratio(" ".join(entry), " ".join(track)) / 100.0
        similarity = max(similarity, joined * 0.9)
    if not artists:
        return similarity, None
    return similarity, sum(1.0 for n in artists if _found_alone(n, entry) >= 0.85) / len(artists)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("nova reyes", "nova reyez"),
        ("nova reyes", "reyes nova feat mira solen"),
        ("dj koze", "koze"),
        ("mira", "mira solen"),
        ("tiësto", "tiesto"),
        ("a b c d", "d c b a e"),
    ],
)
def test_name_likeness_is_symmetric(a: str, b: str) -> None:
    # what lets artist_scores compare each pair of names once
    assert _likeness(a, b) == _likeness(b, a)


# -- versions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "track", "expected"),
    [
        pytest.param("Original Mix", "Original Mix", ("version", 1.0, ""), id="original-same"),
        pytest.param(
            "Original Mix", "Extended Mix", ("version", 0.85, ""), id="original-vs-extended"
        ),
        pytest.param("Radio Edit", "Original Mix", ("version", 0.85, ""), id="radio-vs-original"),
        pytest.param(
            "Original Mix", "Orrin Vale Remix", ("version", 0.0, "remix vs original"), id="o-vs-r"
        ),
        pytest.param(
            "Orrin Vale Remix", "Extended Mix", ("version", 0.0, "remix vs original"), id="r-vs-o"
        ),
        pytest.param(
            "Orrin Vale Remix",
            "Kaito Brenn Remix",
            ("version", 0.0, "different remix"),
            id="different-remixers",
        ),
        pytest.param("Orrin Vale Remix", "Orrin Vale Remix", ("version", 1.0, ""), id="same-remix"),
        pytest.param(
            "Orrin Vale Remix",
            "Orrin Vale Extended Remix",
            ("version", 0.95, ""),
            id="remix-length-differs",
        ),
        pytest.param(
            "Orrin Vale Remix",
            "Orrin Vale Dub",
            ("version", 0.3, "different version kind"),
            id="remix-vs-dub",
        ),
        pytest.param("Dub", "Dub Mix", ("version", 1.0, ""), id="unnamed-dubs"),
        pytest.param(
            "Orrin Vale Remix", "", ("unknown_version", 0.0, ""), id="remix-vs-no-version"
        ),
        pytest.param("Original Mix", "", ("version", 0.9, ""), id="original-vs-no-version"),
        pytest.param("", "", ("version", 1.0, ""), id="neither"),
        pytest.param("", "Original Mix", ("version", 1.0, ""), id="none-vs-original"),
        pytest.param("", "Extended Mix", ("version", 0.9, ""), id="none-vs-extended"),
        pytest.param(
            "", "Orrin Vale Remix", ("unstated_remix", 0.0, ""), id="none-vs-remix-unstated"
        ),
    ],
)
def test_version_similarity(entry: str, track: str, expected: tuple[str, float, str]) -> None:
    entry_version = parse_version(entry) if entry else NO_VERSION
    track_version = parse_version(track) if track else NO_VERSION
    signal, value, guard = version_similarity(entry_version, track_version, ("nova reyes",))
    assert (signal, guard) == (expected[0], expected[2])
    assert value == pytest.approx(expected[1])


def test_unstated_remix_by_an_entry_artist_is_plausible() -> None:
    """`Nova Reyes, Orrin Vale - Glass Tide` often is the Orrin Vale Remix."""
    result = version_similarity(
        NO_VERSION, parse_version("Orrin Vale Remix"), (), ("nova reyes", "orrin vale")
    )
    assert result == ("unstated_remix", 0.7, "")


def test_unnamed_remix_matches_a_named_one_by_the_tracks_remixer() -> None:
    result = version_similarity(
        parse_version("Remix"), parse_version("Orrin Vale Remix"), ("orrin vale", "nova reyes")
    )
    assert result == ("version", 0.8, "")


def test_unnamed_remix_is_not_a_different_remix() -> None:
    _, _, guard = version_similarity(
        parse_version("Remix"), parse_version("Orrin Vale Remix"), ("nova reyes",)
    )
    assert guard == ""


@pytest.mark.parametrize(
    ("entry", "track"),
    [
        pytest.param("Original Mix", "Orrin Vale Remix", id="original-vs-remix"),
        pytest.param("Orrin Vale Remix", "Original Mix", id="remix-vs-original"),
        pytest.param("Orrin Vale Remix", "Kaito Brenn Remix", id="remixers"),
    ],
)
def test_guards_are_symmetric(entry: str, track: str) -> None:
    forward = version_similarity(parse_version(entry), parse_version(track), ())
    backward = version_similarity(parse_version(track), parse_version(entry), ())
    assert forward[2] and forward[2] == backward[2]


# -- numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("diff", "expected"),
    [
        pytest.param(0, 1.0, id="same"),
        pytest.param(3, 1.0, id="3s-tolerated"),
        pytest.param(20, 0.6, id="20s"),
        pytest.param(90, 0.0, id="90s"),
        pytest.param(300, 0.0, id="other-track"),
    ],
)
def test_duration_similarity_points(diff: float, expected: float) -> None:
    assert duration_similarity(400.0, 400.0 + diff) == pytest.approx(expected)
    assert duration_similarity(400.0 + diff, 400.0) == pytest.approx(expected)


def test_duration_similarity_is_monotonic_and_bounded() -> None:
    values = [duration_similarity(400.0, 400.0 + d / 2) for d in range(0, 400)]
    assert all(0.0 <= v <= 1.0 for v in values)
    assert all(a >= b for a, b in zip(values, values[1:], strict=False))
    assert values[0] > values[-1]


@pytest.mark.parametrize(
    ("a", "b"),
    [pytest.param(None, 400.0, id="entry-none"), pytest.param(0.0, 400.0, id="entry-zero"),
     pytest.param(400.0, None, id="track-none")],
)  # fmt: skip
def test_duration_absent(a: float | None, b: float | None) -> None:
    assert duration_similarity(a, b) is None


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        pytest.param(124.0, 124.0, 1.0, 1.0, id="same"),
        pytest.param(62.0, 124.0, 1.0, 1.0, id="half"),
        pytest.param(248.0, 124.0, 1.0, 1.0, id="double"),
        pytest.param(87.0, 174.0, 1.0, 1.0, id="dnb-half"),
        pytest.param(124.0, 125.0, 1.0, 1.0, id="rounding"),
        pytest.param(124.0, 126.0, 0.85, 0.99, id="2-bpm"),
        pytest.param(124.0, 130.0, 0.0, 0.5, id="6-bpm"),
        pytest.param(124.0, 140.0, 0.0, 0.0, id="other-tempo"),
    ],
)
def test_bpm_similarity(a: float, b: float, low: float, high: float) -> None:
    assert low <= bpm_similarity(a, b) <= high


def test_bpm_absent() -> None:
    assert bpm_similarity(None, 124.0) is None
    assert bpm_similarity(124.0, 0.0) is None


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param("8A", "8A", 1.0, id="same"),
        pytest.param("Am", "8A", 1.0, id="same-other-notation"),
        pytest.param("8A", "9A", 0.7, id="fifth-up"),
        pytest.param("8A", "7A", 0.7, id="fifth-down"),
        pytest.param("12A", "1A", 0.7, id="wheel-wraps"),
        pytest.param("8A", "8B", 0.7, id="relative-major"),
        pytest.param("8A", "10A", 0.2, id="two-steps"),
        pytest.param("8A", "9B", 0.2, id="diagonal"),
    ],
)
def test_key_similarity(a: str, b: str, expected: float) -> None:
    assert key_sim(parse_key(a), parse_key(b)) == expected


def test_key_absent() -> None:
    assert key_sim(None, parse_key("8A")) is None
    assert key_sim(parse_key("8A"), None) is None
