"""How the last batch ended, in the status bar's words. Pure (no Tk): the batch's cards
are the evidence, so the bar never says something the queue contradicts.

    the batch's cards (QueueModel.batch_items) ──outcome()──▶ Outcome ──text()──▶ one line

    every card DONE                 Finished             500 of 500 tracks · 100% · 3 errors
    a card CANCELLED                Cancelled            120 of 500 tracks · 24%
    a card FAILED                   Stopped by an error  120 of 500 tracks · 24% · <why>
    cards given back ("Not run: …") Could not start      <why> · 4 playlists back in the queue
    no card left (cleared)          Ready

A batch that failed before matching anything gives its playlists back to the queue
(queue_model), where they wait like any other: the bar said "Ready" then, as if nothing
had happened. Its "0 of 55 tracks · 0%" says nothing either, so the reason takes its
place. The reason is the engine's one-line message; only it gives way when room is short.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ui.progress_model import plural
from ui.queue_model import NOT_RUN, STOPPED, ItemStatus, QueueItem
from ui.text_fit import elide_middle

__all__ = ["Outcome", "outcome"]

SEP = " · "


@dataclass(frozen=True, slots=True)
class Outcome:
    phase: str  # the bar's bold word
    why: str = ""  # the error, one line; what gives way when room is short
    note: str = ""  # said whole, last
    progress: bool = True  # False: the batch never ran; its "0 of 55 tracks" is left out

    def text(
        self, tracks: str, room: int | None = None, measure: Callable[[str], int] = len
    ) -> str:
        """The line beside the bar: the tracks (when the batch ran), why, the note; `why`
        shortened to fit `room` (as `measure` counts it; None: no limit)."""
        head = [tracks] if self.progress and tracks else []
        tail = [self.note] if self.note else []
        why = self.why
        if why and room is not None:
            rest = SEP.join(head + ["", *tail]) if head or tail else ""
            why = elide_middle(why, max(0, room - measure(rest)), measure)
        return SEP.join(head + ([why] if why else []) + tail)


def outcome(items: Sequence[QueueItem]) -> Outcome:
    """What the bar says about a batch that is over, from its cards."""
    if not items:
        return Outcome("Ready")
    statuses = {i.status for i in items}
    if statuses == {ItemStatus.DONE}:
        errors = sum(i.counts.error for i in items)
        return Outcome("Finished", note=plural(errors, "error") if errors else "")
    if ItemStatus.CANCELLED in statuses:
        return Outcome("Cancelled")
    if ItemStatus.FAILED in statuses:
        failed = next(i for i in items if i.status is ItemStatus.FAILED)
        return Outcome("Stopped by an error", why=_why(failed.message))
    back = [i for i in items if i.waiting and i.message.startswith(NOT_RUN)]
    if back:
        where = f"{plural(len(back), 'playlist')} back in the queue"
        return Outcome("Could not start", why=_why(back[0].message), note=where, progress=False)
    return Outcome("Ready")


def _why(message: str) -> str:
    """The engine's reason, without the card's prefix; "" when it adds nothing."""
    reason = " ".join(message.removeprefix(NOT_RUN).split())
    return "" if reason == STOPPED else reason
