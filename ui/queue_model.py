"""The batch queue as data: playlists waiting, running and done, and how engine events
move them along. Pure (no Tk), so every transition is tested without a window.

    add()  ──▶ QUEUED ──bind() at Start──▶ QUEUED in a batch ──PlaylistStarted──▶ RUNNING
              ▲                             │                   BatchPaused ⇅ BatchResumed
              │                             │                          PAUSED
              │  PlaylistFinished ──▶ DONE       BatchCancelled ──▶ CANCELLED
              │  fatal error (EngineError fatal, BatchFinished not ok):
              │      the batch matched something ──▶ FAILED
              └───── the batch matched nothing ───▶ QUEUED again, waiting, its message shown

A batch that failed before matching anything (not a catalog, a catalog that cannot be
opened, a provider or a cluster out of reach) leaves nothing to resume: the journal does
not offer it (`History.unfinished`), so the queue takes its playlists back, in place, and
the next Start runs them with whatever the user fixed. A batch that matched something
is resumable from the journal (the resume banner), so its unfinished playlists are
FAILED; starting them afresh as well would match them twice.

BatchStarted lists the batch's playlists in the order they were asked for, so the items
bound at Start (in queue order) are paired with them by position.

A card's counts and its tracks done are the tally's (ui/tally.py), which every result
and every review decision updates as it arrives: the cards, the status bar, the
dashboard and the results footer count the same results.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from matcher import (
    BatchCancelled,
    BatchFinished,
    BatchPaused,
    BatchResumed,
    BatchStarted,
    EngineError,
    Event,
    PlaylistFinished,
    PlaylistProgress,
    PlaylistStarted,
    ResultEdited,
    TracksMatched,
)
from ui.tally import Counts, Tally

__all__ = [
    "NOT_RUN",
    "STOPPED",
    "Counts",
    "ItemStatus",
    "Phase",
    "QueueItem",
    "QueueModel",
    "nothing_to_start",
]


class ItemStatus(StrEnum):
    QUEUED = "queued"  # waiting for Start, or for its turn in the running batch
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"  # cut off; the batch can be resumed from the journal
    FAILED = "failed"


FINISHED = frozenset({ItemStatus.DONE, ItemStatus.CANCELLED, ItemStatus.FAILED})


class Phase(StrEnum):
    """What the current batch is doing, as far as the window knows."""

    IDLE = "idle"  # no batch, or the last one ended
    STARTING = "starting"  # asked for; waiting for BatchStarted
    RUNNING = "running"
    PAUSING = "pausing"  # pause asked; waiting for BatchPaused
    PAUSED = "paused"
    RESUMING = "resuming"  # resume asked; waiting for BatchResumed
    CANCELLING = "cancelling"  # cancel asked; waiting for BatchCancelled


ACTIVE = frozenset(Phase) - {Phase.IDLE}

NOT_RUN = "Not run: "  # the message of a playlist its failed batch gave back to the queue
STOPPED = "stopped by an error"  # the message when the batch's end said no more than that


@dataclass(frozen=True, slots=True)
class QueueItem:
    item_id: int
    path: Path  # the playlist file
    name: str | None  # the playlist inside a multi-playlist file; None: the file's only one
    label: str  # what the row shows
    entries: int | None  # None until known (a whole collection)
    status: ItemStatus = ItemStatus.QUEUED
    done: int = 0
    counts: Counts = Counts()
    batch_id: str | None = None
    playlist_id: int | None = None
    out_dir: str = ""
    message: str = ""

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.entries) if self.entries else 0.0

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def waiting(self) -> bool:
        """Queued and not yet sent to the engine: may be moved, removed, started."""
        return self.status is ItemStatus.QUEUED and self.batch_id is None


def nothing_to_start(items: Sequence[QueueItem], resumable: bool) -> str:
    """Why Start has nothing to send, true to the cards on screen: an empty queue, or
    one whose playlists have all run. `resumable`: the resume banner offers a batch."""
    if not items:
        return "Add playlists to the queue first."
    if resumable:
        return (
            "Nothing in the queue is waiting to start. To finish a stopped batch, press "
            "Resume on its banner; or add playlists."
        )
    return (
        "Nothing in the queue is waiting to start: every playlist in it has run. Add "
        "playlists (or one again) to start another batch."
    )


class QueueModel:
    """The ordered queue plus the current batch's phase. Mutating methods return whether
    anything changed, so views redraw only when needed."""

    def __init__(self, tally: Tally | None = None) -> None:
        self.tally = tally or Tally()
        self.items: list[QueueItem] = []
        self.phase = Phase.IDLE
        self.batch_id: str | None = None  # the current (or last) batch
        self._next_id = 1
        self._bound: dict[str, list[int]] = {}  # batch id -> item ids, in request order

    # -- editing the queue ---------------------------------------------------------------

    def add(
        self, path: Path, name: str | None, label: str, entries: int | None
    ) -> QueueItem | None:
        """Queue a playlist; None when the same playlist is already waiting or running."""
        for item in self.items:
            if item.path == path and item.name == name and not item.finished:
                return None
        item = QueueItem(self._next_id, path, name, label, entries)
        self._next_id += 1
        self.items.append(item)
        return item

    def get(self, item_id: int) -> QueueItem | None:
        return next((i for i in self.items if i.item_id == item_id), None)

    def remove(self, item_id: int) -> bool:
        item = self.get(item_id)
        if item is None or not (item.waiting or item.finished):
            return False
        self.items.remove(item)
        return True

    def move(self, item_id: int, delta: int) -> bool:
        """Move a waiting item up (delta < 0) or down among the waiting items."""
        item = self.get(item_id)
        if item is None or not item.waiting or delta == 0:
            return False
        slots = [n for n, i in enumerate(self.items) if i.waiting]
        here = slots.index(self.items.index(item))
        there = max(0, min(len(slots) - 1, here + delta))
        if there == here:
            return False
        order = [self.items[n] for n in slots]
        order.insert(there, order.pop(here))
        for n, moved in zip(slots, order, strict=True):
            self.items[n] = moved
        return True

    def clear_finished(self) -> int:
        before = len(self.items)
        self.items = [i for i in self.items if not i.finished]
        return before - len(self.items)

    def waiting(self) -> list[QueueItem]:
        return [i for i in self.items if i.waiting]

    # -- the batch -----------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self.phase in ACTIVE

    def bind(self, batch_id: str, item_ids: Iterable[int]) -> None:
        """The items just sent to the engine as batch `batch_id`, in request order."""
        ids = list(item_ids)
        for bound in self._bound.values():  # one batch per item: a failed one lets go
            bound[:] = [n for n in bound if n not in ids]
        self._bound[batch_id] = ids
        self.batch_id = batch_id
        self.phase = Phase.STARTING
        self._update(
            ids, lambda i: replace(i, batch_id=batch_id, status=ItemStatus.QUEUED, message="")
        )

    def adopt(self, batch_id: str, playlists: Sequence[tuple[Path, str, int, int]]) -> None:
        """Queue a batch being resumed: this session's items of it when they are all still
        here, else new items from the journal's (source, name, total, done) rows."""
        ids = [n for n in self._bound.get(batch_id, []) if self.get(n) is not None]
        if ids and len(ids) == len(self._bound[batch_id]) and len(playlists) in (0, len(ids)):
            self._update(ids, lambda i: replace(i, status=ItemStatus.QUEUED, message=""))
        else:
            ids = [self._new_bound(batch_id, *p).item_id for p in playlists]
        self._bound[batch_id] = ids
        self.batch_id = batch_id
        self.phase = Phase.STARTING

    def _new_bound(
        self, batch_id: str, source: Path, name: str, total: int, done: int
    ) -> QueueItem:
        label = name.rsplit("/", 1)[-1] or source.name
        item = QueueItem(self._next_id, source, name, label, total, done=done, batch_id=batch_id)
        self._next_id += 1
        self.items.append(item)
        return item

    def batch_items(self, batch_id: str | None = None) -> list[QueueItem]:
        ids = self._bound.get(batch_id or self.batch_id or "", [])
        return [i for i in (self.get(n) for n in ids) if i is not None]

    def progress(self) -> tuple[int, int]:
        """Tracks done and in total over the current batch's playlists."""
        items = self.batch_items()
        return sum(i.done for i in items), sum(i.entries or 0 for i in items)

    def request(self, phase: Phase) -> None:
        """The user asked for pause / resume / cancel; the event confirms it later."""
        if self.active:
            self.phase = phase

    def apply(self, event: Event) -> bool:
        """Move items along for one engine event of the current batch, or count results
        (of any batch: a decision may come long after); True if anything changed."""
        if isinstance(event, TracksMatched | ResultEdited):
            results = event.results if isinstance(event, TracksMatched) else (event.result,)
            if not self.tally.add(event.batch_id, event.playlist_id, results):
                return False
            return self._recount(event.batch_id, event.playlist_id)
        if event.batch_id != self.batch_id or event.batch_id not in self._bound:
            return False
        handler = _HANDLERS.get(type(event))
        return handler(self, event) if handler else False

    # -- event handlers ------------------------------------------------------------------

    def _started(self, event: BatchStarted) -> bool:
        ids = self._bound[event.batch_id]
        if not ids:  # a resumed batch the journal could not describe beforehand
            ids[:] = [
                self._new_bound(event.batch_id, Path(f), n, e, 0).item_id
                for _p, f, n, e in event.playlists
            ]
        for item_id, (playlist_id, _f, _n, entries) in zip(ids, event.playlists, strict=False):
            self._update(
                [item_id],
                lambda i, p=playlist_id, e=entries: replace(
                    i, playlist_id=p, entries=e, done=min(i.done, e)
                ),
            )
        if self.phase is Phase.STARTING:
            self.phase = Phase.RUNNING
        return True

    def _playlist_started(self, event: PlaylistStarted) -> bool:
        status = ItemStatus.PAUSED if self.phase is Phase.PAUSED else ItemStatus.RUNNING
        return self._on_playlist(
            event.playlist_id, lambda i: replace(i, status=status, entries=event.total)
        )

    def _progress(self, event: PlaylistProgress) -> bool:
        self.tally.prior(event.batch_id, event.playlist_id, event.counts)
        counts = self.tally.playlist(event.batch_id, event.playlist_id)

        def step(i: QueueItem) -> QueueItem:
            status = i.status if i.status is not ItemStatus.QUEUED else ItemStatus.RUNNING
            done = max(counts.total, i.done)  # nothing counted yet: what the journal said
            return replace(i, done=done, entries=event.total, counts=counts, status=status)

        return self._on_playlist(event.playlist_id, step)

    def _playlist_finished(self, event: PlaylistFinished) -> bool:
        status = ItemStatus.CANCELLED if event.partial else ItemStatus.DONE
        self.tally.prior(event.batch_id, event.playlist_id, event.counts)
        counts = self.tally.playlist(event.batch_id, event.playlist_id)

        def finish(i: QueueItem) -> QueueItem:
            done = max(counts.total, i.done)
            return replace(i, status=status, counts=counts, done=done, out_dir=event.out_dir)

        return self._on_playlist(event.playlist_id, finish)

    def _recount(self, batch_id: str, playlist_id: int) -> bool:
        """Results of a playlist arrived or changed: its card counts them (whatever state
        it is in: a decision on a finished playlist changes its counts too)."""
        counts = self.tally.playlist(batch_id, playlist_id)
        ids = [i.item_id for i in self.batch_items(batch_id) if i.playlist_id == playlist_id]
        return self._update(
            ids, lambda i: replace(i, counts=counts, done=max(counts.total, i.done))
        )

    def _pause_changed(self, event: BatchPaused | BatchResumed) -> bool:
        """Paused or running again (a cancel asked for meanwhile keeps its phase)."""
        paused = isinstance(event, BatchPaused)
        if self.phase is not Phase.CANCELLING:
            self.phase = Phase.PAUSED if paused else Phase.RUNNING
        running, stopped = ItemStatus.RUNNING, ItemStatus.PAUSED
        old, new = (running, stopped) if paused else (stopped, running)
        ids = [i.item_id for i in self.batch_items() if i.status is old]
        return self._update(ids, lambda i: replace(i, status=new))

    def _ended(self, event: BatchCancelled | BatchFinished | EngineError) -> bool:
        """The batch is over (cancelled, finished, or stopped by a fatal error): what is
        not finished yet ends as CANCELLED or DONE, or fails (`_failed`)."""
        if isinstance(event, EngineError):
            return self._failed(event.batch_id, event.message) if event.fatal else False
        self.phase = Phase.IDLE
        if isinstance(event, BatchFinished) and not event.ok:
            self._failed(event.batch_id, STOPPED)
            return True
        status = ItemStatus.CANCELLED if isinstance(event, BatchCancelled) else ItemStatus.DONE
        self._update(self._open(event.batch_id), lambda i: replace(i, status=status))
        return True

    def _failed(self, batch_id: str, message: str) -> bool:
        """A fatal error stopped the batch. Matched nothing: its playlists wait again
        (nothing to resume); else the unfinished ones are FAILED (the journal resumes them).
        The EngineError's message is kept: the BatchFinished after it says less."""
        ids = self._open(batch_id)
        if any(i.done or i.counts.total for i in self.batch_items(batch_id)):
            return self._update(
                ids, lambda i: replace(i, status=ItemStatus.FAILED, message=i.message or message)
            )
        return self._update(ids, lambda i: replace(
            i, status=ItemStatus.QUEUED, batch_id=None, playlist_id=None,
            message=NOT_RUN + message,
        ))  # fmt: skip

    def _open(self, batch_id: str) -> list[int]:
        """The batch's items still to end: neither finished nor given back to the queue."""
        return [i.item_id for i in self.batch_items(batch_id)
                if not i.finished and not i.waiting]  # fmt: skip

    # -- plumbing ------------------------------------------------------------------------

    def _update(self, ids: Iterable[int], change) -> bool:  # noqa: ANN001 - item -> item
        wanted = set(ids)
        changed = False
        for n, item in enumerate(self.items):
            if item.item_id in wanted:
                new = change(item)
                changed = changed or new != item
                self.items[n] = new
        return changed

    def _on_playlist(self, playlist_id: int, change) -> bool:  # noqa: ANN001
        ids = [i.item_id for i in self.batch_items() if i.playlist_id == playlist_id]
        return self._update(ids, lambda i: i if i.finished else change(i))


_HANDLERS = {
    BatchStarted: QueueModel._started,
    PlaylistStarted: QueueModel._playlist_started,
    PlaylistProgress: QueueModel._progress,
    PlaylistFinished: QueueModel._playlist_finished,
    BatchPaused: QueueModel._pause_changed,
    BatchResumed: QueueModel._pause_changed,
    BatchCancelled: QueueModel._ended,
    BatchFinished: QueueModel._ended,
    EngineError: QueueModel._ended,
}
