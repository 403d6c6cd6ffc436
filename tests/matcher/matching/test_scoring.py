"""Scoring: a candidate's log-odds is the bias minus one named penalty per signal."""

from __future__ import annotations

import math

import pytest

from matcher.matching.presets import Weights
from matcher.matching.readings import read_entry
from matcher.matching.scoring import SUPPORT, score, support
from matcher.model import CatalogTrack, PlaylistEntry

# Round numbers so every expected score is plain arithmetic. surface=0: an entry written
# exactly as the catalog writes it would otherwise add support to the "perfect" case.
W = Weights(
    bias=5.0, title=10.0, artists=4.0, artist_cover=2.0, version=3.0, unstated_remix=2.0,
    unknown_version=3.5, duration=6.0, duration_unknown=5.0, bpm=2.0, key=1.0, release=1.0,
    label=0.5, surface=0.0, no_artist=1.5, identifier=8.0,
)  # fmt: skip

TRACK = CatalogTrack(
    "t1",
    "Glass Tide",
    mix="Original Mix",
    artists=("Nova Reyes",),
    label="Tidal Records",
    release="Shorelines EP",
    bpm=124.0,
    key="A Minor",
    duration_s=400.0,
)


def entry(**fields: object) -> PlaylistEntry:
    base: dict[str, object] = {
        "title": "Glass Tide",
        "artist": "Nova Reyes",
        "mix": "Original Mix",
        "duration_s": 400.0,
        "bpm": 124.0,
        "key": "8A",
    }
    base.update(fields)
    return PlaylistEntry("set.m3u8", "set", 0, **base)  # type: ignore[arg-type]


def scored(weights: Weights = W, track: CatalogTrack = TRACK, **fields: object):
    return score(read_entry(entry(**fields)), track, weights)


def test_perfect_candidate_scores_the_bias() -> None:
    c = scored()
    assert c.score == W.bias
    assert c.penalties == {}
    assert c.confidence == round(1 / (1 + math.exp(-W.bias)), 4)
    assert c.guard == ""
    assert c.features == {
        "title": 1.0, "artists": 1.0, "artist_cover": 1.0, "version": 1.0, "surface": 1.0,
        "duration": 1.0, "bpm": 1.0, "key": 1.0,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "signal", "penalty"),
    [
        pytest.param({"key": "9A"}, "key", 1.0 * (1 - 0.7), id="key-neighbour"),
        pytest.param({"key": "10A"}, "key", 1.0 * (1 - 0.2), id="key-far"),
        pytest.param({"duration_s": 420.0}, "duration", 6.0 * 0.4, id="duration-20s"),
        pytest.param({"duration_s": 500.0}, "duration", 6.0, id="duration-far"),
        pytest.param({"bpm": 140.0}, "bpm", 2.0, id="bpm-far"),
        pytest.param({"mix": "Extended Mix"}, "version", 3.0 * 0.15, id="extended-vs-original"),
        pytest.param({"mix": ""}, "version", 0.0, id="no-mix-vs-original"),
    ],
)
def test_each_penalty_is_weight_times_distance(
    fields: dict[str, object], signal: str, penalty: float
) -> None:
    c = scored(**fields)
    assert c.penalties.get(signal, 0.0) == pytest.approx(penalty, abs=1e-4)
    others = {k: v for k, v in c.penalties.items() if k != signal}
    assert others == {}
    assert c.score == pytest.approx(W.bias - penalty, abs=1e-3)


def test_penalties_add_up() -> None:
    c = scored(key="9A", duration_s=420.0, mix="Extended Mix")
    expected = 0.3 + 2.4 + 0.45
    assert sum(c.penalties.values()) == pytest.approx(expected, abs=1e-3)
    assert c.score == pytest.approx(W.bias - expected, abs=1e-3)


def test_score_is_bias_minus_penalties_for_any_candidate() -> None:
    tracks = [
        TRACK,
        CatalogTrack("t2", "Amber Road", artists=("Kaito Brenn",), bpm=128.0, duration_s=333.0),
        CatalogTrack("t3", "Glass Tide", mix="Orrin Vale Remix", artists=("Nova Reyes",)),
    ]
    reading = read_entry(entry(title="Glass Tid", album="Shorelines", label="Tidal"))
    for track in tracks:
        c = score(reading, track, W)
        assert c.score == pytest.approx(W.bias - sum(c.penalties.values()), abs=1e-3)
        assert all(0.0 <= v <= 1.0 for v in c.features.values())


def test_missing_track_numbers_add_nothing_but_missing_duration_costs() -> None:
    bare = CatalogTrack("t1", "Glass Tide", mix="Original Mix", artists=("Nova Reyes",))
    c = scored(track=bare)
    assert "bpm" not in c.features and "key" not in c.features and "duration" not in c.features
    assert c.features["duration_unknown"] == 0.0
    assert c.penalties == {"duration_unknown": W.duration_unknown}


def test_missing_artist_pays_a_fixed_cost() -> None:
    c = scored(artist="")
    assert "artists" not in c.features and "artist_cover" not in c.features
    assert c.penalties == {"no_artist": W.no_artist}
    assert c.score == W.bias - W.no_artist


def test_partial_artist_coverage() -> None:
    duo = CatalogTrack(
        "t1", "Glass Tide", mix="Original Mix", artists=("Nova Reyes", "Mira Solen"),
        bpm=124.0, key="A Minor", duration_s=400.0,
    )  # fmt: skip
    c = scored(track=duo)
    assert c.features["artist_cover"] == 0.5
    assert c.penalties == {"artist_cover": W.artist_cover * 0.5}


@pytest.mark.parametrize(
    ("fields", "track_mix", "signal", "penalty"),
    [
        pytest.param(
            {"mix": "Orrin Vale Remix"}, "", "unknown_version", 3.5, id="remix-vs-no-version"
        ),
        pytest.param({"mix": ""}, "Orrin Vale Remix", "unstated_remix", 2.0, id="unstated-remix"),
    ],
)
def test_version_signals_use_their_own_weights(
    fields: dict[str, object], track_mix: str, signal: str, penalty: float
) -> None:
    track = CatalogTrack("t1", "Glass Tide", mix=track_mix, artists=("Nova Reyes",),
                         bpm=124.0, key="A Minor")  # fmt: skip
    c = scored(track=track, duration_s=None, **fields)
    assert "version" not in c.features
    assert c.penalties == {signal: penalty}


def test_unstated_remix_of_the_same_length_is_half_forgiven() -> None:
    track = CatalogTrack("t1", "Glass Tide", mix="Orrin Vale Remix", artists=("Nova Reyes",),
                         duration_s=400.0)  # fmt: skip
    c = scored(track=track, mix="", bpm=None, key="")
    assert c.features["unstated_remix"] == 0.6
    assert c.penalties == {"unstated_remix": pytest.approx(2.0 * 0.4)}


@pytest.mark.parametrize(
    ("fields", "weights", "support_penalties"),
    [
        pytest.param({"album": "Shorelines EP"}, W, {"release": -1.0}, id="release"),
        pytest.param({"label": "Tidal Records"}, W, {"label": -0.5}, id="label"),
        pytest.param(
            {"comments": "Tidal Records | Purchased at Beatport.com"},
            W,
            {"label": -0.5},
            id="label-from-comments",
        ),
        pytest.param({"label": "Deep Shelf Audio"}, W, {}, id="label-disagrees-costs-nothing"),
        pytest.param({"album": "Night Sessions Vol 2"}, W, {}, id="album-disagrees"),
        pytest.param({}, Weights(**{**W.as_table(), "surface": 2.0}), {"surface": -2.0},
                     id="surface"),
    ],
)  # fmt: skip
def test_support_signals_only_lower_penalties(
    fields: dict[str, object], weights: Weights, support_penalties: dict[str, float]
) -> None:
    c = scored(weights=weights, **fields)
    assert c.penalties == support_penalties
    assert c.score == pytest.approx(W.bias - sum(support_penalties.values()))
    assert all(v <= 0 for k, v in c.penalties.items() if k in SUPPORT)


@pytest.mark.parametrize(
    ("similarity", "expected"),
    [(0.0, 0.0), (0.6, 0.0), (0.8, 0.5), (1.0, 1.0)],
    ids=["none", "threshold", "half", "full"],
)
def test_support_curve(similarity: float, expected: float) -> None:
    assert support(similarity, Weights()) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("fields", "track_mix", "guard"),
    [
        pytest.param({"mix": "Original Mix"}, "Orrin Vale Remix", "remix vs original", id="o-r"),
        pytest.param({"mix": "Kaito Brenn Remix"}, "Orrin Vale Remix", "different remix", id="r-r"),
    ],
)
def test_guarded_candidate_gets_no_confidence(
    fields: dict[str, object], track_mix: str, guard: str
) -> None:
    track = CatalogTrack("t1", "Glass Tide", mix=track_mix, artists=("Nova Reyes",),
                         remixers=("Orrin Vale",))  # fmt: skip
    c = scored(track=track, **fields)
    assert c.guard == guard
    assert c.confidence == 0.0
    assert c.features["title"] == 1.0  # kept for the audit trail
    assert c.penalties["version"] == W.version


@pytest.mark.parametrize("identifier", ["isrc", "store-id"])
def test_identifier_bonus_when_the_title_agrees(identifier: str) -> None:
    reading = read_entry(entry())
    c = score(reading, TRACK, W, identifier=identifier)
    assert c.score == W.bias + W.identifier
    assert c.features["identifier"] == 1.0


def test_no_identifier_bonus_when_the_title_disagrees() -> None:
    reading = read_entry(entry(title="Copper Sky"))
    with_id = score(reading, TRACK, W, identifier="isrc")
    without = score(reading, TRACK, W)
    assert with_id == without
    assert "identifier" not in with_id.features
    assert with_id.features["title"] < 0.6


def test_score_uses_the_weights_it_is_given() -> None:
    heavy = Weights(**{**W.as_table(), "key": 5.0})
    assert scored(key="10A").score == pytest.approx(W.bias - 0.8)
    assert scored(weights=heavy, key="10A").score == pytest.approx(W.bias - 4.0)


def test_best_reading_is_chosen_for_an_artist_in_the_title() -> None:
    c = scored(title="Nova Reyes - Glass Tide", artist="")
    assert c.features["title"] == 1.0
    assert c.features["artists"] == 1.0
    assert "no_artist" not in c.penalties
