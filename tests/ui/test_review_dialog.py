"""The review dialog: the entry, every candidate of the full result with its feature scores
and why it lost, the "why" of the selected one, and the four decisions (buttons and keys).
The last test runs the real engine: a re-pick reaches the journal and matches.csv."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from tkinter import ttk

import pytest

from matcher import (
    BatchFinished,
    Candidate,
    CatalogTrack,
    EngineConfig,
    Event,
    History,
    ResultEdited,
)
from tests.matcher.engine.engine_fixtures import WAIT_S, matches_rows
from tests.ui.results_fixtures import (
    FakeController,
    destroy_root,
    make_result,
    make_root,
    run_until,
    screenshot,
    track,
)
from ui.review_model import candidate_values, entry_fields, entry_heading, status_line, why_rows
from ui.views.review_dialog import STYLE, ReviewDialog

BATCH = "20260101-000000-cccccc"
KEY = (BATCH, 3, 7)


def _candidates() -> list[Candidate]:
    near = track(1, "Mira Quell", "Velvet Harbour", label="Harbour Tone")
    twin = track(2, "Mira Quell", "Velvet Harbour", mix="Extended Mix", duration_s=402.0)
    remix = track(3, "Mira Quell", "Velvet Harbour", mix="Oskan Drey Remix",
                  remixers=("Oskan Drey",))  # fmt: skip
    return [
        Candidate(near, 0.48, {"title": 1.0, "artists": 1.0, "version": 1.0, "duration": 0.98,
                               "bpm": 1.0, "key": 1.0}, {"duration": 0.04, "label": -0.3},
                  note="best", score=2.1),
        Candidate(twin, 0.41, {"title": 1.0, "artists": 1.0, "unstated_remix": 0.6,
                               "duration": 0.2}, {"duration": 1.6, "unstated_remix": 0.8},
                  note="0.16 log-odds below the best (weakest: duration)", score=1.9),
        Candidate(remix, 0.0, {"title": 1.0, "artists": 1.0, "version": 0.0},
                  {"version": 2.5}, guard="remix vs original", score=-1.0),
    ]  # fmt: skip


def _review_result():
    return make_result(7, "review", 0.48, "Mira Quell", "Velvet Harbour", _candidates(),
                       reason="ambiguous: inv-0002 is almost as likely", bpm=124.0)  # fmt: skip


@pytest.fixture
def root():
    root = make_root()
    yield root
    destroy_root(root)


@pytest.fixture
def controller():
    return FakeController(results={KEY: _review_result()})


def test_candidate_values_show_each_clue_and_why_it_was_not_chosen():
    near, twin, remix = _candidates()
    assert candidate_values(1, near)[:5] == ("1", "Mira Quell", "Velvet Harbour",
                                              "Original Mix", "48 %")  # fmt: skip
    assert candidate_values(1, near)[5:11] == ("100 %", "100 %", "100 %", "98 %", "100 %",
                                               "100 %")  # fmt: skip
    # a version clue under another name still fills the Version column; absent ones dash
    assert candidate_values(2, twin)[5:11] == ("100 %", "100 %", "60 %", "20 %", "–", "–")
    assert candidate_values(1, near)[-1] == "the best candidate"
    assert candidate_values(3, remix)[-1] == "ruled out: remix vs original"


@pytest.mark.parametrize(
    ("note", "shown"),
    [
        pytest.param("0.16 log-odds below the best (weakest: duration)",
                     "about as likely as the best (weakest: duration)", id="old-journal-close"),
        pytest.param("2.30 log-odds below the best", "10 times less likely than the best",
                     id="old-journal-far"),
        pytest.param("999 times less likely than the best", "far less likely than the best",
                     id="the-engines-cap"),
        pytest.param("31 times less likely than the best", "31 times less likely than the best",
                     id="plain-already"),
    ],
)  # fmt: skip
def test_why_not_chosen_never_says_log_odds(note: str, shown: str) -> None:
    candidate = Candidate(track(9, "A", "B"), 0.1, {}, {}, note=note)
    assert candidate_values(2, candidate)[-1] == shown


@pytest.mark.parametrize(
    ("penalties", "expected"),
    [
        pytest.param({"duration": 1.6, "unstated_remix": 0.8},
                     [("Length", "5 times less likely"),
                      ("A remix the playlist does not name", "2 times less likely")],
                     id="against-largest-first"),
        pytest.param({"duration": 0.04, "label": -0.3},
                     [("Length", "hardly matters"), ("Same label", "a little more likely")],
                     id="support-comes-last"),
        pytest.param({"artists": 9.0, "release": -2.4},
                     [("Artists", "over 1,000 times less likely"),
                      ("Same release", "11 times more likely")], id="large-and-support"),
        pytest.param({"new_clue": 1.0}, [("New clue", "3 times less likely")],
                     id="a-clue-without-words-yet"),
    ],
)  # fmt: skip
def test_the_why_says_what_each_clue_did_to_the_chances(penalties, expected):
    candidate = Candidate(track(9, "A", "B"), 0.5, {}, penalties)
    rows = why_rows(candidate)
    assert [(w.label, w.effect) for w in rows] == expected
    assert [w.against for w in rows] == [w.value > 0 for w in rows]


def test_words_for_the_entry_and_its_status():
    result = _review_result()
    assert entry_heading(result.entry) == "Mira Quell – Velvet Harbour"
    assert entry_heading(replace(result.entry, artist="")) == "Velvet Harbour"  # not "– Title"
    assert entry_heading(replace(result.entry, artist="  ")) == "Velvet Harbour"
    assert status_line(result) == (
        "Now: needs review · 48 % sure · ambiguous: inv-0002 is almost as likely"
    )


def test_entry_fields_read_like_the_playlist():
    fields = dict(entry_fields(_review_result().entry))
    assert fields["Length"] == "5:01" and fields["BPM"] == "124" and fields["Key"] == "8A"
    assert fields["File"] == "/music/invented/007.mp3"


def test_dialog_shows_the_full_result(root, controller):
    dialog = ReviewDialog(root, controller, controller, *KEY)
    root.update()
    rows = [dialog.tree.item(iid, "values") for iid in dialog.tree.get_children()]
    assert [r[2] for r in rows] == ["Velvet Harbour"] * 3
    assert [r[3] for r in rows] == ["Original Mix", "Extended Mix", "Oskan Drey Remix"]
    assert dialog.tree.selection() == ("0",)
    title = dialog.why_title.cget("text")
    assert "inv-0001" in title and "48 % sure" in title
    assert not any(w in title.lower() for w in ("penalt", "log-odds", "negative"))
    assert [w[0].cget("text") for w in dialog._why[:2]] == ["Length", "Same label"]
    dialog.tree.selection_set("1")
    root.update()
    assert [w[0].cget("text") for w in dialog._why[:2]] == [
        "Length", "A remix the playlist does not name"]  # fmt: skip
    assert dialog._why[0][1].cget("text") == "5 times less likely"
    assert dialog._why[0][2].get() == pytest.approx(1.0)  # the largest clue fills its bar
    screenshot(root, "review_dialog.png")
    dialog.cancel()


def test_every_column_and_the_dialog_fit_on_a_small_screen(root, controller):
    dialog = ReviewDialog(root, controller, controller, *KEY)
    root.update()
    dialog.update_idletasks()
    assert dialog.winfo_width() <= dialog.winfo_screenwidth()
    assert dialog.winfo_height() <= dialog.winfo_screenheight()
    tree = dialog.tree
    columns = sum(int(tree.column(c, "width")) for c in tree["columns"])
    assert columns <= tree.winfo_width(), "the Why not chosen column is cut off"
    font = ttk.Style(tree).lookup(f"{STYLE}.Heading", "font")
    for column in tree["columns"]:  # "≈Version" and "≈Length" were cut to "≈Versio", "≈Lengt"
        heading = tree.heading(column, "text")
        text = int(tree.tk.call("font", "measure", font, heading)) + 12  # the heading padding
        assert text <= int(tree.column(column, "width")), f"heading {heading!r} is cut off"
    dialog.cancel()


def test_an_entry_without_an_artist_is_titled_by_its_title(root):
    result = _review_result()
    bare = replace(result, entry=replace(result.entry, artist=""))
    fake = FakeController(results={KEY: bare})
    dialog = ReviewDialog(root, fake, fake, *KEY)
    root.update()
    assert dialog.heading.cget("text") == "Velvet Harbour"
    dialog.cancel()


@pytest.mark.parametrize(
    ("act", "expected"),
    [
        pytest.param(lambda d: d.pick_button.invoke(), "inv-0002", id="pick-selected"),
        pytest.param(lambda d: d.accept_button.invoke(), "inv-0001", id="accept-best"),
        pytest.param(lambda d: d.no_match_button.invoke(), None, id="no-match"),
        pytest.param(lambda d: d.event_generate("<Return>"), "inv-0001", id="enter-accepts"),
        pytest.param(lambda d: d.event_generate("<n>"), None, id="n-no-match"),
    ],
)
def test_decisions_call_review_and_close(root, controller, act, expected):
    dialog = ReviewDialog(root, controller, controller, *KEY)
    root.update()
    dialog.tree.selection_set("1")
    dialog.focus_force()
    root.update()
    act(dialog)
    root.update()
    assert controller.reviews == [(*KEY, expected)]
    assert not dialog.winfo_exists()


def test_escape_cancels_without_a_decision(root, controller):
    dialog = ReviewDialog(root, controller, controller, *KEY)
    root.update()
    dialog.event_generate("<Escape>")
    root.update()
    assert controller.reviews == [] and not dialog.winfo_exists()


def test_without_a_journal_row_the_brief_result_is_used(root):
    brief = _review_result().brief()
    fake = FakeController()
    dialog = ReviewDialog(root, fake, fake, *KEY, fallback=brief)
    root.update()
    assert len(dialog.tree.get_children()) == 1
    assert "Only the best candidate" in dialog.notice_label.cget("text")
    dialog.cancel()


def test_without_any_result_only_cancel_works(root):
    controller = FakeController()
    dialog = ReviewDialog(root, controller, controller, *KEY)
    root.update()
    dialog.accept()
    dialog.no_match()
    assert controller.reviews == []
    assert dialog.pick_button.cget("state") == "disabled"
    dialog.cancel()


@pytest.mark.parametrize(
    ("penalties", "said"),
    [
        pytest.param({"version": 3.5, "title": 1.9, "no_version": 0.6}, "What spoke against it:",
                     id="all-against"),
        pytest.param({"release": -0.7, "label": -0.3}, "What spoke for it:", id="all-for"),
        pytest.param({"version": 3.5, "release": -0.7}, "What spoke against it and for it:",
                     id="both"),
        pytest.param({}, "No clue spoke for or against it.", id="none"),
    ],
)  # fmt: skip
def test_the_why_heading_says_what_is_listed(penalties, said):
    from ui.review_model import why_title

    candidate = Candidate(track(9, "Push", "Universal Nation"), 0.8493, {}, penalties)
    assert why_title(candidate, why_rows(candidate)) == (
        f"Push – Universal Nation (inv-0009): 84 % sure. {said}"
    )


def test_a_confidence_below_the_threshold_never_reads_as_the_threshold():
    """0.8493 needed review, the preset matches from 0.85: it must not read "85 %" beside
    Settings' "at least 85 %", in the dialog, the results table or Settings."""
    from matcher import PRESETS
    from ui.preset_words import preset_rows, preset_summary
    from ui.results_model import COLUMNS, make_row
    from ui.review_model import percent

    threshold = PRESETS["balanced"].as_table()["match_threshold"]
    assert threshold == 0.85 and percent(threshold) == "85 %"
    assert f"at least {percent(threshold)} sure" in preset_summary("balanced")
    assert dict(preset_rows("balanced"))["Match when at least this sure"] == "85 %"
    for value in (0.8449, 0.8493, 0.84999, 0.85, 0.8501, 0.29, 0.999, 1.0, 0.0):
        shown = int(percent(value).removesuffix(" %"))
        assert (shown >= 85) == (value >= threshold), value
        assert shown <= value * 100 + 1e-9 and shown > value * 100 - 1, value
    result = make_result(
        28,
        "review",
        0.8493,
        "Push",
        "Universal Nation",
        [Candidate(track(9, "Push", "Universal Nation"), 0.8493, {}, {})],
    )
    assert status_line(result).startswith("Now: needs review · 84 % sure")
    row = dict(zip([c.key for c in COLUMNS], make_row(BATCH, 0, result, "r1").values,
                   strict=True))  # fmt: skip
    assert row["confidence"] == "84 %"
    assert candidate_values(1, result.candidates[0])[4] == "84 %"


def test_a_decomposed_title_is_shown_composed(root):
    """An Exportify CSV stores "ボンボヤージ波止場" decomposed (NFD): each voicing mark
    is a character of its own, which Tk draws apart ("ホ゛ンホ゛ヤーシ゛"). Shown composed."""
    import unicodedata

    title = "ボンボヤージ波止場"
    nfd = unicodedata.normalize("NFD", title)
    assert nfd != title
    near = track(1, unicodedata.normalize("NFD", "ジャック"), nfd)
    result = make_result(
        7,
        "review",
        0.6,
        unicodedata.normalize("NFD", "ジャック"),
        nfd,
        [Candidate(near, 0.6, {"title": 1.0}, {"version": 1.0})],
    )
    assert entry_heading(result.entry) == f"ジャック – {title}"
    assert dict(entry_fields(result.entry))["Title"] == title
    assert candidate_values(1, result.candidates[0])[1:3] == ("ジャック", title)
    fake = FakeController(results={KEY: result})
    dialog = ReviewDialog(root, fake, fake, *KEY)
    root.update()
    assert dialog.heading.cget("text") == f"ジャック – {title}"
    assert dialog.tree.item("0", "values")[2] == title
    assert dialog.why_title.cget("text").startswith(f"ジャック – {title} (inv-0001)")
    assert result.entry.title == nfd  # what the reader returned stays as it was
    dialog.cancel()


def test_the_dialog_lists_every_clue_under_a_true_heading(root):
    """Eleven clues, none left out (the panel had eight fixed slots), under a heading that
    says what they are (it said "against it and for it" over four that were all against)."""
    clues = {"title": 1.9, "artists": 1.2, "version": 3.5, "duration": 0.4, "bpm": 0.7,
             "key": 0.3, "no_version": 0.6, "title_twins": 0.5, "siblings": 0.45,
             "unstated_remix": 0.8, "no_artist": 0.35}  # fmt: skip
    against = Candidate(
        track(1, "Push", "Universal Nation"), 0.8493, {"title": 1.0}, clues, note="best"
    )
    result = make_result(7, "review", 0.8493, "Push", "Universal Nation", [against])
    fake = FakeController(results={KEY: result})
    dialog = ReviewDialog(root, fake, fake, *KEY)
    root.update()
    assert dialog.why_title.cget("text").endswith("84 % sure. What spoke against it:")
    shown = [name.cget("text") for name, _e, _b in dialog._why if name.winfo_ismapped()]
    assert sorted(shown) == sorted(w.label for w in why_rows(against)) and len(shown) == 11
    bottom = max(name.winfo_rooty() + name.winfo_height() for name, _e, _b in dialog._why)
    buttons = dialog.accept_button.winfo_rooty()
    assert bottom <= buttons, "the last clues hide under the buttons"
    screenshot(root, "review_dialog_every_clue.png")
    dialog.cancel()


# -- the real engine ----------------------------------------------------------------

_CATALOG = "\n".join([
    "catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,"
    "duration_s,isrc",
    "tw-001,Velvet Harbour,Original Mix,Mira Quell,,Invented Tone,Harbour EP,2023-01-01,124,"
    "A Minor,House,301,",
    "tw-002,Velvet Harbour,Original Mix,Oskan Drey,,Other Tone,Harbour LP,2023-02-01,124,"
    "A Minor,House,290,",  # the same title by someone else: without an artist, a close call
    "ok-003,Ember Glass,Original Mix,Oskan Drey,,Invented Tone,Glass EP,2023-01-03,122,"
    "C Major,Techno,330,",
    "",
])  # fmt: skip
_PLAYLIST = """#EXTM3U
#EXTINF:301,Velvet Harbour
/music/a.mp3
#EXTINF:330,Oskan Drey - Ember Glass
/music/b.mp3
#EXTINF:200,Nobody Known - Quiet Thing
/music/c.mp3
"""


class _EngineController:
    """The controller calls the dialog and the view make, over a real Engine (the full
    results come from the window's real BatchHistory)."""

    def __init__(self, engine, out_dir: Path) -> None:
        self.engine = engine
        self.out_dir = out_dir

    def review(self, batch_id: str, playlist_id: int, entry_index: int, catalog_id) -> None:
        self.engine.review(batch_id, playlist_id, entry_index, catalog_id)

    def open_folder(self, path: Path) -> None:
        raise AssertionError("not expected")


def _pump(root, engine, view, stop, seen: list[Event]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not stop(seen):
        assert time.monotonic() < deadline, f"timed out; last events: {seen[-3:]}"
        for event in engine.events(timeout=0.02):
            seen.append(event)
            view.on_event(event)
        root.update()


def test_repick_with_the_real_engine_persists(root, tmp_path: Path):
    from matcher import Engine
    from ui.history import BatchHistory
    from ui.session import Session
    from ui.settings import Settings
    from ui.views.results_view import ResultsView

    (tmp_path / "catalog.csv").write_text(_CATALOG, encoding="utf-8")
    playlist = tmp_path / "invented set.m3u8"
    playlist.write_text(_PLAYLIST, encoding="utf-8")
    out = tmp_path / "out"
    config = EngineConfig(catalog=tmp_path / "catalog.csv", workers=1, out_dir=out)
    with Engine(config) as engine:
        controller = _EngineController(engine, out)
        history = BatchHistory(Session(Settings(), post=lambda fn: fn()))
        view = ResultsView(root, controller, history)
        view.pack(fill="both", expand=True)
        seen: list[Event] = []
        engine.start([playlist])
        _pump(root, engine, view, lambda s: any(isinstance(e, BatchFinished) for e in s), seen)
        run_until(root, lambda: view.pending_count == 0, what="rows shown")
        review = [r for r in view.model.rows() if r.status == "review"]
        assert len(review) == 1, [r.values for r in view.model.rows()]
        key = review[0].key
        folder = out / "invented set"
        before = matches_rows(folder)[0]
        assert (before["status"], before["catalog_id"]) == ("review", "tw-001")

        dialog = view.open_review(key)
        root.update()
        assert dialog.heading.cget("text") == "Velvet Harbour"  # no artist: no "– Title"
        ids = [c.track.catalog_id for c in dialog.candidates]
        assert ids[:2] == ["tw-001", "tw-002"]  # the journal's full shortlist, not the brief
        assert dialog.tree.item(dialog.tree.get_children()[1], "values")[1] == "Oskan Drey"
        dialog.tree.selection_set(dialog.tree.get_children()[1])
        dialog.pick_button.invoke()
        _pump(root, engine, view, lambda s: any(isinstance(e, ResultEdited) for e in s), seen)
        run_until(root, lambda: view.pending_count == 0, what="the edit shown")
        history.close()

    row = view.model.row(key)
    assert (row.status, row.values[-1]) == ("matched", "chosen by the user")
    assert view.tree.item(row.iid, "values")[4] == "matched"
    after = matches_rows(folder)[0]
    assert (after["status"], after["catalog_id"], after["reason"]) == (
        "matched", "tw-002", "chosen by the user")  # fmt: skip
    with History.open() as journal:
        saved = journal.result(*key)
    assert (saved.status, saved.catalog_id) == ("matched", "tw-002")


def test_every_clue_the_matcher_can_name_has_words() -> None:
    """The "why" panel names each clue in words: a clue without them would show as a raw
    feature name ("Surface")."""
    from matcher.matching.decide import _CONTEXT, _SUPPORT, SIGNALS
    from ui.review_model import _CLUES

    named = {*SIGNALS, "no_artist", *_SUPPORT, *_CONTEXT}
    assert named <= set(_CLUES), sorted(named - set(_CLUES))
    candidate = Candidate(CatalogTrack("1", "Glass Tide"), 0.9, penalties={"surface": -1.9})
    assert [(w.label, w.against) for w in why_rows(candidate)] == [
        ("Title written the same way", False)
    ]
