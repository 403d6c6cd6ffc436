"""Deciding: the entry's own file first, copies counted once, one belief shared with
"not in the catalog" and calibrated, then the rules (guard, title only, thresholds),
every decision with a reason.

The models are built here with round weights on 0/1 features, so every log-odds is plain
arithmetic and nothing depends on the shipped numbers (those are tested in
test_fitted.py). With no calibration knots a model's confidence is the share itself.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from matcher.matching.decide import (
    SAME_FILE,
    TITLE_ONLY,
    UNCONFIRMED_REMIX,
    best_share,
    decide,
    may_reach,
)
from matcher.matching.fitted import ScoringModel, model_from
from matcher.matching.presets import PRESETS, Preset
from matcher.matching.readings import read_entry
from matcher.matching.scoring import Scored, score
from matcher.model import CatalogTrack, MatchStatus, PlaylistEntry


def toy(bias: float, calibration: tuple[tuple[float, float], ...] = (),
        **weights: float) -> ScoringModel:  # fmt: skip
    return model_from({"bias": bias, "weights": weights, "calibration": calibration})


# An exact title + artist + length is 3, without the length 1, 20 s or more off -2; another
# artist with the same title and length 0; a title alone (no artist named) scores as if
# the artist agreed, which is what makes the title-only rule needed.
TOY = toy(-5.0, title_exact=3.0, artist_cover=3.0, no_artist=3.0, duration_close=2.0,
          duration_off=-3.0, bpm=2.0, key_off=-2.0)  # fmt: skip


def preset(model: ScoringModel = TOY, **changes: object) -> Preset:
    """Balanced's search with the thresholds spelt out here, so the tests say them."""
    numbers = {"match_threshold": 0.85, "review_threshold": 0.45, "margin": 0.0,
               "ambiguous_share": 0.2}  # fmt: skip
    return replace(PRESETS["balanced"], model=model, **{**numbers, **changes})


P = preset()


def entry(**fields: object) -> PlaylistEntry:
    base: dict[str, object] = {"title": "Glass Tide", "artist": "Nova Reyes", "duration_s": 400.0}
    base.update(fields)
    return PlaylistEntry("set.nml", "set", 0, **base)  # type: ignore[arg-type]


def track(cid: str, **fields: object) -> CatalogTrack:
    base: dict[str, object] = {"title": "Glass Tide", "artists": ("Nova Reyes",),
                               "duration_s": 400.0}  # fmt: skip
    base.update(fields)
    return CatalogTrack(cid, **base)  # type: ignore[arg-type]


EXACT = track("exact")  # 3
NO_LENGTH = track("no-length", duration_s=None)  # 1
FAR = track("far", duration_s=460.0)  # -2
OTHER_ARTIST = track("other-artist", artists=("Corin Adebayo",))  # 0
KEY_OFF = track("key-off", key="B Minor")  # 3 - 2 = 1 against an entry in 8A
REMIX = track("remix", mix="Orrin Vale Remix", remixers=("Orrin Vale",))


def copies(n: int, **fields: object) -> list[CatalogTrack]:
    seconds = (400.0, 400.6, 399.5, 400.2, 399.8)
    return [track(f"c{i}", duration_s=seconds[i], location=f"/music/copy{i}.mp3", **fields)
            for i in range(n)]  # fmt: skip


def scored(tracks: list[CatalogTrack], model: ScoringModel = TOY, **fields: object) -> list[Scored]:
    e = entry(**fields)
    reading = read_entry(e)
    return [score(reading, t, model, location=e.location) for t in tracks]


def run(tracks: list[CatalogTrack], p: Preset = P, **fields: object):
    return decide(scored(tracks, p.model, **fields), p)


def share(logit: float, *all_logits: float) -> float:
    return math.exp(logit) / (1 + sum(math.exp(z) for z in all_logits))


# -- the belief each candidate gets ------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "tracks", "expected"),
    [
        pytest.param(toy(0.0), [EXACT], [0.5], id="even-with-not-in-catalog"),
        pytest.param(toy(math.log(3)), [EXACT], [0.75], id="three-to-one"),
        pytest.param(toy(0.0), [EXACT, FAR], [1 / 3, 1 / 3], id="two-even"),
        pytest.param(toy(0.0), [EXACT, FAR, NO_LENGTH], [0.25] * 3, id="three-even"),
        pytest.param(toy(0.0, duration_close=math.log(2)), [EXACT, FAR], [0.5, 0.25],
                     id="two-uneven"),
        pytest.param(toy(-30.0), [EXACT], [0.0], id="hopeless"),
        pytest.param(toy(800.0), [EXACT], [1.0], id="huge-no-overflow"),
        pytest.param(toy(800.0), [EXACT, FAR], [0.5, 0.5], id="two-huge-no-overflow"),
    ],
)  # fmt: skip
def test_candidates_share_one_belief_with_not_in_the_catalog(
    model: ScoringModel, tracks: list[CatalogTrack], expected: list[float]
) -> None:
    decision = decide(scored(tracks, model), preset(model))
    assert [c.confidence for c in decision.ranked] == pytest.approx(expected, abs=1e-4)


def test_shares_are_ordered_sum_to_less_than_one_and_skip_guards() -> None:
    pool = [FAR, EXACT, REMIX, OTHER_ARTIST, NO_LENGTH]
    decision = run(pool, mix="Original Mix")  # the remix is guarded against it
    assert [c.track.catalog_id for c in decision.ranked] == [
        "exact", "no-length", "other-artist", "far", "remix"
    ]  # fmt: skip
    confidences = [c.confidence for c in decision.ranked]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) < 1.0
    assert decision.ranked[-1].confidence == 0.0
    assert [c.score for c in decision.ranked] == [3.0, 1.0, 0.0, -2.0, -99.0]


@pytest.mark.parametrize("shortlist", [1, 2, 4, 5, 9])
def test_a_shortlist_is_the_head_of_the_whole_ranking(shortlist: int) -> None:
    pool = scored([FAR, EXACT, REMIX, OTHER_ARTIST, NO_LENGTH], mix="Original Mix")
    whole = decide(pool, P)
    head = decide(pool, P, shortlist=shortlist)
    assert head.ranked == whole.ranked[:shortlist]
    assert (head.status, head.reason, head.best, head.copies) == (
        whole.status, whole.reason, whole.best, whole.copies
    )  # fmt: skip


def test_ties_are_broken_by_catalog_id_whatever_the_order() -> None:
    twins = [track("b", duration_s=398.0), track("a", duration_s=402.0)]  # not copies: 4 s apart
    for pool in (twins, twins[::-1]):
        assert [c.track.catalog_id for c in run(pool).ranked] == ["a", "b"]


def test_the_score_is_the_log_odds_with_the_context() -> None:
    """Two tracks sharing a title: each has one twin, ln 2 / ln 9 on the log scale, and
    (the entry naming no version, the artist the same) one sibling."""
    model = toy(0.0, title_twins=-1.0, siblings=0.5)
    decision = decide(scored([EXACT, FAR], model), preset(model))
    context = math.log(2) / math.log(9)
    assert [c.score for c in decision.ranked] == pytest.approx([-0.5 * context] * 2, abs=1e-4)
    assert decision.ranked[0].penalties == pytest.approx(
        {"title_twins": context, "siblings": -0.5 * context}, abs=1e-4
    )


def test_siblings_count_only_when_the_entry_names_no_version() -> None:
    model = toy(0.0, siblings=1.0)
    named = decide(scored([EXACT, FAR], model, mix="Original Mix"), preset(model))
    unnamed = decide(scored([EXACT, FAR], model), preset(model))
    assert named.ranked[0].score == 0.0
    assert unnamed.ranked[0].score > 0.0


# -- decisions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tracks", "fields", "status", "reason"),
    [
        pytest.param([], {}, MatchStatus.UNMATCHED, "no candidates found", id="nothing"),
        pytest.param([EXACT], {}, MatchStatus.MATCHED, "confident", id="one-strong"),
        pytest.param([EXACT, OTHER_ARTIST], {}, MatchStatus.MATCHED, "confident",
                     id="strong-over-another-artist"),
        pytest.param([track("a", duration_s=399.0), track("b", duration_s=401.0)], {},
                     MatchStatus.REVIEW, "ambiguous: b is almost as likely",
                     id="two-rows-two-seconds-apart"),
        pytest.param([NO_LENGTH, OTHER_ARTIST], {}, MatchStatus.REVIEW,
                     "ambiguous: other-artist is almost as likely", id="two-weak-close"),
        pytest.param([KEY_OFF], {"key": "8A"}, MatchStatus.REVIEW,
                     "thin evidence (weakest: key)", id="thin-evidence-names-the-weakest"),
        pytest.param([NO_LENGTH], {}, MatchStatus.REVIEW, "thin evidence",
                     id="thin-evidence-nothing-against"),
        pytest.param([FAR], {}, MatchStatus.UNMATCHED, "below threshold", id="weak"),
        pytest.param([REMIX], {"mix": "Original Mix"}, MatchStatus.UNMATCHED,
                     "guard: remix vs original", id="guarded-only"),
        pytest.param([REMIX, EXACT], {"mix": "Original Mix"}, MatchStatus.MATCHED, "confident",
                     id="guard-does-not-block-a-rival"),
    ],
)  # fmt: skip
def test_decide(
    tracks: list[CatalogTrack], fields: dict[str, object], status: MatchStatus, reason: str
) -> None:
    decision = run(tracks, **fields)
    assert (decision.status, decision.reason) == (status, reason)
    if tracks:
        assert decision.best is decision.ranked[0]
    else:
        assert decision.best is None and decision.ranked == ()


def test_every_candidate_is_kept_and_explained() -> None:
    """features: the signals' similarities (candidates.csv); penalties: per signal, how far
    the log-odds fall short of a perfect agreement on it (0 and left out when perfect);
    score: the log-odds."""
    decision = run([EXACT, FAR])
    best, runner = decision.ranked
    assert best.features == {"title": 1.0, "version": 1.0, "artists": 1.0, "duration": 1.0}
    assert best.penalties == {}  # perfect on every signal
    assert runner.features["duration"] == pytest.approx(0.6 - 0.6 * 40 / 70, abs=1e-4)
    assert runner.penalties == {"duration": 5.0}  # duration_close (2) missed, duration_off (-3)
    assert (best.score, runner.score) == (3.0, -2.0)
    assert (best.confidence, runner.confidence) == (
        round(share(3.0, 3.0, -2.0), 4), round(share(-2.0, 3.0, -2.0), 4)
    )  # fmt: skip


@pytest.mark.parametrize(
    ("tracks", "fields", "notes"),
    [
        pytest.param([EXACT, OTHER_ARTIST], {},
                     ["chosen", "20 times less likely than the best"], id="gap-of-3"),
        pytest.param([EXACT, FAR], {}, ["chosen", "148 times less likely than the best"],
                     id="gap-of-5"),
        pytest.param([EXACT, track("stranger", title="Amber Road", artists=("Mira Solen",),
                                   duration_s=500.0)], {},
                     ["chosen", "far less likely than the best"], id="beyond-999-times"),
        pytest.param([track("a", duration_s=399.0), track("b", duration_s=401.0)], {},
                     ["best", "about as likely as the best"], id="tied"),
        pytest.param([EXACT, REMIX], {"mix": "Original Mix"},
                     ["chosen", "guard: remix vs original"], id="guarded"),
        pytest.param([REMIX], {"mix": "Original Mix"}, ["best"], id="guarded-best-is-best"),
    ],
)  # fmt: skip
def test_notes_say_why_each_candidate_lost(
    tracks: list[CatalogTrack], fields: dict[str, object], notes: list[str]
) -> None:
    assert [c.note for c in run(tracks, **fields).ranked] == notes


@pytest.mark.parametrize(
    ("gap", "note"),
    [
        pytest.param(0.5, "about as likely as the best", id="half-a-unit"),
        pytest.param(0.8, "2 times less likely than the best", id="twice-as-likely-rounded"),
        pytest.param(math.log(3), "3 times less likely than the best", id="three-times"),
    ],
)
def test_a_runner_up_within_0_7_log_odds_is_about_as_likely(gap: float, note: str) -> None:
    model = toy(0.0, duration_close=gap)
    decision = decide(scored([EXACT, FAR], model), preset(model))
    assert decision.ranked[1].note == note


def test_guarded_best_has_no_confidence() -> None:
    decision = run([REMIX], mix="Original Mix")
    assert decision.best is not None
    assert (decision.best.confidence, decision.best.guard) == (0.0, "remix vs original")


def test_every_guarded_pool_names_a_guard_the_same_way_in_any_order() -> None:
    pool = [REMIX, track("kaito", mix="Kaito Brenn Remix", remixers=("Kaito Brenn",))]
    first = run(pool, title="Glass Tide (Lio Marsh Remix)")
    again = run(pool[::-1], title="Glass Tide (Lio Marsh Remix)")
    assert first == again
    assert first.status is MatchStatus.UNMATCHED
    assert first.best is not None and first.reason == f"guard: {first.best.guard}"
    assert first.best.guard == "different remix"


def test_a_guarded_runner_up_is_no_rival_whatever_the_calibration_says_of_nothing() -> None:
    """A calibration holds its ends, so a share of 0 maps to its first knot (0.3 here);
    a guarded candidate is out of the running all the same."""
    model = toy(-5.0, calibration=((0.1, 0.3), (1.0, 1.0)), title_exact=3.0, artist_cover=3.0,
                duration_close=2.0)  # fmt: skip
    decision = decide(scored([EXACT, REMIX], model, mix="Original Mix"),
                      preset(model, margin=0.7))  # fmt: skip
    assert (decision.status, decision.reason) == (MatchStatus.MATCHED, "confident")


# -- the title-only rule -------------------------------------------------------------------

NO_ARTIST = {"artist": ""}


@pytest.mark.parametrize(
    ("tracks", "fields", "status", "reason"),
    [
        pytest.param([EXACT], NO_ARTIST, MatchStatus.MATCHED, "confident",
                     id="unique-title-length-agrees"),
        pytest.param([track("3s", duration_s=403.0)], NO_ARTIST, MatchStatus.MATCHED,
                     "confident", id="unique-title-3-s-off"),
        pytest.param([track("4s", duration_s=404.0, bpm=124.0)], {**NO_ARTIST, "bpm": 124.0},
                     MatchStatus.REVIEW, TITLE_ONLY, id="unique-title-4-s-off"),
        pytest.param([track("bpm", duration_s=None, bpm=124.0)], {**NO_ARTIST, "bpm": 124.0},
                     MatchStatus.REVIEW, TITLE_ONLY, id="unique-title-length-unknown"),
        pytest.param([EXACT, track("twin", artists=("Corin Adebayo",), duration_s=460.0)],
                     NO_ARTIST, MatchStatus.REVIEW, TITLE_ONLY, id="another-track-has-the-title"),
        pytest.param([EXACT, track("twin", artists=("Corin Adebayo",), duration_s=460.0)], {},
                     MatchStatus.MATCHED, "confident", id="the-artist-confirms-it"),
        pytest.param(copies(2), NO_ARTIST, MatchStatus.MATCHED,
                     "confident; the same track also at /music/copy1.mp3",
                     id="copies-are-one-title"),
    ],
)  # fmt: skip
def test_a_title_alone_is_matched_only_when_unique_and_the_length_agrees(
    tracks: list[CatalogTrack], fields: dict[str, object], status: MatchStatus, reason: str
) -> None:
    decision = run(tracks, **fields)
    assert decision.best is not None and decision.best.confidence >= P.match_threshold
    assert (decision.status, decision.reason) == (status, reason)


@pytest.mark.parametrize(
    ("tracks", "found_by", "status", "reason"),
    [
        pytest.param([NO_LENGTH], "store-id", MatchStatus.MATCHED, "confident",
                     id="store-id-length-unknown"),
        pytest.param([EXACT, track("twin", artists=("Corin Adebayo",), duration_s=460.0)],
                     "isrc", MatchStatus.MATCHED, "confident", id="isrc-beside-a-twin"),
        pytest.param([NO_LENGTH], "", MatchStatus.REVIEW, TITLE_ONLY, id="no-identifier"),
    ],
)  # fmt: skip
def test_an_identifier_confirms_a_title_alone(
    tracks: list[CatalogTrack], found_by: str, status: MatchStatus, reason: str
) -> None:
    """A Beatport download named `18463358_Satellite_Grief_(Extended_Mix).mp3` carries no
    artist, but its store id is the catalog row's id: that row, with its title agreeing,
    is the track (the first row is the one the identifier found)."""
    model = toy(-3.0, title_exact=3.0, no_artist=3.0, identifier=3.0)
    reading = read_entry(entry(artist="", duration_s=None))
    candidates = [score(reading, t, model, identifier=found_by if i == 0 else "")
                  for i, t in enumerate(tracks)]  # fmt: skip
    decision = decide(candidates, preset(model))
    assert decision.best is not None and decision.best.track.catalog_id == tracks[0].catalog_id
    assert decision.best.confidence >= P.match_threshold
    assert (decision.status, decision.reason) == (status, reason)


def test_a_title_written_otherwise_is_no_evidence_against_it() -> None:
    """The title as written (`surface`) and a tag written alike (`title_tag`) only lift: a
    candidate whose title reads the same but is written otherwise ("The Island, Pt. II"
    for "The Island - Pt. II") shows 100 % on its title and no cost for it, which before
    read "Title: 7 times less likely" beside "≈Title 100 %" in the review dialog."""
    model = toy(-5.0, title_exact=3.0, artist_cover=3.0, surface=2.0, title_tag=1.0)
    written = decide(scored([EXACT], model), preset(model)).ranked[0]
    otherwise = decide(scored([EXACT], model, title="Glass-Tide"), preset(model)).ranked[0]
    assert written.penalties == {"surface": -2.0}  # evidence for it
    assert otherwise.features["title"] == 1.0 and "title" not in otherwise.penalties
    assert otherwise.penalties == {}


# -- a remix the entry does not name -------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "track_fields", "status", "reason"),
    [
        pytest.param({"duration_s": None}, {}, MatchStatus.REVIEW, UNCONFIRMED_REMIX,
                     id="entry-without-a-length"),
        pytest.param({}, {"duration_s": None}, MatchStatus.REVIEW, UNCONFIRMED_REMIX,
                     id="row-without-a-length"),
        pytest.param({}, {}, MatchStatus.MATCHED, "confident", id="the-lengths-agree"),
        pytest.param({"duration_s": None, "artist": "Nova Reyes, Orrin Vale"}, {},
                     MatchStatus.MATCHED, "confident", id="the-remixer-among-the-artists"),
    ],
)  # fmt: skip
def test_a_remix_the_entry_does_not_name_needs_a_length_to_be_matched(
    fields: dict[str, object], track_fields: dict[str, object], status: MatchStatus, reason: str
) -> None:
    """An entry "Push - Universal Nation" (no version, no length) against the catalog's
    only row, the Bart Skils Remix: the original is what the playlist most likely holds,
    and nothing could tell them apart."""
    model = toy(-5.0, title_exact=3.0, artist_cover=3.0, duration_close=2.0, no_version=3.0)
    remix = replace(REMIX, **track_fields)
    decision = decide(scored([remix], model, **fields), preset(model))
    assert decision.best is not None and decision.best.confidence >= P.match_threshold
    assert (decision.status, decision.reason) == (status, reason)


# -- copies: one track held in several rows -------------------------------------------------


@pytest.mark.parametrize(
    ("n", "reason", "listed"),
    [
        pytest.param(2, "confident; the same track also at /music/copy1.mp3",
                     ("/music/copy1.mp3",), id="two"),
        pytest.param(3, "confident; the same track also at /music/copy1.mp3; /music/copy2.mp3",
                     ("/music/copy1.mp3", "/music/copy2.mp3"), id="three"),
        pytest.param(5, "confident; the same track also at /music/copy1.mp3; /music/copy2.mp3; "
                        "/music/copy3.mp3 and 1 more",
                     ("/music/copy1.mp3", "/music/copy2.mp3", "/music/copy3.mp3",
                      "/music/copy4.mp3"), id="five-shows-three"),
    ],
)  # fmt: skip
def test_copies_count_once_and_are_listed(n: int, reason: str, listed: tuple[str, ...]) -> None:
    decision = run(copies(n))
    alone = run(copies(1))
    assert (decision.status, decision.reason, decision.copies) == (
        MatchStatus.MATCHED, reason, listed
    )  # fmt: skip
    assert decision.best is not None and alone.best is not None
    assert decision.best.track.catalog_id == "c0"
    assert decision.best.confidence == alone.best.confidence  # not split n ways
    assert [c.track.catalog_id for c in decision.ranked] == ["c0"]


def test_a_copy_without_a_file_is_listed_by_catalog_id() -> None:
    decision = run([track("a"), track("b", duration_s=400.4)])
    assert decision.copies == ("b",)
    assert decision.reason == "confident; the same track also at b"


def test_copies_in_review_are_listed_too() -> None:
    decision = run(copies(2, key="B Minor"), key="8A")
    assert decision.status is MatchStatus.REVIEW
    assert decision.reason == "thin evidence (weakest: key); the same track also at " \
                              "/music/copy1.mp3"  # fmt: skip


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(track("x", duration_s=401.5), id="more-than-a-second-apart"),
        pytest.param(track("x", mix="Extended Mix"), id="another-mix"),
        pytest.param(track("x", artists=("Nova Reyes", "Mira Solen")), id="other-artists"),
        pytest.param(track("x", title="Glass Tide Part 2"), id="another-title"),
    ],
)
def test_rows_that_differ_are_not_copies(other: CatalogTrack) -> None:
    decision = run([track("a"), other])
    assert decision.copies == ()
    assert {c.track.catalog_id for c in decision.ranked} == {"a", "x"}


def test_rows_without_a_length_are_not_taken_for_copies() -> None:
    """Copies need lengths within a second; two rows that both lack one stay apart."""
    decision = run([track("a", duration_s=None), track("b", duration_s=None)])
    assert decision.copies == ()
    assert [c.confidence for c in decision.ranked] == [round(share(1.0, 1.0, 1.0), 4)] * 2


def test_a_runner_up_with_copies_says_why_it_lost() -> None:
    pool = [EXACT, *copies(2, artists=("Corin Adebayo",))]
    decision = run(pool)
    assert decision.copies == ()  # the copies are the runner-up's, not the best's
    assert [(c.track.catalog_id, c.note) for c in decision.ranked] == [
        ("exact", "chosen"), ("c0", "20 times less likely than the best")
    ]  # fmt: skip


# -- identity: the entry's own file ------------------------------------------------------

HERE = "E:/Beatport/Nova Reyes_Glass Tide_Original Mix.wav"


@pytest.mark.parametrize(
    ("tracks", "fields"),
    [
        pytest.param([track("mine", location=HERE)], {}, id="plain"),
        pytest.param([track("mine", duration_s=460.0, location=HERE)], {},
                     id="whatever-the-evidence"),
        pytest.param([track("mine", title="Nova Reyes_Glass Tide_Original Mix", artists=(),
                            mix="", location=HERE)], {"mix": "Kaito Brenn Remix"},
                     id="tags-disagree"),
        pytest.param([track("mine", mix="Orrin Vale Remix", location=HERE)],
                     {"mix": "Original Mix"}, id="despite-a-guard"),
        pytest.param([EXACT, track("mine", title="Glass Tid", artists=("Nova Rayes",),
                                   duration_s=300.0, location=HERE)], {},
                     id="over-a-better-scoring-row"),
        pytest.param([track("mine", location="e:\\beatport\\nova reyes_glass tide_original "
                                              "mix.wav")], {}, id="written-another-way"),
    ],
)  # fmt: skip
def test_the_entry_s_own_file_is_matched_first(
    tracks: list[CatalogTrack], fields: dict[str, object]
) -> None:
    decision = run(tracks, location=HERE, **fields)
    assert decision.best is not None
    assert (decision.status, decision.reason, decision.best.track.catalog_id) == (
        MatchStatus.MATCHED, SAME_FILE, "mine"
    )  # fmt: skip
    assert decision.best.confidence >= 0.999
    assert decision.best.note == "chosen"


def test_without_its_file_the_same_tags_decide_as_usual() -> None:
    decision = run([track("mine", location="/elsewhere.wav")], location=HERE)
    assert (decision.status, decision.reason) == (MatchStatus.MATCHED, "confident")


def test_the_entry_s_own_file_stands_for_its_copies_in_any_order() -> None:
    pool = [*copies(2), track("mine", duration_s=400.3, location=HERE)]
    for order in (pool, pool[::-1]):
        decision = run(order, location=HERE)
        assert decision.best is not None and decision.best.track.catalog_id == "mine"
        assert decision.reason == f"{SAME_FILE}; the same track also at /music/copy0.mp3; " \
                                  "/music/copy1.mp3"  # fmt: skip


# -- the preset's numbers take effect ----------------------------------------------------


@pytest.mark.parametrize(
    ("tracks", "changes", "status"),
    [
        pytest.param([EXACT], {"match_threshold": 0.95}, MatchStatus.MATCHED,
                     id="match-threshold-met"),  # the share is 0.9526
        pytest.param([EXACT], {"match_threshold": 0.96}, MatchStatus.REVIEW,
                     id="match-threshold-missed"),
        pytest.param([NO_LENGTH], {"review_threshold": 0.7}, MatchStatus.REVIEW,
                     id="review-threshold-met"),  # 0.7311
        pytest.param([NO_LENGTH], {"review_threshold": 0.75}, MatchStatus.UNMATCHED,
                     id="review-threshold-missed"),
        pytest.param([EXACT, OTHER_ARTIST], {"margin": 0.86}, MatchStatus.MATCHED,
                     id="margin-met"),  # 0.9095 and 0.0453
        pytest.param([EXACT, OTHER_ARTIST], {"margin": 0.87}, MatchStatus.REVIEW,
                     id="margin-missed"),
    ],
)  # fmt: skip
def test_thresholds_take_effect(
    tracks: list[CatalogTrack], changes: dict[str, object], status: MatchStatus
) -> None:
    assert run(tracks, preset(**changes)).status is status


@pytest.mark.parametrize(
    ("ambiguous_share", "reason"),
    [
        pytest.param(0.04, "ambiguous: other-artist is almost as likely", id="runner-up-counts"),
        pytest.param(0.05, "thin evidence", id="runner-up-too-unlikely"),
    ],
)
def test_ambiguous_share_takes_effect(ambiguous_share: float, reason: str) -> None:
    decision = run([EXACT, OTHER_ARTIST], preset(margin=0.9, ambiguous_share=ambiguous_share))
    assert (decision.status, decision.reason) == (MatchStatus.REVIEW, reason)


def test_confidence_is_the_calibrated_share() -> None:
    """A calibration that says this model is right at most 80 % of the time."""
    humble = replace(TOY, calibration=((0.0, 0.0), (1.0, 0.8)))
    decision = run([EXACT], preset(humble))
    assert decision.best is not None
    assert decision.best.confidence == round(0.8 * share(3.0, 3.0), 4)
    assert (decision.status, decision.reason) == (MatchStatus.REVIEW, "thin evidence")


def test_the_model_takes_effect() -> None:
    lenient = replace(TOY, bias=-3.0)
    assert run([NO_LENGTH]).status is MatchStatus.REVIEW
    assert run([NO_LENGTH], preset(lenient)).status is MatchStatus.MATCHED


# -- best_share: the early-exit test -------------------------------------------------------


@pytest.mark.parametrize(
    ("tracks", "fields"),
    [
        pytest.param([EXACT], {}, id="one"),
        pytest.param([EXACT, OTHER_ARTIST, FAR], {}, id="three"),
        pytest.param([NO_LENGTH, OTHER_ARTIST], {}, id="close-call"),
        pytest.param([EXACT, REMIX], {"mix": "Original Mix"}, id="with-a-guard"),
    ],
)
def test_best_share_is_the_decision_s_confidence(
    tracks: list[CatalogTrack], fields: dict[str, object]
) -> None:
    for p in (P, preset(replace(TOY, calibration=((0.0, 0.0), (1.0, 0.8))))):
        pool = scored(tracks, p.model, **fields)
        decision = decide(pool, p)
        assert decision.best is not None
        assert round(best_share(pool, p), 4) == decision.best.confidence
        # the cheap bound never says "cannot reach" of a confidence that is reached
        assert may_reach(pool, p, best_share(pool, p))
        assert not may_reach(pool, p, 1.01)


def test_may_reach_rules_out_a_weak_best_without_the_context() -> None:
    pool = scored([FAR])  # log-odds -2: a share of sigmoid(-2), 0.12, and no more
    share = best_share(pool, P)
    assert share == pytest.approx(0.1192, abs=1e-4)
    assert may_reach(pool, P, share) and not may_reach(pool, P, share + 0.01)


def test_best_share_never_overstates_copies() -> None:
    pool = scored(copies(3))
    assert best_share(pool, P) < decide(pool, P).ranked[0].confidence


@pytest.mark.parametrize(
    ("tracks", "fields"),
    [
        pytest.param([], {}, id="nothing"),
        pytest.param([REMIX], {"mix": "Original Mix"}, id="all-guarded"),
    ],
)
def test_best_share_of_no_contender_is_zero(
    tracks: list[CatalogTrack], fields: dict[str, object]
) -> None:
    assert best_share(scored(tracks, **fields), P) == 0.0


# -- purity ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tracks",
    [
        pytest.param([EXACT, OTHER_ARTIST, FAR, NO_LENGTH], id="distinct"),
        pytest.param([track("a", duration_s=399.0), track("b", duration_s=401.0)], id="tied"),
        pytest.param(copies(3), id="copies"),
    ],
)
def test_decide_is_pure(tracks: list[CatalogTrack]) -> None:
    pool = scored(tracks)
    assert decide(pool, P) == decide(pool, P) == decide(pool[::-1], P)
