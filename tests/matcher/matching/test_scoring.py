"""Scoring: one candidate's evidence and its log-odds under the model it is given, before
the context of the other candidates (decide adds that)."""

from __future__ import annotations

import math

import pytest

from matcher.matching.features import evidence
from matcher.matching.fitted import model_from
from matcher.matching.readings import read_entry
from matcher.matching.scoring import Scored, score
from matcher.model import CatalogTrack, PlaylistEntry

# Round numbers on 0/1 features, so every expected log-odds is plain arithmetic; the
# context features carry weight too, to show that `score` leaves them to `decide`.
MODEL = model_from({"bias": -5.0, "weights": {
    "title_exact": 3.0, "artist_cover": 2.0, "duration_close": 1.5, "duration_off": -4.0,
    "identifier": 6.0, "same_file": 10.0, "key_off": -1.0, "title_twins": -7.0, "siblings": 7.0,
}})  # fmt: skip

TRACK = CatalogTrack("t1", "Glass Tide", mix="Original Mix", artists=("Nova Reyes",),
                     key="A Minor", duration_s=400.0, location="/music/glass tide.mp3")  # fmt: skip
REMIX = CatalogTrack("t2", "Glass Tide", mix="Orrin Vale Remix", artists=("Nova Reyes",),
                     remixers=("Orrin Vale",), duration_s=400.0)  # fmt: skip


def reading(**fields: object):
    base: dict[str, object] = {"title": "Glass Tide", "artist": "Nova Reyes", "duration_s": 400.0}
    base.update(fields)
    return read_entry(PlaylistEntry("set.m3u8", "set", 0, **base))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "track", "kwargs", "base"),
    [
        pytest.param({}, TRACK, {}, 1.5, id="title-artist-length"),
        pytest.param({"duration_s": None}, TRACK, {}, 0.0, id="no-length-is-neutral"),
        pytest.param({"duration_s": 460.0}, TRACK, {}, -4.0, id="length-far-off"),
        pytest.param({"key": "10A"}, TRACK, {}, 0.5, id="key-off"),
        pytest.param({"artist": "Corin Adebayo"}, TRACK, {}, -0.5, id="another-artist"),
        pytest.param({}, TRACK, {"identifier": "isrc"}, 7.5, id="isrc"),
        pytest.param({}, TRACK, {"identifier": "store-id"}, 7.5, id="store-id"),
        pytest.param({"title": "Copper Sky"}, TRACK, {"identifier": "isrc"}, -1.5,
                     id="isrc-on-a-wrong-title"),
        pytest.param({}, TRACK, {"location": "/music/glass tide.mp3"}, 11.5, id="same-file"),
        pytest.param({}, TRACK, {"location": "/music/other.mp3"}, 1.5, id="another-file"),
    ],
)  # fmt: skip
def test_base_is_the_model_s_log_odds_of_the_evidence(
    fields: dict[str, object], track: CatalogTrack, kwargs: dict[str, str], base: float
) -> None:
    r = reading(**fields)
    s = score(r, track, MODEL, **kwargs)
    assert s.base == pytest.approx(base)
    assert s.base == pytest.approx(MODEL.logit(s.evidence.features))
    assert s.evidence == evidence(r, track, **kwargs)
    assert s.track is track
    assert s.identifier == kwargs.get("identifier", "")
    assert s.guard == ""


def test_the_context_is_left_to_decide() -> None:
    """Heavy weights on twins and siblings change nothing here: the counts are 0 until
    the other candidates are known."""
    s = score(reading(), TRACK, MODEL)
    assert (s.evidence.features["title_twins"], s.evidence.features["siblings"]) == (0.0, 0.0)
    assert s.base == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("fields", "guard"),
    [
        pytest.param({"mix": "Original Mix"}, "remix vs original", id="original-vs-remix"),
        pytest.param({"mix": "Kaito Brenn Remix"}, "different remix", id="another-remixer"),
    ],
)
def test_a_guarded_candidate_has_no_log_odds_but_keeps_its_evidence(
    fields: dict[str, object], guard: str
) -> None:
    s = score(reading(**fields), REMIX, MODEL)
    assert s.guard == s.evidence.guard == guard
    assert s.base == -math.inf
    assert s.evidence.features["title_exact"] == 1.0  # kept for the audit trail
    assert s.evidence.similarities["title"] == 1.0


def test_score_uses_the_model_it_is_given() -> None:
    r = reading(duration_s=460.0)
    lenient = model_from({"bias": -5.0, "weights": {"title_exact": 3.0, "artist_cover": 2.0}})
    assert score(r, TRACK, MODEL).base == pytest.approx(-4.0)
    assert score(r, TRACK, lenient).base == pytest.approx(0.0)


def test_score_is_pure() -> None:
    r = reading(title="Glas Tide", key="9A")
    first = score(r, TRACK, MODEL, identifier="isrc", location="/music/glass tide.mp3")
    again = score(r, TRACK, MODEL, identifier="isrc", location="/music/glass tide.mp3")
    assert first == again
    assert isinstance(first, Scored)
