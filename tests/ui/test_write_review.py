"""A review decision made after a write preview was read: the preview follows the old
results, so it is outdated. Nothing is written from it; it is read again when shown,
when Write is pressed or an option changes, and at once when a read is going. Driven
through the real Controller and Writes on a stand-in engine (no Tk, no files)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from matcher import FilesPlanned, LibraryPlan, LibraryPlanned, WriteOptions
from tests.ui.write_fixtures import FakeEngine, finished, plan, started
from ui.controller import Controller
from ui.settings import Settings
from ui.write_model import TAGS
from ui.write_run import RunKind
from ui.writes import REREAD, Writes

MATCH = "20260101-000000-match0"
OTHER = "20260101-000000-match9"
OUT = "/music/out"


class ReviewingEngine(FakeEngine):
    """The write-back calls and the review decisions, in the order they were sent."""

    def review(self, batch_id: str, playlist_id: int, entry_index: int, catalog_id) -> None:  # noqa: ANN001
        self.calls.append(("review", batch_id, playlist_id, entry_index, catalog_id))

    def events(self, timeout: float = 0.05, limit: int = 2000) -> list:
        return []

    def close(self) -> None:
        pass


@dataclass
class Parts:
    controller: Controller
    engine: ReviewingEngine
    state: dict

    @property
    def writes(self) -> Writes:
        return self.controller.writes

    def kinds(self) -> list[str]:
        return [call[0] for call in self.engine.calls]

    def written(self) -> list[tuple]:
        return [call for call in self.engine.calls if call[0] in ("write", "write_library")]


@pytest.fixture
def parts() -> Iterator[Parts]:
    posted: list = []
    engine = ReviewingEngine()
    controller = Controller(Settings(), post=posted.append, engine_factory=lambda _c: engine,
                            clock=lambda: 10.0)  # fmt: skip
    state = {"batch_active": False}
    writes = controller.writes
    writes._batch_active = lambda: state["batch_active"]
    writes.check.stale = lambda plans: False  # the invented files never change
    writes.note_batch(MATCH, OUT)
    yield Parts(controller, engine, state)
    for thread in controller.session.threads:
        thread.join(5)


def _planned(writes: Writes, engine: FakeEngine, plans: list) -> None:
    """The engine's answer to the last read: its plans, then the end."""
    run_id = engine.batches[-1].batch_id
    writes.on_event(started(run_id, [("Peak Time", len(plans))]))
    writes.on_event(FilesPlanned(run_id, 2, 0, tuple(plans)))
    writes.on_event(finished(run_id, {"to change": len(plans)}, len(plans)))


A, B = plan("/m/a.mp3", rows=((0, 1),)), plan("/m/b.mp3", rows=((0, 2),))


def test_a_review_after_the_preview_is_never_written_from_the_old_plans(parts: Parts) -> None:
    writes, engine = parts.writes, parts.engine
    assert writes.read()
    _planned(writes, engine, [A, B])
    assert writes.preview.writable
    parts.controller.review(MATCH, 3, 2, None)  # b.mp3's row: "not in the catalog"
    assert not writes.preview.writable
    assert not writes.write()  # Write pressed on the old preview: read again, not written
    assert parts.written() == []
    assert parts.kinds() == ["plan", "review", "plan"]  # the read after the decision
    assert writes.run.kind is RunKind.READ and writes.preview.note == REREAD
    _planned(writes, engine, [A])  # the engine read the results as decided
    assert writes.preview.writable and writes.write()
    kind, plans, _options, _folders = engine.calls[-1]
    assert kind == "write" and [p.path for p in plans] == ["/m/a.mp3"]


def test_the_preview_shown_again_after_a_review_is_read_again(parts: Parts) -> None:
    writes, engine = parts.writes, parts.engine
    writes.read()
    _planned(writes, engine, [A, B])
    assert writes.open_preview(TAGS) and parts.kinds() == ["plan"]  # unchanged: kept
    for thread in parts.controller.session.threads:
        thread.join(5)
    parts.controller.review(MATCH, 3, 2, "c7")
    assert writes.open_preview(TAGS)
    assert parts.kinds() == ["plan", "review", "plan"] and writes.run.kind is RunKind.READ


def test_a_review_while_reading_starts_the_read_again(parts: Parts) -> None:
    writes, engine = parts.writes, parts.engine
    writes.read()
    first = engine.batches[-1]
    parts.controller.review(MATCH, 3, 2, None)  # its read may have begun before the decision
    assert first.calls == ["cancel"] and parts.kinds() == ["plan", "review", "plan"]
    _planned(writes, engine, [A])
    assert writes.preview.writable and not writes.preview.outdated


def test_an_option_changed_after_a_review_reads_again(parts: Parts) -> None:
    writes, engine = parts.writes, parts.engine
    writes.read()
    _planned(writes, engine, [A, B])
    parts.controller.review(MATCH, 3, 2, None)
    writes.set_options(WriteOptions(overwrite=True))  # would only re-plan the old plans
    assert parts.kinds() == ["plan", "review", "plan"]
    assert engine.calls[-1][2] == WriteOptions(overwrite=True)


def test_a_review_of_another_batch_keeps_the_preview(parts: Parts) -> None:
    writes, engine = parts.writes, parts.engine
    writes.read()
    _planned(writes, engine, [A, B])
    parts.controller.review(OTHER, 1, 4, None)
    assert writes.preview.writable and not writes.refresh_preview()
    assert writes.write() and parts.kinds() == ["plan", "review", "write"]


def test_while_a_batch_matches_the_outdated_preview_waits_unwritten(parts: Parts) -> None:
    writes, engine = parts.writes, parts.engine
    writes.read()
    _planned(writes, engine, [A, B])
    parts.controller.review(MATCH, 3, 2, None)
    parts.state["batch_active"] = True
    assert not writes.refresh_preview() and not writes.write()
    assert (
        parts.controller.session.notices[-1] == "Wait for the batch to finish before writing tags."
    )
    assert parts.kinds() == ["plan", "review"]
    parts.state["batch_active"] = False
    assert writes.refresh_preview()  # the dialog asks again when the batch is over
    assert parts.kinds() == ["plan", "review", "plan"]


def test_a_library_preview_outdated_by_a_review_is_read_again(parts: Parts) -> None:
    writes, engine = parts.writes, parts.engine
    assert writes.read_into("traktor", "/dj/collection.nml")
    run_id = engine.batches[-1].batch_id
    library = LibraryPlan("traktor", "/dj/collection.nml", "s" * 64, (A, B), (0, 1), (),
                          "CrateMatch Peak Time", {})  # fmt: skip
    writes.on_event(started(run_id, [("collection.nml", 2)]))
    writes.on_event(LibraryPlanned(run_id, 2, library))
    writes.on_event(finished(run_id, {}, 2))
    assert writes.preview.writable
    parts.controller.review(MATCH, 3, 2, None)
    assert not writes.write() and parts.written() == []
    assert engine.calls[-1][0] == "plan_library" and engine.calls[-1][4] == "/dj/collection.nml"
