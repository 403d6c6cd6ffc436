"""How many tracks of each playlist are matched, in review, not found or in error: the one
count the queue cards, the status bar, the dashboard and the results footer all read.
Pure (no Tk).

    TracksMatched, ResultEdited ──add()──▶ the status of each entry, per (batch, playlist)
    PlaylistProgress            ──prior()─▶ what a resumed batch had before this window saw it

Counting entries, not events, makes a chunk sent twice (a worker died and it was retried)
or a review decision change the counts exactly once. The engine's own PlaylistProgress
counts cover the whole playlist; when they exceed what arrived here (a batch resumed
from the journal, its earlier results never sent again), the difference is kept as the
playlist's prior counts, so a card says what the whole playlist has.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from matcher import MatchResult

__all__ = ["STATUSES", "Counts", "Pair", "Tally"]

STATUSES: tuple[str, ...] = ("matched", "review", "unmatched", "error")
Pair = tuple[str, int]  # (batch_id, playlist_id)


@dataclass(frozen=True, slots=True)
class Counts:
    matched: int = 0
    review: int = 0
    unmatched: int = 0
    error: int = 0

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> Counts:
        return cls(*(max(0, int(counts.get(s, 0))) for s in STATUSES))

    @property
    def total(self) -> int:
        return self.matched + self.review + self.unmatched + self.error

    def as_dict(self) -> dict[str, int]:
        return {s: getattr(self, s) for s in STATUSES}

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, s) + getattr(other, s) for s in STATUSES))

    def __sub__(self, other: Counts) -> Counts:
        return Counts(*(max(0, getattr(self, s) - getattr(other, s)) for s in STATUSES))


class Tally:
    def __init__(self) -> None:
        self._status: dict[Pair, dict[int, str]] = {}  # entry index -> status
        self._counts: dict[Pair, dict[str, int]] = {}
        self._prior: dict[Pair, Counts] = {}

    def add(self, batch_id: str, playlist_id: int, results: Iterable[MatchResult]) -> bool:
        """Results arrived (or a decision replaced one); True when a count changed."""
        pair = (batch_id, playlist_id)
        statuses = self._status.setdefault(pair, {})
        counts = self._counts.setdefault(pair, dict.fromkeys(STATUSES, 0))
        changed = False
        for result in results:
            status = str(result.status)
            old = statuses.get(result.entry.entry_index)
            if old == status:
                continue
            if old is not None:
                counts[old] -= 1
            statuses[result.entry.entry_index] = status
            counts[status] = counts.get(status, 0) + 1
            changed = True
        return changed

    def prior(self, batch_id: str, playlist_id: int, engine_counts: Mapping[str, int]) -> bool:
        """The engine's counts for the whole playlist: what they hold beyond the results
        that arrived here came before (a resumed batch). True when that changed."""
        if not engine_counts:
            return False
        pair = (batch_id, playlist_id)
        return self.set_prior(pair, Counts.of(engine_counts) - self.arrived(pair))

    def set_prior(self, pair: Pair, counts: Counts) -> bool:
        """Results the playlist had before this window saw any (read from the journal
        when a batch is resumed); True when that changed."""
        if counts == self._prior.get(pair, Counts()):
            return False
        self._prior[pair] = counts
        return True

    def arrived(self, pair: Pair) -> Counts:
        """The results that arrived in this window."""
        return Counts.of(self._counts.get(pair, {}))

    def counts(self, pairs: Iterable[Pair], *, with_prior: bool = True) -> Counts:
        total = Counts()
        for pair in pairs:
            total = total + self.arrived(pair)
            if with_prior:
                total = total + self._prior.get(pair, Counts())
        return total

    def playlist(self, batch_id: str, playlist_id: int) -> Counts:
        """The whole playlist: what arrived and what came before."""
        return self.counts([(batch_id, playlist_id)])

    def batch(self, batch_id: str) -> Counts:
        pairs = {pair for pair in (*self._counts, *self._prior) if pair[0] == batch_id}
        return self.counts(pairs)

    def forget(self, pairs: Iterable[Pair]) -> None:
        """Playlists no longer shown anywhere (cleared from the queue and the table)."""
        for pair in pairs:
            self._status.pop(pair, None)
            self._counts.pop(pair, None)
            self._prior.pop(pair, None)
