"""One playlist's part of a batch: the entries still to send, what is done, the results
kept for writing, and its output files.

    journal_batch()       at BatchRun.begin: journal the batch and each playlist (a
                          resume keeps what the journal has), make the output folders,
                          skip the entries already done
    ahead()               then: a Rekordbox playlist's enriched.xml made as far as it
                          goes without results, on a thread beside the matching
    PlaylistRun.ready()   the next chunk's entries made while the workers are busy
    PlaylistRun.take()    the next entries for a chunk
    PlaylistRun.record()  a journalled chunk: counts, and its brief results and rendered
                          CSV rows kept for writing (the rows spooled, see rendered.py)
    PlaylistRun.write()   the playlist's outputs, from what was kept (the reports' rows
                          joined as the workers rendered them, no result decoded; a
                          resumed playlist's earlier results read beside the matching,
                          see earlier.py) or streamed from the journal, and what `ahead`
                          made

Only `BatchRun` (batch_run.py) uses these: it decides when a chunk goes out, when a
playlist is complete, and when outputs are written; this module keeps the per-playlist
state those decisions read.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from matcher.catalog.hashing import content_hash
from matcher.engine.batch_spec import BatchSpec, config_record
from matcher.engine.earlier import EarlierRead
from matcher.engine.journal import EncodedResult, Journal
from matcher.engine.rendered import RenderedRows
from matcher.model import MatchResult, Playlist, PlaylistEntry
from matcher.outputs import PlaylistOutputs, Results, playlist_folder, write_playlist_outputs
from matcher.outputs.rekordbox_ahead import PreparedRewrite, prepare_rewrite
from matcher.outputs.reports import render_bodies

__all__ = ["PlaylistRun", "ahead", "journal_batch"]


@dataclass(slots=True)
class PlaylistRun:
    playlist_id: int
    playlist: Playlist
    folder: Path
    pending: deque[int]  # entry indices not sent yet
    done: int = 0
    counts: Counter[str] = field(default_factory=Counter)  # results per status
    started: bool = False  # its first chunk went out (PlaylistStarted)
    finished: bool = False  # complete, outputs written
    began_at: float = 0.0
    # what writing the outputs takes without reading results back from the journal:
    # the brief results (entry index -> result; the writer holds them all at the end
    # whichever way it reads) and the CSV reports' rows as workers rendered them; None
    # once a chunk came without them or a review changed a result (`rendered`), or an
    # earlier run's results could not be read for them (both)
    memory: dict[int, MatchResult] | None = field(default_factory=dict)
    rendered: RenderedRows | None = field(default_factory=RenderedRows)
    # a resumed playlist's results from the runs before, being read for the above
    earlier: EarlierRead | None = None
    # a Rekordbox playlist's enriched.xml, as far as it goes without results (`ahead`)
    prepared: Future[PreparedRewrite | None] | None = None

    @property
    def total(self) -> int:
        return len(self.playlist.entries)

    def ready(self, size: int) -> None:
        """Make the next `size` entries (a lazily read playlist makes each the first
        time it is asked for: 10 us a Rekordbox entry, which a worker would otherwise
        wait for between its chunks)."""
        entries = self.playlist.entries
        for index in islice(self.pending, size):
            entries[index]  # noqa: B018 - made and kept by LazyEntries

    def take(self, size: int) -> list[PlaylistEntry]:
        """The next `size` entries (fewer at the end), no longer pending."""
        count = min(size, len(self.pending))
        return [self.playlist.entries[self.pending.popleft()] for _ in range(count)]

    def record(
        self,
        briefs: Sequence[MatchResult],
        rows: Sequence[EncodedResult],
        reports: tuple[bytes, ...] = (),
    ) -> None:
        """Count a chunk the journal now holds, and keep what writing needs of it:
        its brief results and `reports`, its CSV rows rendered (`render_bodies`)."""
        self.done += len(briefs)
        self.counts.update(str(r.status) for r in briefs)
        if self.memory is not None:
            self.memory.update((r.entry_index, r) for r in briefs)
        if self.rendered is not None:
            first = rows[0].entry_index if rows else -1
            in_order = all(row.entry_index == first + i for i, row in enumerate(rows))
            if not (reports and in_order and self.rendered.add(first, len(rows), reports)):
                self._drop_rendered()  # written from the journal instead

    def reviewed(self, result: MatchResult, chunk: Callable[[int, int], list[MatchResult]]) -> None:
        """A user's decision replaced one result (the journal holds it): keep the counts
        and memory in step, and render the rows of its chunk again from `chunk(first,
        count)`, the journal's results (without them the outputs are read from the
        journal). An earlier run's results still being read may hold the decision or not:
        let them go."""
        if self.earlier is not None:
            self.earlier.drop()
            self.earlier = self.memory = None
            self._drop_rendered()
        index = result.entry_index
        if self.memory is None or index not in self.memory:
            return
        old = self.memory[index]
        self.counts[str(old.status)] -= 1
        self.counts[str(result.status)] += 1
        self.memory[index] = result.brief()
        rendered = self.rendered
        if rendered is None or (span := rendered.chunk_of(index)) is None:
            self._drop_rendered()
            return
        first, count = span
        results = chunk(first, count)
        whole = [r.entry_index for r in results] == list(range(first, first + count))
        if not (whole and rendered.replace(first, render_bodies(results))):
            self._drop_rendered()

    def _bodies(self) -> dict[str, Iterator[bytes]] | None:
        """Each report's rendered rows in entry order, or None when some are missing or
        chunks overlap (then the journal is read instead)."""
        if self.rendered is None or self.memory is None or len(self.memory) != self.done:
            return None
        return self.rendered.bodies(self.done)

    def _take_earlier(self, *, wait: bool) -> None:
        """Take in the earlier run's results (waiting for them when `wait`); without
        them the outputs are written from the journal."""
        read, self.earlier = self.earlier, None
        if read is None:
            return
        got = read.take(wait=wait)
        if got is None or self.memory is None or self.rendered is None:
            self.memory = None
            self._drop_rendered()
        else:
            self.memory.update(got.briefs)
            if not self.rendered.absorb(got.rendered):
                self._drop_rendered()
        if got is not None:
            got.rendered.close()

    def _drop_rendered(self) -> None:
        if self.rendered is not None:
            self.rendered.close()
            self.rendered = None

    def forget(self) -> None:
        """Drop what was kept for writing (the outputs are written)."""
        if self.earlier is not None:
            self.earlier.drop()
            self.earlier = None
        self.memory = None
        self.prepared = None
        self._drop_rendered()

    def _prepared(self) -> PreparedRewrite | None:
        if self.prepared is None:
            return None
        try:
            return self.prepared.result()
        except Exception:  # noqa: BLE001 - the writer meets the error itself and says it
            return None

    def write(
        self,
        journal: Journal,
        batch_id: str,
        *,
        provider: str,
        preset: str,
        partial: bool,
        since: float,
    ) -> PlaylistOutputs:
        """Write the outputs of every result so far (`since`: when the batch began, for a
        playlist that never started)."""
        results: Results
        if self.earlier is not None:  # a cut-off write does not wait for them
            self._take_earlier(wait=not partial)
        bodies = self._bodies()
        if bodies is not None and self.memory is not None:
            results = [self.memory[i] for i in sorted(self.memory)]
        else:  # resumed or reviewed: stream from the journal, never all at once
            playlist_id = self.playlist_id
            results = lambda: journal.iter_results(batch_id, playlist_id)  # noqa: E731
        return write_playlist_outputs(
            self.folder,
            self.playlist,
            results,
            provider=provider,
            preset=preset,
            partial=partial,
            elapsed_s=time.perf_counter() - (self.began_at or since),
            rendered=bodies,
            prepared=self._prepared(),
        )

    def remove_empty_folder(self) -> None:
        """Leave no empty output folder behind (nothing was matched)."""
        with contextlib.suppress(OSError):
            self.folder.rmdir()


def journal_batch(
    journal: Journal, spec: BatchSpec, catalog: Path | None, playlists: Sequence[Playlist]
) -> tuple[list[PlaylistRun], Counter[str]]:
    """Each playlist's run, its output folder made, and the results per status the
    journal already had. A new batch is journalled with its playlists; a resumed one
    keeps its record and the content hashes of the files it started with."""
    out_dir = Path(spec.config.out_dir)  # type: ignore[arg-type]
    if not spec.resume:
        journal.create_batch(
            spec.batch_id,
            config=config_record(spec, catalog),
            inputs=[{"path": path, "name": name} for path, name in spec.inputs],
            out_dir=str(out_dir),
        )
    runs: list[PlaylistRun] = []
    reader: ThreadPoolExecutor | None = None  # reads resumed playlists' earlier results
    taken: set[str] = set()
    hashes: dict[Path, str] = {}
    already: Counter[str] = Counter()
    for playlist_id, playlist in enumerate(playlists):
        folder = playlist_folder(out_dir, playlist, taken)
        if not spec.resume:
            journal.add_playlist(
                spec.batch_id,
                playlist_id,
                file=playlist.file_name,
                source=str(playlist.source),
                name=playlist.name,
                format=playlist.format,
                total=len(playlist.entries),
                content_hash=hashes.setdefault(playlist.source, _hash_of(playlist.source)),
            )
        done = journal.done_indices(spec.batch_id, playlist_id)
        run = PlaylistRun(
            playlist_id,
            playlist,
            folder,
            pending=deque(i for i in range(len(playlist.entries)) if i not in done),
            done=len(done),
        )
        if done:
            run.counts.update(journal.counts(spec.batch_id, playlist_id))
            already.update(run.counts)
        if done and run.pending:  # the rest is matched now: its earlier results read beside
            reader = reader or ThreadPoolExecutor(1, thread_name_prefix="cratematch-earlier")
            run.earlier = EarlierRead(reader, journal.path, spec.batch_id, playlist_id,
                                      frozenset(done))  # fmt: skip
        elif done:
            run.forget()  # complete: BatchRun.begin writes it from the journal at once
        runs.append(run)
    if reader is not None:
        reader.shutdown(wait=False)  # its thread ends once the last read is done
    return runs, already


def ahead(runs: Sequence[PlaylistRun]) -> None:
    """Start what each Rekordbox playlist's enriched.xml can do before its results (its
    source read and its TRACKs serialized: rekordbox_ahead.py), on one thread beside
    the matching, so that little is left for when the last result is in."""
    todo = [r for r in runs if r.playlist.format == "rekordbox" and r.pending]
    if not todo:
        return
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cratematch-ahead")
    for run in todo:
        run.prepared = executor.submit(prepare_rewrite, run.playlist.source, run.playlist.name)
    executor.shutdown(wait=False)  # the thread ends once the last is done


def _hash_of(path: Path) -> str:
    """The playlist file's content hash ("" when it cannot be read again)."""
    try:
        return content_hash(path)
    except OSError:
        return ""
