"""Progress bars for the terminal: one for the playlist being matched, one for the batch.

Two things keep the figures honest:
- A bar starts when its work starts (the batch's at BatchStarted, a playlist's at
  PlaylistStarted), not when the first chunk comes back, and work done by an earlier
  run of a resumed batch is its `initial`: tqdm's rate is then this run's tracks over
  this run's time, never a whole chunk over a millisecond (a first frame once showed
  657,930 trk/s).
- The size comes from the terminal, and a terminal that reports 0 columns or rows (some
  IDE consoles, serial lines, `script`'s pty) is taken as DEFAULT_COLUMNS x DEFAULT_ROWS:
  tqdm itself would make that -1 x -1, and hide every bar.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from tqdm import tqdm

__all__ = ["DEFAULT_COLUMNS", "DEFAULT_ROWS", "Progress", "ProgressBars", "terminal_size"]

DEFAULT_COLUMNS, DEFAULT_ROWS = 80, 24


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a batch is: the playlist being matched and the batch as a whole."""

    playlist: str
    done: int  # entries of this playlist matched so far
    total: int
    batch_done: int
    batch_total: int


def _from_env(name: str) -> int:
    try:
        return int(os.environ.get(name, "0"))
    except ValueError:
        return 0


def terminal_size(stream: IO[str]) -> tuple[int, int]:
    """The terminal's (columns, rows); what it does not report (0, or no terminal) comes
    from $COLUMNS/$LINES, else DEFAULT_COLUMNS/DEFAULT_ROWS."""
    try:
        columns, rows = os.get_terminal_size(stream.fileno())
    except (AttributeError, OSError, ValueError):
        columns = rows = 0
    columns = columns if columns > 0 else _from_env("COLUMNS")
    rows = rows if rows > 0 else _from_env("LINES")
    return (columns if columns > 0 else DEFAULT_COLUMNS, rows if rows > 0 else DEFAULT_ROWS)


class ProgressBars:
    """Two tqdm bars on `file` (stderr), shown only when `enabled` (on a terminal)."""

    def __init__(self, enabled: bool, unit: str = "trk", file: IO[str] | None = None) -> None:
        self.enabled = enabled
        self.unit = unit
        self.file = file if file is not None else sys.stderr
        self._batch: tqdm | None = None
        self._playlist: tqdm | None = None
        self._current = ""

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(self, *exc: object) -> None:
        for bar in (self._playlist, self._batch):
            if bar is not None:
                bar.close()

    def _bar(self, total: int, desc: str, position: int, initial: int = 0) -> tqdm:
        from tqdm import tqdm  # only when a bar is shown: 17 ms of imports otherwise

        columns, rows = terminal_size(self.file)
        return tqdm(total=total, desc=desc, unit=self.unit, position=position,
                    initial=initial, leave=position == 0, file=self.file, ncols=columns,
                    nrows=rows, dynamic_ncols=False)  # fmt: skip

    def start(self, total: int, already_done: int = 0) -> None:
        """The batch began (BatchStarted): `already_done` by an earlier run."""
        if self.enabled and self._batch is None:
            self._batch = self._bar(total, "all playlists", 0, initial=already_done)

    def playlist(self, name: str, total: int, done: int = 0) -> None:
        """A playlist's first chunk went out (PlaylistStarted); `done` before this run."""
        if not self.enabled:
            return
        if self._playlist is not None:
            self._playlist.close()
        self._current = name
        self._playlist = self._bar(total, name[:30], 1, initial=done)

    def update(self, p: Progress) -> None:
        if not self.enabled:
            return
        self.start(p.batch_total)
        # a count going back means the next playlist, even when it has the same name
        if p.playlist != self._current or self._playlist is None or p.done < self._playlist.n:
            self.playlist(p.playlist, p.total)
        assert self._playlist is not None and self._batch is not None
        for bar, n in ((self._playlist, p.done), (self._batch, p.batch_done)):
            bar.ncols, bar.nrows = terminal_size(self.file)  # follow a resized terminal
            bar.n = n
            bar.refresh()
