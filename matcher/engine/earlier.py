"""A resumed playlist's earlier results, made ready for writing beside the matching.

A playlist matched in one run keeps what writing its outputs needs as the chunks come in
(brief results, the CSV rows the workers rendered: playlist_run.py). A resumed one had
none of that for the entries an earlier run matched, so its outputs were written from the
journal: every result decoded once per report pass and rendered again, alone, after the
last chunk (10,000 entries: 2.1 s, against 0.3 s from what was kept). Here a thread reads
those earlier results from the journal once, on its own connection, while the workers
match the rest, and keeps them the same way; the playlist takes them in before writing.

The entries read are the ones done when the batch was resumed (`done`): results this run
journals meanwhile are the host's own. A thread told to stop gives up (None); the
playlist is then written from the journal as before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path

from matcher.engine.history import History
from matcher.engine.rendered import RenderedRows
from matcher.model import MatchResult
from matcher.outputs.reports import render_bodies

__all__ = ["Earlier", "EarlierRead", "read_earlier"]

GROUP = 256  # consecutive entries rendered together (a worker's chunk is about as long)


@dataclass(slots=True)
class Earlier:
    """What the earlier run's entries give for writing, as a run's own chunks do."""

    briefs: dict[int, MatchResult]  # entry index -> brief result
    rendered: RenderedRows


def read_earlier(
    path: Path,
    batch_id: str,
    playlist_id: int,
    done: frozenset[int],
    stop: threading.Event,
) -> Earlier | None:
    """The results of `done` entries, briefed and rendered in runs of consecutive entries;
    None when told to `stop` or when the rows cannot be kept (the journal is read then)."""
    earlier = Earlier({}, RenderedRows())
    group: list[MatchResult] = []
    try:
        with History.open(path) as history:
            for result in history.iter_results(batch_id, playlist_id):
                if stop.is_set():
                    earlier.rendered.close()
                    return None
                index = result.entry_index
                if index not in done:
                    continue
                if group and (index != group[-1].entry_index + 1 or len(group) >= GROUP):
                    _keep(earlier, group)
                    group = []
                group.append(result)
        _keep(earlier, group)
    except Exception:
        earlier.rendered.close()
        raise
    if len(earlier.briefs) != len(done):  # the journal lost some: read it at the end
        earlier.rendered.close()
        return None
    return earlier


def _keep(earlier: Earlier, group: Iterable[MatchResult]) -> None:
    results = list(group)
    if not results:
        return
    if not earlier.rendered.add(results[0].entry_index, len(results), render_bodies(results)):
        raise ValueError("earlier results out of order")
    earlier.briefs.update((r.entry_index, r.brief()) for r in results)


class EarlierRead:
    """`read_earlier` as a task of `reader`, the batch's one thread for these reads (the
    playlists' in turn, not a thread each beside the host): `take()` waits for it,
    `drop()` stops it."""

    def __init__(
        self, reader: Executor, path: Path, batch_id: str, playlist_id: int, done: frozenset[int]
    ) -> None:
        self._stop = threading.Event()
        self._future: Future[Earlier | None] = reader.submit(
            read_earlier, path, batch_id, playlist_id, done, self._stop
        )

    def take(self, *, wait: bool = True) -> Earlier | None:
        """What was read (waiting for the rest unless not `wait`: then only what is
        finished, or it is stopped); None when it failed or was stopped."""
        if not wait and not self._future.done():
            self.drop()
            return None
        try:
            return self._future.result()
        except Exception:  # noqa: BLE001 - the outputs are written from the journal then
            return None

    def drop(self) -> None:
        """Stop reading (or never start) and let go of what was read (a cancelled batch
        writes now)."""
        self._stop.set()
        self._future.cancel()  # still waiting for the thread: it never runs
        self._future.add_done_callback(_close)


def _close(future: Future[Earlier | None]) -> None:
    if not future.cancelled() and future.exception() is None and (e := future.result()):
        e.rendered.close()
