"""Progress bars for the terminal: one for the playlist being matched, one for the batch."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from tqdm import tqdm

__all__ = ["Progress", "ProgressBars"]


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a batch is: the playlist being matched and the batch as a whole."""

    playlist: str
    done: int  # entries of this playlist matched so far
    total: int
    batch_done: int
    batch_total: int


class ProgressBars:
    """Two tqdm bars on stderr, shown only on a terminal."""

    def __init__(self, enabled: bool, unit: str = "trk") -> None:
        self.enabled = enabled
        self.unit = unit
        self._batch: tqdm | None = None
        self._playlist: tqdm | None = None
        self._current = ""

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(self, *exc: object) -> None:
        for bar in (self._playlist, self._batch):
            if bar is not None:
                bar.close()

    def update(self, p: Progress) -> None:
        if not self.enabled:
            return
        if self._batch is None:
            self._batch = tqdm(total=p.batch_total, desc="all playlists", unit=self.unit,
                               position=0, file=sys.stderr, dynamic_ncols=True)  # fmt: skip
        # a count going back means the next playlist, even when it has the same name
        if p.playlist != self._current or self._playlist is None or p.done < self._playlist.n:
            if self._playlist is not None:
                self._playlist.close()
            self._current = p.playlist
            self._playlist = tqdm(total=p.total, desc=p.playlist[:30], unit=self.unit, position=1,
                                  leave=False, file=sys.stderr, dynamic_ncols=True)  # fmt: skip
        assert self._playlist is not None
        self._playlist.n = p.done
        self._playlist.refresh()
        self._batch.n = p.batch_done
        self._batch.refresh()
