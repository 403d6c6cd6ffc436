"""The CSV report rows workers rendered, kept until a playlist's outputs are written.

A worker renders each chunk's rows for every report (`outputs.reports.render_bodies`),
in the two-core part of a run; the host then writes a playlist's reports by joining those
bytes in entry order instead of decoding every result from the journal and rendering
it again at the end, alone. At some 1.2 KB an entry, a long playlist's rows would not fit
in the host's memory: they are spooled, in memory while small and to an anonymous
temporary file beyond `SPOOL_BYTES` (`tempfile.SpooledTemporaryFile`), which the
operating system removes however the host ends.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

from matcher.outputs.reports import REPORT_ORDER

__all__ = ["SPOOL_BYTES", "RenderedRows"]

SPOOL_BYTES = 32 * 1024 * 1024  # rows held in memory before they go to a temporary file


class RenderedRows:
    """Each chunk's rendered rows (one body per report kind), by its first entry index.

    `add` refuses what cannot be joined into whole reports (a chunk out of entry order,
    one rendered twice, one without rows); the caller then reads the journal instead."""

    def __init__(self) -> None:
        # held open until close(), not a with-block: it outlives this call
        self._spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
        # first entry index -> (entry count, offset in the spool, each body's length)
        self._chunks: dict[int, tuple[int, int, tuple[int, ...]]] = {}
        self._end = 0

    def add(self, first: int, size: int, reports: tuple[bytes, ...]) -> bool:
        """Keep one chunk's bodies; False (nothing kept) when they cannot be used."""
        if size <= 0 or first in self._chunks or len(reports) != len(REPORT_ORDER):
            return False
        spool = self._spool
        spool.seek(self._end)
        for body in reports:
            spool.write(body)
        self._chunks[first] = (size, self._end, tuple(map(len, reports)))
        self._end += sum(map(len, reports))
        return True

    def chunk_of(self, index: int) -> tuple[int, int] | None:
        """(first entry, entry count) of the chunk holding entry `index`, if one does."""
        for first, (size, _, _) in self._chunks.items():
            if first <= index < first + size:
                return first, size
        return None

    def replace(self, first: int, reports: tuple[bytes, ...]) -> bool:
        """Render one kept chunk again (a review changed one of its results): its new
        bodies go to the end of the spool; False when there is no such chunk."""
        if first not in self._chunks or len(reports) != len(REPORT_ORDER):
            return False
        size = self._chunks.pop(first)[0]
        return self.add(first, size, reports)

    def absorb(self, other: RenderedRows) -> bool:
        """Keep `other`'s chunks too (a resumed playlist's earlier rows: earlier.py);
        False when one of them cannot be kept."""
        source = other._spool
        for first, (size, offset, lengths) in sorted(other._chunks.items()):
            source.seek(offset)
            if not self.add(first, size, tuple(source.read(n) for n in lengths)):
                return False
        return True

    def bodies(self, entries: int) -> dict[str, Iterator[bytes]] | None:
        """Each report's rows in entry order, read from the spool as they are written;
        None unless the chunks cover `entries` entries without overlapping."""
        chunks = sorted(self._chunks.items())
        end, count = -1, 0
        for first, (size, _, _) in chunks:
            if first <= end:
                return None
            end, count = first + size - 1, count + size
        if count != entries:
            return None
        return {kind: self._read(chunks, k) for k, kind in enumerate(REPORT_ORDER)}

    def _read(
        self, chunks: list[tuple[int, tuple[int, int, tuple[int, ...]]]], kind: int
    ) -> Iterator[bytes]:
        spool = self._spool
        for _first, (_size, offset, lengths) in chunks:
            spool.seek(offset + sum(lengths[:kind]))
            yield spool.read(lengths[kind])

    def close(self) -> None:
        """Let the spool go (its temporary file, if it has one, is removed)."""
        self._spool.close()
        self._chunks.clear()
