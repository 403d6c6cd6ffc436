"""Features: what is known about one candidate, as named numbers in [0, 1].

Unknown evidence is neutral: a signal one side lacks is 0 on both its agreement and its
disagreement feature. The context features (title twins, siblings) depend on the other
candidates and are set by `with_context`.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from matcher.matching.features import (
    FEATURES,
    Evidence,
    context_counts,
    evidence,
    same_file,
    timed_siblings,
    with_context,
)
from matcher.matching.readings import Reading, read_entry
from matcher.matching.similarity import one_slip
from matcher.model import CatalogTrack, PlaylistEntry

TRACK = CatalogTrack(
    "t1", "Glass Tide", mix="Original Mix", artists=("Nova Reyes",), label="Tidal Records",
    release="Shorelines EP", bpm=124.0, key="A Minor", duration_s=400.0,
)  # fmt: skip
REMIX = CatalogTrack("t2", "Glass Tide", mix="Orrin Vale Remix", artists=("Nova Reyes",),
                     remixers=("Orrin Vale",), duration_s=400.0)  # fmt: skip


def entry(**fields: object) -> PlaylistEntry:
    base: dict[str, object] = {
        "title": "Glass Tide", "artist": "Nova Reyes", "mix": "Original Mix",
        "duration_s": 400.0, "bpm": 124.0, "key": "8A",
    }  # fmt: skip
    base.update(fields)
    return PlaylistEntry("set.m3u8", "set", 0, **base)  # type: ignore[arg-type]


def features(track: CatalogTrack = TRACK, *, identifier: str = "", location: str = "",
             **fields: object) -> Evidence:  # fmt: skip
    return evidence(read_entry(entry(**fields)), track, identifier=identifier, location=location)


def present(ev: Evidence) -> dict[str, float]:
    """The features that are not 0, rounded for comparison."""
    return {k: round(v, 4) for k, v in ev.features.items() if v}


# The perfect candidate: the entry written exactly as the catalog writes the track.
PERFECT = {
    "title": 1.0, "title_exact": 1.0, "artists": 1.0, "artist_cover": 1.0, "version": 1.0,
    "version_exact": 1.0, "duration": 1.0, "duration_close": 1.0, "bpm": 1.0, "key": 1.0,
    "surface": 1.0,
}  # fmt: skip


def test_the_perfect_candidate() -> None:
    ev = features()
    assert list(ev.features) == list(FEATURES)
    assert present(ev) == PERFECT
    assert ev.guard == ""
    assert ev.similarities == {"title": 1.0, "version": 1.0, "artists": 1.0, "duration": 1.0,
                               "bpm": 1.0, "key": 1.0}  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "changed"),
    [
        pytest.param({"key": "9A"}, {"key": 0.0}, id="key-neighbour-neither"),
        pytest.param({"key": "10A"}, {"key": 0.0, "key_off": 1.0}, id="key-far"),
        pytest.param({"duration_s": 403.0}, {}, id="duration-3s-is-close"),
        pytest.param({"duration_s": 404.0}, {"duration": round(1 - 1 / 17, 4),
                                             "duration_close": 0.0}, id="duration-4s"),
        pytest.param({"duration_s": 411.5}, {"duration": 0.5, "duration_close": 0.0},
                     id="duration-11s-half"),
        pytest.param({"duration_s": 419.0}, {"duration": round(1 / 17, 4),
                                             "duration_close": 0.0}, id="duration-19s-not-off"),
        pytest.param({"duration_s": 430.0}, {"duration": 0.0, "duration_close": 0.0,
                                             "duration_off": 1.0}, id="duration-30s-off"),
        pytest.param({"bpm": 125.0}, {}, id="bpm-within-a-beat"),
        pytest.param({"bpm": 62.0}, {}, id="bpm-half-time"),
        pytest.param({"bpm": 248.0}, {}, id="bpm-double-time"),
        pytest.param({"bpm": 126.0}, {"bpm": 0.0}, id="bpm-near-neither"),
        pytest.param({"bpm": 140.0}, {"bpm": 0.0, "bpm_off": 1.0}, id="bpm-far"),
        pytest.param({"mix": "Extended Mix", "title": "Glass Tide"},
                     {"version": 0.85, "version_exact": 0.0, "length_differs": 1.0},
                     id="extended-vs-original"),
        pytest.param({"mix": ""}, {"version_exact": 0.0, "no_version": 1.0},
                     id="no-mix-vs-original"),
        pytest.param({"mix": "", "title": "Glass Tide (Original Mix)"}, {},
                     id="mix-in-the-title"),
        pytest.param({"artist": ""}, {"artists": 0.0, "artist_cover": 0.0, "no_artist": 1.0},
                     id="no-artist"),
        pytest.param({"artist": "", "title": "Nova Reyes - Glass Tide"}, {"surface": 0.0},
                     id="artist-in-the-title"),
        pytest.param({"title": "GLASS  tide"}, {}, id="case-and-spacing-are-the-surface"),
        pytest.param({"album": "Shorelines EP", "label": "Tidal Records"},
                     {"release": 1.0, "label": 1.0}, id="release-and-label"),
        pytest.param({"comments": "Tidal Records | Purchased at Beatport.com"}, {"label": 1.0},
                     id="label-from-comments"),
        pytest.param({"album": "Night Sessions Vol 2", "label": "Deep Shelf Audio"}, {},
                     id="release-and-label-disagree-cost-nothing"),
    ],
)  # fmt: skip
def test_each_signal_moves_only_its_own_features(
    fields: dict[str, object], changed: dict[str, float]
) -> None:
    expected = {k: v for k, v in {**PERFECT, **changed}.items() if v}
    assert present(features(**fields)) == expected


@pytest.mark.parametrize(
    ("fields", "name", "lost", "gained"),
    [
        pytest.param({"title": "Glas Tide"}, "title", ("title_exact", "surface"),
                     {"title_typo": 1.0}, id="typo"),
        pytest.param({"title": "Glass Tidal"}, "title", ("title_exact", "surface"), {},
                     id="another-word"),
        pytest.param({"artist": "Corin Adebayo"}, "artists", ("artist_cover",), {},
                     id="another-artist"),
    ],
)  # fmt: skip
def test_a_similar_field_is_partial_evidence(
    fields: dict[str, object], name: str, lost: tuple[str, ...], gained: dict[str, float]
) -> None:
    ev = features(**fields)
    assert 0.0 < ev.features[name] < 1.0
    assert ev.similarities[name] == round(ev.features[name], 4)
    expected = {k: v for k, v in PERFECT.items() if k not in (name, *lost)} | gained
    assert {k: v for k, v in present(ev).items() if k != name} == expected


@pytest.mark.parametrize(
    ("title", "other", "slip"),
    [
        pytest.param("clannga", "clanga", True, id="letter-added"),
        pytest.param("glas tide", "glass tide", True, id="letter-dropped"),
        pytest.param("nobody", "nobdoy", True, id="neighbours-swapped"),
        pytest.param("part 1 dawn", "part 2 dawn", False, id="another-part"),
        pytest.param("the island pt i", "the island pt ii", False, id="roman-numerals"),
        pytest.param("sunny", "sunna", False, id="too-short"),
        pytest.param("glass tide", "gloss tire", False, id="two-slips"),
    ],
)
def test_one_slip_is_a_typo_not_another_title(title: str, other: str, slip: bool) -> None:
    assert one_slip(title, (other,)) is slip


@pytest.mark.parametrize(
    ("fields", "track", "gone"),
    [
        pytest.param({"duration_s": None}, TRACK, ("duration", "duration_close"),
                     id="entry-without-length"),
        pytest.param({}, CatalogTrack("t1", "Glass Tide", mix="Original Mix",
                                      artists=("Nova Reyes",), bpm=124.0, key="A Minor"),
                     ("duration", "duration_close"), id="track-without-length"),
        pytest.param({"bpm": None}, TRACK, ("bpm",), id="entry-without-bpm"),
        pytest.param({"key": ""}, TRACK, ("key",), id="entry-without-key"),
        pytest.param({"key": "not a key"}, TRACK, ("key",), id="unreadable-key"),
        pytest.param({}, CatalogTrack("t1", "Glass Tide", mix="Original Mix",
                                      artists=("Nova Reyes",), duration_s=400.0),
                     ("bpm", "key"), id="track-without-bpm-or-key"),
    ],
)  # fmt: skip
def test_unknown_evidence_is_neutral(
    fields: dict[str, object], track: CatalogTrack, gone: tuple[str, ...]
) -> None:
    """Neither for nor against: the agreement and the disagreement feature are both 0."""
    ev = features(track, **fields)
    for name in gone:
        assert ev.features[name] == 0.0
        assert ev.features.get(f"{name}_off", 0.0) == 0.0
        assert name not in ev.similarities
    assert present(ev) == {k: v for k, v in PERFECT.items() if k not in gone}


@pytest.mark.parametrize(
    ("fields", "track", "changed", "guard"),
    [
        pytest.param({"mix": "", "bpm": None, "key": ""}, REMIX,
                     {"unstated_remix": 1.0, "unstated_remix_confirmed": 1.0}, "",
                     id="unstated-remix-same-length"),
        pytest.param({"mix": "", "bpm": None, "key": "", "duration_s": 430.0}, REMIX,
                     {"unstated_remix": 1.0, "duration_off": 1.0}, "",
                     id="unstated-remix-other-length"),
        pytest.param({"mix": "", "bpm": None, "key": "", "artist": "Nova Reyes, Orrin Vale"},
                     REMIX, {"unstated_remix": 0.3, "unstated_remix_confirmed": 0.3}, "",
                     id="unstated-remix-by-a-named-artist"),
        pytest.param({"mix": "Orrin Vale Remix", "bpm": None, "key": ""},
                     CatalogTrack("t3", "Glass Tide", artists=("Nova Reyes",), duration_s=400.0),
                     {"unknown_version": 1.0, "surface": 1.0}, "", id="remix-vs-no-version"),
        pytest.param({"mix": "Original Mix", "bpm": None, "key": ""}, REMIX, {},
                     "remix vs original", id="original-vs-remix"),
        pytest.param({"mix": "Kaito Brenn Remix", "bpm": None, "key": ""}, REMIX, {},
                     "different remix", id="two-remixers"),
        pytest.param({"mix": "Orrin Vale Remix", "bpm": None, "key": ""}, REMIX,
                     {"version": 1.0, "version_exact": 1.0}, "", id="the-same-remix"),
    ],
)  # fmt: skip
def test_versions(
    fields: dict[str, object], track: CatalogTrack, changed: dict[str, float], guard: str
) -> None:
    """A guarded candidate keeps its title, artist and length evidence for the audit
    trail; the guard itself is the veto."""
    base = {"title": 1.0, "title_exact": 1.0, "artists": 1.0, "artist_cover": 1.0}
    length = {} if "duration_s" in fields else {"duration": 1.0, "duration_close": 1.0}
    unnamed = {} if fields.get("mix") else {"no_version": 1.0}
    ev = features(track, **fields)
    assert present(ev) == {**base, **length, **unnamed, **changed}
    assert ev.guard == guard


def test_partial_artist_coverage() -> None:
    duo = CatalogTrack("t1", "Glass Tide", mix="Original Mix",
                       artists=("Nova Reyes", "Mira Solen"), duration_s=400.0)  # fmt: skip
    ev = features(duo, bpm=None, key="")
    assert (ev.features["artists"], ev.features["artist_cover"]) == (1.0, 0.5)


@pytest.mark.parametrize("identifier", ["isrc", "store-id"])
def test_an_identifier_counts_when_the_title_agrees(identifier: str) -> None:
    assert features(identifier=identifier).features["identifier"] == 1.0
    assert features().features["identifier"] == 0.0


def test_an_identifier_on_a_wrong_title_counts_for_nothing() -> None:
    ev = features(identifier="isrc", title="Copper Sky")
    assert ev.features["title"] < 0.6
    assert ev.features["identifier"] == 0.0


def test_the_entry_s_own_file() -> None:
    track = CatalogTrack("t1", "Glass Tide", location="/music/glass tide.mp3")
    assert features(track, location="/music/glass tide.mp3").features["same_file"] == 1.0
    assert features(track, location="/music/other.mp3").features["same_file"] == 0.0
    assert features(track).features["same_file"] == 0.0


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param("/music/a.mp3", "/music/a.mp3", True, id="identical"),
        pytest.param("C:\\Music\\a.mp3", "C:/Music/a.mp3", True, id="separators"),
        pytest.param("C:/Music/a.mp3", "c:/music/A.MP3", True, id="case"),
        pytest.param("/music/set/", "/music/set", True, id="trailing-slash"),
        pytest.param("/music/a.mp3", "/music/b.mp3", False, id="another-file"),
        pytest.param("/music/a.mp3", "/other/a.mp3", False, id="same-name-elsewhere"),
        pytest.param("", "/music/a.mp3", False, id="entry-has-no-file"),
        pytest.param("/music/a.mp3", "", False, id="track-has-no-file"),
        pytest.param("", "", False, id="neither-has-a-file"),
    ],
)
def test_same_file(a: str, b: str, same: bool) -> None:
    assert same_file(a, b) is same
    assert same_file(b, a) is same


@pytest.mark.parametrize(
    ("a", "b", "sizes", "same"),
    [
        pytest.param("D:/Music/House/a.mp3", "/Volumes/USB/Music/House/a.mp3",
                     (8_318_500, 8_318_500), True, id="moved-drive-same-size"),
        pytest.param("D:/Music/a.mp3", "/Users/dj/Music/A.mp3", (8_318_500, 8_123 * 1024),
                     True, id="traktor-kilobytes"),
        pytest.param("D:/Music/a.mp3", "/Volumes/USB/a.mp3", (8_318_500, 8_400_000), False,
                     id="same-name-other-size"),
        pytest.param("D:/Music/a.mp3", "/Volumes/USB/b.mp3", (8_318_500, 8_318_500), False,
                     id="same-size-other-name"),
        pytest.param("D:/Music/a.mp3", "/Volumes/USB/a.mp3", (8_318_500, None), False,
                     id="one-size-unknown"),
    ],
)  # fmt: skip
def test_same_file_name_and_size(
    a: str, b: str, sizes: tuple[int | None, int | None], same: bool
) -> None:
    assert same_file(a, b, *sizes) is same
    assert same_file(b, a, *reversed(sizes)) is same


def test_a_moved_library_s_file_is_its_own_file() -> None:
    track = CatalogTrack("t1", "Glass Tide", location="/Volumes/USB/Music/Glass Tide.mp3",
                         file_size=9_000_000)  # fmt: skip
    moved = features(track, location="D:/Music/Glass Tide.mp3", file_size=9_000_000)
    assert moved.features["same_file"] == 1.0
    assert features(track, location="D:/Music/Glass Tide.mp3").features["same_file"] == 0.0


@pytest.mark.parametrize(
    ("fields", "track"),
    [
        pytest.param({}, TRACK, id="perfect"),
        pytest.param({"title": "Glas Tid", "artist": "Nova Rayes", "duration_s": 999.0,
                      "bpm": 70.0, "key": "3B"}, TRACK, id="everything-off"),
        pytest.param({"mix": ""}, REMIX, id="unstated-remix"),
        pytest.param({"title": "Copper Sky", "artist": "", "mix": "", "duration_s": None,
                      "bpm": None, "key": "", "album": "Copper", "label": "Tidal"}, TRACK,
                     id="sparse"),
        pytest.param({"title": "Nova Reyes - Glass Tide (Orrin Vale Remix)", "artist": ""},
                     REMIX, id="everything-in-the-title"),
    ],
)  # fmt: skip
def test_every_feature_is_in_zero_one_and_context_starts_at_zero(
    fields: dict[str, object], track: CatalogTrack
) -> None:
    ev = features(track, identifier="isrc", location="/music/x.mp3", **fields)
    assert set(ev.features) == set(FEATURES)
    assert all(0.0 <= v <= 1.0 for v in ev.features.values()), ev.features
    assert all(0.0 <= v <= 1.0 for v in ev.similarities.values()), ev.similarities
    assert (ev.features["title_twins"], ev.features["siblings"]) == (0.0, 0.0)


def test_evidence_is_pure() -> None:
    reading = read_entry(entry(title="Glas Tide"))
    assert evidence(reading, TRACK) == evidence(reading, TRACK)


# -- the context: what the other candidates share ------------------------------------------


def candidates(*tracks: CatalogTrack) -> list[Evidence]:
    reading = read_entry(entry())
    return [evidence(reading, t) for t in tracks]


@pytest.mark.parametrize(
    ("tracks", "counts"),
    [
        pytest.param([TRACK], [(0, 0)], id="alone"),
        pytest.param([TRACK, REMIX], [(1, 1), (1, 1)], id="two-versions-of-one-work"),
        pytest.param(
            [TRACK, REMIX, CatalogTrack("t3", "Glass Tide", artists=("Corin Adebayo",))],
            [(2, 1), (2, 1), (2, 0)], id="another-artist-is-a-twin-not-a-sibling",
        ),
        pytest.param(
            [TRACK, CatalogTrack("t3", "Amber Road", artists=("Nova Reyes",))],
            [(0, 0), (0, 0)], id="same-artist-other-title",
        ),
        pytest.param(
            [TRACK, CatalogTrack("t3", "GLASS TIDE (Extended Mix)", artists=("NOVA REYES",))],
            [(1, 1), (1, 1)], id="folded-titles",
        ),
        pytest.param(
            [TRACK, CatalogTrack("t3", "Nova Reyes - Glass Tide", artists=("Nova Reyes",))],
            [(1, 1), (1, 1)], id="artist-prefix-in-the-catalog-title",
        ),
        pytest.param(
            [CatalogTrack("t3", "Glass Tide"), CatalogTrack("t4", "Glass Tide")],
            [(1, 0), (1, 0)], id="no-artists-no-siblings",
        ),
        pytest.param([], [], id="nothing"),
    ],
)  # fmt: skip
def test_context_counts(tracks: list[CatalogTrack], counts: list[tuple[int, int]]) -> None:
    assert context_counts(candidates(*tracks)) == counts


def test_context_counts_of_hand_made_evidence_without_titles() -> None:
    bare = Evidence(dict.fromkeys(FEATURES, 0.0), "", {})
    assert context_counts([bare, bare]) == [(0, 0), (0, 0)]


LOG9 = math.log(9)


@pytest.mark.parametrize(
    ("count", "value"),
    [
        pytest.param(0, 0.0, id="none"),
        pytest.param(1, math.log(2) / LOG9, id="one"),
        pytest.param(3, math.log(4) / LOG9, id="three"),
        pytest.param(8, 1.0, id="eight-is-the-cap"),
        pytest.param(50, 1.0, id="more-is-capped"),
        pytest.param(-1, 0.0, id="negative-is-none"),
    ],
)
def test_with_context_puts_counts_on_a_log_scale(count: int, value: float) -> None:
    out = with_context({"no_version": 1.0}, count, count)
    assert out["title_twins"] == pytest.approx(value)
    assert out["siblings"] == pytest.approx(value)


def test_siblings_count_only_when_the_entry_names_no_version() -> None:
    assert with_context({"no_version": 0.0}, 2, 2)["siblings"] == 0.0
    assert with_context({}, 2, 2)["siblings"] == 0.0
    assert with_context({"no_version": 1.0}, 2, 2)["siblings"] > 0.0


def test_with_context_leaves_its_input_alone() -> None:
    original = dict(features().features)
    out = with_context(original, 3, 3)
    assert original == features().features
    assert out["title_twins"] > 0.0 and original["title_twins"] == 0.0


@pytest.mark.parametrize(
    ("tracks", "timed"),
    [
        pytest.param(
            [CatalogTrack("t1", "Glass Tide", artists=("Nova Reyes",)),
             CatalogTrack("t2", "Glass Tide", mix="Orrin Vale Remix", artists=("Nova Reyes",),
                          duration_s=400.0)],
            [True, False], id="the-remix-has-the-entrys-length",
        ),
        pytest.param(
            [CatalogTrack("t1", "Glass Tide", artists=("Nova Reyes",)),
             CatalogTrack("t2", "Glass Tide", mix="Orrin Vale Remix", artists=("Nova Reyes",),
                          duration_s=300.0)],
            [False, False], id="the-remix-has-another-length",
        ),
        pytest.param(
            [CatalogTrack("t1", "Glass Tide", artists=("Nova Reyes",)),
             CatalogTrack("t2", "Glass Tide", artists=("Corin Adebayo",), duration_s=400.0)],
            [False, False], id="another-artists-track-is-not-a-sibling",
        ),
        pytest.param(
            [CatalogTrack("t1", "Glass Tide", artists=("Nova Reyes",)),
             CatalogTrack("t2", "Glass Tide", mix="Dub", artists=("Nova Reyes",))],
            [False, False], id="no-length-anywhere",
        ),
    ],
)  # fmt: skip
def test_a_sibling_whose_length_agrees_speaks_against_an_untimed_track(
    tracks: list[CatalogTrack], timed: list[bool]
) -> None:
    assert timed_siblings(candidates(*tracks)) == timed


def test_an_entry_without_a_length_has_no_timed_siblings() -> None:
    reading = read_entry(entry(duration_s=None))
    tracks = [CatalogTrack("t1", "Glass Tide", artists=("Nova Reyes",)),
              CatalogTrack("t2", "Glass Tide", mix="Dub", artists=("Nova Reyes",),
                           duration_s=400.0)]  # fmt: skip
    assert timed_siblings([evidence(reading, t) for t in tracks]) == [False, False]


@pytest.mark.parametrize(
    ("first", "then", "artists"),
    [
        pytest.param(("nova reyez",), ("nova reyes",), 1.0, id="a-later-reading-does-better"),
        pytest.param(("nova reyes",), ("nova reyez",), 1.0, id="the-first-stays-when-perfect"),
    ],
)
def test_the_reading_that_fits_best_is_the_one_weighed(
    first: tuple[str, ...], then: tuple[str, ...], artists: float
) -> None:
    """A later reading (a lower prior) wins when its title and artists together do
    better, however close the first came."""
    base = read_entry(entry())
    readings = (Reading("glass tide", first), Reading("glass tide", then, prior=0.98))
    ev = evidence(replace(base, readings=readings), TRACK)
    assert ev.features["artists"] == artists
    assert ev.features["title"] == pytest.approx(1.0 if first == ("nova reyes",) else 0.98)


# -- a bracketed tag that reading the title drops -------------------------------------------

BLADE = CatalogTrack("bare", "The Blade", artists=("Zork",), duration_s=274.0)
BLADE_FULL = CatalogTrack("full", "The Blade [FULL]", mix="Original Mix", artists=("Zork",),
                          duration_s=274.0)  # fmt: skip
MOUNTAIN_M = CatalogTrack("m", "Mountain [M]", artists=("Zork",), duration_s=274.0)
WIZARD_VIP = CatalogTrack("vip", "Slouching Wizard [SCORTCH]", mix="Secret VIP",
                          artists=("Warlord",), remixers=("Secret",), duration_s=276.0)  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "track", "tag"),
    [
        pytest.param({"title": "The Blade [FULL] (Extended Mix)", "artist": "Zork", "mix": ""},
                     BLADE_FULL, 1.0, id="the-row-writes-the-tag"),
        pytest.param({"title": "The Blade [FULL] (Extended Mix)", "artist": "Zork", "mix": ""},
                     BLADE, 0.0, id="the-bare-sibling-does-not"),
        pytest.param({"title": "Zork - The Blade [FULL]", "artist": "", "mix": ""},
                     BLADE_FULL, 1.0, id="artist-written-before-the-title"),
        pytest.param({"title": "Slouching Wizard [SCORTCH]", "artist": "Warlord", "mix": ""},
                     WIZARD_VIP, 0.0, id="not-for-a-remix-the-entry-does-not-name"),
        pytest.param({"title": "Glass Tide (Club Edit)", "mix": ""}, TRACK, 0.0,
                     id="a-version-is-no-tag"),
        pytest.param({"title": "Mountain [M]", "artist": "Zork", "mix": ""}, MOUNTAIN_M, 1.0,
                     id="a-one-letter-tag-though-the-title-holds-the-letter"),
    ],
)  # fmt: skip
def test_a_tag_the_reading_drops_agrees_when_the_row_writes_it(
    fields: dict[str, object], track: CatalogTrack, tag: float
) -> None:
    ev = features(track, duration_s=274.0, bpm=None, key="", **fields)
    assert ev.features["title_tag"] == tag


def test_a_bracket_the_reading_keeps_is_no_tag() -> None:
    """In "9 PM (Till I Come)" the bracket is the title itself: both siblings write it, so
    it tells them apart no more than the title does."""
    reading = read_entry(entry(title="9 PM (Till I Come) (Club Mix)", artist="ATB", mix=""))
    assert reading.tagged == ()
