"""The review dialog: the entry, every candidate of the full result with its feature scores
and why it lost, the "why" of the selected one, and the four decisions (buttons and keys).
The last test runs the real engine: a re-pick reaches the journal and matches.csv."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from matcher import BatchFinished, Candidate, EngineConfig, Event, History, ResultEdited
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
from ui.views.review_dialog import ReviewDialog, candidate_values, entry_fields, why_rows

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


def test_candidate_values_show_each_signal_and_why_it_lost():
    near, twin, remix = _candidates()
    assert candidate_values(1, near)[:6] == ("1", "inv-0001", "Mira Quell", "Velvet Harbour",
                                              "Original Mix", "0.48")  # fmt: skip
    assert candidate_values(1, near)[6:12] == ("1.00", "1.00", "1.00", "0.98", "1.00", "1.00")
    # a version signal under another name still fills the Version column; absent ones dash
    assert candidate_values(2, twin)[6:12] == ("1.00", "1.00", "0.60", "0.20", "–", "–")
    assert candidate_values(3, remix)[-1] == "guard: remix vs original"
    assert why_rows(twin) == [("duration", 1.6), ("unstated_remix", 0.8)]
    assert why_rows(near) == [("duration", 0.04), ("label", -0.3)]  # support comes last


def test_entry_fields_read_like_the_playlist():
    fields = dict(entry_fields(_review_result().entry))
    assert fields["Duration"] == "5:01" and fields["BPM"] == "124" and fields["Key"] == "8A"
    assert fields["Location"] == "/music/invented/007.mp3"


def test_dialog_shows_the_full_result(root, controller):
    dialog = ReviewDialog(root, controller, controller, *KEY)
    root.update()
    rows = [dialog.tree.item(iid, "values") for iid in dialog.tree.get_children()]
    assert [r[1] for r in rows] == ["inv-0001", "inv-0002", "inv-0003"]
    assert dialog.tree.selection() == ("0",)
    assert "penalties" in dialog.why_title.cget("text")
    assert [w[0].cget("text") for w in dialog._why[:2]] == ["duration", "label"]
    dialog.tree.selection_set("1")
    root.update()
    assert [w[0].cget("text") for w in dialog._why[:2]] == ["duration", "unstated remix"]
    assert dialog._why[0][2].get() == pytest.approx(1.0)  # the largest penalty fills its bar
    screenshot(root, "review_dialog.png")
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


# -- the real engine ----------------------------------------------------------------

_CATALOG = "\n".join([
    "catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,"
    "duration_s,isrc",
    "tw-001,Velvet Harbour,Original Mix,Mira Quell,,Invented Tone,Harbour EP,2023-01-01,124,"
    "A Minor,House,301,",
    "tw-002,Velvet Harbour,Original Mix,Mira Quell,,Other Tone,Harbour LP,2023-02-01,124,"
    "A Minor,House,301,",  # a twin: the entry is a close call between the two
    "ok-003,Ember Glass,Original Mix,Oskan Drey,,Invented Tone,Glass EP,2023-01-03,122,"
    "C Major,Techno,330,",
    "",
])  # fmt: skip
_PLAYLIST = """#EXTM3U
#EXTINF:301,Mira Quell - Velvet Harbour
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
        ids = [dialog.tree.item(i, "values")[1] for i in dialog.tree.get_children()]
        assert ids[:2] == ["tw-001", "tw-002"]  # the journal's full shortlist, not the brief
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
