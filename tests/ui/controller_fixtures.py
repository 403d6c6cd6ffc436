"""The controller and its parts without a window: a stand-in engine that records the
commands it gets (the real one is exercised in test_app.py), and a harness that runs
posted calls when told, as the pump would on the Tk thread."""

from __future__ import annotations

import queue
from collections.abc import Callable
from pathlib import Path

from matcher import EngineConfig, Event, PlaylistRef, default_catalog_path
from ui.controller import Controller
from ui.settings import Settings

__all__ = ["B", "FakeBatch", "FakeEngine", "Harness", "m3u"]

B = "20260101-000000-aaaaaa"


class FakeBatch:
    def __init__(self, batch_id: str, log: list[tuple]) -> None:
        self.batch_id = batch_id
        self.log = log

    def pause(self) -> None:
        self.log.append(("pause", self.batch_id))

    def resume(self) -> None:
        self.log.append(("resume", self.batch_id))

    def cancel(self) -> None:
        self.log.append(("cancel", self.batch_id))


class FakeEngine:
    made: list[FakeEngine] = []

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.log: list[tuple] = []
        self.pending: list[Event] = []
        self.closed = False
        FakeEngine.made.append(self)

    def start(self, refs: list[PlaylistRef]) -> FakeBatch:
        self.log.append(("start", list(refs)))
        return FakeBatch(B, self.log)

    def resume_batch(self, batch_id: str) -> FakeBatch:
        self.log.append(("resume_batch", batch_id))
        return FakeBatch(batch_id, self.log)

    def review(self, batch_id: str, playlist_id: int, entry_index: int, catalog_id) -> None:  # noqa: ANN001
        self.log.append(("review", batch_id, playlist_id, entry_index, catalog_id))

    def events(self, timeout: float = 0.05, limit: int = 2000) -> list[Event]:
        out, self.pending = self.pending, []
        return out

    def close(self) -> None:
        self.closed = True


class Harness:
    """A controller whose posted calls run when `settle()` says so, like the pump would."""

    def __init__(self, settings: Settings | None = None, *, imported: bool = True) -> None:
        """`imported`: a catalog is there as `cratematch catalog import` leaves it, so
        Start need not ask for one (ui/catalog_choice.py; the stand-in engine reads none)."""
        FakeEngine.made = []
        if imported:
            default_catalog_path().parent.mkdir(parents=True, exist_ok=True)
            default_catalog_path().touch()
        self.posted: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.c = Controller(settings or Settings(), post=self.posted.put, engine_factory=FakeEngine)
        self.changes = 0
        self.c.session.watch(self._count)

    def _count(self) -> None:
        self.changes += 1

    @property
    def notices(self) -> list[str]:
        return self.c.session.notices

    def settle(self) -> None:
        """Wait for the reader and repair threads, then run what they posted."""
        for thread in self.c.session.threads:
            thread.join(10)
            assert not thread.is_alive()
        while not self.posted.empty():
            self.posted.get()()

    def add(self, *paths: Path) -> None:
        self.c.intake.add_paths(list(paths))
        self.settle()

    def labels(self) -> list[str]:
        return [i.label for i in self.c.model.items]


def m3u(path: Path, count: int = 3) -> Path:
    lines = ["#EXTM3U"]
    for n in range(count):
        lines += [f"#EXTINF:300,Artist {n} - Title {n}", f"/music/{n}.mp3"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
